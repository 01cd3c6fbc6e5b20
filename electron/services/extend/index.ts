/**
 * Extending a SLIP-39 backup in the main process (issue 17.2): the same run and steps as the CLI (core/extend/steps.ts)
 * with the world main alone touches: the air-gap check, the quorum's shares as the recovery screens read them (typed
 * words, shard text, a scanned code), the witnesses' keys, and the transcript saved after every step.
 *
 * It answers in the refresh/repair service's shapes (electron/services/lifecycle/types.ts), so the same screen drives
 * both; `number` is a 1-based member number here. Rules it keeps, as that service does:
 * - A step is in the transcript and the transcript saved before the call returns; if saving fails the step did not
 *   happen (memory unchanged).
 * - Shares live only in the secret store (as their words' ASCII bytes) and are wiped: a new share once its custodian
 *   typed it back, everything at the wipe step, an abort and shutdown. Only the share being handed over leaves main.
 * - Calls are served one at a time (a queue).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type KindRun, abortKindRun, nextKindSteps, signKindCheckpoint } from '../../../core/ceremony-kinds/run';
import { KeyshardError } from '../../../core/errors';
import { recordAirGap, recordDestroy, recordExtendConfirm, recordExtendHandoff, recordExtendMake, recordExtendQuorumShare, recordExtendSeal, startExtend } from '../../../core/extend/steps';
import type { ExtensionRecord } from '../../../core/extend/records';
import { citeSlip39Source, withEarlierExtensions } from '../../../core/extend/transcript';
import { type ExtensionInput, readExtensionInputs } from '../custody/index';
import { planQrFrames, planTexts } from '../../../core/qr/index';
import { parseFinalHashInput } from '../../../core/recovery-trust';
import { encodeShareAscii } from '../../../core/slip39/share';
import { MAX_TRANSCRIPT_BYTES, type VerifyOk, verifyTranscriptText } from '../../../core/transcript';
import { verifyAgainstPaper } from '../../../core/transcript-status';
import { loadWitnessKey } from '../ceremony/steps/witness-keys';
import { createWitnessRegistry } from '../ceremony/witness-registry';
import type { LifecycleConfirmRequest, LifecycleCustodian, LifecycleHandoffView, LifecycleServiceDeps, LifecycleSignOffRequest, LifecycleStatus } from '../lifecycle/types';
import { openProtected as defaultOpenProtected } from '../protection/index';
import { readShardInput, wipeCandidate } from '../recovery/inputs';
import type { ShardInput } from '../recovery/types';
import { createSecretStore, type SecretHandle } from '../secrets/index';
import { createTranscriptStore, type TranscriptStore } from '../transcript-store/index';
import type { LoadedWitnessKey } from '../witness/credential';
import { withWitnessSigner } from '../lifecycle/witness-sign-off';

export type ExtendStatus = Omit<LifecycleStatus, 'kind'> & { readonly kind: 'extend' | null };

export interface ExtendStartRequest {
  readonly label: string;
  /** The sealed transcript (text) of the key ceremony that split the SLIP-39 backup. */
  readonly sourceTranscript: string;
  readonly finalHash?: string;
  /** 1-based group to extend. */
  readonly group: number;
  /** The new custodians; `number` is each one's new member number, 1-based. */
  readonly custodians: readonly LifecycleCustodian[];
  readonly witnessIds?: readonly string[];
  /** Earlier extensions of the same key ceremony: their member numbers are taken, their members may be in the quorum. */
  readonly earlierExtensions?: readonly ExtensionInput[];
}

export interface ExtendService {
  status(): Promise<ExtendStatus>;
  loadWitnessKey(request: { readonly path: string; readonly witnessId?: string }): Promise<LoadedWitnessKey>;
  start(request: ExtendStartRequest): Promise<ExtendStatus>;
  checkAirGap(): Promise<ExtendStatus>;
  addShare(request: { readonly input: ShardInput; readonly custodianId?: string }): Promise<ExtendStatus>;
  make(): Promise<ExtendStatus>;
  handoff(request: { readonly custodianId: string }): Promise<Omit<LifecycleHandoffView, 'status'> & { readonly status: ExtendStatus }>;
  confirm(request: LifecycleConfirmRequest): Promise<ExtendStatus>;
  destroy(): Promise<ExtendStatus & { readonly wiped: number }>;
  seal(): Promise<ExtendStatus>;
  signOff(request: LifecycleSignOffRequest): Promise<ExtendStatus>;
  abort(request: { readonly reason: string }): Promise<ExtendStatus>;
  close(): Promise<ExtendStatus>;
  shutdown(): Promise<void>;
}

