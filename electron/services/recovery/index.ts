/**
 * The recovery service: one recovery session in the main process.
 *
 * - `start` sets what the recovered key is checked against: a fingerprint the person enters, and/or the ceremony's
 *   transcript (verified; its ceremony id, scheme, secret kind, fingerprint and split facts are then used).
 * - `addShard` checks each shard at once: readable (checksums, words - with core's position and suggestion for a wrong
 *   word), of this ceremony (ceremony id, fingerprint, SLIP-39 identifier, VSS commitments), verifiable (VSS shares
 *   against the commitments), not a repeat. The answer is accepted / duplicate / rejected plus progress per group.
 *   A rejected shard changes nothing in hand.
 * - `finish` combines in main and compares the recovered key's public fingerprint with the expected one. It answers
 *   with the public identity only, and a verdict that says how it knows (core/recovery-trust): verified only against
 *   something the team holds apart from the shards (a fingerprint or final hash typed from paper, a pinned witness
 *   key's sign-off); unverified against an unsigned transcript or the shards' own claim; mismatch. A mismatch, or a
 *   combination that fails, zeroizes everything.
 * - `export` shows the secret (only when asked with `reveal: true`), writes it encrypted (age / OpenPGP) to a file, or
 *   imports it into a PKCS#11 token (P-256 / secp256k1 keys; sensitive and non-extractable, see hsm-import.ts) - the
 *   last only after a verified verdict (RECOVERY_UNVERIFIED otherwise).
 * - Shards main reads itself (sources.ts): files on a drive the drive lister lists now (drive-files.ts; `driveShards`
 *   lists them first), and the shard a custodian's token holds (token-source.ts; PIN per request, never kept).
 * - `clear` and `shutdown` zeroize every buffer.
 *
 * Every share value and the result live in the service's secret store (Uint8Arrays behind handles). SLIP-39 progress and
 * combination use a short-lived core Slip39Recovery filled from the store and cleared (wiped) right after.
 * Calls are served one at a time, except `status` (one synchronous read, so a finish stretching its key for minutes does
 * not hold it) and `cancelFinish`. SLIP-39 key stretching runs on libuv's pool (electron/services/kdf), never on main's thread.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { VssCiphersuite } from '../../../core/envelope';
import { KeyshardError, isKeyshardError } from '../../../core/errors';
import {
  expectedFromShards,
  expectedFromTypedFingerprint,
  fingerprintMatches,
  recoveryVerdict,
  shortDisplay,
  type ExpectedFingerprint,
  type ExpectedSourceName,
} from '../../../core/recovery-trust';
import { Slip39Recovery, belowThresholdError, decryptMasterSecretAsync, type Slip39Share } from '../../../core/slip39/index';
import { combineShares, verifyShare } from '../../../core/vss/index';
import { getSuite } from '../../../core/vss/ciphersuites';
import { checkStretchAllowed, createKeyStretcher, durationText } from '../kdf/index';
import { openProtected as defaultOpenProtected } from '../protection/index';
import { createSecretStore, type SecretHandle } from '../secrets/index';
import { listedDrive } from '../usb/listed-drive';
import { listDriveShards } from './drive-files';
import { encryptExport, exportPlaintext, writeNewFile } from './export';
import { importRecoveredKey } from './hsm-import';
import { chooseSlip39Identity, vssIdentity } from './identity';
import { seedWords } from './seed-words';
import { wipeCandidate, type Candidate, type VssCandidate } from './inputs';
import { readCandidate } from './sources';
import { emptyProgress, slip39Progress, vssProgress } from './progress';
import { transcriptFacts, type RecordedBag, type TranscriptFacts } from './transcript-facts';
import { checkBagSerial, normaliseBagSerial } from '../../../core/bag-serial';
import type {
  AddShardResponse,
  BagCheck,
  DriveShardsRequest,
  DriveShardsResponse,
  ExpectedView,
  ExportRequest,
  ExportResponse,
  FingerprintView,
  FinishRequest,
  FinishResponse,
  RecoveredIdentity,
  RecoveryPhase,
  RecoveryProgressView,
  RecoveryService,
  RecoveryServiceDeps,
  RecoveryStartRequest,
  RecoveryStatus,
  SchemeName,
  SecretKindName,
  ShardFacts,
  ShardInput,
} from './types';

export * from './types';
export { transcriptFacts, type TranscriptFacts } from './transcript-facts';
export { EXPORT_FORMAT } from './export';

type Slip39Meta = Omit<Slip39Share, 'value'>;

type Held =
  | { readonly kind: 'slip39'; readonly facts: ShardFacts; readonly meta: Slip39Meta; readonly handle: SecretHandle }
  | { readonly kind: 'vss'; readonly facts: ShardFacts; readonly identifier: Uint8Array; readonly identifierHex: string; readonly handle: SecretHandle };

interface VssParams {
  readonly ciphersuite: VssCiphersuite;
  readonly threshold: number;
  readonly commitments: readonly string[];
}

interface Session {
  ceremonyId: string | null;
  label: string | null;
  scheme: SchemeName | null;
  secretKind: SecretKindName | null;
  /** A fingerprint typed from the paper record (64 hex, or the 32 read aloud). */
  given: ExpectedFingerprint | null;
  transcript: TranscriptFacts | null;
  /** The fingerprint the first envelope carried (when nothing else was expected). */
  shardFingerprint: string | null;
  vss: VssParams | null;
  held: Held[];
  /** Drive files (mount point NUL file name) whose shard is in hand. */
  driveFiles: Set<string>;
  attempts: number;
  phase: RecoveryPhase;
  result: { readonly handle: SecretHandle; readonly identity: RecoveredIdentity } | null;
  finished: FinishResponse | null;
  /** The recovery's log of the bags opened: each serial checked, matched or not. */
  bagChecks: BagCheck[];
}

