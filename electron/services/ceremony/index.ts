/**
 * The ceremony service: drives core/ceremony.ts step by step in the main process. It keeps only what every step
 * shares: the queue, the session (the one ceremony in memory, steps/session.ts), the loaded witnesses and the
 * transcript writes. Each step is a handler module under steps/ that gets the few services it names (steps/kit.ts).
 *
 * Rules it keeps:
 * - Every step is recorded in the transcript and the transcript is saved (atomically) before the method returns; if
 *   saving fails, the step did not happen (nothing changes in memory) and the method throws TRANSCRIPT_WRITE. A crash
 *   therefore loses no completed step. Handlers never write the transcript themselves: they call `record` (or
 *   `recordSigned` for a witness's sign-off, whose record and signature are written together).
 * - Secrets live only in the secret store, in Uint8Arrays, and never reach the disk: the transcript and plan are
 *   public. Only the current custodian's shard leaves the service, for display, and confirm drops the displayable
 *   copy. Abort zeroizes every secret and records the abort; destroy zeroizes before it is recorded; shutdown wipes at
 *   once, even while a call is stuck behind the queue.
 * - Resume (steps/resume.ts) rebuilds the session from the verified transcript with core's replay; a secret lost in a
 *   crash stays lost (only abort is offered); it never re-generates or re-uses a secret.
 * - A ceremony that ends (sealed, aborted) forgets every witness's key; the next one needs them loaded again. An abort
 *   keeps them until its exception is recorded (signed, or marked unsigned), so a witness can still sign it.
 * - PKCS#11 tokens (tokens.ts, steps/token-shards.ts) are checked at start before anything is recorded; a token
 *   failure leaves the ceremony exactly where it was.
 *
 * Calls are served one at a time (a queue), so two screens clicking at once cannot interleave steps.
 */
import { CEREMONY_STEPS, abortExceptionOpen, apply, type CeremonyEvent, type CeremonyRecord } from '../../../core/ceremony';
import { KeyshardError } from '../../../core/errors';
import { appendEntry, type Transcript } from '../../../core/transcript';
import { createKeyStretcher } from '../kdf/index';
import { openProtectedBytes, protectShardText } from '../protection/index';
import { createSecretStore } from '../secrets/index';
import { createTranscriptStore, type TranscriptStore } from '../transcript-store/index';
import { copyShardView, wipeShardViews } from './shards';
import { messageOf, statusOf as statusView } from './status';
import { abort, recordAbortException } from './steps/abort';
import { checkAirGap } from './steps/airgap';
import { confirm } from './steps/confirm';
import { destroy } from './steps/destroy';
import { recordException } from './steps/exception';
import { printPaper } from './steps/reprint';
import { markAbsent } from './steps/absent';
import { checkDevices } from './steps/device-check';
import { gatherEntropyStep } from './steps/entropy';
import { handoff } from './steps/handoff';
import type { ExtraEntries, StepKit } from './steps/kit';
import { resume } from './steps/resume';
import { seal } from './steps/seal';
import { generate, importSecret } from './steps/secret';
import { transition, type Session } from './steps/session';
import { signOff, signOffWith } from './steps/sign-off';
import { split } from './steps/split';
import { start } from './steps/start';
import { testRecovery } from './steps/test-recovery';
import { receipt } from './steps/receipt';
import { readClock } from '../../../core/policy/text';
import { loadWitnessKey, loadWitnessToken, registerWitnessSigner } from './steps/witness-keys';
import type {
  AbortRequest,
  AirGapRequest,
  CeremonyService,
  CeremonyServiceDeps,
  CeremonyStatus,
  ConfirmRequest,
  DestroyRequest,
  DeviceCheckRequest,
  EntropyRequestBody,
  ExceptionRequest,
  HandoffRequest,
  ImportRequest,
  LoadWitnessTokenRequest,
  RecoveryRequest,
  ResumeRequest,
  StartRequest,
} from './types';
import { createWitnessRegistry } from './witness-registry';

export * from './types';
export { PAPER_LAYOUT } from './compare';
export { recoverFromTokens, ceremonyFacts, type RecoverFromTokensRequest, type TokenRecovery, type TokenShardSource } from './token-recovery';
export { TOKEN_ENTRY_KINDS, TOKEN_STORE_METHOD } from './tokens';

