/**
 * The ceremony as the service holds it in memory (one per session), and the small pure helpers every step handler
 * uses to read it. Nothing here writes the transcript or touches a device: that is the service's (record) and each
 * step's own business.
 */
import { nextActions, type CeremonyState, type CeremonyStep, type WitnessKey } from '../../../../core/ceremony';
import type { Deviation } from '../../../../core/ceremony-kinds/exceptions';
import { KeyshardError } from '../../../../core/errors';
import type { CeremonyPlan, Custodian } from '../../../../core/policy';
import type { Transcript } from '../../../../core/transcript';
import type { SecretHandle } from '../../secrets/index';
import type { TranscriptStore } from '../../transcript-store/index';
import type { SecretIdentity } from '../secret-kinds';
import type { TokenBinding, TokenRef } from '../tokens';
import type { FingerprintView, HandoffView } from '../types';

export interface HeldShard {
  readonly index: number;
  readonly ref: Custodian['shares'][number];
  readonly handle: SecretHandle;
}

export interface Delivered {
  readonly view: HandoffView;
  /** Written file bytes (ciphertext, public) per shard, for read-back. */
  readonly files: { readonly location: string; readonly bytes: Uint8Array }[];
}

/** One running (or ended, or resumed) ceremony. Secrets are only handles into the secret store. */
export interface Session {
  readonly plan: CeremonyPlan;
  readonly store: TranscriptStore;
  readonly ceremonyIdHex: string;
  state: CeremonyState;
  transcript: Transcript;
  /** Transcript seq of the last main step's entry: what a witness sign-off signs. */
  checkpointSeq: number | null;
  lost: 'secret-lost' | 'secret-lost-after-handoff' | null;
  entropyNeeded: string[] | null;
  material: SecretHandle | null;
  splitSeed: SecretHandle | null;
  master: SecretHandle | null;
  identity: SecretIdentity | null;
  shards: Map<string, HeldShard[]>;
  split: { identifier?: number; commitments?: string[] } | null;
  delivered: Delivered | null;
  /** pkcs11 custodians' tokens, by custodian id, as checked at start. */
  tokens: Map<string, TokenBinding>;
  /** The token chosen at start for entropy, if any. */
  entropyToken: TokenRef | null;
  /** A deviation main saw (a failed confirmation) that must be recorded as an exception before going on (steps/exception.ts). */
  deviation: PendingDeviation | null;
  /**
   * A repeat whose step-repeated exception is recorded (a USB custodian's file written again): the repeat may go
   * ahead, once; cleared when it has worked.
   */
  repeatCleared: { readonly stepId: string; readonly custodianId: string | null } | null;
  /** Custodians whose paper backup the page has printed in this session (steps/reprint.ts): a second print repeats the handoff. */
  printed: Set<string>;
}

export interface PendingDeviation {
  readonly stepId: string;
  readonly custodianId: string | null;
  readonly deviation: Deviation;
  /** The step's number in the printed script ("9.2"). */
  readonly number: string;
  /** What happened, one sentence for the screen (no secret). */
  readonly what: string;
}

/** A fresh session with no secret in it (start and resume fill in what they know). */
export function newSession(
  base: Pick<Session, 'plan' | 'store' | 'ceremonyIdHex' | 'state' | 'transcript' | 'checkpointSeq' | 'lost' | 'entropyNeeded' | 'tokens' | 'entropyToken'>,
): Session {
  return { ...base, material: null, splitSeed: null, master: null, identity: null, shards: new Map(), split: null, delivered: null, deviation: null, repeatCleared: null, printed: new Set() };
}

export function fingerprintView(hex: string): FingerprintView {
  return { hex, display: (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ') };
}

export function transition(message: string, details?: Record<string, unknown>): KeyshardError {
  return new KeyshardError('CEREMONY_TRANSITION', message, details);
}

/** Refuses a step core would refuse, before any work (entropy, encryption) is done for it. */
export function expectStep(c: Session, step: CeremonyStep, custodianId?: string): void {
  const actions = nextActions(c.state);
  if (actions.some((a) => a.step === step && (custodianId === undefined || a.custodianId === undefined || a.custodianId === custodianId))) return;
  const hints = actions.filter((a) => a.step !== 'abort').map((a) => a.hint);
  throw transition(`"${step}" cannot happen now. ${hints.length > 0 ? `Next: ${hints.join(' ')}` : 'Only abort is possible.'}`, {
    step,
    lastStep: c.state.lastStep,
    expected: actions.map((a) => ({ step: a.step, ...(a.custodianId === undefined ? {} : { custodianId: a.custodianId }) })),
  });
}

export function custodianOf(c: Session, id: string): Custodian {
  const found = c.plan.custodians.find((x) => x.id === id);
  if (found === undefined) throw new KeyshardError('INVALID_ARGUMENT', `"${id}" is not a custodian of this plan; check the id.`, { custodianId: id });
  return found;
}

export function nameOf(c: Session, id: string): string {
  return c.plan.custodians.find((x) => x.id === id)?.name ?? c.plan.witnesses.find((w) => w.id === id)?.name ?? id;
}

/** The witness keys the plan entry pinned (sign-offs are checked against these, never against what is loaded now). */
export function pinnedKeys(c: Session): WitnessKey[] {
  const keys = c.state.records[0]?.data['witnessKeys'];
  return Array.isArray(keys) ? (keys as unknown as WitnessKey[]) : [];
}

/** The fingerprint witnesses type back at the open checkpoint: the key's once there is one, else the checkpoint's hash. */
export function confirmOf(c: Session): { kind: 'key-fingerprint' | 'checkpoint-hash'; hex: string } {
  if (c.state.fingerprint !== null) return { kind: 'key-fingerprint', hex: c.state.fingerprint };
  const target = c.checkpointSeq === null ? undefined : c.transcript.entries[c.checkpointSeq - 1];
  return { kind: 'checkpoint-hash', hex: target?.hash ?? '' };
}