function fingerprintView(hex: string): FingerprintView {
  return { hex, display: shortDisplay(hex) };
}

function expectedView(e: ExpectedFingerprint): ExpectedView {
  return {
    fingerprint: fingerprintView(e.fingerprint),
    source: e.source,
    verified: e.verified,
    signoffs: e.bindingSignoffs.map((b) => ({ witnessId: b.witnessId, keyFingerprint: b.keyFingerprint, pinned: b.pinned, step: b.targetKind })),
    unmatchedPins: [...e.unmatchedPins],
    sealed: e.sealed ?? null,
    statusWhy: e.statusWhy ?? null,
    ceremony: e.ceremony ?? null,
  };
}

/** Where the expected fingerprint came from, in words, after "checked against". */
function sourceWords(source: ExpectedSourceName): string {
  switch (source) {
    case 'fingerprint':
      return 'the fingerprint typed from the paper record';
    case 'final-hash':
      return "the transcript, whose final hash matches the one typed from the paper record";
    case 'witness-keys':
      return 'the transcript, signed by a witness key you pinned';
    case 'transcript-unsigned':
      return 'a transcript that nothing you hold apart from the shards confirms';
    case 'transcript-unfinished':
      return 'the transcript of a ceremony that was aborted or did not finish';
    case 'shards':
      return 'the fingerprint the shards carry';
  }
}