interface Session {
  run: KindRun;
  readonly store: TranscriptStore;
  readonly source: VerifyOk;
  readonly extensions: readonly ExtensionRecord[];
  readonly custodians: readonly LifecycleCustodian[];
  /** The group's member threshold: from an earlier extension of the group when one is given, else the first quorum share. */
  needed: number | null;
  quorum: { readonly member: number; readonly handle: SecretHandle }[];
  made: Map<string, SecretHandle>;
  handedOver: Set<string>;
  confirmed: Set<string>;
}

const transition = (message: string): KeyshardError => new KeyshardError('CEREMONY_TRANSITION', message);
const words = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export function createExtendService(deps: Omit<LifecycleServiceDeps, 'random'> & { readonly random: (length: number) => Uint8Array }): ExtendService {
  const secrets = createSecretStore();
  const witnesses = createWitnessRegistry();
  const open = deps.openProtected ?? defaultOpenProtected;
  let s: Session | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const root = (): string => (typeof deps.transcriptDir === 'function' ? deps.transcriptDir() : deps.transcriptDir);

  function statusOf(x: Session | null): ExtendStatus {
    if (x === null) {
      return { active: false, kind: null, status: null, ceremonyId: null, label: null, next: [], pendingSignOff: null, witnessIds: [], groupFingerprint: null, threshold: null, custodians: [], quorum: [], quorumNeeded: null, entries: 0, headHash: null, transcriptPath: join(root(), 'transcript.json') };
    }
    const head = x.run.transcript.entries[x.run.transcript.entries.length - 1]!;
    return {
      active: x.run.status === 'active',
      kind: 'extend',
      status: x.run.status,
      ceremonyId: x.run.transcript.ceremonyId,
      label: (x.run.transcript.entries[0]!.data as { label: string }).label,
      next: nextKindSteps(x.run),
      pendingSignOff: x.run.pending,
      witnessIds: x.run.witnessIds,
      groupFingerprint: null,
      threshold: x.needed,
      custodians: x.custodians.map((k) => ({ ...k, handedOver: x.handedOver.has(k.id), confirmed: x.confirmed.has(k.id) })),
      quorum: x.quorum.map((q) => q.member + 1),
      quorumNeeded: x.needed,
      entries: x.run.transcript.entries.length,
      headHash: head.hash,
      transcriptPath: x.store.transcriptPath,
    };
  }

  function running(): Session {
    if (s === null) throw transition('No share extension is running. Start one from the start screen.');
    if (s.run.status !== 'active') throw transition(`This ceremony is ${s.run.status}; it accepts no more steps.`);
    return s;
  }

  async function commit(x: Session, next: KindRun): Promise<void> {
    await x.store.saveTranscript(next.transcript);
    x.run = next;
  }

  function wipeAll(x: Session | null): number {
    if (x !== null) {
      x.quorum = [];
      x.made = new Map();
    }
    return secrets.destroyAll();
  }

  async function start(r: ExtendStartRequest): Promise<ExtendStatus> {
    if (s !== null && s.run.status === 'active') throw transition('A share extension is already running. Finish or abort it first.');
    if (typeof r.sourceTranscript !== 'string' || r.sourceTranscript.length > MAX_TRANSCRIPT_BYTES) {
      throw new KeyshardError('INVALID_ARGUMENT', 'Give the sealed transcript of the key ceremony that split this SLIP-39 backup.');
    }
    const expected = r.finalHash === undefined || r.finalHash.trim() === '' ? undefined : parseFinalHashInput(r.finalHash);
    // The paper's hash still holds for a transcript given sign-offs or custody receipts after its seal since.
    const v = verifyAgainstPaper((o) => verifyTranscriptText(r.sourceTranscript, o), expected).result;
    if (!v.ok) throw new KeyshardError(v.code, v.reason, { firstBadSeq: v.firstBadSeq });
    const witnessIds = [...(r.witnessIds ?? [])];
    const keys = witnessIds.map((id) => {
      const w = witnesses.get(id);
      if (w === undefined) throw new KeyshardError('WITNESS_KEY', `The key of witness "${id.slice(0, 64)}" is not loaded. Load their key file first.`, { witnessId: id });
      return { id, algorithm: w.key.algorithm, publicKey: w.key.publicKey };
    });
    const extensions = readExtensionInputs(v, r.earlierExtensions ?? []);
    const ceremonyId = bytesToHex(deps.random(16));
    const run = startExtend({
      ceremonyId,
      clock: deps.clock,
      label: r.label,
      source: withEarlierExtensions(citeSlip39Source(v), extensions),
      group: r.group - 1,
      custodians: r.custodians.map((c) => ({ id: c.id, name: c.name, member: c.number - 1 })),
      witnessIds,
      ...(keys.length === 0 ? {} : { witnessKeys: keys }),
    });
    const folder = join(root(), `extend-${ceremonyId.slice(0, 12)}`);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const store = deps.transcriptStore !== undefined && folder === deps.transcriptStore.dir ? deps.transcriptStore : createTranscriptStore(folder);
    await store.saveTranscript(run.transcript);
    wipeAll(s);
    // The key ceremony's transcript does not record a group's member threshold (its plan file does); an earlier
    // extension of the same group recorded it when it made its shares, so the screen can say it from the start.
    const known = extensions.find((x) => x.group === r.group - 1 && x.memberThreshold !== null)?.memberThreshold ?? null;
    s = { run, store, source: v, extensions, custodians: r.custodians.map((c) => ({ id: c.id, name: c.name, number: c.number })), needed: known, quorum: [], made: new Map(), handedOver: new Set(), confirmed: new Set() };
    return statusOf(s);
  }

  async function checkAirGap(): Promise<ExtendStatus> {
    const x = running();
    const report = await deps.airgap.check();
    const interfacesUp = report.interfaces.filter((i) => i.up && i.kind !== 'loopback' && i.name !== 'lo').map((i) => i.name);
    if (!report.ok) {
      throw new KeyshardError('AIRGAP_NETWORK_UP', `This computer is not air-gapped: ${interfacesUp.join(', ') || 'a radio'} is up. Take it down and check again.`, { interfacesUp });
    }
    await commit(x, recordAirGap(x.run, { passed: true, interfacesUp }));
    return statusOf(x);
  }

  async function addShare(request: { input: ShardInput }): Promise<ExtendStatus> {
    const x = running();
    if ('driveFile' in request.input || 'token' in request.input) {
      throw new KeyshardError('INVALID_ARGUMENT', 'Type the share, scan its code, or add its file with its key here; read a USB drive or token shard through the recovery screen first.');
    }
    const candidate = await readShardInput(request.input, x.quorum.length + 1, open);
    let ascii: Uint8Array | null = null;
    try {
      if (candidate.kind !== 'slip39') throw new KeyshardError('SHARES_MISMATCH', 'This is a verifiable (FROST) share; an extension works on SLIP-39 shares. Verifiable shares are refreshed or repaired instead.');
      ascii = encodeShareAscii(candidate.share);
      const done = recordExtendQuorumShare(x.run, x.source, words(ascii), x.extensions);
      await commit(x, done.run);
      x.needed = candidate.share.memberThreshold;
      x.quorum.push({ member: done.member, handle: secrets.put(`quorum share ${x.quorum.length + 1}`, ascii) });
      return statusOf(x);
    } finally {
      ascii?.fill(0);
      wipeCandidate(candidate);
    }
  }

  async function make(): Promise<ExtendStatus> {
    const x = running();
    if (x.run.transcript.entries.some((e) => e.kind === 'extend')) throw transition('The new shares were made already. Hand them over, or abort.');
    if (x.needed === null || x.quorum.length < x.needed) {
      const missing = x.needed === null ? null : x.needed - x.quorum.length;
      throw new KeyshardError('BELOW_THRESHOLD', missing === null ? "Take in the quorum's shares first." : `${missing} more ${missing === 1 ? 'share is' : 'shares are'} needed before the new shares can be made.`);
    }
    const made = recordExtendMake(x.run, x.quorum.map((q) => words(secrets.read(q.handle))));
    await commit(x, made.run);
    for (const m of made.shares) {
      const bytes = new TextEncoder().encode(m.mnemonic);
      x.made.set(m.custodianId, secrets.put(`new share of ${m.custodianId.slice(0, 40)}`, bytes));
    }
    return statusOf(x);
  }

  async function handoff(request: { custodianId: string }) {
    const x = running();
    const h = x.made.get(request.custodianId);
    if (h === undefined) throw transition(x.confirmed.has(request.custodianId) ? 'This custodian already typed their new share back.' : 'There is no new share for this custodian yet: make the new shares first.');
    const who = x.custodians.find((k) => k.id === request.custodianId)!;
    const mnemonic = words(secrets.read(h));
    if (!x.handedOver.has(who.id)) await commit(x, recordExtendHandoff(x.run, who.id, 'screen', mnemonic));
    x.handedOver.add(who.id);
    const list = mnemonic.split(' ');
    // Numbered words, four to a line: what the custodian copies onto their paper.
    const lines: string[] = [];
    for (let i = 0; i < list.length; i += 4) lines.push(list.slice(i, i + 4).map((word, j) => `${String(i + j + 1).padStart(2)}. ${word.padEnd(9)}`).join(' ').trimEnd());
    return { custodianId: who.id, custodianName: who.name, number: who.number, envelopeText: mnemonic, paperText: lines.join('\n'), qrFrames: planTexts(planQrFrames(secrets.read(h))), status: statusOf(x) };
  }

  async function confirm(request: LifecycleConfirmRequest): Promise<ExtendStatus> {
    const x = running();
    const h = x.made.get(request.custodianId);
    if (h === undefined || !x.handedOver.has(request.custodianId)) throw transition('Hand this custodian their share before they type it back.');
    if (!('text' in request.response)) throw new KeyshardError('INVALID_ARGUMENT', 'Type the new share back, word by word.');
    await commit(x, recordExtendConfirm(x.run, request.custodianId, words(secrets.read(h)), request.response.text, request.method));
    // The custodian holds it now: main keeps no copy.
    secrets.destroy(h);
    x.made.delete(request.custodianId);
    x.confirmed.add(request.custodianId);
    return statusOf(x);
  }

  async function destroy(): Promise<ExtendStatus & { wiped: number }> {
    const x = running();
    const unconfirmed = x.custodians.filter((k) => !x.confirmed.has(k.id));
    if (unconfirmed.length > 0) throw transition(`${unconfirmed.map((k) => k.name).join(', ')} ${unconfirmed.length === 1 ? 'has' : 'have'} not typed their share back yet.`);
    const wiped = wipeAll(x);
    await commit(x, recordDestroy(x.run, ['quorum shares', 'new shares']));
    return { ...statusOf(x), wiped };
  }

  async function seal(): Promise<ExtendStatus> {
    const x = running();
    await commit(x, recordExtendSeal(x.run));
    if (x.run.status !== 'active') witnesses.releaseAll();
    return statusOf(x);
  }

  async function signOff(request: LifecycleSignOffRequest): Promise<ExtendStatus> {
    const x = running();
    await withWitnessSigner(witnesses, request, async (signer) => commit(x, await signKindCheckpoint(x.run, signer)));
    if (x.run.status !== 'active') witnesses.releaseAll();
    return statusOf(x);
  }

  async function abort(request: { reason: string }): Promise<ExtendStatus> {
    const x = running();
    wipeAll(x);
    const reason = typeof request.reason === 'string' && request.reason.trim() !== '' ? request.reason.trim() : 'no reason given';
    await commit(x, abortKindRun(x.run, reason));
    witnesses.releaseAll();
    return statusOf(x);
  }

  return {
    status: () => serial(async () => statusOf(s)),
    loadWitnessKey: (request) => serial(() => loadWitnessKey({ witnesses, hsm: deps.hsm, pins: deps.pins }, request)),
    start: (request) => serial(() => start(request)),
    checkAirGap: () => serial(checkAirGap),
    addShare: (request) => serial(() => addShare(request)),
    make: () => serial(make),
    handoff: (request) => serial(() => handoff(request)),
    confirm: (request) => serial(() => confirm(request)),
    destroy: () => serial(destroy),
    seal: () => serial(seal),
    signOff: (request) => serial(() => signOff(request)),
    abort: (request) => serial(() => abort(request)),
    close: () =>
      serial(async () => {
        if (s !== null && s.run.status === 'active') throw transition('The ceremony is still running: finish or abort it first.');
        wipeAll(s);
        s = null;
        return statusOf(s);
      }),
    shutdown: () => {
      wipeAll(s);
      witnesses.releaseAll();
      return serial(async () => {
        wipeAll(s);
        witnesses.releaseAll();
        s = null;
      });
    },
  };
}

