/**
 * Where a recovery's expected fingerprint comes from, and whether that source is something the team holds apart from
 * the shards (the recovery verdict's trust rule, DESIGN.md "Trust rules"). One module for the app and the CLI.
 *
 * Usage:
 *
 * ```ts
 * import { verifyTranscriptText } from './transcript';
 * import { expectedFromTranscript, expectedFromTypedFingerprint, expectedFromShards, recoveryVerdict } from './recovery-trust';
 *
 * const v = verifyTranscriptText(text);                       // must be ok first
 * if (!v.ok) throw ...;
 * const expected = expectedFromTranscript(v, { finalHash: typedFinalHash, witnessKeys: ['3f2a…', …] });
 *   // throws FINAL_HASH_MISMATCH when the typed final hash is not the transcript's last hash
 * // or: expectedFromTypedFingerprint('97B4 7ECB …')  (64 hex digits, or the 32 read aloud)
 * // or: expectedFromShards(envelope.fingerprint)
 * const verdict = recoveryVerdict(expected, recovered.fingerprint.hex);   // 'verified' | 'unverified' | 'mismatch'
 * // print expected.source ('fingerprint' | 'final-hash' | 'witness-keys' | 'transcript-unsigned' | 'transcript-unfinished' | 'shards')
 * ```
 *
 * ## The rule
 * - `fingerprint`: typed from the paper record. Verified.
 * - `final-hash`: the transcript is sealed (core/transcript-status) and its last entry hash equals a final hash typed
 *   from the paper record, so the file is the one the ceremony sealed, and its fingerprint is the ceremony's.
 *   Verified. (A different one: FINAL_HASH_MISMATCH.)
 * - `witness-keys`: the transcript is sealed and a witness key the team pins by its fingerprint
 *   (witnessKeyFingerprint) signed an entry that binds the fingerprint (see "Binding sign-offs"). Verified. It proves
 *   that pinned witnesses sealed *a* ceremony with this key; the screen names the ceremony (id, label, date) so the
 *   team compares it with the paper record, as pins are per person and reused across ceremonies.
 * - `transcript-unfinished`: the transcript was aborted, or does not replay to 'sealed' (no seal, the seal lacks its
 *   required sign-offs, or other steps follow it), whatever was typed or pinned. A ceremony aborted after the split
 *   and redone with a new key left shards and a transcript its witnesses signed: neither is the ceremony's key.
 *   Unverified.
 * - `transcript-unsigned`: the fingerprint comes from a transcript that verifies as a chain but that nothing the team
 *   holds vouches for (no final hash typed, no pinned key among the binding sign-offs). Anyone can write such a file,
 *   so it proves only that the shards agree with the file. Unverified.
 * - `shards`: only the fingerprint the shards carry about themselves (or nothing at all). Unverified.
 *
 * ## Binding sign-offs (decided here; the CLI and the app print the same)
 * The expected fingerprint is the one the transcript's last `split` entry records (what every shard was cut from).
 * A refresh or repair transcript has no split: its group key is unchanged, so the expected fingerprint is that key's,
 * and its refresh or repair entry takes the split's place below.
 * A witness signature covers the chain up to the entry it signs, and the witness attests that step. A sign-off binds
 * the fingerprint when its target is that split entry, or a `seal` entry after it (the seal covers the split through
 * the chain). Sign-offs over other steps (air-gap check, generate, handoffs, confirmations, test recovery, destroy) do
 * not count: their
 * witnesses attest another act. The source is `witness-keys` when at least one binding sign-off is by a key whose
 * fingerprint the team pinned. Which key ids the plan lists does not matter: the plan is inside the same file.
 *
 * ## Witness key fingerprint
 *   hex(SHA-256(UTF-8("keyshard/witness-key/v1") || 0x00 || UTF-8(algorithm) || 0x00 || publicKey))
 * with the public key as Ed25519's 32 bytes, or P-256's SEC1 compressed 33 bytes (an uncompressed key is compressed
 * first, so both encodings of one key have one fingerprint). Shown like the key fingerprint: 64 lowercase hex digits,
 * and the first 32 in eight groups of four for reading aloud. Either length may be pinned.
 *
 * Typed hex (fingerprints, final hashes, key fingerprints) may have spaces, dashes, colons, and either case.
 */
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from './errors';
import { looksLikeWords, parseSpokenWords } from './read-aloud';
import type { TranscriptEntry, VerifyOk, WitnessAlgorithm } from './transcript';
import { paperHashEntry, transcriptEnd, type TranscriptStatus } from './transcript-status';
import { isCiphersuite } from './vss/ciphersuites';
import { groupFingerprint } from './vss/group-key';

