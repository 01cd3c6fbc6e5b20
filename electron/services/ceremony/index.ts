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
import { handoff } from './steps/handoff';
import { confirm } from './steps/confirm';
import { testRecovery } from './steps/test-recovery';
import { seal } from './steps/seal';

export * from './types';
export { PAPER_LAYOUT } from './compare';
export { recoverFromTokens, ceremonyFacts, type RecoverFromTokensRequest, type TokenRecovery, type TokenShardSource } from './token-recovery';
export { TOKEN_ENTRY_KINDS, TOKEN_STORE_METHOD } from './tokens';


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

    handoff: (request: HandoffRequest) => serial(() => handoff(kit, running(), request)),

    currentHandoff: () =>
      serial(async () => {
        if (ctx === null || ctx.delivered === null || ctx.lost !== null) return null;
        return { ...ctx.delivered.view, status: statusOf(ctx) };
      }),

    confirm: (request: ConfirmRequest) => serial(() => confirm(kit, running(), request)),

    testRecovery: (request: RecoveryRequest = {}) => serial(() => testRecovery(kit, running(), request)),

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
