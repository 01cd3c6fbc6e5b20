/**
 * The ceremony transcript: an append-only, hash-chained, witness-signed record of a key ceremony.
 * It holds PUBLIC data only (plan, checks, fingerprints, counts, custodian names, sign-offs). Callers must never
 * pass secrets; `appendEntry` refuses data with field names that look secret (see SECRET_LOOKING_KEYS) as a second wall.
 *
 * ## File format, version 1 (enough to re-implement verification elsewhere)
 *
 * ```
 * {
 *   "format": "keyshard-transcript",
 *   "version": 1,
 *   "ceremonyId": "acme-root-2025",
 *   "entries": [
 *     { "seq": 1, "prevHash": "<64 hex>", "at": "2025-03-01T10:00:00.000Z", "kind": "plan", "data": {...}, "hash": "<64 hex>" },
 *     ...
 *   ]
 * }
 * ```
 * - Top level: exactly these four members. `ceremonyId`: 1-128 characters, no control or bidi-override characters.
 * - Entry: exactly the six members shown. `seq` counts 1, 2, 3, ... in file order. `at` is UTC in the exact form of
 *   ECMAScript `Date.prototype.toISOString()` (`YYYY-MM-DDTHH:mm:ss.sssZ`), taken from the ceremony machine's clock
 *   or from the ceremony record being appended (recorded, not checked for order). `kind` matches
 *   `[a-z][a-z0-9-]{0,39}` (e.g. `plan`, `airgap-check`, `entropy`, `split`, `seal`, `abort`, `signoff`).
 *   `data` is JSON restricted as in canonical-json.ts (integers only). All hex is lowercase.
 * - The layout of `data` in the file is free for a verifier that ignores layout; the hash input is always JCS.
 * - Canonical JSON: RFC 8785 (JCS), see canonical-json.ts.
 * - Genesis: `G = hex(SHA-256(UTF-8("keyshard-transcript-v1 genesis\n" + JCS(ceremonyId))))`, i.e. the prefix followed
 *   by the id as a canonical JSON string (with its quotes). Entry 1's prevHash is G, which binds the chain to the id.
 * - Entry hash: `hash = hex(SHA-256(UTF-8("keyshard-transcript-v1\n" + JCS({seq, prevHash, at, kind, data}))))`.
 *   Entry n+1's prevHash is entry n's hash.
 * - Entry 1 has kind `plan`, and no other entry does. If the plan's data has a top-level `witnessKeys` member, it is
 *   an array of `{ "id", "algorithm", "publicKey" (hex), ... }` (other members allowed, ids unique): the pinned
 *   witness keys. (Not `witnesses`: the policy's plan already uses that name for the people, without keys.)
 * - A sign-off is an entry of kind `signoff` whose data is exactly
 *   `{ "target": { "seq", "hash" }, "witness": { "id", "algorithm", "publicKey" }, "signature" }`:
 *   the target is an earlier entry that is not itself a sign-off, `target.hash` equals that entry's hash, and
 *   `signature` (hex) is the witness's signature over the 32 raw bytes of that hash:
 *     - `ed25519`: RFC 8032 Ed25519 (strict, non-ZIP-215 decoding), 32-byte public key, 64-byte signature;
 *     - `ecdsa-p256`: ECDSA on P-256 over the 32 bytes as the digest itself (no further hashing; what PKCS#11
 *       CKM_ECDSA computes), signature r||s (64 bytes), high-S accepted; public key SEC1, 33 or 65 bytes.
 *   When the plan pins witness keys, a sign-off must name a pinned witness with the identical id, algorithm and
 *   public key (same hex), or it fails as TRANSCRIPT_SIGNATURE. Without `witnessKeys` in the plan, any key is
 *   accepted and the result says the keys were not pinned.
 * - An exception (a deviation from the script: core/ceremony-kinds/exceptions.ts) is an entry of kind `exception`
 *   whose data has exactly the members `stepId` (a step id of the key ceremony's catalogue), `deviation`
 *   (step-repeated, airgap-override, custodian-absent, confirmation-failed, abort), `reason` (1-500 characters, one
 *   printable line, not only spaces) and optionally `custodianId` and `witnessId` (ids as in plans). When the plan
 *   entry names witnesses, `witnessId` is required, is one of them, and the very next entry is that witness's
 *   sign-off over the exception; otherwise verification fails at the exception (TRANSCRIPT_FORMAT for its data,
 *   TRANSCRIPT_SIGNATURE for its witness). A file that ends at the exception is a shorter chain, as above.
 * - After an `abort` entry only one entry may come: an exception with deviation `abort` (the reason typed after the
 *   wipe), then only that exception's witness signature. Instead of a `witnessId`, that exception alone may carry
 *   `"unsigned": true` (a plan with witnesses, none of whom signs); then nothing follows it. An `abort` exception
 *   anywhere else, or any other entry after the abort, fails as TRANSCRIPT_FORMAT (a signature over an exception
 *   marked unsigned: TRANSCRIPT_SIGNATURE).
 * - After the `seal`, only sign-offs and entries of kind `custody-receipt` (data: a witness-signed custody receipt,
 *   core/custody/receipt.ts) may come. This verifier checks their chain like any entry; whether each receipt holds
 *   (signature, ceremony, cited final hash at or after the seal, pinned witness) is core/transcript-status's rule.
 * - The file as keyshard writes it (`serializeTranscript`): two-space indentation, `"name": value` with one space,
 *   members in the order above, `data` with sorted keys and JCS string escaping, empty containers as `{}`/`[]`,
 *   "\n" line ends, one final "\n", no byte-order mark. `verifyTranscriptText` insists on this exact layout
 *   by default, so that any change to the file (even whitespace, or a duplicated member that JSON.parse would
 *   silently drop) is reported; pass `{ exactLayout: false }` to check only the chain and signatures.
 *
 * ## Verification order and what it reports
 * The header first (TRANSCRIPT_FORMAT, `firstBadSeq: null`), then each entry in order: its shape
 * (TRANSCRIPT_FORMAT), its position (`seq`), its link (`prevHash`) and its own hash (TRANSCRIPT_TAMPERED), the plan
 * rule (TRANSCRIPT_FORMAT), and for a sign-off its target and signature (TRANSCRIPT_SIGNATURE). The first failing entry
 * is named by its position in the file (which equals its seq in an intact file).
 *
 * ## Limits (honest)
 * - The chain is not a MAC: anyone can rewrite the whole file and recompute every hash. What cannot be forged is a
 *   witness signature, and each signature covers the whole chain up to the entry it signs.
 * - Entries removed from the END leave a valid, shorter chain. Compare the final hash (`headHash`, printed by
 *   `keyshard transcript verify`) with the one written on the paper record, or pass `expectedHeadHash`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalize, canonicalizePretty, duplicateMember, hasLoneSurrogate } from './canonical-json';
import type { JsonValue } from './canonical-json';
import { exceptionDataProblem } from './ceremony-kinds/exceptions';
import { KEY_CEREMONY } from './ceremony-kinds/key-ceremony';
import { KeyshardError } from './errors';

export const TRANSCRIPT_FORMAT_NAME = 'keyshard-transcript';
export const TRANSCRIPT_VERSION = 1;
export const ENTRY_HASH_PREFIX = 'keyshard-transcript-v1\n';
export const GENESIS_PREFIX = 'keyshard-transcript-v1 genesis\n';

/** Where the transcript gets its timestamps; injected so core stays pure and tests are deterministic. */
export type Clock = () => Date;

