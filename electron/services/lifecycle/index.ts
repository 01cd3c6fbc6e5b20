/**
 * The refresh and repair ceremonies in the main process (issue 17.3, 17.4): the same run and steps as the CLI
 * (core/ceremony-kinds/run.ts, core/lifecycle/steps.ts), with the world main alone touches: the air-gap check, the
 * shards custodians give (typed, scanned, a protected file, a token) read as the recovery screens read them, the
 * witnesses' keys, and the transcript saved after every step.
 *
 * Rules it keeps, as the key ceremony's service does:
 * - A step is in the transcript and the transcript saved (atomically) before the call returns; if saving fails the
 *   step did not happen (memory unchanged).
 * - Shares live only in the secret store and are wiped: a new share once its custodian confirmed it, everything at
 *   the wipe step, at an abort and at shutdown. Only the share of the custodian being handed one leaves main.
 * - Calls are served one at a time (a queue).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { type KindRun, abortKindRun, nextKindSteps, signKindCheckpoint } from '../../../core/ceremony-kinds/run';
import { EnvelopeScheme, encodeEnvelope, envelopeToText, decodeEnvelope, wipeEnvelope } from '../../../core/envelope';
import { encodeVssPayload, vssScheme } from '../../../core/envelope-payload';
import { KeyshardError } from '../../../core/errors';
import {
  commitmentsInForce,
  lifecycleContext,
  recordAirGap,
  recordConfirm,
  recordDestroy,
  recordHandoff,
  recordQuorumShare,
  recordRefresh,
  recordRepair,
  recordSeal,
  startLifecycle,
} from '../../../core/lifecycle/steps';
import { checkSourceCommitments, citeSource } from '../../../core/lifecycle/transcript';
import { planQrFrames, planTexts } from '../../../core/qr/index';
import { parseFinalHashInput } from '../../../core/recovery-trust';
import { MAX_TRANSCRIPT_BYTES, verifyTranscriptText } from '../../../core/transcript';
import { verifyAgainstPaper } from '../../../core/transcript-status';
import { groupFingerprint, type Ciphersuite, type VssShare } from '../../../core/vss/index';
import { loadWitnessKey } from '../ceremony/steps/witness-keys';
import { createWitnessRegistry } from '../ceremony/witness-registry';
import { openProtected as defaultOpenProtected } from '../protection/index';
import { readShardInput, wipeCandidate } from '../recovery/inputs';
import { readCandidate } from '../recovery/sources';
import { createSecretStore, type SecretHandle } from '../secrets/index';
import { createTranscriptStore, type TranscriptStore } from '../transcript-store/index';
import { sourceCustodianIndex } from './source-index';
import { withWitnessSigner } from './witness-sign-off';
import type { LifecycleAddShareRequest, LifecycleCustodian, LifecycleHandoffView, LifecycleService, LifecycleServiceDeps, LifecycleStartRequest, LifecycleStatus } from './types';

export * from './types';

/** A share held in the secret store: its identifier (public) and the handle of its signing share. */
interface HeldShare {
  readonly identifier: Uint8Array;
  readonly handle: SecretHandle;
}

interface Session {
  run: KindRun;
  readonly store: TranscriptStore;
  readonly envelopeId: Uint8Array;
  /** The envelope ceremony id of the shares this ceremony takes in (the source transcript's, when it is one), or null. */
  readonly sourceSetId: string | null;
  /** Repair: the custodian index the lost share's envelope carried in its set (written on the repaired one). */
  readonly repairIndex: number | null;
  readonly custodians: readonly LifecycleCustodian[];
  readonly quorumNeeded: number;
  quorum: HeldShare[];
  /** New (refresh) or repaired shares, by custodian id, until each is confirmed or wiped. */
  made: Map<string, HeldShare>;
  handedOver: Set<string>;
  confirmed: Set<string>;
  /** Repair: how many shares the deal has, as the helpers' shards say (a repaired share's shard says the same). */
  shareCount: number | null;
}

const transition = (message: string): KeyshardError => new KeyshardError('CEREMONY_TRANSITION', message);

/** A share number as RFC 9591 serializes the identifier: little-endian for ed25519, big-endian otherwise. */
function identifierOf(ciphersuite: Ciphersuite, n: number): Uint8Array {
  const out = new Uint8Array(32);
  out[ciphersuite === 'ed25519' ? 0 : 31] = n;
  return out;
}