/** Where the expected fingerprint came from (the CLI prints these exact strings). */
export type ExpectedSourceName = 'fingerprint' | 'final-hash' | 'witness-keys' | 'transcript-unsigned' | 'transcript-unfinished' | 'shards';
export const EXPECTED_SOURCES: readonly ExpectedSourceName[] = ['fingerprint', 'final-hash', 'witness-keys', 'transcript-unsigned', 'transcript-unfinished', 'shards'];

export type RecoveryVerdict = 'verified' | 'unverified' | 'mismatch';

/** True for the sources the team holds apart from the shards. */
export function isVerifiedSource(source: ExpectedSourceName): boolean {
  return source === 'fingerprint' || source === 'final-hash' || source === 'witness-keys';
}

/** A sign-off that binds the expected fingerprint (see the rule above). */
export interface BindingSignoff {
  readonly witnessId: string;
  readonly algorithm: WitnessAlgorithm;
  /** witnessKeyFingerprint of the key that signed, 64 hex. */
  readonly keyFingerprint: string;
  /** The team pinned this key. */
  readonly pinned: boolean;
  /** The entry signed. */
  readonly targetSeq: number;
  readonly targetKind: string;
}

export interface ExpectedFingerprint {
  /** Lowercase hex: 64 digits, or 32 (the short form read aloud) when typed so. */
  readonly fingerprint: string;
  readonly source: ExpectedSourceName;
  /** isVerifiedSource(source). */
  readonly verified: boolean;
  /** Transcript sources only: the sign-offs that bind the fingerprint (empty otherwise). */
  readonly bindingSignoffs: readonly BindingSignoff[];
  /** Transcript sources only: the transcript replays to 'sealed' (core/transcript-status). */
  readonly sealed?: boolean;
  /** Transcript sources only: how it ends, and why it is not sealed (null when sealed). */
  readonly status?: TranscriptStatus;
  readonly statusWhy?: string | null;
  /** Transcript sources only: its last entry's hash. */
  readonly headHash?: string;
  /** Pinned key fingerprints given that signed no binding sign-off (shown so a typo is noticed). */
  readonly unmatchedPins: readonly string[];
  /**
   * Transcript sources only: which ceremony the file records, to compare with the paper record. A pinned witness
   * signs every ceremony (and rehearsal) they attend, so a pinned sign-off proves *a* ceremony, this names which.
   */
  readonly ceremony?: TranscriptCeremony;
}

export interface TranscriptCeremony {
  readonly id: string;
  /** The plan entry's label, when it records one. */
  readonly label: string | null;
  /** The seal entry's time (ISO 8601 UTC), or null when not sealed. */
  readonly sealedAt: string | null;
}