export type WitnessAlgorithm = 'ed25519' | 'ecdsa-p256';
export const WITNESS_ALGORITHMS: readonly WitnessAlgorithm[] = ['ed25519', 'ecdsa-p256'];

/** Kinds the ceremony uses today; any kind matching KIND_PATTERN is accepted so new steps need no format change. */
export type TranscriptKind =
  | 'plan'
  | 'airgap-check'
  | 'entropy'
  | 'generate'
  | 'import'
  | 'split'
  | 'handoff'
  | 'confirm'
  | 'test-recovery'
  | 'destroy'
  | 'seal'
  | 'sign-off'
  | 'abort'
  | 'signoff'
  | (string & {});

export interface TranscriptEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly at: string;
  readonly kind: TranscriptKind;
  readonly data: JsonValue;
  readonly hash: string;
}

export type UnhashedEntry = Omit<TranscriptEntry, 'hash'>;

export interface Transcript {
  readonly format: typeof TRANSCRIPT_FORMAT_NAME;
  readonly version: typeof TRANSCRIPT_VERSION;
  readonly ceremonyId: string;
  readonly entries: readonly TranscriptEntry[];
}

/** A witness's key as it appears in the plan and in sign-offs; publicKey is lowercase hex. */
export interface WitnessRef {
  readonly id: string;
  readonly algorithm: WitnessAlgorithm;
  readonly publicKey: string;
}

/**
 * Something that signs as a witness: the software key below today, a PKCS#11 token later (raw CKM_ECDSA over the
 * 32 bytes gives exactly the `ecdsa-p256` signature). `sign` receives the target entry's 32 hash bytes.
 */
export interface WitnessSigner {
  readonly witnessId: string;
  readonly algorithm: WitnessAlgorithm;
  readonly publicKey: Uint8Array;
  sign(hash: Uint8Array): Promise<Uint8Array>;
}

export interface EntrySignoffs {
  readonly seq: number;
  readonly kind: string;
  /** Witnesses whose signature over this entry holds, in the order they signed; `signoffSeq` is their sign-off entry. */
  readonly witnesses: readonly (WitnessRef & { readonly signoffSeq: number })[];
}

export type TranscriptErrorCode = 'TRANSCRIPT_TAMPERED' | 'TRANSCRIPT_SIGNATURE' | 'TRANSCRIPT_FORMAT';

export interface VerifyOk {
  readonly ok: true;
  readonly ceremonyId: string;
  readonly entries: readonly TranscriptEntry[];
  /** One item per entry that is not a sign-off, in file order. */
  readonly signoffs: readonly EntrySignoffs[];
  /** The last entry's hash: write it on the paper record; it detects entries removed from the end. */
  readonly headHash: string;
  /** True when the plan lists witness keys (`witnessKeys`), so every sign-off was checked against that list. */
  readonly witnessesPinned: boolean;
  readonly witnesses: readonly WitnessRef[];
}

export interface VerifyFailure {
  readonly ok: false;
  /** Position (1-based) of the first bad entry; null when the file as a whole is wrong (not JSON, header, layout between entries). */
  readonly firstBadSeq: number | null;
  readonly code: TranscriptErrorCode;
  readonly reason: string;
  /** Known when the header could be read. */
  readonly ceremonyId?: string;
  readonly entryCount?: number;
}

export type VerifyResult = VerifyOk | VerifyFailure;

export interface VerifyOptions {
  /** The final hash recorded elsewhere (paper; 64 hex digits or the first 32); a different head fails as TRANSCRIPT_TAMPERED. */
  readonly expectedHeadHash?: string;
}