/** "pinned witness wendy" / "pinned witnesses wendy and victor". */
function pinnedSignersWords(e: ExpectedFingerprint): string {
  const ids = [...new Set(e.bindingSignoffs.filter((b) => b.pinned).map((b) => b.witnessId))];
  return ids.length === 1 ? `pinned witness ${ids[0]}` : `pinned witnesses ${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

/** 'ceremony "Treasury seed" (id 3f2a…), sealed 2025-03-01 10:00 UTC'. */
function ceremonyWords(e: ExpectedFingerprint): string {
  const c = e.ceremony;
  if (c === undefined) return 'the ceremony the transcript records';
  const at = c.sealedAt === null ? '' : `, sealed ${c.sealedAt.slice(0, 16).replace('T', ' ')} UTC`;
  return `ceremony ${c.label === null ? '' : `"${c.label}" `}(id ${c.id})${at}`;
}

function freshSession(): Session {
  return {
    ceremonyId: null,
    label: null,
    scheme: null,
    secretKind: null,
    given: null,
    transcript: null,
    shardFingerprint: null,
    vss: null,
    held: [],
    driveFiles: new Set(),
    attempts: 0,
    phase: 'idle',
    result: null,
    finished: null,
    bagChecks: [],
  };
}

/** The bag the transcript recorded this shard in (by its SLIP-39 group and member, or its VSS signer number), or none. */
function bagOf(bags: readonly RecordedBag[], c: Candidate): RecordedBag | undefined {
  if (c.kind === 'slip39') {
    const { groupIndex, memberIndex } = c.share;
    return bags.find((b) => b.shares.some((x) => 'group' in x && x.group === groupIndex && x.member === memberIndex));
  }
  const signer = signerNumber(c.ciphersuite, c.identifier);
  return signer === undefined ? undefined : bags.find((b) => b.shares.some((x) => 'signer' in x && x.signer === signer));
}

function problemOf(e: KeyshardError): { code: string; message: string; details?: Readonly<Record<string, unknown>> } {
  return e.details === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, details: e.details };
}

function short(hex: string): string {
  return `${hex.slice(0, 8)}…`;
}

/** The signer number of a VSS identifier (1..N as dealt), or undefined for an unusual identifier. */
function signerNumber(ciphersuite: VssCiphersuite, identifier: Uint8Array): number | undefined {
  try {
    const n = getSuite(ciphersuite).Fn.fromBytes(identifier);
    return n > 0n && n < 0x10000n ? Number(n) : undefined;
  } catch {
    return undefined;
  }
}

function factsOf(c: Candidate, n: number): ShardFacts {
  const env = c.envelope === undefined ? {} : { custodianLabel: c.envelope.custodianLabel, custodianIndex: c.envelope.custodianIndex };
  if (c.kind === 'slip39') return { number: n, source: c.source, ...env, group: c.share.groupIndex + 1, member: c.share.memberIndex + 1 };
  const signer = signerNumber(c.ciphersuite, c.identifier);
  return { number: n, source: c.source, ...env, ...(signer === undefined ? {} : { signer }) };
}

function driveKey(mountPoint: string, file: string): string {
  return `${mountPoint}\u0000${file}`;
}

function ctEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= ((a[i] ?? 0) ^ (b[i] ?? 0)) | 0;
  return diff === 0;
}

export function createRecoveryService(deps: RecoveryServiceDeps = {}): RecoveryService {
  const secrets = deps.secrets ?? createSecretStore();
  const open = deps.openProtected ?? defaultOpenProtected;
  const writeFile = deps.writeFile ?? writeNewFile;
  // SLIP-39 key stretching runs on libuv's pool (electron/services/kdf), never on main's thread.
  const kdf = deps.kdf ?? createKeyStretcher();
  let s = freshSession();
  let queue: Promise<unknown> = Promise.resolve();

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  /** Zeroizes every buffer of the store (the recovery's own store: shares and result). Returns how many. */
  function wipeAll(): number {
    s.held = [];
    s.result = null;
    return secrets.destroyAll();
  }

  /** What the recovered key is checked against: typed, else the transcript's (with its trust), else the shards'. */
  function expected(): ExpectedFingerprint | null {
    if (s.given !== null) return s.given;
    if (s.transcript !== null) return s.transcript.expected;
    if (s.shardFingerprint !== null) return expectedFromShards(s.shardFingerprint);
    return null;
  }

  /** A core Slip39Recovery holding copies of the shares in hand. The caller must clear() it. */
  function slip39State(): Slip39Recovery {
    const r = new Slip39Recovery();
    try {
      for (const h of s.held) if (h.kind === 'slip39') r.addShare({ ...h.meta, value: secrets.read(h.handle) }, h.facts.number);
    } catch (e) {
      r.clear();
      throw e;
    }
    return r;
  }

  function progress(): RecoveryProgressView {
    if (s.scheme === 'vss') return vssProgress(s.held.length, s.vss?.threshold ?? null);
    if (s.scheme === 'slip39' && s.held.length > 0) {
      const r = slip39State();
      try {
        return slip39Progress(r.progress(), s.held.length);
      } finally {
        r.clear();
      }
    }
    return s.scheme === null ? emptyProgress() : { ...emptyProgress(), scheme: s.scheme };
  }

  function messageOf(p: RecoveryProgressView): string {
    switch (s.phase) {
      case 'idle':
        return 'No recovery is running. Start one, then add the shards one at a time.';
      case 'recovered':
        return s.finished?.message ?? 'The secret is recovered.';
      case 'failed':
        return s.finished?.message ?? 'The recovery failed and everything was zeroized. Start again.';
      default: {
        const k = kdf.progress();
        if (k === null) return p.summary;
        return `Stretching the passphrase key: round ${k.round} of ${k.rounds} (${durationText(k.estimatedSeconds)} in all). Cancel keeps the shards in hand.`;
      }
    }
  }

  function statusOf(): RecoveryStatus {
    const p = progress();
    const e = expected();
    return {
      phase: s.phase,
      message: messageOf(p),
      ceremonyId: s.ceremonyId,
      label: s.label,
      scheme: s.scheme,
      secretKind: s.secretKind,
      expected: e === null ? null : expectedView(e),
      shards: s.held.map((h) => h.facts),
      progress: p,
      result: s.finished,
      stretching: kdf.progress(),
      bagChecks: [...s.bagChecks],
    };
  }

  function mismatch(reason: string, message: string, details: Record<string, unknown> = {}): KeyshardError {
    return new KeyshardError('SHARES_MISMATCH', message, { reason, ...details });
  }

  /** Why this shard cannot belong to this recovery (another ceremony, key, backup or deal), or undefined. */
  function belongsProblem(c: Candidate, n: number): KeyshardError | undefined {
    const who = `Share ${n}`;
    if (s.scheme !== null && s.scheme !== c.kind) {
      return mismatch(
        'scheme',
        `${who} is a ${c.kind === 'slip39' ? 'SLIP-39' : 'verifiable (FROST)'} share, but this recovery collects ${s.scheme === 'slip39' ? 'SLIP-39' : 'verifiable'} shares. It belongs to another ceremony: set it aside.`,
        { share: n },
      );
    }
    if (c.envelope !== undefined) {
      if (s.ceremonyId !== null && c.envelope.ceremonyId !== s.ceremonyId) {
        return mismatch(
          'ceremony',
          `${who} belongs to another ceremony (ceremony ${short(c.envelope.ceremonyId)}, this recovery is for ${short(s.ceremonyId)}). Set it aside and use only this ceremony's shards.`,
          { share: n, ceremonyId: c.envelope.ceremonyId, expectedCeremonyId: s.ceremonyId },
        );
      }
      const e = expected();
      if (e !== null && !fingerprintMatches(e.fingerprint, c.envelope.fingerprint)) {
        return mismatch(
          'fingerprint',
          `${who} is a shard of another key: it carries the fingerprint ${fingerprintView(c.envelope.fingerprint).display}, not the expected ${fingerprintView(e.fingerprint).display}. Set it aside.`,
          { share: n, fingerprint: c.envelope.fingerprint, expectedFingerprint: e.fingerprint },
        );
      }
    }
    if (c.kind === 'slip39') {
      const id = s.transcript?.identifier;
      if (id !== undefined && c.share.identifier !== id) {
        return mismatch('identifier', `${who} is from another SLIP-39 backup than this ceremony's (its identifier differs). Set it aside and use only this ceremony's shares.`, { share: n });
      }
      return undefined;
    }
    const v = s.vss;
    if (v !== null) {
      if (c.ciphersuite !== v.ciphersuite || c.threshold !== v.threshold || c.commitments.length !== v.commitments.length || c.commitments.some((x, i) => x !== v.commitments[i])) {
        return mismatch('commitments', `${who} was dealt in another split (its commitments differ from this ceremony's). Set it aside and use only this ceremony's shares.`, { share: n });
      }
    }
    return undefined;
  }

  /**
   * A shard the transcript recorded in a tamper-evident bag is used only when the serial of the bag it came out of is
   * typed and is that one. Every check goes in the recovery's log; a refused shard is not kept (the serial can be
   * typed again with the same shard: a typo loses nothing).
   */
  function bagProblem(c: Candidate, n: number, typed: string | undefined): KeyshardError | undefined {
    const bag = bagOf(s.transcript?.bags ?? [], c);
    if (bag === undefined) return undefined;
    const whose = `share ${n} (${s.transcript?.custodianIds.includes(bag.custodianId) === true ? bag.custodianId : 'a custodian'})`;
    const log = (t: string | null, outcome: BagCheck['outcome']): void => {
      s.bagChecks.push({ at: new Date().toISOString(), shard: n, custodianId: bag.custodianId, recorded: bag.serial, typed: t, outcome });
    };
    if (typed === undefined || typed.trim() === '') {
      log(null, 'missing');
      return new KeyshardError(
        'BAG_SERIAL_NEEDED',
        `The ceremony sealed ${whose} in a tamper-evident bag. Read the serial on the bag it came out of aloud, type it with the shard, and add the shard again; it was not used.`,
        { share: n, custodianId: bag.custodianId },
      );
    }
    try {
      checkBagSerial(bag.serial, typed, whose);
    } catch (e) {
      if (!isKeyshardError(e)) throw e;
      // An unreadable serial is a typo, not a bag: it is not logged as a bag that differs.
      if (e.code === 'BAG_SERIAL_MISMATCH') log(normaliseBagSerial(typed), 'mismatch');
      return new KeyshardError(e.code, `${e.message} This shard was not used.`, { ...(e.details ?? {}), share: n, custodianId: bag.custodianId });
    }
    log(bag.serial, 'matched');
    return undefined;
  }

  function checkVssShare(c: VssCandidate, n: number): void {
    try {
      verifyShare(c.ciphersuite, c.threshold, c.commitments.map((x) => hexToBytes(x)), { identifier: c.identifier, signingShare: c.signingShare });
    } catch (e) {
      if (isKeyshardError(e) && e.code === 'VSS_SHARE_INVALID') {
        throw new KeyshardError('VSS_SHARE_INVALID', `Share ${n} does not match the commitments it carries: it is damaged or was altered. Do not use it; ask its custodian for another copy.`, {
          share: n,
        });
      }
      throw e;
    }
  }

  async function add(input: ShardInput): Promise<AddShardResponse> {
    if (s.phase === 'idle') s.phase = 'collecting';
    if (s.phase !== 'collecting') {
      throw new KeyshardError('RECOVERY_STATE', s.phase === 'recovered' ? 'The secret is already recovered; clear it to start another recovery.' : 'This recovery failed and was zeroized; start a new one.', {
        phase: s.phase,
      });
    }
    s.attempts += 1;
    const n = s.attempts;
    let c: Candidate;
    try {
      c = await readCandidate(input, n, {
        hsm: deps.hsm,
        listDrives: deps.listDrives,
        open,
        ceremonyId: s.ceremonyId,
        custodianIds: s.transcript?.custodianIds ?? [],
      });
    } catch (e) {
      if (!isKeyshardError(e)) throw e;
      return { outcome: 'rejected', error: problemOf(e), progress: progress() };
    }
    const facts = factsOf(c, n);
    let kept = false;
    try {
      const problem = belongsProblem(c, n) ?? bagProblem(c, n, input.bagSerial);
      if (problem !== undefined) return { outcome: 'rejected', error: problemOf(problem), progress: progress() };

      if (c.kind === 'vss') {
        try {
          checkVssShare(c, n);
        } catch (e) {
          if (!isKeyshardError(e)) throw e;
          return { outcome: 'rejected', error: problemOf(e), progress: progress() };
        }
        const idHex = bytesToHex(c.identifier);
        const same = s.held.find((h) => h.kind === 'vss' && h.identifierHex === idHex);
        if (same !== undefined) {
          if (ctEqual(secrets.read(same.handle), c.signingShare)) {
            return { outcome: 'duplicate', shard: same.facts, message: `Share ${n} is already in hand (as share ${same.facts.number}); nothing changed.`, progress: progress() };
          }
          const e = new KeyshardError('DUPLICATE_SHARE', `Share ${n} has the same signer number as share ${same.facts.number} but a different value, and both verify; this cannot happen with one deal. Ask the ceremony lead.`, {
            share: n,
            other: same.facts.number,
          });
          return { outcome: 'rejected', error: problemOf(e), progress: progress() };
        }
        const handle = secrets.put(`recovery-share-${n}`, c.signingShare);
        kept = true;
        s.held.push({ kind: 'vss', facts, identifier: Uint8Array.from(c.identifier), identifierHex: idHex, handle });
        s.vss ??= { ciphersuite: c.ciphersuite, threshold: c.threshold, commitments: [...c.commitments] };
        s.secretKind ??= c.ciphersuite;
      } else {
        const r = slip39State();
        try {
          const result = r.addShare(c.share, n);
          if (result.status === 'rejected') return { outcome: 'rejected', error: problemOf(result.error), progress: progress() };
          if (result.status === 'duplicate') {
            const same = s.held.find((h) => h.facts.group === facts.group && h.facts.member === facts.member);
            return { outcome: 'duplicate', shard: same?.facts ?? facts, message: `Share ${n} is already in hand (group ${facts.group}, member ${facts.member}); nothing changed.`, progress: progress() };
          }
          const { value, ...meta } = c.share;
          const handle = secrets.put(`recovery-share-${n}`, value);
          kept = true;
          s.held.push({ kind: 'slip39', facts, meta, handle });
        } finally {
          r.clear();
        }
      }
      s.scheme ??= c.kind;
      if ('driveFile' in input) s.driveFiles.add(driveKey(input.driveFile.mountPoint, input.driveFile.file));
      if (c.envelope !== undefined) {
        s.ceremonyId ??= c.envelope.ceremonyId;
        if (expected() === null) s.shardFingerprint = c.envelope.fingerprint;
      }
      return { outcome: 'accepted', shard: facts, progress: progress() };
    } finally {
      if (!kept) wipeCandidate(c);
    }
  }

  /**
   * The SLIP-39 master secret from the shares in hand: Shamir and the digest check here, the passphrase's key stretching
   * on the pool (after asking when the shares want more work than keyshard writes). Throws SLIP39_SLOW_KDF (the question)
   * or KDF_CANCELLED with the shards left in hand; the caller wipes everything on any other error.
   */
  async function stretchSlip39(request: FinishRequest): Promise<Uint8Array> {
    const r = slip39State();
    let ems;
    try {
      ems = r.recoverEncryptedMasterSecret();
    } finally {
      r.clear();
    }
    try {
      await checkStretchAllowed(kdf, ems.iterationExponent, request.allowSlowKdf === true);
      const { identifier, extendable, iterationExponent, value } = ems;
      return await kdf.run(iterationExponent, (pbkdf2) => decryptMasterSecretAsync(value, { identifier, extendable, iterationExponent, passphrase: request.passphrase ?? '', pbkdf2 }));
    } catch (e) {
      if (isKeyshardError(e) && e.code === 'KDF_CANCELLED') {
        throw new KeyshardError(
          'KDF_CANCELLED',
          `Recovery stopped: the key stretching was cancelled before it ended, so nothing was recovered. The ${s.held.length} shards in hand are kept; press “Recover the key” to try again.`,
          { shards: s.held.length },
        );
      }
      throw e;
    } finally {
      ems.value.fill(0);
    }
  }

  async function finish(request: FinishRequest): Promise<FinishResponse> {
    if (s.phase !== 'collecting') {
      throw new KeyshardError('RECOVERY_STATE', s.phase === 'recovered' ? 'The secret is already recovered.' : 'There is nothing to recover: start a recovery and add shards first.', { phase: s.phase });
    }
    const p = progress();
    if (!p.canFinish) {
      if (s.scheme === 'slip39') {
        const r = slip39State();
        try {
          throw belowThresholdError(r.progress());
        } finally {
          r.clear();
        }
      }
      throw new KeyshardError('BELOW_THRESHOLD', `Not enough shares yet: ${p.summary}`, { groups: p.groups.map((g) => ({ ...g })) });
    }
    const e = expected();
    let secret: Uint8Array;
    let identity: RecoveredIdentity | undefined;
    try {
      if (s.scheme === 'vss' && s.vss !== null) {
        const v = s.vss;
        const shares = s.held.flatMap((h) => (h.kind === 'vss' ? [{ identifier: h.identifier, signingShare: Uint8Array.from(secrets.read(h.handle)) }] : []));
        try {
          const out = combineShares({ ciphersuite: v.ciphersuite, threshold: v.threshold, shares, commitments: v.commitments.map((x) => hexToBytes(x)) });
          secret = out.secret;
          identity = vssIdentity(v.ciphersuite, out.groupPublicKey);
        } finally {
          for (const sh of shares) sh.signingShare.fill(0);
        }
      } else {
        secret = await stretchSlip39(request);
        identity = chooseSlip39Identity(secret, s.secretKind, e?.fingerprint ?? null);
        if (identity === undefined) {
          secret.fill(0);
          throw new KeyshardError('SECRET_LENGTH', 'The recovered secret is neither a seed nor a key keyshard knows; it cannot be checked. Nothing was kept.');
        }
      }
    } catch (err) {
      // A question asked (slow key stretching) or a cancelled stretch changes nothing: the shards stay in hand.
      if (isKeyshardError(err) && (err.code === 'SLIP39_SLOW_KDF' || err.code === 'KDF_CANCELLED')) throw err;
      wipeAll();
      s.phase = 'failed';
      s.finished = null;
      throw err;
    }
    const verdict = recoveryVerdict(e, identity.fingerprint.hex);
    const source: ExpectedSourceName = e?.source ?? 'shards';
    const shardsUsed = s.held.length;
    for (const h of s.held) secrets.destroy(h.handle);
    s.held = [];
    let message: string;
    if (verdict === 'mismatch') {
      secret.fill(0);
      wipeAll();
      s.phase = 'failed';
      message =
        `The recovered key's fingerprint ${identity.fingerprint.display} is NOT the expected ${fingerprintView(e!.fingerprint).display} (${sourceWords(source)}). ` +
        'Do not use it. Everything was zeroized; check that every shard is from this ceremony and start again.';
    } else {
      s.result = { handle: secrets.put('recovered-secret', secret), identity };
      s.phase = 'recovered';
      message =
        verdict === 'verified' && source === 'witness-keys'
          ? `Verified: ${pinnedSignersWords(e!)} signed off this key (fingerprint ${identity.fingerprint.display}) in ${ceremonyWords(e!)}. ` +
            'Compare the ceremony id, label and date with the paper record: pinned witnesses sign every ceremony they attend, rehearsals too.'
          : verdict === 'verified'
          ? `Verified: this is the ceremony's key. Its fingerprint ${identity.fingerprint.display} was checked against ${sourceWords(source)}.`
          : e === null
            ? `Unverified: the shards combine into a key with fingerprint ${identity.fingerprint.display}, but nothing said what it should be. ` +
              'To verify: start again and type the fingerprint or the final hash from the paper record.'
            : source === 'transcript-unfinished'
              ? `Unverified: the shards agree with ${sourceWords(source)}. ${e.statusWhy ?? ''} Shards of an aborted or unfinished ceremony are not the ceremony's key, whoever signed. ` +
                "To verify: use the sealed transcript from the ceremony's USB stick, or type the fingerprint from the paper record of the ceremony that finished."
              : `Unverified: the shards agree with each other and with ${sourceWords(source)}, but nothing you hold apart from the shards confirms the fingerprint ${identity.fingerprint.display}. ` +
                'To verify: start again and type the fingerprint or the final hash from the paper record.';
    }
    s.finished = {
      verdict,
      source,
      expected: e === null ? null : expectedView(e),
      recovered: identity,
      shardsUsed,
      exportable: verdict !== 'mismatch',
      tokenImport: verdict === 'verified',
      message,
    };
    return s.finished;
  }

  async function exportSecret(request: ExportRequest): Promise<ExportResponse> {
    const r = s.result;
    if (s.phase !== 'recovered' || r === null || !secrets.has(r.handle)) {
      throw new KeyshardError('RECOVERY_STATE', 'There is no recovered secret to export: finish a recovery whose fingerprint matches first.', { phase: s.phase });
    }
    const secret = secrets.read(r.handle);
    if (request.kind === 'display') {
      if (request.reveal !== true) throw new KeyshardError('INVALID_ARGUMENT', 'Showing the secret needs an explicit choice (reveal).');
      // A seed comes with its words too (seed-words.ts): a BIP-39 wallet's mnemonic, else one SLIP-39 share of it.
      const words = await seedWords(secret, r.identity, request.words, kdf);
      return {
        kind: 'display',
        secretHex: bytesToHex(secret),
        secretKind: r.identity.kind,
        scheme: r.identity.scheme,
        fingerprint: r.identity.fingerprint,
        ...(words === undefined ? {} : { words }),
      };
    }
    if (request.kind === 'hsm-import') {
      // A key goes onto a token only once it is verified against something held apart from the shards: an unsigned
      // transcript or the shards' own fingerprint could have been made up with the shards, and the token's check
      // against the key's own public point cannot tell a wrong key from the right one.
      if (s.finished?.verdict !== 'verified') {
        throw new KeyshardError(
          'RECOVERY_UNVERIFIED',
          "Only a verified key is imported into a token: this one was not checked against anything held apart from the shards. Start the recovery again and type the fingerprint or the transcript's final hash from the paper record.",
          { verdict: s.finished?.verdict ?? null, source: s.finished?.source ?? null },
        );
      }
      return importRecoveredKey(deps.hsm, request, secret, r.identity);
    }
    const armored = await encryptExport(exportPlaintext(secret, r.identity, s.ceremonyId), request.recipient);
    const data = new TextEncoder().encode(armored);
    await writeFile(request.path, data);
    return { kind: 'encrypted-file', path: request.path, bytes: data.length, protection: request.recipient.kind, fingerprint: r.identity.fingerprint };
  }

  async function driveShards(request: DriveShardsRequest): Promise<DriveShardsResponse> {
    const drive = await listedDrive(deps.listDrives, request.mountPoint);
    const listing = await listDriveShards(drive, s.transcript?.custodianIds ?? []);
    const ceremonyId = s.ceremonyId;
    return {
      drive: { mountPoint: drive.mountPoint, label: drive.label },
      ceremonyId,
      files: listing.files.map((f) => ({
        file: f.file,
        protection: f.protection,
        ceremonyId: f.ceremonyId,
        custodianIndex: f.custodianIndex,
        share: f.share,
        // A name from this ceremony's plan only for this ceremony's files.
        custodianId: f.ceremonyId === ceremonyId ? f.custodianId : null,
        custodianLabel: f.custodianLabel,
        ceremony: ceremonyId === null ? 'unknown' : f.ceremonyId === ceremonyId ? 'this' : 'other',
        inHand: s.driveFiles.has(driveKey(drive.mountPoint, f.file)),
        bytes: f.bytes,
      })),
      problems: listing.problems.map((p) => ({ ...p })),
    };
  }

  return {
    start: (request: RecoveryStartRequest = {}) =>
      serial(async () => {
        const given = request.expectedFingerprint === undefined ? null : expectedFromTypedFingerprint(request.expectedFingerprint);
        if (request.transcriptText === undefined && (request.finalHash !== undefined || (request.witnessKeys?.length ?? 0) > 0)) {
          throw new KeyshardError('INVALID_ARGUMENT', 'A final hash or witness keys check a transcript: load the ceremony\'s transcript with them.');
        }
        const facts =
          request.transcriptText === undefined
            ? null
            : transcriptFacts(request.transcriptText, {
                ...(request.finalHash === undefined ? {} : { finalHash: request.finalHash }),
                ...(request.witnessKeys === undefined ? {} : { witnessKeys: request.witnessKeys }),
              });
        if (facts !== null && given !== null && !fingerprintMatches(given.fingerprint, facts.fingerprint)) {
          throw new KeyshardError('INVALID_ARGUMENT', `The fingerprint entered differs from the one in the transcript (${fingerprintView(facts.fingerprint).display}). Check which is right before recovering.`);
        }
        if (facts !== null && request.secretKind !== undefined && request.secretKind !== facts.secretKind) {
          throw new KeyshardError('INVALID_ARGUMENT', `The transcript says the secret is ${facts.secretKind === 'seed' ? 'a seed' : `a ${facts.secretKind} key`}; leave the kind out or choose that.`);
        }
        wipeAll();
        s = freshSession();
        s.phase = 'collecting';
        s.given = given;
        s.secretKind = request.secretKind ?? null;
        if (facts !== null) {
          s.transcript = facts;
          s.ceremonyId = facts.ceremonyId;
          s.label = facts.label;
          s.scheme = facts.scheme;
          s.secretKind = facts.secretKind;
          if (facts.scheme === 'vss') {
            if (facts.secretKind === 'seed') throw new KeyshardError('TRANSCRIPT_FORMAT', 'This transcript records verifiable shares of a seed, which keyshard does not make.');
            s.vss = { ciphersuite: facts.secretKind, threshold: facts.commitments?.length ?? 0, commitments: [...(facts.commitments ?? [])] };
          }
        }
        return statusOf();
      }),

    addShard: (input) => serial(() => add(input)),

    driveShards: (request) => serial(() => driveShards(request)),

    // Status only reads, in one synchronous step, so it never queues behind a call under way: while a finish stretches
    // its key (seconds to minutes), the screen still learns the round under way at once.
    status: async () => statusOf(),

    cancelFinish: async () => {
      const cancelled = kdf.cancel();
      return {
        cancelled,
        message: cancelled
          ? 'Cancelling: the key stretching stops now; the shards in hand are kept.'
          : 'Nothing to cancel: no recovery is stretching its key now.',
      };
    },

    finish: (request = {}) => serial(() => finish(request)),

    export: (request) => serial(() => exportSecret(request)),

    clear: () => {
      kdf.cancel(); // a finish under way stops at once, so the wipe does not wait for it
      return serial(async () => {
        const buffers = wipeAll();
        s = freshSession();
        return { cleared: true, buffers } as const;
      });
    },

    shutdown: () => {
      kdf.cancel(); // quitting never waits for key stretching
      // Nor for any other call: the buffers are wiped now, not behind the queue, where a call still waiting on a drive
      // or a token would hold them (and quitting) for as long as it waits. The queued part then starts afresh.
      wipeAll();
      return serial(async () => {
        wipeAll();
        s = freshSession();
      });
    },
  };
}