function checkCustodians(list: readonly LifecycleCustodian[]): void {
  if (!Array.isArray(list) || list.length === 0 || list.length > 255) throw new KeyshardError('INVALID_ARGUMENT', 'Name 1 to 255 custodians who receive a share.');
  const numbers = new Set(list.map((c) => c.number));
  const ids = new Set(list.map((c) => c.id));
  if (numbers.size !== list.length || ids.size !== list.length || list.some((c) => !Number.isInteger(c.number) || c.number < 1 || c.number > 255)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Each custodian needs their own id and their own share number from 1 to 255.');
  }
}

export function createLifecycleService(deps: LifecycleServiceDeps): LifecycleService {
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
  const storeFor = (dir: string): TranscriptStore => (deps.transcriptStore !== undefined && dir === deps.transcriptStore.dir ? deps.transcriptStore : createTranscriptStore(dir));

  function statusOf(x: Session | null): LifecycleStatus {
    const path = join(root(), 'transcript.json');
    if (x === null) {
      return { active: false, kind: null, status: null, ceremonyId: null, label: null, next: [], pendingSignOff: null, witnessIds: [], groupFingerprint: null, threshold: null, custodians: [], quorum: [], quorumNeeded: null, entries: 0, headHash: null, transcriptPath: path };
    }
    const c = lifecycleContext(x.run);
    const head = x.run.transcript.entries[x.run.transcript.entries.length - 1]!;
    const fp = groupFingerprint(c.ciphersuite, c.groupPublicKey);
    return {
      active: x.run.status === 'active',
      kind: c.kind,
      status: x.run.status,
      ceremonyId: x.run.transcript.ceremonyId,
      label: (x.run.transcript.entries[0]!.data as { label: string }).label,
      next: nextKindSteps(x.run),
      pendingSignOff: x.run.pending,
      witnessIds: x.run.witnessIds,
      groupFingerprint: { hex: fp.hex, display: fp.display },
      threshold: commitmentsInForce(x.run).threshold,
      custodians: x.custodians.map((k) => ({ ...k, handedOver: x.handedOver.has(k.id), confirmed: x.confirmed.has(k.id) })),
      quorum: x.quorum.map((q) => numberOf(c.ciphersuite, q.identifier)),
      quorumNeeded: x.quorumNeeded,
      entries: x.run.transcript.entries.length,
      headHash: head.hash,
      transcriptPath: x.store.transcriptPath,
    };
  }

  function numberOf(ciphersuite: Ciphersuite, identifier: Uint8Array): number {
    const small = ciphersuite === 'ed25519' ? identifier.slice(1) : identifier.slice(0, 31);
    return small.every((b) => b === 0) ? identifier[ciphersuite === 'ed25519' ? 0 : 31]! : 0;
  }

  function running(): Session {
    if (s === null) throw transition('No refresh or repair is running. Start one from the start screen.');
    if (s.run.status !== 'active') throw transition(`This ceremony is ${s.run.status}; it accepts no more steps.`);
    return s;
  }

  /** Saves the next run's transcript, and only then takes it as the session's. */
  async function commit(x: Session, next: KindRun): Promise<void> {
    await x.store.saveTranscript(next.transcript);
    x.run = next;
  }

  function held(share: VssShare, label: string): HeldShare {
    return { identifier: Uint8Array.from(share.identifier), handle: secrets.put(label, share.signingShare) };
  }

  function shareOf(h: HeldShare): VssShare {
    return { identifier: h.identifier, signingShare: secrets.read(h.handle) };
  }

  function wipeAll(x: Session | null): number {
    if (x !== null) {
      x.quorum = [];
      x.made = new Map();
    }
    return secrets.destroyAll();
  }

  async function start(r: LifecycleStartRequest): Promise<LifecycleStatus> {
    if (s !== null && s.run.status === 'active') throw transition('A refresh or repair is already running. Finish or abort it first.');
    if (typeof r.sourceTranscript !== 'string' || r.sourceTranscript.length > MAX_TRANSCRIPT_BYTES) {
      throw new KeyshardError('INVALID_ARGUMENT', 'Give the sealed transcript of the key ceremony (or of the last refresh) these shares come from.');
    }
    checkCustodians(r.custodians);
    const expected = r.finalHash === undefined || r.finalHash.trim() === '' ? undefined : parseFinalHashInput(r.finalHash);
    // The paper's hash still holds for a transcript given sign-offs or custody receipts after its seal since.
    const v = verifyAgainstPaper((o) => verifyTranscriptText(r.sourceTranscript, o), expected).result;
    if (!v.ok) throw new KeyshardError(v.code, v.reason, { firstBadSeq: v.firstBadSeq });
    const source = citeSource(v);
    // The ciphersuite chosen must fit the group key the transcript records (a point of that curve).
    try {
      groupFingerprint(r.ciphersuite, hexToBytes(source.groupPublicKey));
    } catch {
      throw new KeyshardError('VSS_CIPHERSUITE', `The key this transcript records is not an ${r.ciphersuite} key. Choose the curve the key ceremony used.`);
    }
    const witnessIds = [...(r.witnessIds ?? [])];
    const keys = witnessIds.map((id) => {
      const w = witnesses.get(id);
      if (w === undefined) throw new KeyshardError('WITNESS_KEY', `The key of witness "${id.slice(0, 64)}" is not loaded. Load their key file first.`, { witnessId: id });
      return { id, algorithm: w.key.algorithm, publicKey: w.key.publicKey };
    });
    const threshold = source.commitments.length;
    const reshare = r.kind === 'refresh' && r.reshare === true;
    if (r.kind === 'repair' && r.custodians.length !== 1) throw new KeyshardError('INVALID_ARGUMENT', 'A repair rebuilds one share: name the one custodian who lost theirs.');
    if (reshare && r.custodians.some((c, i) => c.number !== i + 1)) throw new KeyshardError('INVALID_ARGUMENT', 'A re-share numbers the new custodians 1, 2, 3, ... in order.');
    // A repaired share joins the share set it repairs: its envelope carries that set's ceremony id (the source
    // transcript's, when it is one keyshard put on envelopes), so recovery takes it with the others. A refresh makes a
    // new set with an id of its own.
    const sourceSetId = /^[0-9a-f]{32}$/.test(source.ceremonyId) ? source.ceremonyId : null;
    const envelopeId = r.kind === 'repair' && sourceSetId !== null ? hexToBytes(sourceSetId) : deps.random(16);
    const ceremonyId = r.kind === 'repair' ? bytesToHex(deps.random(16)) : bytesToHex(envelopeId);
    const custodians = r.custodians.map((c) => ({ id: c.id, name: c.name, identifier: bytesToHex(identifierOf(r.ciphersuite, c.number)) }));
    const run = startLifecycle({
      ceremonyId,
      clock: deps.clock,
      label: r.label,
      source,
      ciphersuite: r.ciphersuite,
      custodians,
      ...(r.kind === 'refresh'
        ? { refresh: { method: reshare ? ('reshare' as const) : ('refresh' as const), newThreshold: r.newThreshold ?? threshold } }
        : { repair: { identifier: custodians[0]!.identifier, custodianId: custodians[0]!.id } }),
      witnessIds,
      ...(keys.length === 0 ? {} : { witnessKeys: keys }),
    });
    // Each ceremony in a folder of its own under the lifecycle folder, so none replaces another's transcript.
    const folder = join(root(), `${r.kind}-${ceremonyId.slice(0, 12)}`);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const store = storeFor(folder);
    await store.saveTranscript(run.transcript);
    wipeAll(s);
    s = {
      run,
      store,
      envelopeId,
      sourceSetId,
      repairIndex: r.kind === 'repair' ? sourceCustodianIndex(v.entries, custodians[0]!.identifier, r.custodians[0]!.number) : null,
      custodians: r.custodians.map((c) => ({ id: c.id, name: c.name, number: c.number })),
      // A refresh needs every kept custodian's share; a re-share or a repair a quorum.
      quorumNeeded: r.kind === 'refresh' && !reshare ? r.custodians.length : threshold,
      quorum: [],
      made: new Map(),
      handedOver: new Set(),
      confirmed: new Set(),
      shareCount: null,
    };
    return statusOf(s);
  }

  async function checkAirGap(): Promise<LifecycleStatus> {
    const x = running();
    const report = await deps.airgap.check();
    const interfacesUp = report.interfaces.filter((i) => i.up && i.kind !== 'loopback' && i.name !== 'lo').map((i) => i.name);
    if (!report.ok) {
      // Recorded as found; the ceremony waits until the check passes (take the interface down and check again).
      throw new KeyshardError('AIRGAP_NETWORK_UP', `This computer is not air-gapped: ${interfacesUp.join(', ') || 'a radio'} is up. Take it down and check again.`, { interfacesUp });
    }
    await commit(x, recordAirGap(x.run, { passed: true, interfacesUp }));
    return statusOf(x);
  }

  async function addShare(request: LifecycleAddShareRequest): Promise<LifecycleStatus & { verifyingShare: string }> {
    const x = running();
    const c = lifecycleContext(x.run);
    const n = x.quorum.length + 1;
    // A shard file on a drive or a shard on a custodian's token is read by main itself, as the recovery screen reads
    // it (same checks; the PIN goes to one login). A token is asked for the shard of the share set being worked on.
    const candidate =
      'driveFile' in request.input || 'token' in request.input
        ? await readCandidate(request.input, n, { hsm: deps.hsm, listDrives: deps.listDrives, open, ceremonyId: x.sourceSetId, custodianIds: [] })
        : await readShardInput(request.input, n, open);
    try {
      if (candidate.kind !== 'vss') throw new KeyshardError('SHARES_MISMATCH', 'This is a SLIP-39 share; a refresh or repair works on verifiable (FROST) shares.');
      const share: VssShare = { identifier: candidate.identifier, signingShare: candidate.signingShare };
      const custodianId = request.custodianId ?? x.custodians.find((k) => k.number === numberOf(c.ciphersuite, share.identifier))?.id;
      const done = recordQuorumShare(x.run, share, custodianId);
      await commit(x, done.run);
      x.quorum.push(held(share, `quorum share ${x.quorum.length + 1}`));
      x.shareCount = Math.max(x.shareCount ?? 0, candidate.shareCount);
      return { ...statusOf(x), verifyingShare: done.verifyingShare };
    } finally {
      wipeCandidate(candidate);
    }
  }

  async function make(): Promise<LifecycleStatus> {
    const x = running();
    // The catalogue lets a step's record come again (a retried check); new shares are made once per ceremony.
    if (x.run.transcript.entries.some((e) => e.kind === 'refresh' || e.kind === 'repair')) throw transition('The new shares were made already. Hand them over, or abort.');
    if (x.quorum.length < x.quorumNeeded) {
      throw new KeyshardError('BELOW_THRESHOLD', `${x.quorumNeeded - x.quorum.length} more ${x.quorumNeeded - x.quorum.length === 1 ? 'share is' : 'shares are'} needed before the new shares can be made.`, {
        given: x.quorum.length,
        threshold: x.quorumNeeded,
      });
    }
    const c = lifecycleContext(x.run);
    const quorum = x.quorum.map(shareOf);
    if (c.kind === 'refresh') {
      const made = recordRefresh(x.run, quorum, deps.random);
      try {
        await commit(x, made.run);
        made.deal.shares.forEach((share, i) => {
          const who = c.custodians.find((k) => k.identifier === bytesToHex(share.identifier)) ?? c.custodians[i]!;
          x.made.set(who.id, held(share, `new share of ${who.id}`));
        });
      } finally {
        for (const share of made.deal.shares) share.signingShare.fill(0);
      }
    } else {
      const made = recordRepair(x.run, quorum, deps.random);
      try {
        await commit(x, made.run);
        x.made.set(c.custodians[0]!.id, held(made.share, 'repaired share'));
      } finally {
        made.share.signingShare.fill(0);
      }
    }
    return statusOf(x);
  }

  function envelopeFor(x: Session, custodianId: string, share: VssShare): Uint8Array {
    const c = lifecycleContext(x.run);
    const force = commitmentsInForce(x.run);
    const place = x.custodians.findIndex((k) => k.id === custodianId);
    const name = x.custodians[place]!.name;
    // A repaired share goes back to its custodian's place in the set it repairs, not the repair's one-custodian list.
    const index = x.repairIndex ?? place;
    const label = new TextEncoder().encode(name).length <= 64 ? name : custodianId.slice(0, 64);
    const scheme: EnvelopeScheme = vssScheme(c.ciphersuite);
    const shareCount = c.kind === 'repair' ? Math.max(x.shareCount ?? 0, force.threshold) : x.custodians.length;
    const payload = encodeVssPayload(scheme, { threshold: force.threshold, shareCount, identifier: share.identifier, signingShare: share.signingShare, commitments: force.commitments });
    try {
      return encodeEnvelope({ scheme, ceremonyId: x.envelopeId, custodianIndex: index, custodianLabel: label, groupFingerprint: hexToBytes(groupFingerprint(c.ciphersuite, c.groupPublicKey).hex), payload });
    } finally {
      payload.fill(0);
    }
  }

  async function handoff(request: { custodianId: string }): Promise<LifecycleHandoffView> {
    const x = running();
    const h = x.made.get(request.custodianId);
    if (h === undefined) throw transition(x.confirmed.has(request.custodianId) ? 'This custodian already confirmed their new share.' : 'There is no new share for this custodian yet: make the new shares first.');
    const who = x.custodians.find((k) => k.id === request.custodianId)!;
    if (!x.handedOver.has(who.id)) await commit(x, recordHandoff(x.run, { custodianId: who.id, medium: 'screen-qr' }));
    x.handedOver.add(who.id);
    const binary = envelopeFor(x, who.id, shareOf(h));
    const e = decodeEnvelope(binary);
    try {
      return {
        custodianId: who.id,
        custodianName: who.name,
        number: who.number,
        envelopeText: envelopeToText(e),
        paperText: envelopeToText(e, { groupSize: 4, groupsPerLine: 8 }),
        qrFrames: planTexts(planQrFrames(binary)),
        status: statusOf(x),
      };
    } finally {
      wipeEnvelope(e);
      binary.fill(0);
    }
  }

  async function confirm(request: { custodianId: string; method: 'type-back' | 'scan-qr'; response: { text: string } | { urParts: readonly string[] } }): Promise<LifecycleStatus> {
    const x = running();
    const h = x.made.get(request.custodianId);
    if (h === undefined || !x.handedOver.has(request.custodianId)) throw transition('Hand this custodian their share before they confirm it.');
    const candidate = await readShardInput(request.response, 1, open);
    try {
      if (candidate.kind !== 'vss') throw new KeyshardError('SHARES_MISMATCH', 'This is not the share just handed over. Type or scan the new share again.');
      await commit(x, recordConfirm(x.run, request.custodianId, shareOf(h), { identifier: candidate.identifier, signingShare: candidate.signingShare }, request.method));
    } finally {
      wipeCandidate(candidate);
    }
    // The custodian holds it now: main keeps no copy.
    secrets.destroy(h.handle);
    x.made.delete(request.custodianId);
    x.confirmed.add(request.custodianId);
    return statusOf(x);
  }

  async function destroy(): Promise<LifecycleStatus & { wiped: number }> {
    const x = running();
    const unconfirmed = x.custodians.filter((k) => !x.confirmed.has(k.id));
    if (unconfirmed.length > 0) throw transition(`${unconfirmed.map((k) => k.name).join(', ')} ${unconfirmed.length === 1 ? 'has' : 'have'} not confirmed their share yet.`);
    // Wiped before it is recorded: the record says what was done.
    const wiped = wipeAll(x);
    await commit(x, recordDestroy(x.run, ['quorum shares', c(x)]));
    return { ...statusOf(x), wiped };
  }

  const c = (x: Session): string => (lifecycleContext(x.run).kind === 'refresh' ? 'new shares' : 'repaired share');

  async function seal(): Promise<LifecycleStatus> {
    const x = running();
    await commit(x, recordSeal(x.run));
    if (x.run.status !== 'active') witnesses.releaseAll();
    return statusOf(x);
  }

  async function signOff(request: { witnessId: string; passphrase?: string; pin?: string }): Promise<LifecycleStatus> {
    const x = running();
    await withWitnessSigner(witnesses, request, async (signer) => commit(x, await signKindCheckpoint(x.run, signer)));
    if (x.run.status !== 'active') witnesses.releaseAll();
    return statusOf(x);
  }

  async function abort(request: { reason: string }): Promise<LifecycleStatus> {
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