export interface VerifyTextOptions extends VerifyOptions {
  /** Require the file to be byte-for-byte as serializeTranscript writes it (default true). */
  readonly exactLayout?: boolean;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX_EVEN = /^(?:[0-9a-f]{2})+$/;
const KIND_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Control characters, line/paragraph separators and bidi controls would let an id rewrite a terminal line or a screen.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const MAX_ID_LENGTH = 128;
/**
 * Verification checks every signature (milliseconds each, on main's thread), so the work is bounded before it starts.
 * A 16 x 16 SLIP-39 ceremony with three witnesses signing every custodian's confirmation is about 2,100 entries
 * (1.2 MB); the demo is 63 (34 KB). Entries beyond MAX_TRANSCRIPT_ENTRIES are refused unread.
 */
export const MAX_TRANSCRIPT_ENTRIES = 4096;
/** The largest transcript file read (bytes, or characters of text over IPC): the 16 x 16 ceremony above with margin. */
export const MAX_TRANSCRIPT_BYTES = 2 * 1024 * 1024;
/** Sign-offs of one entry when the plan names no witnesses (otherwise: one per witness the plan names). */
export const MAX_SIGNOFFS_PER_ENTRY = 32;
const ENTRY_KEYS = ['seq', 'prevHash', 'at', 'kind', 'data', 'hash'] as const;
const HEADER_KEYS = ['format', 'version', 'ceremonyId', 'entries'] as const;

// ---------------------------------------------------------------------------------------------------------------------
// Hashing

function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** Entry 1's prevHash: binds the chain to the ceremony id. */
export function genesisHash(ceremonyId: string): string {
  return sha256Hex(GENESIS_PREFIX + canonicalize(ceremonyId));
}

/** The hash an entry must carry: SHA-256 over the domain prefix and the canonical JSON of the other five members. */
export function computeEntryHash(entry: UnhashedEntry): string {
  const { seq, prevHash, at, kind, data } = entry;
  return sha256Hex(ENTRY_HASH_PREFIX + canonicalize({ seq, prevHash, at, kind, data }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Small validators (exported so screens and tests apply the same rules)

/** A ceremony or witness id: 1-128 characters, valid Unicode, nothing that could redraw a terminal or a screen. */
export function isPrintableId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID_LENGTH && !UNPRINTABLE.test(v) && !hasLoneSurrogate(v);
}

function isIsoUtc(v: unknown): v is string {
  if (typeof v !== 'string' || !ISO_UTC.test(v)) return false;
  const d = new Date(v);
  return !Number.isNaN(d.getTime()) && d.toISOString() === v;
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function hasExactKeys(v: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(v, k));
}

function isAlgorithm(v: unknown): v is WitnessAlgorithm {
  return v === 'ed25519' || v === 'ecdsa-p256';
}

function publicKeyLengthOk(algorithm: WitnessAlgorithm, byteLength: number): boolean {
  return algorithm === 'ed25519' ? byteLength === 32 : byteLength === 33 || byteLength === 65;
}

/** Verifies a witness signature over a 32-byte entry hash. Malformed keys or signatures give false, never throw. */
let signatureChecks = 0;

/** How many witness signatures this process was asked to check so far: for tests and benchmarks of incremental verification. */
export function witnessSignatureChecks(): number {
  return signatureChecks;
}

/**
 * Signatures that verified, by their exact bytes (algorithm, key, hash, signature): a sign-off is checked when it is
 * made, again by the witness service and once more as the next verification resumes, and verification is a pure
 * function of those bytes, so the answer is kept. Only successes; at most MAX_VERIFIED_KEPT, then it starts afresh.
 */
const verifiedSignatures = new Set<string>();
const MAX_VERIFIED_KEPT = 512;

export function verifyWitnessSignature(algorithm: WitnessAlgorithm, publicKey: Uint8Array, hash: Uint8Array, signature: Uint8Array): boolean {
  signatureChecks++;
  if (hash.length !== 32 || signature.length !== 64 || !publicKeyLengthOk(algorithm, publicKey.length)) return false;
  const key = `${algorithm}/${bytesToHex(publicKey)}/${bytesToHex(hash)}/${bytesToHex(signature)}`;
  if (verifiedSignatures.has(key)) return true;
  let ok: boolean;
  try {
    // A token signs the digest as given and does not normalise S: verify exactly that (see NOTES.md, PKCS#11).
    ok = algorithm === 'ed25519' ? ed25519.verify(signature, hash, publicKey, { zip215: false }) : p256.verify(signature, hash, publicKey, { prehash: false, lowS: false });
  } catch {
    ok = false;
  }
  if (ok) {
    if (verifiedSignatures.size >= MAX_VERIFIED_KEPT) verifiedSignatures.clear();
    verifiedSignatures.add(key);
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------------------------------
// Secret guard (defence in depth; the rule is still: callers pass public data only)

/** Field names refused anywhere in entry data, compared lowercased with '-', '_' and spaces removed. */
export const SECRET_LOOKING_KEYS: readonly string[] = [
  'secret',
  'secrethex',
  'secretkey',
  'mastersecret',
  'privatekey',
  'privkey',
  'mnemonic',
  'mnemonics',
  'share',
  'sharehex',
  'sharevalue',
  'signingshare',
  'signingshares',
  'passphrase',
  'password',
  'pin',
  'sopin',
  'seed',
  'seedhex',
  'nonce',
  'nonces',
];
const SECRET_KEY_SET = new Set(SECRET_LOOKING_KEYS);

/** The path of the first field whose name looks secret, or null. Paths show names only, never values. */
export function findSecretLookingKey(data: unknown, path = ''): string | null {
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const hit = findSecretLookingKey(data[i], `${path}[${i}]`);
      if (hit !== null) return hit;
    }
  } else if (typeof data === 'object' && data !== null) {
    for (const [k, v] of Object.entries(data)) {
      const shown = /^[A-Za-z0-9_$-]{1,64}$/.test(k) ? k : '…';
      if (SECRET_KEY_SET.has(k.toLowerCase().replace(/[-_\s]/g, ''))) return `${path}.${shown}`;
      const hit = findSecretLookingKey(v, `${path}.${shown}`);
      if (hit !== null) return hit;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------------
// Structural validation (shared by parse and verify)

type Fail = { readonly firstBadSeq: number | null; readonly code: TranscriptErrorCode; readonly reason: string };

const USE_ORIGINAL = "Use the original file from the ceremony's USB stick.";

function entryName(pos: number, kind: unknown): string {
  return typeof kind === 'string' && KIND_PATTERN.test(kind) ? `entry ${pos} (${kind})` : `entry ${pos}`;
}

function formatFail(firstBadSeq: number | null, what: string): Fail {
  return {
    firstBadSeq,
    code: 'TRANSCRIPT_FORMAT',
    reason: `This is not a readable keyshard transcript: ${what}. ${USE_ORIGINAL}`,
  };
}

function checkHeader(v: unknown): Fail | null {
  if (!isPlainRecord(v)) return formatFail(null, 'the file is not a JSON object');
  if (v['format'] !== TRANSCRIPT_FORMAT_NAME) return formatFail(null, `"format" is not "${TRANSCRIPT_FORMAT_NAME}"`);
  if (v['version'] !== TRANSCRIPT_VERSION) {
    const shown = Number.isSafeInteger(v['version']) ? `version ${String(v['version'])}` : 'a version it does not state clearly';
    return formatFail(null, `the file has ${shown}, and this keyshard reads version ${TRANSCRIPT_VERSION} (a newer keyshard may read it)`);
  }
  if (!isPrintableId(v['ceremonyId'])) return formatFail(null, '"ceremonyId" is missing or not a printable id of 1-128 characters');
  if (!Array.isArray(v['entries'])) return formatFail(null, '"entries" is missing or not a list');
  if (!hasExactKeys(v, HEADER_KEYS)) return formatFail(null, `the top level has members other than ${HEADER_KEYS.join(', ')}`);
  if (v['entries'].length === 0) return formatFail(null, 'it has no entries (the first entry must be the plan)');
  return null;
}

/** Checks the members of one entry (not its links). Returns what is wrong, in words without data values. */
function entryShapeProblem(e: unknown): string | null {
  if (!isPlainRecord(e)) return 'it is not a JSON object';
  if (!hasExactKeys(e, ENTRY_KEYS)) return `it does not have exactly the members ${ENTRY_KEYS.join(', ')}`;
  if (!Number.isSafeInteger(e['seq']) || (e['seq'] as number) < 1) return '"seq" is not a whole number from 1';
  if (typeof e['prevHash'] !== 'string' || !HEX64.test(e['prevHash'])) return '"prevHash" is not 64 lowercase hex digits';
  if (!isIsoUtc(e['at'])) return '"at" is not a UTC time like 2025-03-01T10:00:00.000Z';
  if (typeof e['kind'] !== 'string' || !KIND_PATTERN.test(e['kind'])) return '"kind" is not a lowercase step name';
  if (typeof e['hash'] !== 'string' || !HEX64.test(e['hash'])) return '"hash" is not 64 lowercase hex digits';
  try {
    canonicalize(e['data']);
  } catch {
    return '"data" holds something other than plain JSON with whole numbers';
  }
  if (e['kind'] === 'signoff') return signoffShapeProblem(e['data']);
  if (e['kind'] === 'exception') return exceptionDataProblem(KEY_CEREMONY, e['data']);
  return null;
}

interface SignoffData {
  readonly target: { readonly seq: number; readonly hash: string };
  readonly witness: WitnessRef;
  readonly signature: string;
}

function witnessShapeProblem(w: unknown, exact: boolean): string | null {
  if (!isPlainRecord(w)) return 'a witness is not a JSON object';
  if (exact && !hasExactKeys(w, ['id', 'algorithm', 'publicKey'])) return 'the witness does not have exactly the members id, algorithm, publicKey';
  if (!isPrintableId(w['id'])) return 'a witness id is missing or not printable (1-128 characters)';
  if (!isAlgorithm(w['algorithm'])) return `a witness algorithm is not one of ${WITNESS_ALGORITHMS.join(', ')}`;
  const pk = w['publicKey'];
  if (typeof pk !== 'string' || !HEX_EVEN.test(pk) || !publicKeyLengthOk(w['algorithm'], pk.length / 2)) {
    return `a witness public key is not lowercase hex of the size ${w['algorithm']} uses`;
  }
  return null;
}

function signoffShapeProblem(d: unknown): string | null {
  if (!isPlainRecord(d) || !hasExactKeys(d, ['target', 'witness', 'signature'])) {
    return 'the sign-off data does not have exactly the members target, witness, signature';
  }
  const target = d['target'];
  if (!isPlainRecord(target) || !hasExactKeys(target, ['seq', 'hash']) || !Number.isSafeInteger(target['seq']) || typeof target['hash'] !== 'string' || !HEX64.test(target['hash'])) {
    return 'the sign-off target is not { seq, hash } with a whole number and 64 lowercase hex digits';
  }
  const w = witnessShapeProblem(d['witness'], true);
  if (w !== null) return w;
  if (typeof d['signature'] !== 'string' || !/^[0-9a-f]{128}$/.test(d['signature'])) return 'the signature is not 128 lowercase hex digits';
  return null;
}

/** The pinned witness keys of a plan, or a problem description. Undefined list means "not pinned". */
function planWitnesses(data: JsonValue): { witnesses: readonly WitnessRef[] | undefined } | { problem: string } {
  if (!isPlainRecord(data) || !Object.prototype.hasOwnProperty.call(data, 'witnessKeys')) return { witnesses: undefined };
  const list = data['witnessKeys'];
  if (!Array.isArray(list)) return { problem: 'the plan\'s "witnessKeys" is not a list' };
  const out: WitnessRef[] = [];
  const ids = new Set<string>();
  for (const w of list) {
    const problem = witnessShapeProblem(w, false);
    if (problem !== null) return { problem: `in the plan's witness keys, ${problem}` };
    const ref = w as unknown as WitnessRef;
    if (ids.has(ref.id)) return { problem: `the plan lists a key for witness "${ref.id}" twice` };
    ids.add(ref.id);
    out.push({ id: ref.id, algorithm: ref.algorithm, publicKey: ref.publicKey });
  }
  return { witnesses: out };
}

/** The witness ids the plan entry names: its pinned keys' ids, else its witnessIds list. */
function planWitnessIds(data: JsonValue, pinned: readonly WitnessRef[] | undefined): readonly string[] {
  if (pinned !== undefined) return pinned.map((w) => w.id);
  const ids = isPlainRecord(data) ? data['witnessIds'] : undefined;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
}

/** The number of witnesses the plan entry names (its witness keys, or its witnessIds list), or null when it names none. */
function planWitnessCount(data: JsonValue, pinned: readonly WitnessRef[] | undefined): number | null {
  if (pinned !== undefined) return pinned.length;
  if (!isPlainRecord(data) || !Object.prototype.hasOwnProperty.call(data, 'witnessIds')) return null;
  const ids = data['witnessIds'];
  return Array.isArray(ids) && ids.length > 0 ? ids.length : null;
}

// ---------------------------------------------------------------------------------------------------------------------
// Verification

/** Where a verification got to: what entry 1 pinned, the sign-offs so far, and the chain's head after `count` entries. */
interface ChainState {
  readonly count: number;
  readonly pinned: readonly WitnessRef[] | undefined;
  readonly perEntry: number;
  readonly planWitnessList: readonly string[];
  /** Per signed entry; its arrays are replaced, never changed, so a shallow copy of the map is a snapshot. */
  readonly signoffs: ReadonlyMap<number, readonly (WitnessRef & { signoffSeq: number })[]>;
  readonly prev: string;
  readonly unsignedException: { readonly pos: number; readonly witnessId: string } | null;
  readonly abort: AbortStage;
}

/**
 * Where a file stands with respect to an abort: none yet; the abort entry; its exception waiting for the witness's
 * signature; closed (the exception signed, or marked unsigned: `exceptionPos` is that exception).
 */
type AbortStage = { readonly stage: 'none' | 'aborted' | 'noted' } | { readonly stage: 'closed'; readonly exceptionPos: number; readonly markedUnsigned: boolean };

/**
 * For a transcript this module built (frozen, from appendEntry/signEntry): the state of a verification that passed
 * over it or over the transcript it extends. A later verification resumes there and checks only the entries added
 * since, so signing after each step costs one signature check, not one per sign-off so far (a demo ceremony spent 11%
 * of its time re-verifying). The entries it covers are the same frozen objects, so nothing they say can have changed.
 * Transcripts read from outside (JSON, parseTranscript) are never in it and are verified whole.
 */
const verifiedBase = new WeakMap<Transcript, ChainState>();
/** Transcripts made by freezeTranscript: deeply frozen, so a verification of one holds for as long as it lives. */
const frozenHere = new WeakSet<object>();

/**
 * Verifies a transcript object (from createTranscript/appendEntry, parseTranscript, or straight from JSON.parse):
 * shape, chain, plan rule and every sign-off. Never throws for bad content; the result names the first bad entry.
 */
export function verifyTranscript(t: unknown, options: VerifyOptions = {}): VerifyResult {
  const headerProblem = checkHeader(t);
  if (headerProblem !== null) return { ok: false, ...headerProblem };
  const header = t as Record<string, unknown> & { ceremonyId: string; entries: unknown[] };
  const ceremonyId = header.ceremonyId;
  const raw = header.entries;
  const fail = (f: Fail): VerifyFailure => ({ ok: false, ...f, ceremonyId, entryCount: raw.length });
  const tampered = (pos: number, what: string): VerifyFailure =>
    fail({ firstBadSeq: pos, code: 'TRANSCRIPT_TAMPERED', reason: `The transcript was changed after it was written: ${what}. ${USE_ORIGINAL}` });
  const badSignature = (pos: number, what: string): VerifyFailure =>
    fail({
      firstBadSeq: pos,
      code: 'TRANSCRIPT_SIGNATURE',
      reason: `A witness sign-off does not hold: ${what}. Do not trust this transcript; ask the witnesses to check the original file.`,
    });

  if (raw.length > MAX_TRANSCRIPT_ENTRIES) {
    return fail(
      formatFail(
        MAX_TRANSCRIPT_ENTRIES + 1,
        `the transcript has ${raw.length} entries; a ceremony writes far fewer (at most ${MAX_TRANSCRIPT_ENTRIES} are read), so it is not a keyshard transcript`,
      ),
    );
  }
  const ours = frozenHere.has(t as object);
  const base = ours ? verifiedBase.get(t as Transcript) : undefined;
  let pinned: readonly WitnessRef[] | undefined = base?.pinned;
  /** How many witnesses may sign one entry: those the plan names (keys or ids), else MAX_SIGNOFFS_PER_ENTRY. */
  let perEntry = base?.perEntry ?? MAX_SIGNOFFS_PER_ENTRY;
  const entries: TranscriptEntry[] = raw.slice(0, base?.count ?? 0) as TranscriptEntry[];
  const signoffs = new Map<number, readonly (WitnessRef & { signoffSeq: number })[]>(base?.signoffs ?? []);
  let prev = base?.prev ?? genesisHash(ceremonyId);
  let planWitnessList: readonly string[] = base?.planWitnessList ?? [];
  /**
   * An exception that names a witness: the very next entry must be that witness's signature over it. A file that ends
   * at the exception is a shorter chain, like any other cut at the end (it is not sealed: transcript-status says so).
   */
  let unsignedException: { readonly pos: number; readonly witnessId: string } | null = base?.unsignedException ?? null;
  const exceptionUnsigned = (x: { readonly pos: number; readonly witnessId: string }): VerifyFailure =>
    badSignature(x.pos, `the exception at entry ${x.pos} is not followed by witness "${x.witnessId}"'s signature over it`);
  let abort: AbortStage = base?.abort ?? { stage: 'none' };

  for (let i = base?.count ?? 0; i < raw.length; i++) {
    const pos = i + 1;
    const e = raw[i];
    const shape = entryShapeProblem(e);
    if (shape !== null) return fail(formatFail(pos, `${entryName(pos, isPlainRecord(e) ? e['kind'] : undefined)} is malformed: ${shape}`));
    const entry = e as unknown as TranscriptEntry;
    const name = entryName(pos, entry.kind);
    if (entry.seq !== pos) {
      return tampered(pos, `the entry at position ${pos} says it is entry ${entry.seq}, so entries were removed, inserted or reordered`);
    }
    if (entry.prevHash !== prev) {
      return tampered(
        pos,
        pos === 1
          ? `${name} does not belong to ceremony "${ceremonyId}": the ceremony id or the first entry was changed`
          : `${name} does not follow entry ${pos - 1}: entries were removed, inserted or reordered`,
      );
    }
    if (computeEntryHash(entry) !== entry.hash) return tampered(pos, `${name} does not match its hash`);

    if ((pos === 1) !== (entry.kind === 'plan')) {
      return fail(formatFail(pos, pos === 1 ? `entry 1 is "${entry.kind}", but a transcript starts with the plan` : `${name} is a second plan; only entry 1 may be the plan`));
    }
    if (pos === 1) {
      const plan = planWitnesses(entry.data);
      if ('problem' in plan) return fail(formatFail(1, plan.problem));
      pinned = plan.witnesses;
      perEntry = planWitnessCount(entry.data, pinned) ?? MAX_SIGNOFFS_PER_ENTRY;
      planWitnessList = planWitnessIds(entry.data, pinned);
    }
    // After an abort: the abort's exception (the reason, typed after the wipe) and its witness's signature, or that
    // exception marked unsigned; nothing else (core/ceremony.ts). An abort's exception anywhere else is refused too.
    const abortNote = entry.kind === 'exception' && (entry.data as { deviation?: unknown }).deviation === 'abort';
    if (abort.stage === 'closed') {
      const d = entry.kind === 'signoff' ? (entry.data as unknown as SignoffData) : null;
      if (d !== null && abort.markedUnsigned && d.target.seq === abort.exceptionPos) {
        return badSignature(pos, `${name} signs the abort's exception (entry ${abort.exceptionPos}), which says no witness signs it`);
      }
      return fail(formatFail(pos, `${name} comes after the abort's exception (entry ${abort.exceptionPos}); an aborted ceremony records nothing more`));
    }
    if (abort.stage === 'aborted' && !abortNote) return fail(formatFail(pos, `${name} follows the abort; only the abort's exception may (its reason, then the witness's signature)`));
    if (abort.stage === 'none' && abortNote) return fail(formatFail(pos, `${name} is an abort's exception, but the entry before it is not the abort`));
    if (unsignedException !== null) {
      const d = entry.kind === 'signoff' ? (entry.data as unknown as SignoffData) : null;
      if (d === null || d.target.seq !== unsignedException.pos || d.witness.id !== unsignedException.witnessId) return exceptionUnsigned(unsignedException);
      if (abort.stage === 'noted') abort = { stage: 'closed', exceptionPos: unsignedException.pos, markedUnsigned: false };
      unsignedException = null;
    }
    if (entry.kind === 'abort' && abort.stage === 'none') abort = { stage: 'aborted' };
    if (entry.kind === 'exception') {
      // A witness signs every exception off; only a plan with no witnesses records one unsigned.
      const w = (entry.data as { witnessId?: string }).witnessId;
      const markedUnsigned = (entry.data as { unsigned?: unknown }).unsigned === true;
      if (w === undefined && planWitnessList.length > 0 && !markedUnsigned) return badSignature(pos, `the exception at ${name} names no witness, but the plan has witnesses and one signs every exception`);
      if (w !== undefined && !planWitnessList.includes(w)) return badSignature(pos, `the exception at ${name} names witness "${w}", who is not in the plan`);
      if (w !== undefined) unsignedException = { pos, witnessId: w };
      if (markedUnsigned && planWitnessList.length === 0) return fail(formatFail(pos, `${name} is marked unsigned, but the plan has no witnesses, so no exception of it is signed; the marker is only for a plan with witnesses`));
      if (abortNote) abort = w === undefined ? { stage: 'closed', exceptionPos: pos, markedUnsigned } : { stage: 'noted' };
    }
    if (entry.kind === 'signoff') {
      const d = entry.data as unknown as SignoffData;
      const w = d.witness;
      const who = `witness "${w.id}" (${name})`;
      const target = d.target.seq >= 1 && d.target.seq < pos ? entries[d.target.seq - 1] : undefined;
      if (target === undefined) return badSignature(pos, `${who} signs entry ${d.target.seq}, which does not come before it`);
      if (target.kind === 'signoff') return badSignature(pos, `${who} signs entry ${target.seq}, which is itself a sign-off`);
      if (target.hash !== d.target.hash) return badSignature(pos, `${who} names entry ${target.seq} but carries the hash of something else`);
      if (pinned !== undefined && !pinned.some((p) => p.id === w.id && p.algorithm === w.algorithm && p.publicKey === w.publicKey)) {
        return badSignature(pos, `${who} signs with a key the plan does not list for that witness`);
      }
      // Checked before the signature, so a file of repeated sign-offs costs no signature checks.
      const earlier = signoffs.get(target.seq) ?? [];
      const again = earlier.find((x) => x.id === w.id);
      if (again !== undefined) return badSignature(pos, `${who} signs ${entryName(target.seq, target.kind)} a second time (entry ${again.signoffSeq} already did)`);
      if (earlier.length >= perEntry) return badSignature(pos, `${entryName(target.seq, target.kind)} already has ${earlier.length} sign-offs, as many as the plan has witnesses`);
      if (!verifyWitnessSignature(w.algorithm, hexToBytes(w.publicKey), hexToBytes(target.hash), hexToBytes(d.signature))) {
        return badSignature(pos, `${who}'s signature over ${entryName(target.seq, target.kind)} does not verify with the key it names`);
      }
      signoffs.set(target.seq, [...earlier, { id: w.id, algorithm: w.algorithm, publicKey: w.publicKey, signoffSeq: pos }]);
    }
    entries.push(entry);
    prev = entry.hash;
  }
  if (ours) {
    verifiedBase.set(t as Transcript, { count: entries.length, pinned, perEntry, planWitnessList, signoffs, prev, unsignedException, abort });
  }

  // The whole hash, or its first 32 digits (what its words to read aloud stand for, core/read-aloud): 128 bits.
  const expected = options.expectedHeadHash?.toLowerCase();
  const ends = (hash: string): boolean => expected !== undefined && expected.length >= 32 && hash.startsWith(expected);
  if (expected !== undefined && !ends(prev)) {
    const at = entries.findIndex((x) => ends(x.hash));
    return at >= 0
      ? tampered(at + 2, `the paper record ends at entry ${at + 1}, but the file goes on after it`)
      : fail({
          firstBadSeq: null,
          code: 'TRANSCRIPT_TAMPERED',
          reason: `The transcript does not end at the final hash on the paper record: entries were removed from its end, or it is another ceremony's file. ${USE_ORIGINAL}`,
        });
  }

  return {
    ok: true,
    ceremonyId,
    entries,
    signoffs: entries.filter((x) => x.kind !== 'signoff').map((x) => ({ seq: x.seq, kind: x.kind, witnesses: signoffs.get(x.seq) ?? [] })),
    headHash: prev,
    witnessesPinned: pinned !== undefined,
    witnesses: pinned ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Serialization and parsing

/** The pieces of the file keyshard writes, each tagged with the entry (position) it belongs to, or null for framing. */
function layoutPieces(ceremonyId: string, entries: readonly TranscriptEntry[], complete: boolean): { text: string; owner: number | null }[] {
  const q = (s: string): string => canonicalize(s);
  const pieces: { text: string; owner: number | null }[] = [
    { text: `{\n  "format": ${q(TRANSCRIPT_FORMAT_NAME)},\n  "version": ${TRANSCRIPT_VERSION},\n  "ceremonyId": `, owner: null },
    // A changed id is reported by entry 1's broken link; here only the header's layout is at stake.
    { text: `${q(ceremonyId)},\n  "entries": [`, owner: null },
  ];
  entries.forEach((e, i) => {
    pieces.push({ text: i === 0 ? '\n    ' : ',\n    ', owner: null });
    const inner = '      ';
    pieces.push({
      owner: i + 1,
      text:
        `{\n${inner}"seq": ${e.seq},\n${inner}"prevHash": ${q(e.prevHash)},\n${inner}"at": ${q(e.at)},\n` +
        `${inner}"kind": ${q(e.kind)},\n${inner}"data": ${canonicalizePretty(e.data, 2, inner)},\n${inner}"hash": ${q(e.hash)}\n    }`,
    });
  });
  if (complete) pieces.push({ text: entries.length === 0 ? ']\n}\n' : '\n  ]\n}\n', owner: null });
  return pieces;
}

/** The transcript as a file: stable, pretty JSON (layout described at the top of this file). */
export function serializeTranscript(t: Transcript): string {
  return layoutPieces(t.ceremonyId, t.entries, true)
    .map((p) => p.text)
    .join('');
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

function freezeTranscript(ceremonyId: string, entries: readonly TranscriptEntry[]): Transcript {
  const t: Transcript = deepFreeze({ format: TRANSCRIPT_FORMAT_NAME, version: TRANSCRIPT_VERSION, ceremonyId, entries: [...entries] });
  frozenHere.add(t);
  return t;
}

function parseJson(text: string): { value: unknown } | { fail: Fail } {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { fail: formatFail(null, 'the file is not valid JSON (it may be cut short or damaged)') };
  }
  // JSON.parse keeps the last of two members of the same name; a reader may see the other. Refused even when layout is
  // not checked.
  const twice = duplicateMember(text);
  if (twice !== undefined) {
    const [top, index] = twice.path;
    const seq = top === 'entries' && typeof index === 'number' ? index + 1 : null;
    const shown = /^[A-Za-z0-9_-]{1,40}$/.test(twice.name) ? `"${twice.name}"` : 'a member name';
    const where = seq === null ? 'in one object' : `in one object of entry ${seq}`;
    return { fail: formatFail(seq, `${shown} appears twice ${where}, so the file does not say one thing (it was edited)`) };
  }
  return { value };
}

/**
 * Reads a transcript file's text and checks its shape (not its hashes or signatures: use verifyTranscript).
 * Throws TRANSCRIPT_FORMAT, with `details.firstBadSeq` naming the entry when one is at fault.
 */
export function parseTranscript(text: string): Transcript {
  const parsed = parseJson(text);
  if ('fail' in parsed) throw new KeyshardError('TRANSCRIPT_FORMAT', parsed.fail.reason, { firstBadSeq: null });
  const v = parsed.value;
  const header = checkHeader(v);
  if (header !== null) throw new KeyshardError('TRANSCRIPT_FORMAT', header.reason, { firstBadSeq: null });
  const raw = (v as { entries: unknown[] }).entries;
  raw.forEach((e, i) => {
    const problem = entryShapeProblem(e);
    if (problem !== null) {
      const f = formatFail(i + 1, `${entryName(i + 1, isPlainRecord(e) ? e['kind'] : undefined)} is malformed: ${problem}`);
      throw new KeyshardError('TRANSCRIPT_FORMAT', f.reason, { firstBadSeq: i + 1 });
    }
  });
  return freezeTranscript((v as { ceremonyId: string }).ceremonyId, raw as TranscriptEntry[]);
}

/** Where the text first departs from keyshard's own layout of the same content: the owning entry, or null for framing. */
function firstLayoutDeparture(text: string, ceremonyId: string, entries: readonly TranscriptEntry[], complete: boolean): { owner: number | null; offset: number } | null {
  let offset = 0;
  for (const piece of layoutPieces(ceremonyId, entries, complete)) {
    if (!text.startsWith(piece.text, offset)) {
      let k = 0;
      while (k < piece.text.length && text.charCodeAt(offset + k) === piece.text.charCodeAt(k)) k++;
      return { owner: piece.owner, offset: offset + k };
    }
    offset += piece.text.length;
  }
  if (complete && offset !== text.length) return { owner: null, offset };
  return null;
}

/**
 * Verifies a transcript file's text: JSON, shape, chain, sign-offs and (by default) the exact layout keyshard writes.
 * Never throws for bad content. A file that is not JSON fails as TRANSCRIPT_FORMAT with firstBadSeq null.
 */
export function verifyTranscriptText(text: string, options: VerifyTextOptions = {}): VerifyResult {
  const parsed = parseJson(text);
  if ('fail' in parsed) return { ok: false, ...parsed.fail };
  const result = verifyTranscript(parsed.value, options);
  if (options.exactLayout === false) return result;
  const v = parsed.value;
  if (checkHeader(v) !== null) return result;
  const { ceremonyId, entries } = v as { ceremonyId: string; entries: TranscriptEntry[] };
  // Only entries before the first failing one are known to be well-formed enough to lay out.
  const goodCount = result.ok ? entries.length : (result.firstBadSeq ?? 1) - 1;
  const departure = firstLayoutDeparture(text, ceremonyId, entries.slice(0, goodCount), result.ok);
  if (departure === null) return result;
  // A content failure at or before the layout departure is the more useful report; so is any content failure when
  // only framing whitespace moved.
  if (!result.ok && (departure.owner === null || (result.firstBadSeq !== null && result.firstBadSeq <= departure.owner))) return result;
  const where = departure.owner === null ? 'outside any entry' : `inside ${entryName(departure.owner, entries[departure.owner - 1]?.kind)}`;
  return {
    ok: false,
    firstBadSeq: departure.owner,
    code: 'TRANSCRIPT_FORMAT',
    reason: `The file is not laid out the way keyshard wrote it (first difference at character ${departure.offset}, ${where}): it was edited or re-saved after the ceremony, even if the recorded facts may still hold. ${USE_ORIGINAL}`,
    ceremonyId,
    entryCount: entries.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Writing a transcript

const clocks = new WeakMap<Transcript, Clock>();

function withClockRegistered(t: Transcript, clock: Clock): Transcript {
  clocks.set(t, clock);
  return t;
}

/** Starts an empty transcript (the first entry appended must be the plan). The clock is kept for later appends. */
export function createTranscript(ceremonyId: string, clock: Clock): Transcript {
  if (!isPrintableId(ceremonyId)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The ceremony id must be 1-128 printable characters (no line breaks or control characters).');
  }
  return withClockRegistered(freezeTranscript(ceremonyId, []), clock);
}

/** Continues a transcript read from a file (e.g. for witnesses signing later): attaches the clock for new entries. */
export function resumeTranscript(t: Transcript, clock: Clock): Transcript {
  return withClockRegistered(freezeTranscript(t.ceremonyId, t.entries), clock);
}

function nowIso(t: Transcript): string {
  const clock = clocks.get(t);
  if (clock === undefined) {
    throw new KeyshardError('INVALID_ARGUMENT', 'This transcript has no clock attached; call resumeTranscript(t, clock) before appending to it.');
  }
  const d = clock();
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new KeyshardError('INVALID_ARGUMENT', "The ceremony clock gave an invalid time; check the machine's clock.");
  return d.toISOString();
}

function appendUnchecked(t: Transcript, kind: string, data: JsonValue, at?: string): Transcript {
  const last = t.entries[t.entries.length - 1];
  const unhashed: UnhashedEntry = {
    seq: t.entries.length + 1,
    prevHash: last === undefined ? genesisHash(t.ceremonyId) : last.hash,
    at: at ?? nowIso(t),
    kind,
    data,
  };
  const entry: TranscriptEntry = { ...unhashed, hash: computeEntryHash(unhashed) };
  const next = freezeTranscript(t.ceremonyId, [...t.entries, entry]);
  const base = verifiedBase.get(t);
  if (base !== undefined) verifiedBase.set(next, base);
  const clock = clocks.get(t);
  return clock === undefined ? next : withClockRegistered(next, clock);
}

/**
 * Appends one step or event and returns the new transcript (the old one is unchanged; both are frozen).
 * `data` must be public: fields named like secrets are refused. Sign-offs go through signEntry, not here.
 * `options.at` records a time already taken (e.g. a ceremony record's `at`) instead of reading the clock.
 */
export function appendEntry(t: Transcript, kind: TranscriptKind, data: unknown, options: { readonly at?: string } = {}): Transcript {
  if (typeof kind !== 'string' || !KIND_PATTERN.test(kind)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'An entry kind is a lowercase step name such as "split" or "seal" (letters, digits, dashes).');
  }
  if (kind === 'signoff') throw new KeyshardError('INVALID_ARGUMENT', 'Sign-offs are recorded with signEntry, which checks the signature first.');
  const first = t.entries.length === 0;
  if (first !== (kind === 'plan')) {
    throw new KeyshardError(
      'CEREMONY_TRANSITION',
      first ? `A transcript starts with the plan; cannot record "${kind}" first.` : 'The plan is already recorded (entry 1); a transcript has exactly one plan.',
    );
  }
  // A canonical round trip validates the data (no cycles, bounded depth) and takes a private copy the caller cannot
  // change later; the guard then walks that copy.
  const copy = JSON.parse(canonicalize(data)) as JsonValue;
  const secretPath = findSecretLookingKey(copy);
  if (secretPath !== null) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `Refusing to record "${kind}": its data has a field at ${secretPath} whose name looks like secret material. The transcript is public: record fingerprints, counts and names, never secrets.`,
      { path: secretPath },
    );
  }
  if (kind === 'plan') {
    const plan = planWitnesses(copy);
    if ('problem' in plan) throw new KeyshardError('INVALID_ARGUMENT', `The plan cannot be recorded: ${plan.problem}.`);
  }
  if (options.at !== undefined && !isIsoUtc(options.at)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'An entry time is UTC in the form 2025-03-01T10:00:00.000Z.');
  }
  return appendUnchecked(t, kind, copy, options.at);
}

/**
 * Has a witness sign entry `seq` and appends the sign-off. Refuses to sign a transcript that does not verify, a
 * witness the plan does not list, and a signature that does not verify with the signer's own public key.
 */
export async function signEntry(t: Transcript, seq: number, signer: WitnessSigner): Promise<Transcript> {
  const check = verifyTranscript(t);
  if (!check.ok) throw new KeyshardError(check.code, `Refusing to sign: ${check.reason}`, { firstBadSeq: check.firstBadSeq });
  const target = Number.isSafeInteger(seq) ? t.entries[seq - 1] : undefined;
  if (target === undefined) throw new KeyshardError('INVALID_ARGUMENT', `There is no entry ${seq} to sign; the transcript has ${t.entries.length} entries.`);
  if (target.kind === 'signoff') throw new KeyshardError('INVALID_ARGUMENT', `Entry ${seq} is a sign-off; sign the entry it signs instead.`);
  if (!isPrintableId(signer.witnessId)) throw new KeyshardError('INVALID_ARGUMENT', 'A witness id must be 1-128 printable characters.');
  if (!isAlgorithm(signer.algorithm) || !publicKeyLengthOk(signer.algorithm, signer.publicKey.length)) {
    throw new KeyshardError('INVALID_ARGUMENT', `Witness "${signer.witnessId}" has an unsupported algorithm or a public key of the wrong size.`);
  }
  const witness: WitnessRef = { id: signer.witnessId, algorithm: signer.algorithm, publicKey: bytesToHex(signer.publicKey) };
  if (check.witnessesPinned && !check.witnesses.some((p) => p.id === witness.id && p.algorithm === witness.algorithm && p.publicKey === witness.publicKey)) {
    throw new KeyshardError(
      'TRANSCRIPT_SIGNATURE',
      `Witness "${witness.id}" is not in the plan with this ${witness.algorithm} key. Use the key or token registered in the plan.`,
    );
  }
  if (!clocks.has(t)) throw new KeyshardError('INVALID_ARGUMENT', 'This transcript has no clock attached; call resumeTranscript(t, clock) before signing.');
  const hashBytes = hexToBytes(target.hash);
  const signature = await signer.sign(hashBytes.slice());
  if (!(signature instanceof Uint8Array) || !verifyWitnessSignature(witness.algorithm, hexToBytes(witness.publicKey), hashBytes, signature)) {
    throw new KeyshardError(
      'TRANSCRIPT_SIGNATURE',
      `Witness "${witness.id}"'s signature over entry ${seq} (${target.kind}) does not verify with its own public key: the wrong key or token may be in use. Nothing was recorded.`,
    );
  }
  const data: SignoffData = { target: { seq: target.seq, hash: target.hash }, witness, signature: bytesToHex(signature) };
  return appendUnchecked(t, 'signoff', data as unknown as JsonValue);
}

/**
 * A witness key held in software (Ed25519). The signer keeps a reference to `secretKey`, not a copy: zeroize it
 * (`secretKey.fill(0)`) when the witness is done; a signer used after that fails its self-check and records nothing.
 */
export function softwareEd25519Signer(witnessId: string, secretKey: Uint8Array): WitnessSigner {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new KeyshardError('INVALID_ARGUMENT', 'An Ed25519 witness secret key is 32 bytes.');
  }
  return {
    witnessId,
    algorithm: 'ed25519',
    publicKey: ed25519.getPublicKey(secretKey),
    sign: async (hash: Uint8Array) => ed25519.sign(hash, secretKey),
  };
}