export interface TranscriptTrustOptions {
  /** Final hash typed from the paper record (64 hex digits, spaces tolerated). */
  readonly finalHash?: string;
  /** Witness key fingerprints the team pins (64 or 32 hex digits each, spaces tolerated). */
  readonly witnessKeys?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------------
// Typed hex

function compact(typed: string): string {
  return typed.replace(/[\s:\-_.]+/g, '').toLowerCase();
}

function parseHex(typed: unknown, what: string, lengths: readonly number[], todo: string): string {
  if (typeof typed !== 'string') throw new KeyshardError('INVALID_HEX', `The ${what} must be text. ${todo}`);
  // Typed as its 20 words to read aloud: they stand for the first 32 hex digits, which every caller accepts.
  if (looksLikeWords(typed)) return parseSpokenWords(typed, what);
  const hex = compact(typed);
  if (!/^[0-9a-f]*$/.test(hex)) throw new KeyshardError('INVALID_HEX', `The ${what} has only the digits 0-9 and the letters A-F. ${todo}`);
  if (!lengths.includes(hex.length)) {
    const want = lengths.length === 1 ? `${lengths[0]}` : `${lengths.slice(0, -1).join(', ')} or ${lengths[lengths.length - 1]}`;
    throw new KeyshardError('INVALID_HEX', `The ${what} has ${hex.length} hex digits; it has ${want}. ${todo}`, { length: hex.length });
  }
  return hex;
}

/** A key fingerprint typed from the paper record: 64 hex digits, or the 32 read aloud. Returns lowercase hex. */
export function parseFingerprintInput(typed: string): string {
  return parseHex(typed, 'fingerprint', [64, 32], 'Type it again from the paper record, group by group (spaces are fine).');
}

/** A transcript final hash typed from the paper record: 64 hex digits, or its 20 words (its first 32). Lowercase hex. */
export function parseFinalHashInput(typed: string): string {
  return parseHex(typed, 'final hash', [64], 'Type the whole final hash from the paper record (spaces are fine).');
}

/** A pinned witness key fingerprint: 64 hex digits, or the first 32. Returns lowercase hex. */
export function parseWitnessKeyFingerprintInput(typed: string): string {
  return parseHex(typed, 'witness key fingerprint', [64, 32], "Type it again from the team's record of the witness keys (spaces are fine).");
}

/** Whether a recovered key's fingerprint (64 hex) is the expected one (64 hex, or its first 32). */
export function fingerprintMatches(expected: string, recovered: string): boolean {
  const e = expected.toLowerCase();
  const r = recovered.toLowerCase();
  return (e.length === 64 || e.length === 32) && r.length === 64 && r.startsWith(e);
}

/** 32 hex digits as eight groups of four, upper case (as read aloud). */
export function shortDisplay(hex: string): string {
  return (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ');
}

// ---------------------------------------------------------------------------------------------------------------------
// Witness key fingerprint

const WITNESS_KEY_DOMAIN = utf8ToBytes('keyshard/witness-key/v1');

function canonicalPublicKey(algorithm: WitnessAlgorithm, publicKey: Uint8Array): Uint8Array {
  if (algorithm === 'ed25519') {
    if (publicKey.length !== 32) throw new KeyshardError('WITNESS_KEY', 'An Ed25519 witness public key is 32 bytes.');
    return publicKey;
  }
  try {
    return p256.Point.fromBytes(publicKey).toBytes(true);
  } catch {
    throw new KeyshardError('WITNESS_KEY', 'This P-256 witness public key is not a point on the curve.');
  }
}

/** The fingerprint the team pins a witness key by (64 lowercase hex digits). publicKey as bytes or hex. */
export function witnessKeyFingerprint(algorithm: WitnessAlgorithm, publicKey: Uint8Array | string): string {
  if (algorithm !== 'ed25519' && algorithm !== 'ecdsa-p256') throw new KeyshardError('WITNESS_KEY', 'A witness key is ed25519 or ecdsa-p256.');
  let bytes: Uint8Array;
  try {
    bytes = typeof publicKey === 'string' ? hexToBytes(publicKey) : publicKey;
  } catch {
    throw new KeyshardError('WITNESS_KEY', 'A witness public key is hex.');
  }
  const key = canonicalPublicKey(algorithm, bytes);
  return bytesToHex(sha256(concatBytes(WITNESS_KEY_DOMAIN, Uint8Array.of(0), utf8ToBytes(algorithm), Uint8Array.of(0), key)));
}

// ---------------------------------------------------------------------------------------------------------------------
// What a verified transcript says

function dataRecord(e: TranscriptEntry | undefined): Readonly<Record<string, unknown>> {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

function ownString(e: TranscriptEntry, key: string): string | undefined {
  const d = dataRecord(e);
  if (!Object.prototype.hasOwnProperty.call(d, key)) return undefined;
  const v = d[key];
  return typeof v === 'string' ? v : undefined;
}

/** The transcript replays to 'sealed': its seal with the sign-offs the plan requires, nothing but sign-offs after it. */
export function isSealed(result: Pick<VerifyOk, 'entries' | 'signoffs'>): boolean {
  return transcriptEnd(result).status === 'sealed';
}

/**
 * A refresh or repair transcript (core/lifecycle/transcript.ts) changes the shares, never the key: the fingerprint is
 * that of the group public key its plan, its refresh entry and its seal all name (one differing: refused). The entry
 * that plays the split's part (what a binding sign-off targets) is the refresh or the repair.
 */
function lifecycleFingerprint(result: Pick<VerifyOk, 'entries'>): { readonly fingerprint: string; readonly splitSeq: number } | null {
  const plan = result.entries[0];
  const kind = plan === undefined ? undefined : ownString(plan, 'ceremonyKind');
  if (plan === undefined || (kind !== 'refresh' && kind !== 'repair')) return null;
  const ciphersuite = ownString(plan, 'ciphersuite');
  const groupKey = ownString(plan, 'groupPublicKey');
  const made = [...result.entries].reverse().find((e) => e.kind === kind);
  if (!isCiphersuite(ciphersuite) || groupKey === undefined || !/^(?:[0-9a-f]{2}){32,33}$/.test(groupKey) || made === undefined) {
    throw new KeyshardError('TRANSCRIPT_FORMAT', `This ${kind} transcript names no group key, or records no ${kind}. Use the sealed transcript of the ${kind} that made these shards.`);
  }
  for (const e of result.entries) {
    const other = e.kind === 'refresh' || e.kind === 'seal' ? ownString(e, 'groupPublicKey') : undefined;
    if (other !== undefined && other !== groupKey) {
      throw new KeyshardError('TRANSCRIPT_FORMAT', `This transcript records two different group keys (entry ${e.seq}, ${e.kind}, and its plan). Do not trust it; use the original file from the ceremony's USB stick.`, { seq: e.seq });
    }
  }
  let fingerprint: string;
  try {
    fingerprint = groupFingerprint(ciphersuite, hexToBytes(groupKey)).hex;
  } catch {
    throw new KeyshardError('TRANSCRIPT_FORMAT', `This ${kind} transcript's group key is not a ${ciphersuite} point. Do not trust it; use the original file from the ceremony's USB stick.`);
  }
  return { fingerprint, splitSeq: made.seq };
}

/**
 * The fingerprint a verified transcript records for the shards: its last split entry's, or for a refresh or repair
 * the group key's (lifecycleFingerprint). Refuses a transcript without one, or one whose generate / import / seal
 * entries record a different fingerprint.
 */
export function transcriptFingerprint(result: Pick<VerifyOk, 'entries'>): { readonly fingerprint: string; readonly splitSeq: number } {
  const split = [...result.entries].reverse().find((e) => e.kind === 'split');
  if (split === undefined) {
    const lifecycle = lifecycleFingerprint(result);
    if (lifecycle !== null) return lifecycle;
    throw new KeyshardError('TRANSCRIPT_FORMAT', 'This transcript records no split, so it cannot say what the recovered key should be. Use the transcript of the ceremony that made these shards.');
  }
  const fingerprint = ownString(split, 'fingerprint');
  if (fingerprint === undefined || !/^[0-9a-f]{64}$/.test(fingerprint)) {
    throw new KeyshardError('TRANSCRIPT_FORMAT', "This transcript's split entry has no fingerprint. Use the transcript of the ceremony that made these shards.");
  }
  for (const e of result.entries) {
    if (e.kind !== 'generate' && e.kind !== 'import' && e.kind !== 'seal') continue;
    const other = ownString(e, 'fingerprint');
    if (other !== undefined && other !== fingerprint && (e.kind !== 'seal' || e.seq > split.seq)) {
      throw new KeyshardError(
        'TRANSCRIPT_FORMAT',
        `This transcript records two different fingerprints (entry ${e.seq}, ${e.kind}, and the split, entry ${split.seq}). Do not trust it; use the original file from the ceremony's USB stick.`,
        { seq: e.seq, splitSeq: split.seq },
      );
    }
  }
  return { fingerprint, splitSeq: split.seq };
}

/** Whether a sign-off over `target` binds `fingerprint` recorded by the split entry `splitSeq` (rule at the top). */
function bindsFingerprint(target: TranscriptEntry, splitSeq: number): boolean {
  if (target.kind === 'split' || target.kind === 'refresh' || target.kind === 'repair') return target.seq === splitSeq;
  if (target.kind === 'seal') return target.seq > splitSeq;
  return false;
}

function pinMatches(pin: string, keyFingerprint: string): boolean {
  return keyFingerprint.startsWith(pin);
}

/** Every sign-off of a verified transcript with its key's fingerprint, and whether the team pinned it. */
export interface SignoffWithKey {
  readonly witnessId: string;
  readonly algorithm: WitnessAlgorithm;
  readonly keyFingerprint: string;
  readonly pinned: boolean;
  readonly targetSeq: number;
  readonly targetKind: string;
  /** The sign-off entry's own seq. */
  readonly signoffSeq: number;
}

/** All sign-offs (one per witness and signed entry), with key fingerprints and whether each key is among `pins`. */
export function signoffsWithKeys(result: Pick<VerifyOk, 'entries' | 'signoffs'>, pins: readonly string[] = []): SignoffWithKey[] {
  const parsed = pins.map(parseWitnessKeyFingerprintInput);
  const out: SignoffWithKey[] = [];
  for (const step of result.signoffs) {
    const target = result.entries[step.seq - 1];
    if (target === undefined) continue;
    for (const w of step.witnesses) {
      const keyFingerprint = witnessKeyFingerprint(w.algorithm, w.publicKey);
      out.push({
        witnessId: w.id,
        algorithm: w.algorithm,
        keyFingerprint,
        pinned: parsed.some((p) => pinMatches(p, keyFingerprint)),
        targetSeq: step.seq,
        targetKind: target.kind,
        signoffSeq: w.signoffSeq,
      });
    }
  }
  return out;
}

/**
 * The expected fingerprint from a VERIFIED transcript (verifyTranscript / verifyTranscriptText result with ok true),
 * with its source and whether it is verified, given what the team typed from the paper record.
 * Throws FINAL_HASH_MISMATCH when a typed final hash is not the transcript's last hash; INVALID_HEX for bad input.
 */
export function expectedFromTranscript(result: VerifyOk, options: TranscriptTrustOptions = {}): ExpectedFingerprint {
  if (result.ok !== true) throw new KeyshardError('INVALID_ARGUMENT', 'Verify the transcript before reading a fingerprint from it.');
  const finalHash = options.finalHash === undefined ? undefined : parseFinalHashInput(options.finalHash);
  const pins = (options.witnessKeys ?? []).map(parseWitnessKeyFingerprintInput);
  const { fingerprint, splitSeq } = transcriptFingerprint(result);
  // The paper's hash may be the seal's (or a later sign-off's) when custody receipts were appended since (transcript-status).
  if (finalHash !== undefined && !result.headHash.startsWith(finalHash) && paperHashEntry(result, finalHash) === null) {
    const at = result.entries.findIndex((e) => e.hash.startsWith(finalHash));
    throw new KeyshardError(
      'FINAL_HASH_MISMATCH',
      at >= 0
        ? `The final hash typed is that of entry ${at + 1}, but the transcript goes on to entry ${result.entries.length}: it is not the file the paper record describes. Check the final hash and the file.`
        : "The transcript does not end at the final hash typed from the paper record: entries were removed from its end, it was rewritten, or it is another ceremony's file. Check the final hash as typed; if it is right, do not trust this transcript.",
      { headHash: result.headHash, ...(at >= 0 ? { matchesSeq: at + 1 } : {}) },
    );
  }
  const binding = signoffsWithKeys(result, pins)
    .filter((s) => {
      const target = result.entries[s.targetSeq - 1];
      return target !== undefined && bindsFingerprint(target, splitSeq);
    })
    .map(({ signoffSeq: _drop, ...rest }) => rest);
  const pinnedBinding = binding.some((b) => b.pinned);
  // Nothing typed or pinned vouches for a ceremony that was aborted or did not reach its seal.
  const end = transcriptEnd(result);
  const source: ExpectedSourceName =
    end.status !== 'sealed' ? 'transcript-unfinished' : finalHash !== undefined ? 'final-hash' : pinnedBinding ? 'witness-keys' : 'transcript-unsigned';
  return {
    fingerprint,
    source,
    verified: isVerifiedSource(source),
    bindingSignoffs: binding,
    sealed: end.status === 'sealed',
    status: end.status,
    statusWhy: end.why,
    ceremony: {
      id: result.ceremonyId,
      label: ownString(result.entries[0]!, 'label') ?? null,
      sealedAt: end.sealSeq === null ? null : (result.entries[end.sealSeq - 1]?.at ?? null),
    },
    headHash: result.headHash,
    unmatchedPins: pins.filter((p) => !binding.some((b) => pinMatches(p, b.keyFingerprint))),
  };
}

/** A fingerprint typed from the paper record (64 hex digits or the 32 read aloud). Verified. */
export function expectedFromTypedFingerprint(typed: string): ExpectedFingerprint {
  const fingerprint = parseFingerprintInput(typed);
  return { fingerprint, source: 'fingerprint', verified: true, bindingSignoffs: [], unmatchedPins: [] };
}

/** The fingerprint the shards carry about themselves (64 hex). Unverified. */
export function expectedFromShards(fingerprint: string): ExpectedFingerprint {
  const hex = parseHex(fingerprint, 'fingerprint', [64], 'It comes from a shard.');
  return { fingerprint: hex, source: 'shards', verified: false, bindingSignoffs: [], unmatchedPins: [] };
}

/**
 * The verdict on a recovered key (64 hex fingerprint): mismatch when it differs from the expected one; verified only
 * when it matches one from a verified source; otherwise (including nothing expected) unverified.
 */
export function recoveryVerdict(expected: ExpectedFingerprint | null, recoveredFingerprint: string): RecoveryVerdict {
  if (expected === null) return 'unverified';
  if (!fingerprintMatches(expected.fingerprint, recoveredFingerprint)) return 'mismatch';
  return expected.verified && isVerifiedSource(expected.source) ? 'verified' : 'unverified';
}
