/**
 * The ceremony service: drives core/ceremony.ts step by step with the real services (air gap, entropy, secret store,
 * protection, QR, transcript store, witnesses) in the main process.
 *
 * Rules it keeps:
 * - Every step is recorded in the transcript and the transcript is saved (atomically) before the method returns; if
 *   saving fails, the step did not happen (nothing changes in memory) and the method throws TRANSCRIPT_WRITE. A crash
 *   therefore loses no completed step.
 * - Secrets live only in the secret store, in Uint8Arrays, and never reach the disk: the transcript and plan are
 *   public. Only the current custodian's shard leaves the service, for display, and the service drops its displayable
 *   copy once that custodian has confirmed.
 * - Abort (at any step) zeroizes every secret and records the abort. Destroy zeroizes the master secret and every
 *   shard buffer before it is recorded.
 * - A witness sign-off records two transcript entries written together: the ceremony's `sign-off` record, then the
 *   witness's `signoff` entry whose signature covers the checkpoint entry (and with it the whole chain up to it).
 * - Resume rebuilds the state from the transcript (verified) with core's replay. Secrets are never on disk: after a
 *   crash past generate/import the secret is gone, and the ceremony says so (secret-lost, or secret-lost-after-handoff
 *   with the custodians who already hold shards) and offers only abort. It never re-generates or re-uses a secret.
 *
 * - PKCS#11 tokens (tokens.ts): every pkcs11 custodian's token is checked at start (present, usable, capable, one per
 *   custodian) before anything is recorded; a handoff logs in with the custodian's PIN (per call, never kept), stores
 *   the shard as a private data object, reads it back and logs out, and only then records the step; confirm reads it
 *   back again. A token failure (wrong PIN, locked, full, pulled) leaves the ceremony exactly where it was. Token
 *   facts (label, serial, object label) go into extra transcript entries saved with the step they belong to.
 *
 * Calls are served one at a time (a queue), so two screens clicking at once cannot interleave steps.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  CEREMONY_STEPS,
  CONFIRMATION_METHODS,
  CONFIRMATION_PROVES,
  apply,
  createCeremony,
  nextActions,
  replay,
  type CeremonyEvent,
  type CeremonyRecord,
  type CeremonyState,
  type CeremonyStep,
  type ConfirmationMethod,
  type JsonObject,
  type RecoveryShardSource,
  type WitnessKey,
} from '../../../core/ceremony';
import { encodeEnvelope, encodeSlip39Payload, envelopeFromText, envelopeToText, EnvelopeScheme, decodeEnvelope, wipeEnvelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { analyzeCoalitions, parsePlan, reachesQuorum, type CeremonyPlan, type Custodian } from '../../../core/policy';
import { createQrAssembler } from '../../../core/qr/index';
import { mnemonicWords } from '../../../core/slip39/index';
import { appendEntry, createTranscript, resumeTranscript, type Transcript, type WitnessSigner } from '../../../core/transcript';
import { gatherEntropy } from '../entropy/index';
import { createKeyStretcher } from '../kdf/index';
import { openProtected as defaultOpenProtected, protectEnvelopeText, type Protection as ProtectionKind } from '../protection/index';
import { createSecretStore, type SecretHandle } from '../secrets/index';
import { createTranscriptStore, type TranscriptStore } from '../transcript-store/index';
import { shardFileName } from '../usb/shard-files';
import { checkWitnessKey, checkWitnessSigner, loadWitnessKeyFile, signAndVerify } from '../witness/index';
import { checkFingerprintTyped, keyFileCredential, signerCredential, type LoadedWitnessKey, type OpenedWitness, type WitnessCredential } from '../witness/credential';
import { witnessPublicKeyProblem } from '../../../core/policy/witness-key';
import { compareEnvelopeBytes, compareShardText, compareWords, ctEqualBytes, describeMismatch, type Mismatch } from './compare';
import { checkImportedSecret, identityOf, secretFromMaterial, secretShape, type SecretIdentity } from './secret-kinds';
import { custodianLabel, recoverFromShards, shardView, shardWords, splitIntoShards, verifyingShareOf, type ShardView } from './shards';
import { splitRandomSource } from './split-random';
import {
  aboutCustodian,
  bindingsFromEntry,
  checkDevices as inspectDevices,
  CUSTODIAN_TOKEN_NEEDS,
  deviceCheckError,
  ENTROPY_TOKEN_NEEDS,
  findChosen,
  hasTokenCustodians,
  pinFor,
  requireHsm,
  TOKEN_ENTRY_KINDS,
  TOKEN_STORE_METHOD,
  tokenCheckEntry,
  tokenText,
  WITNESS_TOKEN_NEEDS,
  withPort,
  withSession,
  type DeviceCheck,
  type ExtraEntry,
  type TokenBinding,
  type TokenRef,
} from './tokens';
import { requireCapabilities } from '../hsm/capabilities';
import type { HsmPort, HsmSession } from '../hsm/types';
import type {
  AbortRequest,
  AirGapRequest,
  AirGapResponse,
  CeremonyPhase,
  CeremonyService,
  CeremonyServiceDeps,
  CeremonyStatus,
  ConfirmRequest,
  DeviceCheckRequest,
  DeviceCheckResponse,
  LoadWitnessTokenRequest,
  TokenChoice,
  CeremonyHsm,
  TokenStoreView,
  ConfirmResponse,
  DestroyRequest,
  DestroyResponse,
  EntropyRequestBody,
  EntropyResponse,
  FingerprintView,
  HandoffRequest,
  HandoffView,
  ImportRequest,
  RecoveryRequest,
  RecoveryResponse,
  ResumeRequest,
  SealResponse,
  SecretResponse,
  ShardResponse,
  SignOffResponse,
  SplitResponse,
  StartRequest,
} from './types';

import { custodianOf, expectStep, fingerprintView, nameOf, newSession, pinnedKeys, confirmOf, transition, type Delivered, type HeldShard, type Session } from './steps/session';
import { messageOf, statusOf as statusView } from './status';
import { createWitnessRegistry } from './witness-registry';
import type { StepKit } from './steps/kit';
import { abort } from './steps/abort';
import { checkAirGap } from './steps/airgap';
import { checkDevices } from './steps/device-check';
import { resume } from './steps/resume';
import { start } from './steps/start';
import { destroy } from './steps/destroy';
import { gatherEntropyStep } from './steps/entropy';
import { generate, importSecret } from './steps/secret';
import { split } from './steps/split';
import { seal } from './steps/seal';

export * from './types';
export { PAPER_LAYOUT } from './compare';
export { recoverFromTokens, ceremonyFacts, type RecoverFromTokensRequest, type TokenRecovery, type TokenShardSource } from './token-recovery';
export { TOKEN_ENTRY_KINDS, TOKEN_STORE_METHOD } from './tokens';


function protectionOf(c: Custodian): ProtectionKind {
  const p = c.protection;
  if (p.type === 'age') return { kind: 'age', recipient: p.recipient };
  if (p.type === 'openpgp') return { kind: 'openpgp', publicKeyArmored: p.publicKeyArmored };
  if (p.type === 'none') return { kind: 'none' };
  throw new KeyshardError('HSM_MODULE', `${c.name}'s shard is to be stored on a PKCS#11 token, which this build cannot do yet. Change the plan's medium for ${c.name}, or abort.`, {
    custodianId: c.id,
  });
}

export function createCeremonyService(deps: CeremonyServiceDeps): CeremonyService {
  const secrets = deps.secrets ?? createSecretStore();
  // SLIP-39 key stretching (split, test recovery) runs on libuv's pool (electron/services/kdf), never on main's thread.
  // It is bounded by keyshard's own iteration exponent: test recovery refuses shards announcing another.
  const kdf = deps.kdf ?? createKeyStretcher();
  const protect = deps.protect ?? protectEnvelopeText;
  const open = deps.openProtected ?? defaultOpenProtected;
  /** Loaded witnesses; all are forgotten when the ceremony ends (sealed, aborted) or the service shuts down. */
  const witnesses = createWitnessRegistry();
  let ctx: Session | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs calls one at a time, in order. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  /** A ceremony that has ended (sealed, aborted) keeps no witness's key: the next one needs them loaded again. */
  function dropWitnessesIfEnded(c: Session | null): void {
    if (c !== null && c.state.status !== 'active') witnesses.releaseAll();
  }

  const storeFor = (dir: string): TranscriptStore =>
    deps.transcriptStore !== undefined && dir === deps.transcriptStore.dir ? deps.transcriptStore : createTranscriptStore(dir);

  const statusOf = (c: Session | null): CeremonyStatus => statusView(c, () => storeFor(deps.transcriptDir).transcriptPath);

  // -------------------------------------------------------------------------------------------------------------
  // Guards and recording

  function running(): Session {
    if (ctx === null) throw transition('No ceremony is running. Start one from a plan, or resume one from its transcript.');
    if (ctx.lost !== null) {
      throw new KeyshardError('CEREMONY_SECRET_LOST', messageOf(ctx), { phase: ctx.lost, custodiansHoldingShards: [...ctx.state.handedOff] });
    }
    if (ctx.state.status !== 'active') {
      throw transition(`The ceremony is ${ctx.state.status}; it accepts no more steps. Start a new ceremony if needed.`, { status: ctx.state.status });
    }
    return ctx;
  }

  /**
   * Applies one event, appends its record to the transcript and saves it; only then updates memory. Token entries
   * (`extra`) are written in the same save, before the step's entry (or after it, for the plan, which must come first).
   */
  async function record(c: Session, event: CeremonyEvent, extra: { readonly before?: readonly ExtraEntry[]; readonly after?: readonly ExtraEntry[] } = {}): Promise<CeremonyRecord> {
    const next = apply(c.state, event);
    const rec = next.records[next.records.length - 1]!;
    let t = c.transcript;
    for (const x of extra.before ?? []) t = appendEntry(t, x.kind, x.data, { at: rec.at });
    t = appendEntry(t, rec.step, rec.data, { at: rec.at });
    const stepSeq = t.entries.length;
    for (const x of extra.after ?? []) t = appendEntry(t, x.kind, x.data, { at: rec.at });
    await c.store.saveTranscript(t);
    c.state = next;
    c.transcript = t;
    if ((CEREMONY_STEPS as readonly string[]).includes(rec.step)) c.checkpointSeq = stepSeq;
    dropWitnessesIfEnded(c);
    return rec;
  }

  /**
   * A witness's sign-off: the `sign-off` record, then `sign`'s signature entry over the checkpoint (and with it the
   * whole chain up to it), saved together; only then memory changes. The checkpoint stays the last main step.
   */
  async function recordSigned(c: Session, event: CeremonyEvent, sign: (withRecord: Transcript, checkpointSeq: number) => Promise<Transcript>): Promise<void> {
    if (c.checkpointSeq === null) throw new KeyshardError('INTERNAL', 'No checkpoint is open for a sign-off. Abort and start again.');
    const next = apply(c.state, event);
    const rec = next.records[next.records.length - 1]!;
    const signed = await sign(appendEntry(c.transcript, rec.step, rec.data, { at: rec.at }), c.checkpointSeq);
    await c.store.saveTranscript(signed);
    c.state = next;
    c.transcript = signed;
    dropWitnessesIfEnded(c);
  }

  function dropDisplay(c: Session): void {
    c.delivered = null;
  }

  function wipeEverything(c: Session | null): number {
    if (c !== null) {
      c.material = null;
      c.splitSeed = null;
      c.master = null;
      c.shards = new Map();
      c.delivered = null;
    }
    return secrets.destroyAll();
  }

  /** What the step handlers are given; each handler's kit type names the few members it uses. */
  const kit: StepKit = {
    clock: deps.clock,
    random: deps.random,
    airgap: deps.airgap,
    hsm: deps.hsm,
    hsmRandom: deps.hsmRandom,
    pins: deps.pins,
    usb: deps.usb,
    qr: deps.qr,
    slip39: deps.slip39,
    build: deps.build,
    transcriptDir: deps.transcriptDir,
    secrets,
    kdf,
    protect,
    openProtected: open,
    witnesses,
    record,
    recordSigned,
    status: statusOf,
    wipe: wipeEverything,
    storeFor,
  };

  function viewFor(c: Session, custodian: Custodian, shards: ShardView[], files: HandoffView['files']): HandoffView {
    return {
      custodianId: custodian.id,
      custodianName: custodian.name,
      medium: custodian.medium,
      protection: custodian.protection.type,
      fingerprint: fingerprintView(c.state.fingerprint ?? ''),
      confirmWith: [...CONFIRMATION_METHODS[custodian.medium]],
      shards,
      files,
      status: statusOf(c),
    };
  }

  /** Makes what leaves the service for this custodian: the display, or the protected files (written after recording). */
  async function prepareHandoff(c: Session, custodian: Custodian): Promise<{ shards: ShardView[]; files: { index: number; fileName: string; protection: string; data: Uint8Array }[] }> {
    const held = c.shards.get(custodian.id) ?? [];
    if (custodian.medium === 'usb') {
      if (deps.usb === undefined) {
        throw new KeyshardError('USB_REMOVED', `No removable drive is available to write ${custodian.name}'s shard. Plug in their drive and try again.`, { custodianId: custodian.id });
      }
      const protection = protectionOf(custodian);
      const files: { index: number; fileName: string; protection: string; data: Uint8Array }[] = [];
      for (const [n, h] of held.entries()) {
        const envelope = decodeEnvelope(secrets.read(h.handle));
        let text: string;
        try {
          text = envelopeToText(envelope);
        } finally {
          wipeEnvelope(envelope);
        }
        const p = await protect(text, protection);
        const data = typeof p.data === 'string' ? new TextEncoder().encode(p.data) : p.data;
        // The USB service's shard file name, so recovery finds the file by its name alone.
        const fileName = shardFileName(c.ceremonyIdHex, c.plan.custodians.indexOf(custodian), p.fileExtension, held.length > 1 ? n + 1 : undefined);
        files.push({ index: h.index, fileName, protection: p.kind, data });
      }
      return { shards: [], files };
    }
    return { shards: held.map((h) => shardView(secrets.read(h.handle), h.index, h.ref, deps.qr)), files: [] };
  }

  type Prepared = Awaited<ReturnType<typeof prepareHandoff>>;

  /**
   * Writes a USB custodian's files (each atomically, read back by the port). Nothing is recorded here. On a first
   * handoff a failure removes the files this attempt already wrote (a custodian with several shares gets several
   * files), so a failed handoff leaves nothing of it on the stick.
   */
  async function writeFiles(custodian: Custodian, prepared: Prepared, again: boolean): Promise<{ written: Delivered['files']; files: HandoffView['files'][number][] }> {
    const written: Delivered['files'] = [];
    const files: HandoffView['files'][number][] = [];
    try {
      for (const f of prepared.files) {
        const { location } = await deps.usb!.write({ custodianId: custodian.id, fileName: f.fileName, data: f.data });
        written.push({ location, bytes: f.data });
        files.push({ index: f.index, location, fileName: f.fileName, protection: f.protection, bytes: f.data.length });
      }
    } catch (e) {
      if (again) {
        throw aboutCustodian(
          e,
          `${custodian.name}'s shard file was not written:`,
          custodian.id,
          // A failed rewrite may have removed the earlier file too (it is replaced, then checked): write it again.
          ` Write ${custodian.name}'s file again before confirming: the one written before may be gone from the stick.`,
        );
      }
      const left = await removeWritten(files);
      throw aboutCustodian(e, `${custodian.name}'s shard file was not written:`, custodian.id, ` The ceremony has not moved on.${leftText(files, left)}`);
    }
    return { written, files };
  }

  /** Removes the files a failed first handoff wrote; returns the names that may still be on the stick. */
  async function removeWritten(files: readonly HandoffView['files'][number][]): Promise<string[]> {
    const left: string[] = [];
    for (const f of files) {
      try {
        await deps.usb!.remove({ location: f.location });
      } catch {
        left.push(f.fileName);
      }
    }
    return left;
  }

  function leftText(files: readonly HandoffView['files'][number][], left: readonly string[]): string {
    if (files.length === 0) return '';
    if (left.length === 0) return ` The ${files.length === 1 ? 'file' : 'files'} written before the failure ${files.length === 1 ? 'was' : 'were'} removed from the stick.`;
    return ` ${left.join(', ')} could not be removed from the stick: delete ${left.length === 1 ? 'it' : 'them'} by hand before handing the shard over again.`;
  }

  function deliver(c: Session, custodian: Custodian, prepared: Prepared, out: { written: Delivered['files']; files: HandoffView['files'][number][] } = { written: [], files: [] }): HandoffView {
    const view = viewFor(c, custodian, prepared.shards, out.files);
    c.delivered = { view, files: out.written };
    return view;
  }

  // -------------------------------------------------------------------------------------------------------------
  // pkcs11 custodians (see tokens.ts)

  function tokenOf(c: Session, custodian: Custodian, why: string): { hsm: NonNullable<CeremonyServiceDeps['hsm']>; binding: TokenBinding } {
    const hsm = requireHsm(deps.hsm, `${custodian.name}'s shard ${why} their PKCS#11 token`);
    const binding = c.tokens.get(custodian.id);
    if (binding === undefined) {
      throw new KeyshardError(
        'HSM_MODULE',
        `No token was checked for ${custodian.name} when this ceremony started (no PKCS#11 module was set up then), so their shard cannot go on a token now. Abort, and start again with the module set up.`,
        { custodianId: custodian.id, reason: 'unchecked' },
      );
    }
    if (binding.custodianId !== custodian.id) throw new KeyshardError('INTERNAL', 'Token bindings are mixed up. Abort and start again.');
    return { hsm, binding };
  }

  /** The one shard a pkcs11 custodian holds (the start check refuses plans that give them more). */
  function tokenShard(c: Session, custodian: Custodian): HeldShard {
    const held = c.shards.get(custodian.id) ?? [];
    if (held.length !== 1) {
      throw new KeyshardError('POLICY_INVALID', `${custodian.name} holds ${held.length} shards, but a token keeps one shard per ceremony. Abort and give them one share in the plan.`, {
        custodianId: custodian.id,
      });
    }
    return held[0]!;
  }

  /**
   * Stores the custodian's shard on their token and reads it back: log in with their PIN, store the envelope as a
   * private, non-modifiable data object (the HSM service removes a partial object when a store fails), read it back
   * through a fresh search and compare in constant time, log out. Any failure leaves the ceremony where it was.
   */
  async function handoffToToken(c: Session, custodian: Custodian, again: boolean, pin: string | undefined): Promise<HandoffView> {
    const { hsm, binding } = tokenOf(c, custodian, 'cannot be stored on');
    const held = tokenShard(c, custodian);
    let token: TokenStoreView;
    try {
      const pinText = await pinFor(pin, deps.pins, { purpose: 'store', custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial });
      token = await withSession(hsm, binding.serial, pinText, CUSTODIAN_TOKEN_NEEDS, async (session) => {
        const envelope = decodeEnvelope(secrets.read(held.handle));
        let stored;
        try {
          stored = await session.storeShard(envelope);
        } finally {
          wipeEnvelope(envelope);
        }
        if (!(await sameOnToken(c, session, held))) {
          throw new KeyshardError('HSM_VERIFY', `The shard read back from token ${tokenText(binding)} is not the one that was stored. Do not rely on this token: use another one (abort, and plan it).`, {
            reason: 'read-back-mismatch',
          });
        }
        return {
          tokenLabel: binding.label,
          tokenSerial: binding.serial,
          objectLabel: stored.objectLabel,
          method: TOKEN_STORE_METHOD,
          bytes: stored.bytes,
          alreadyStored: stored.alreadyStored,
        } satisfies TokenStoreView;
      });
    } catch (e) {
      throw aboutCustodian(
        e,
        `${custodian.name}'s shard was not stored on their token ${tokenText(binding)}:`,
        custodian.id,
        again ? ` The shard stored on it before is still what ${custodian.name} holds.` : ' The ceremony has not moved on.',
      );
    }
    if (!again) await record(c, { step: 'handoff', custodianId: custodian.id }, { before: [{ kind: 'token-store', data: { custodianId: custodian.id, ...token } }] });
    const view: HandoffView = { ...viewFor(c, custodian, [], []), token };
    c.delivered = { view, files: [] };
    return view;
  }

  /** Reads this ceremony's shard on the session's token and compares it with the held one in constant time. */
  async function sameOnToken(c: Session, session: HsmSession, held: HeldShard): Promise<boolean> {
    const back = await session.readShard(c.ceremonyIdHex);
    let bytes: Uint8Array;
    try {
      bytes = encodeEnvelope(back);
    } finally {
      wipeEnvelope(back);
    }
    try {
      return ctEqualBytes(bytes, secrets.read(held.handle));
    } finally {
      bytes.fill(0);
    }
  }

  /** The label of this ceremony's shard object on the session's token (public). */
  async function objectLabelOn(c: Session, session: HsmSession): Promise<string> {
    const mine = (await session.listShards()).filter((s) => s.ceremonyId === c.ceremonyIdHex);
    return mine[0]?.objectLabel ?? '';
  }

  /** confirm by read-back-pkcs11: the shard on the token must be exactly the one handed over. */
  async function confirmOnToken(c: Session, custodian: Custodian, pin: string | undefined): Promise<ExtraEntry> {
    const { hsm, binding } = tokenOf(c, custodian, 'cannot be read back from');
    const held = tokenShard(c, custodian);
    let result: { matches: boolean; objectLabel: string };
    try {
      const pinText = await pinFor(pin, deps.pins, { purpose: 'read-back', custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial });
      result = await withSession(hsm, binding.serial, pinText, CUSTODIAN_TOKEN_NEEDS, async (session) => ({
        matches: await sameOnToken(c, session, held),
        objectLabel: await objectLabelOn(c, session),
      }));
    } catch (e) {
      throw aboutCustodian(e, `${custodian.name}'s shard could not be read back from their token ${tokenText(binding)}:`, custodian.id, ` The ceremony still waits for ${custodian.name}'s confirmation.`);
    }
    if (!result.matches) {
      throw new KeyshardError(
        'CONFIRM_MISMATCH',
        `The shard on ${custodian.name}'s token ${tokenText(binding)} is not the one handed over. Hand it over again; if this repeats, do not rely on this token (abort and plan another).`,
        { custodianId: custodian.id, parts: ['share'] },
      );
    }
    return {
      kind: 'token-read-back',
      data: { custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial, objectLabel: result.objectLabel, purpose: 'confirm', matches: true },
    };
  }

  /** test-recovery from a token: this ceremony's shard as the custodian's token holds it (the caller wipes the bytes). */
  async function loadFromToken(c: Session, custodian: Custodian, pin: string | undefined): Promise<{ binary: Uint8Array; entry: ExtraEntry }> {
    const { hsm, binding } = tokenOf(c, custodian, 'cannot be read from');
    try {
      const pinText = await pinFor(pin, deps.pins, { purpose: 'test-recovery', custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial });
      return await withSession(hsm, binding.serial, pinText, CUSTODIAN_TOKEN_NEEDS, async (session) => {
        const envelope = await session.readShard(c.ceremonyIdHex);
        let binary: Uint8Array;
        try {
          if (envelope.custodianIndex !== c.plan.custodians.indexOf(custodian)) {
            throw new KeyshardError('SHARES_MISMATCH', `Token ${tokenText(binding)} holds the shard of custodian #${envelope.custodianIndex + 1}, not ${custodian.name}'s.`);
          }
          binary = encodeEnvelope(envelope);
        } finally {
          wipeEnvelope(envelope);
        }
        const objectLabel = await objectLabelOn(c, session).catch((e: unknown) => {
          binary.fill(0);
          throw e;
        });
        return {
          binary,
          entry: { kind: 'token-read-back', data: { custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial, objectLabel, purpose: 'test-recovery', matches: true } },
        };
      });
    } catch (e) {
      throw aboutCustodian(e, `${custodian.name}'s shard could not be read from their token ${tokenText(binding)}:`, custodian.id, ' Nothing was recorded.');
    }
  }

  function mismatchError(custodian: Custodian, shard: number, total: number, m: Mismatch, what: string): KeyshardError {
    const which = total > 1 ? ` (shard ${shard} of ${total})` : '';
    return new KeyshardError('CONFIRM_MISMATCH', describeMismatch(m, `${what}${which}`), {
      custodianId: custodian.id,
      shard,
      ...(m.words === undefined ? {} : { words: [...m.words] }),
      ...(m.groups === undefined ? {} : { groups: [...m.groups] }),
      parts: [...m.parts],
      lengthDiffers: m.lengthDiffers,
    });
  }

  /** Envelope bytes from a scanned QR sequence; QR_INCOMPLETE / QR_FORMAT when it cannot be read. */
  function bytesFromQr(texts: readonly string[]): Uint8Array {
    const assembler = createQrAssembler();
    let lastError: KeyshardError | undefined;
    for (const t of texts) {
      const r = assembler.receive(t);
      if (r.status === 'rejected') lastError = r.error;
    }
    if (!assembler.isComplete()) {
      if (lastError !== undefined && assembler.progress().received === 0) throw lastError;
      return assembler.result(); // throws QR_INCOMPLETE with what is missing
    }
    return assembler.result();
  }

  /** Envelope bytes of this ceremony from a custodian's response (recovery). The caller wipes them. */
  function bytesFromResponse(c: Session, custodian: Custodian, r: ShardResponse): Uint8Array {
    if ('qrTexts' in r) return bytesFromQr(r.qrTexts);
    if ('text' in r) {
      const env = envelopeFromText(r.text);
      try {
        return encodeEnvelope(env);
      } finally {
        wipeEnvelope(env);
      }
    }
    if (c.plan.scheme.type !== 'slip39') {
      throw new KeyshardError('INVALID_ARGUMENT', 'Verifiable shares have no words: type back the shard text (KS1...) or scan its QR code.');
    }
    // Words alone: wrap them in this ceremony's envelope so they go through the same path.
    return encodeEnvelope({
      scheme: EnvelopeScheme.slip39,
      ceremonyId: hexToBytes(c.ceremonyIdHex),
      custodianIndex: c.plan.custodians.indexOf(custodian),
      custodianLabel: custodianLabel(custodian),
      groupFingerprint: hexToBytes(c.state.fingerprint ?? ''),
      payload: encodeSlip39Payload(r.words),
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // The service

  return {
    checkDevices: (request: DeviceCheckRequest) => serial(() => checkDevices(kit, request)),

    start: (request: StartRequest) =>
      serial(async () => {
        ctx = await start(kit, ctx, request);
        return statusOf(ctx);
      }),

    status: () => serial(async () => statusOf(ctx)),

    checkAirGap: (request: AirGapRequest = {}) => serial(() => checkAirGap(kit, running(), request)),

    gatherEntropy: (request: EntropyRequestBody = {}) => serial(() => gatherEntropyStep(kit, running(), request)),

    generate: (request: EntropyRequestBody = {}) => serial(() => generate(kit, running(), request)),

    importSecret: (request: ImportRequest) => serial(() => importSecret(kit, running(), request)),

    split: () => serial(() => split(kit, running())),

    handoff: (request: HandoffRequest) =>
      serial(async () => {
        const c = running();
        const custodian = custodianOf(c, request.custodianId);
        // The same custodian again before confirming: show (or write) the same shard again, recording nothing new.
        const again = c.state.awaitingConfirmation === custodian.id && c.state.lastStep === 'handoff';
        if (!again) expectStep(c, 'handoff', custodian.id);
        if (custodian.medium === 'pkcs11') return handoffToToken(c, custodian, again, request.pin);
        const prepared = await prepareHandoff(c, custodian);
        if (custodian.medium === 'usb') {
          // A file that cannot be written must not mark the handoff done: write (and read back) first, then record,
          // as for a token. Shown shards are recorded first: once on screen they have been handed over.
          let out: Awaited<ReturnType<typeof writeFiles>>;
          try {
            out = await writeFiles(custodian, prepared, again);
          } catch (e) {
            // What was delivered before can no longer be trusted to be on the stick: confirmation waits for a rewrite.
            if (again) c.delivered = null;
            throw e;
          }
          if (!again) {
            try {
              await record(c, { step: 'handoff', custodianId: custodian.id });
            } catch (e) {
              // Not recorded, so not handed over: the files must not stay on the stick either.
              const left = await removeWritten(out.files);
              throw aboutCustodian(e, `${custodian.name}'s handoff could not be recorded:`, custodian.id, leftText(out.files, left));
            }
          }
          return deliver(c, custodian, prepared, out);
        }
        if (!again) await record(c, { step: 'handoff', custodianId: custodian.id });
        return deliver(c, custodian, prepared);
      }),

    currentHandoff: () =>
      serial(async () => {
        if (ctx === null || ctx.delivered === null || ctx.lost !== null) return null;
        return { ...ctx.delivered.view, status: statusOf(ctx) };
      }),

    confirm: (request: ConfirmRequest) =>
      serial(async () => {
        const c = running();
        const custodian = custodianOf(c, request.custodianId);
        if (c.state.awaitingConfirmation !== custodian.id) {
          const waiting = c.state.awaitingConfirmation;
          throw transition(
            waiting === null
              ? `Nobody is waiting to confirm a shard now; hand ${custodian.name} their shard first.`
              : `${nameOf(c, waiting)} must confirm their shard now, not ${custodian.name}.`,
            { custodianId: custodian.id, awaiting: waiting },
          );
        }
        expectStep(c, 'confirm', custodian.id);
        const method: ConfirmationMethod = request.method;
        const allowed = CONFIRMATION_METHODS[custodian.medium];
        if (!allowed.includes(method)) {
          throw new KeyshardError('INVALID_ARGUMENT', `A ${custodian.medium} handoff is confirmed by ${allowed.join(' or ')}, not ${String(method)}.`, { allowed: [...allowed] });
        }
        const held = c.shards.get(custodian.id) ?? [];
        const before: ExtraEntry[] = [];
        if (method === 'read-back-pkcs11') {
          before.push(await confirmOnToken(c, custodian, request.pin));
        } else if (method === 'read-back-usb') {
          const files = c.delivered?.files ?? [];
          if (deps.usb === undefined || files.length !== held.length) {
            throw new KeyshardError('USB_REMOVED', `${custodian.name}'s shard file is not on a drive this session wrote. Hand the shard over again (write the file), then read it back.`);
          }
          for (let i = 0; i < files.length; i++) {
            const f = files[i]!;
            const back = await deps.usb.read({ location: f.location });
            if (!ctEqualBytes(back, f.bytes)) {
              throw new KeyshardError('USB_VERIFY', `The file read back from ${custodian.name}'s drive differs from what was written. The drive may be failing: hand the shard over again, on another drive if it repeats.`, {
                custodianId: custodian.id,
                shard: i + 1,
              });
            }
            const key = request.openingKeys?.[i];
            if (key !== undefined) {
              const text = await open(back, key);
              const m = compareShardText(secrets.read(held[i]!.handle), text);
              if (m !== null) throw mismatchError(custodian, i + 1, held.length, m, 'The opened file');
            }
          }
        } else {
          const responses = request.responses ?? [];
          if (responses.length !== held.length) {
            throw new KeyshardError('INVALID_ARGUMENT', `${custodian.name} holds ${held.length} shard${held.length === 1 ? '' : 's'}; give back each one (${responses.length} given).`, {
              expected: held.length,
              given: responses.length,
            });
          }
          responses.forEach((r, i) => {
            const binary = secrets.read(held[i]!.handle);
            let m: Mismatch | null;
            let what: string;
            if ('words' in r) {
              if (method !== 'type-back') throw new KeyshardError('INVALID_ARGUMENT', 'Words are typed back: use the type-back method.');
              const expected = shardWords(binary);
              if (expected === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'Verifiable shares have no words: type back the shard text (KS1...) or scan its QR code.');
              m = compareWords(expected, mnemonicWords(r.words));
              what = 'What was typed back';
            } else if ('text' in r) {
              if (method !== 'type-back') throw new KeyshardError('INVALID_ARGUMENT', 'A shard text is typed back: use the type-back method.');
              m = compareShardText(binary, r.text);
              what = 'What was typed back';
            } else {
              if (method !== 'scan-qr') throw new KeyshardError('INVALID_ARGUMENT', 'Scanned QR codes confirm with the scan-qr method.');
              const scanned = bytesFromQr(r.qrTexts);
              try {
                m = compareEnvelopeBytes(binary, scanned);
              } finally {
                scanned.fill(0);
              }
              what = 'What was scanned';
            }
            if (m !== null) throw mismatchError(custodian, i + 1, held.length, m, what);
          });
        }
        const verifyingShare = c.plan.scheme.type === 'vss' && held.length === 1 ? verifyingShareOf(secrets.read(held[0]!.handle)) : undefined;
        // The transcript says what this confirmation shows: a read-back of the file keyshard wrote checks the write only.
        const proves = CONFIRMATION_PROVES[method];
        await record(c, { step: 'confirm', custodianId: custodian.id, method, proves, ...(verifyingShare === undefined ? {} : { verifyingShare }) }, { before });
        dropDisplay(c);
        return { custodianId: custodian.id, method, proves, ...(verifyingShare === undefined ? {} : { verifyingShare }), status: statusOf(c) } satisfies ConfirmResponse;
      }),

    testRecovery: (request: RecoveryRequest = {}) =>
      serial(async () => {
        const c = running();
        expectStep(c, 'test-recovery');
        const binaries: Uint8Array[] = [];
        const owned: Uint8Array[] = [];
        const before: ExtraEntry[] = [];
        let ids: string[];
        let shardsFrom: RecoveryShardSource = 'keyshard-copies';
        try {
          const responses = request.responses ?? [];
          const fromTokens = request.tokens ?? [];
          if (responses.length > 0 || fromTokens.length > 0) {
            ids = [...responses.map((r) => r.custodianId), ...fromTokens.map((t) => t.custodianId)];
            shardsFrom = 'custodians';
            if (new Set(ids).size !== ids.length) throw new KeyshardError('INVALID_ARGUMENT', 'A custodian is listed twice; each custodian gives their shards once.');
            // Before any PIN is asked: tokens are read only for a quorum.
            if (fromTokens.length > 0 && !reachesQuorum(c.plan, ids)) {
              throw new KeyshardError('BELOW_THRESHOLD', `${ids.map((id) => nameOf(c, id)).join(', ')} do not hold enough shards to recover the secret. Test with a quorum.`, { custodianIds: ids });
            }
            for (const r of responses) {
              const custodian = custodianOf(c, r.custodianId);
              r.shards.forEach((s) => {
                const b = bytesFromResponse(c, custodian, s);
                owned.push(b);
                const env = decodeEnvelope(b);
                const index = env.custodianIndex;
                wipeEnvelope(env);
                if (index !== c.plan.custodians.indexOf(custodian)) {
                  throw new KeyshardError('SHARES_MISMATCH', `The shard given for ${custodian.name} is another custodian's shard (custodian #${index + 1}). Give each custodian's own shard.`, {
                    custodianId: custodian.id,
                  });
                }
                binaries.push(b);
              });
            }
            for (const t of fromTokens) {
              const custodian = custodianOf(c, t.custodianId);
              if (custodian.medium !== 'pkcs11') {
                throw new KeyshardError('INVALID_ARGUMENT', `${custodian.name} holds their shard on ${custodian.medium}, not on a token; give it back as words, text or QR instead.`, { custodianId: custodian.id });
              }
              const loaded = await loadFromToken(c, custodian, t.pin);
              owned.push(loaded.binary);
              binaries.push(loaded.binary);
              before.push(loaded.entry);
            }
          } else {
            ids = [...(request.custodianIds ?? analyzeCoalitions(c.plan, { limit: 1 }).coalitions[0]?.custodianIds ?? [])];
            for (const id of ids) for (const h of c.shards.get(custodianOf(c, id).id) ?? []) binaries.push(secrets.read(h.handle));
          }
          if (new Set(ids).size !== ids.length) throw new KeyshardError('INVALID_ARGUMENT', 'A custodian is listed twice; each custodian gives their shards once.');
          if (!reachesQuorum(c.plan, ids)) {
            throw new KeyshardError('BELOW_THRESHOLD', `${ids.map((id) => nameOf(c, id)).join(', ')} do not hold enough shards to recover the secret. Test with a quorum.`, { custodianIds: ids });
          }
          const secret = await recoverFromShards(c.plan, c.ceremonyIdHex, binaries, {
            kdf,
            ...(deps.slip39?.iterationExponent === undefined ? {} : { iterationExponent: deps.slip39.iterationExponent }),
            ...(c.split?.commitments === undefined ? {} : { commitments: c.split.commitments }),
          });
          let recovered: string;
          try {
            recovered = identityOf(c.plan, secret).fingerprint.hex;
          } finally {
            secret.fill(0);
          }
          const expected = c.state.fingerprint ?? '';
          const fingerprintMatch = recovered === expected;
          await record(c, { step: 'test-recovery', custodianIds: ids, fingerprintMatch, shardsFrom }, { before });
          return { custodianIds: ids, fingerprintMatch, shardsFrom, recovered: fingerprintView(recovered), expected: fingerprintView(expected), status: statusOf(c) } satisfies RecoveryResponse;
        } finally {
          owned.forEach((b) => b.fill(0));
        }
      }),

    destroy: (request: DestroyRequest) => serial(() => destroy(kit, running(), request)),

    seal: () => serial(() => seal(kit, running())),

    signOff: (request) =>
      serial(async () => {
        const w = witnesses.get(request.witnessId);
        if (w === undefined) {
          throw new KeyshardError('WITNESS_KEY', `The key of witness "${request.witnessId}" is not loaded. Load their key file (or token) first.`, { witnessId: request.witnessId });
        }
        const c = running();
        // Who may sign, then what they typed, then their passphrase or PIN: nothing is unlocked for a sign-off that
        // would be refused anyway.
        checkWitnessKey(w.key, pinnedKeys(c), c.state.signOff, (id) => nameOf(c, id));
        const confirm = confirmOf(c);
        checkFingerprintTyped(request.fingerprint, confirm.hex, w.key.id, nameOf(c, w.key.id), confirm.kind === 'key-fingerprint' ? "key's fingerprint" : "checkpoint's code");
        const act = { ...(request.passphrase === undefined ? {} : { passphrase: request.passphrase }), ...(request.pin === undefined ? {} : { pin: request.pin }) };
        const opened: OpenedWitness = await w.open(act, nameOf(c, w.key.id));
        try {
          return await signOffWith(opened.signer);
        } finally {
          await opened.close();
        }
      }),

    signOffWith: (signer) => serial(() => signOffWith(signer)),

    loadWitnessKey: (request) =>
      serial(async () => {
        const sealed = await loadWitnessKeyFile(request.path, request.witnessId);
        witnesses.release(sealed.witnessId);
        const credential = keyFileCredential(sealed);
        witnesses.set(credential);
        return credential.key;
      }),

    registerWitnessSigner: (signer) =>
      serial(async () => {
        const problem = witnessPublicKeyProblem(signer.algorithm, bytesToHex(signer.publicKey));
        if (problem !== null) throw new KeyshardError('WITNESS_KEY', `Witness "${signer.witnessId}"'s key is not a usable signing key: ${problem}.`, { witnessId: signer.witnessId });
        witnesses.release(signer.witnessId);
        const credential = signerCredential(signer);
        witnesses.set(credential);
        return credential.key;
      }),

    witnessKeys: () => serial(async () => witnesses.keys()),

    handOverWitnesses: (to) =>
      serial(async () => {
        if (ctx !== null) return;
        const list = witnesses.takeAll();
        await to.adoptWitnesses(list);
      }),

    adoptWitnesses: (credentials) =>
      serial(async () => {
        for (const c of credentials) {
          witnesses.set(c);
        }
      }),

    loadWitnessToken: (request: LoadWitnessTokenRequest) =>
      serial(async () => {
        const witnessId = request.witnessId;
        const hsm = requireHsm(deps.hsm, `witness ${String(witnessId)}'s token cannot be used`);
        // A witness loading their token again replaces the earlier registration.
        witnesses.release(witnessId);
        // One login now, to read and check the key; each sign-off logs in again with the PIN the witness types then.
        const opened = await openWitnessToken(hsm, witnessId, request.token, request.keyLabel, request.pin);
        let key: LoadedWitnessKey;
        try {
          key = {
            id: witnessId,
            algorithm: opened.signer.algorithm,
            publicKey: bytesToHex(opened.signer.publicKey),
            unlock: 'pin',
            tokenLabel: opened.token.label,
          };
        } finally {
          await opened.close();
        }
        const problem = witnessPublicKeyProblem(key.algorithm, key.publicKey);
        if (problem !== null) throw new KeyshardError('WITNESS_KEY', `The key "${request.keyLabel}" on ${witnessId}'s token is not a usable signing key: ${problem}.`, { witnessId });
        const serialNo = opened.token.serial;
        let gone = false;
        const unloaded = (): KeyshardError =>
          new KeyshardError('SECRET_DESTROYED', `The token key of witness "${witnessId}" was unloaded when its ceremony ended. Load it again to sign.`, { witnessId });
        /** Sessions logged in for a sign-off and not yet closed: forgetting the key logs them out (quit during a stuck sign-off). */
        const sessions = new Set<OpenedWitness>();
        witnesses.set({
          key,
          async open(act, who) {
            if (gone) throw unloaded();
            if ((act.pin === undefined || act.pin === '') && deps.pins === undefined) {
              throw new KeyshardError('WITNESS_ACT_NEEDED', `${who ?? witnessId} types their token PIN to sign; none was given. Nothing was signed.`, { witnessId, needs: 'pin' });
            }
            const session = await openWitnessToken(hsm, witnessId, { serial: serialNo }, request.keyLabel, act.pin, who);
            if (gone) {
              await session.close();
              throw unloaded();
            }
            if (bytesToHex(session.signer.publicKey) !== key.publicKey) {
              await session.close();
              throw new KeyshardError('WITNESS_KEY', `The key "${request.keyLabel}" on ${witnessId}'s token is not the one loaded for this ceremony. Use the witness's own token.`, { witnessId });
            }
            sessions.add(session);
            return {
              signer: session.signer,
              close: async () => {
                sessions.delete(session);
                await session.close();
              },
            };
          },
          forget() {
            gone = true;
            for (const s of [...sessions]) {
              sessions.delete(s);
              void s.close().catch(() => undefined);
            }
          },
        });
        return key;
      }),

    abort: (request: AbortRequest) => serial(() => abort(kit, ctx, request)),

    resume: (request: ResumeRequest = {}) =>
      serial(async () => {
        ctx = await resume(kit, ctx, request.dir ?? deps.transcriptDir);
        return statusOf(ctx);
      }),

    shutdown: () => {
      // The secrets go now, not behind the queue: a call still waiting (on a token, a drive) must not keep them alive
      // for as long as it waits, nor hold up quitting. The queued part drops the rest once that call is over.
      wipeEverything(ctx);
      witnesses.releaseAll();
      return serial(async () => {
        wipeEverything(ctx);
        witnesses.releaseAll();
        ctx = null;
      });
    },
  };

  /**
   * Logs in to a witness's token with the PIN they typed and finds their signing key: for one signature (or, at load,
   * to read the key). `close` logs out and closes the module.
   */
  async function openWitnessToken(
    hsm: CeremonyHsm,
    witnessId: string,
    choice: TokenChoice,
    keyLabel: string,
    typedPin: string | undefined,
    who: string = `witness ${witnessId}`,
  ): Promise<OpenedWitness & { readonly token: { readonly label: string; readonly serial: string } }> {
    const port = await hsm.open(hsm.modulePath);
    let session: HsmSession | undefined;
    try {
      const info = await findChosen(port, choice);
      // Before the PIN is asked: a token that cannot sign ECDSA is refused as it is.
      requireCapabilities(info.capabilities, WITNESS_TOKEN_NEEDS, tokenText(info));
      const pin = await pinFor(typedPin, deps.pins, { purpose: 'witness', witnessId, tokenLabel: info.label, tokenSerial: info.serial });
      const open: HsmSession = await port.openSession({ serial: info.serial }, pin, { require: WITNESS_TOKEN_NEEDS });
      session = open;
      const signer = await open.witnessSigner(witnessId, keyLabel);
      let closed = false;
      return {
        signer,
        token: { label: info.label, serial: info.serial },
        close: async () => {
          if (closed) return;
          closed = true;
          try {
            await open.close();
          } finally {
            await port.close();
          }
        },
      };
    } catch (e) {
      await session?.close();
      await port.close();
      if (!(e instanceof KeyshardError)) throw e;
      throw new KeyshardError(e.code, `The token of ${who} cannot be used: ${e.message}`, { ...e.details, witnessId });
    }
  }

  async function signOffWith(signer: WitnessSigner): Promise<SignOffResponse> {
    const c = running();
    const so = c.state.signOff;
    checkWitnessSigner(signer, pinnedKeys(c), so, (id) => nameOf(c, id));
    if (so === null || c.checkpointSeq === null) throw new KeyshardError('WITNESS_NOT_ELIGIBLE', 'No checkpoint is waiting for a witness sign-off right now.');
    const next = apply(c.state, {
      step: 'sign-off',
      witnessId: signer.witnessId,
      checkpoint: so.checkpoint,
      ...(so.custodianId === null ? {} : { custodianId: so.custodianId }),
    });
    const rec = next.records[next.records.length - 1]!;
    const withRecord = appendEntry(c.transcript, 'sign-off', rec.data as JsonObject, { at: rec.at });
    const signed = await signAndVerify(withRecord, c.checkpointSeq, signer);
    await c.store.saveTranscript(signed);
    c.state = next;
    c.transcript = signed;
    dropWitnessesIfEnded(c);
    const head = signed.entries[signed.entries.length - 1]!;
    return {
      witnessId: signer.witnessId,
      checkpoint: so.checkpoint,
      custodianId: so.custodianId,
      targetSeq: c.checkpointSeq,
      signoffSeq: head.seq,
      sealed: next.status === 'sealed',
      headHash: head.hash,
      status: statusOf(c),
    };
  }
}