export function createCeremonyService(deps: CeremonyServiceDeps): CeremonyService {
  const secrets = deps.secrets ?? createSecretStore();
  // SLIP-39 key stretching (split, test recovery) runs on libuv's pool (electron/services/kdf), never on main's thread.
  // It is bounded by keyshard's own iteration exponent: test recovery refuses shards announcing another.
  const kdf = deps.kdf ?? createKeyStretcher();
  const protect = deps.protect ?? protectShardText;
  const open = deps.openProtected ?? openProtectedBytes;
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
    // An abort's exception may still be signed (steps/abort.ts): the keys go once it is recorded.
    if (c !== null && c.state.status !== 'active' && !abortExceptionOpen(c.state)) witnesses.releaseAll();
  }

  const storeFor = (dir: string): TranscriptStore =>
    deps.transcriptStore !== undefined && dir === deps.transcriptStore.dir ? deps.transcriptStore : createTranscriptStore(dir);

  const statusOf = (c: Session | null): CeremonyStatus => statusView(c, () => storeFor(deps.transcriptDir).transcriptPath);

  // -------------------------------------------------------------------------------------------------------------
  // The session, and the transcript writes

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
  async function record(c: Session, event: CeremonyEvent, extra: ExtraEntries = {}): Promise<CeremonyRecord> {
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

  /** An entry beside the steps (a receipt): appended, saved, and only then kept in memory. */
  async function recordEntry(c: Session, kind: string, data: Readonly<Record<string, string | boolean>>): Promise<void> {
    const t = appendEntry(c.transcript, kind, data, { at: readClock(deps.clock) });
    await c.store.saveTranscript(t);
    c.transcript = t;
  }

  /**
   * A note beside the steps (an exception): its record and, when `sign` is given, a witness's signature over that
   * entry itself, saved together; only then memory changes. The open checkpoint stays as it was.
   */
  async function recordNote(c: Session, event: CeremonyEvent, sign?: (withRecord: Transcript, noteSeq: number) => Promise<Transcript>): Promise<void> {
    const next = apply(c.state, event);
    const rec = next.records[next.records.length - 1]!;
    const withRecord = appendEntry(c.transcript, rec.step, rec.data, { at: rec.at });
    const t = sign === undefined ? withRecord : await sign(withRecord, withRecord.entries.length);
    await c.store.saveTranscript(t);
    c.state = next;
    c.transcript = t;
    dropWitnessesIfEnded(c);
  }

  /** Drops the session's secret handles and zeroizes every buffer in the store; returns how many were zeroized. */
  function wipeEverything(c: Session | null): number {
    if (c !== null) {
      c.material = null;
      c.splitSeed = null;
      c.master = null;
      c.shards = new Map();
      if (c.delivered !== null) wipeShardViews(c.delivered.view.shards);
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
    recordEntry,
    recordNote,
    status: statusOf,
    wipe: wipeEverything,
    storeFor,
  };

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

    handoff: (request: HandoffRequest) => serial(() => handoff(kit, running(), request)),

    currentHandoff: () =>
      serial(async () => {
        if (ctx === null || ctx.delivered === null || ctx.lost !== null) return null;
        return { ...ctx.delivered.view, shards: ctx.delivered.view.shards.map(copyShardView), status: statusOf(ctx) };
      }),

    confirm: (request: ConfirmRequest) => serial(() => confirm(kit, running(), request)),

    receipt: (request) => serial(() => receipt(kit, running(), request)),

    printPaper: (request) => serial(() => printPaper(kit, running(), request)),
    // After an abort, the one exception left to record is the abort's own (the session is no longer running).
    recordException: (request: ExceptionRequest) =>
      serial(() => (ctx !== null && abortExceptionOpen(ctx.state) ? recordAbortException(kit, ctx, request) : recordException(kit, running(), request))),

    markAbsent: (request) => serial(() => markAbsent(kit, running(), request)),

    testRecovery: (request: RecoveryRequest = {}) => serial(() => testRecovery(kit, running(), request)),

    destroy: (request: DestroyRequest) => serial(() => destroy(kit, running(), request)),

    seal: () => serial(() => seal(kit, running())),

    signOff: (request) => serial(() => signOff(kit, running, request)),

    signOffWith: (signer) => serial(() => signOffWith(kit, running(), signer)),

    loadWitnessKey: (request) => serial(() => loadWitnessKey(kit, request)),

    registerWitnessSigner: (signer) => serial(async () => registerWitnessSigner(kit, signer)),

    witnessKeys: () => serial(async () => witnesses.keys()),

    handOverWitnesses: (to) =>
      serial(async () => {
        if (ctx !== null) return;
        const list = witnesses.takeAll();
        await to.adoptWitnesses(list);
      }),

    adoptWitnesses: (credentials) =>
      serial(async () => {
        for (const c of credentials) witnesses.set(c);
      }),

    loadWitnessToken: (request: LoadWitnessTokenRequest) => serial(() => loadWitnessToken(kit, request)),

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
}
