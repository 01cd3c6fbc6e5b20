/**
 * What a threshold-signing transcript records (the `signing` ceremony kind, core/ceremony-kinds/signing.ts), and the
 * check of a verified one: the data of each entry comes from here for the app's service and the CLI alike, so both
 * write the same thing and `keyshard transcript verify` checks the same thing.
 *
 *   plan             { ceremonyKind: "signing", label, keyCeremony: { ceremonyId, finalHash, groupPublicKey },
 *                      ciphersuite, threshold, message (hex, at most 1,024 bytes), messageHash (SHA-256 hex),
 *                      witnessIds, signOffs, witnessKeys? }   (the last three and ceremonyKind: the kind runner's)
 *   commitment       { identifier, hiding, binding, custodianId? }      one per signer, public round-1 points
 *   signing-request  { requestDigest, messageHash, signers: [identifier, ...] }
 *   signature-share  { identifier, checked: true }                      the share itself is not recorded
 *   signature        { signature, verifyingKey, verifier: "ed25519" | "bip340", verified: true }
 *   seal             { messageHash, signature }
 *
 * No nonce, no signing share and no signature-share value is ever recorded (the transcript's secret-name guard is a
 * second wall). checkSigningTranscript re-checks what the chain alone cannot: that the entries come in the
 * catalogue's order, that the request's signers each committed and answered, and that the signature verifies with
 * noble's plain ed25519.verify / schnorr.verify under the group key over the recorded message.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { JsonValue } from '../canonical-json';
import { KeyshardError } from '../errors';
import { citeSource } from '../lifecycle/transcript';
import { type KindRun, recordKindStep, signKindCheckpoint, startKindRun } from '../ceremony-kinds/run';
import { SIGNING_CEREMONY } from '../ceremony-kinds/signing';
import type { Transcript, TranscriptEntry, VerifyOk, WitnessSigner } from '../transcript';
import { type SigningCiphersuite, type SigningCommitment, type SigningPackage, signatureVerifyingKey, verifySignature } from '../vss/sign';
import { MAX_SIGNING_MESSAGE_BYTES } from '../vss/sign-messages';

export const SIGNING_KIND_ID = 'signing';

export interface KeyCeremonyRef {
  readonly ceremonyId: string;
  /** The key ceremony transcript's final hash (what its paper record carries). */
  readonly finalHash: string;
  /** Hex, as RFC 9591 serializes it: the split's commitments[0]. */
  readonly groupPublicKey: string;
}

type Data = Readonly<Record<string, unknown>>;

function dataOf(e: TranscriptEntry | undefined): Data {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Data) : {};
}

function own(d: Data, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

/**
 * The key a signing works on, cited from a VERIFIED, sealed transcript: a key ceremony's (its split's commitments), or
 * the last refresh or repair of it (the commitments it leaves in force: core/lifecycle's citeSource, so signing with
 * refreshed shares cites the refresh). Refuses a SLIP-39 ceremony, an unsealed one, or another key than `groupPublicKey`.
 */
export function citeKeyCeremony(result: VerifyOk, groupPublicKey?: Uint8Array): KeyCeremonyRef & { readonly commitments: readonly string[] } {
  const source = citeSource(result);
  if (groupPublicKey !== undefined && bytesToHex(groupPublicKey) !== source.groupPublicKey) {
    throw new KeyshardError('FROST_COMMITMENT', "The signers' shares are of another key than the one this transcript records. Use the transcript of the ceremony that dealt these shares (or of their last refresh).");
  }
  return { ceremonyId: source.ceremonyId, finalHash: source.finalHash, groupPublicKey: source.groupPublicKey, commitments: source.commitments };
}

export interface SigningPlanOptions {
  readonly label: string;
  readonly keyCeremony: KeyCeremonyRef;
  readonly ciphersuite: SigningCiphersuite;
  readonly threshold: number;
  readonly message: Uint8Array;
  readonly witnessIds: readonly string[];
  /** Pinned witness keys, as the key ceremony's plan entry records them. */
  readonly witnessKeys?: readonly { readonly id: string; readonly algorithm: string; readonly publicKey: string }[];
}

export function messageHash(message: Uint8Array): string {
  return bytesToHex(sha256(message));
}

/** The plan's own data (the kind runner adds ceremonyKind, witnessIds, signOffs and the pinned witness keys). */
export function signingPlanData(o: Omit<SigningPlanOptions, 'witnessIds' | 'witnessKeys'>): Record<string, JsonValue> {
  if (o.message.length > MAX_SIGNING_MESSAGE_BYTES) {
    throw new KeyshardError('INVALID_ARGUMENT', `The message is ${o.message.length} bytes; a signing ceremony signs at most ${MAX_SIGNING_MESSAGE_BYTES}. Sign its hash instead.`);
  }
  return {
    label: o.label,
    keyCeremony: { ceremonyId: o.keyCeremony.ceremonyId, finalHash: o.keyCeremony.finalHash, groupPublicKey: o.keyCeremony.groupPublicKey },
    ciphersuite: o.ciphersuite,
    threshold: o.threshold,
    message: bytesToHex(o.message),
    messageHash: messageHash(o.message),
  };
}

/** A signing run started on the kind runner (core/ceremony-kinds/run.ts): the plan recorded, witnesses pinned. */
export function startSigningRun(ceremonyId: string, clock: () => Date, o: SigningPlanOptions): KindRun {
  return startKindRun({
    kind: SIGNING_CEREMONY,
    ceremonyId,
    clock,
    plan: signingPlanData(o),
    witnessIds: o.witnessIds,
    ...(o.witnessKeys === undefined ? {} : { witnessKeys: o.witnessKeys }),
  });
}

export function commitmentData(c: SigningCommitment, custodianId?: string): JsonValue {
  return { identifier: bytesToHex(c.identifier), hiding: bytesToHex(c.hiding), binding: bytesToHex(c.binding), ...(custodianId === undefined ? {} : { custodianId }) };
}

export function signingRequestData(pkg: SigningPackage, requestDigest: Uint8Array): JsonValue {
  return { requestDigest: bytesToHex(requestDigest), messageHash: messageHash(pkg.message), signers: pkg.signers.map((c) => bytesToHex(c.identifier)) };
}

export function signatureShareData(identifier: Uint8Array): JsonValue {
  return { identifier: bytesToHex(identifier), checked: true };
}

export function signatureData(ciphersuite: SigningCiphersuite, signature: Uint8Array, groupPublicKey: Uint8Array): JsonValue {
  return {
    signature: bytesToHex(signature),
    verifyingKey: bytesToHex(signatureVerifyingKey(ciphersuite, groupPublicKey)),
    verifier: ciphersuite === 'ed25519' ? 'ed25519' : 'bip340',
    verified: true,
  };
}

export function signingSealData(message: Uint8Array, signature: Uint8Array): JsonValue {
  return { messageHash: messageHash(message), signature: bytesToHex(signature) };
}

export interface SigningSummary {
  readonly kind: typeof SIGNING_KIND_ID;
  readonly keyCeremony: KeyCeremonyRef;
  readonly ciphersuite: SigningCiphersuite;
  readonly groupPublicKey: string;
  readonly verifyingKey: string;
  readonly message: string;
  readonly messageHash: string;
  readonly signers: readonly string[];
  readonly signature: string;
  /** Always true: a signature that does not verify fails the check. */
  readonly signatureVerified: true;
}

function bad(seq: number | null, why: string): KeyshardError {
  return new KeyshardError('TRANSCRIPT_FORMAT', `This signing transcript is not consistent${seq === null ? '' : ` at entry ${seq}`}: ${why}. Do not rely on its signature; use the original file.`, { seq });
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function str(d: Data, key: string, seq: number, pattern: RegExp = HEX): string {
  const v = own(d, key);
  if (typeof v !== 'string' || !pattern.test(v)) throw bad(seq, `"${key}" is missing or malformed`);
  return v;
}

/** The step order a signing transcript follows (sign-offs and abort aside): the catalogue's. */
const ORDER = ['plan', 'commitment', 'signing-request', 'signature-share', 'signature', 'seal'];
const SIGNING_ENTRIES = new Set(['sign-off', 'signoff']);


/**
 * Checks a VERIFIED transcript of the signing kind beyond its chain and sign-offs (see the top). Returns what it
 * records; throws TRANSCRIPT_FORMAT naming the entry that does not hold, FROST_SIGNATURE when the signature does not
 * verify. A transcript that stops before its signature (unfinished, aborted) is checked as far as it goes.
 */
export function checkSigningTranscript(result: VerifyOk): SigningSummary | null {
  const plan = dataOf(result.entries[0]);
  if (own(plan, 'ceremonyKind') !== SIGNING_KIND_ID) throw bad(1, 'its plan is not of a signing');
  const ciphersuite = own(plan, 'ciphersuite');
  if (ciphersuite !== 'ed25519' && ciphersuite !== 'secp256k1') throw bad(1, 'its ciphersuite is not one keyshard signs with');
  const keyRef = own(plan, 'keyCeremony');
  const kc = typeof keyRef === 'object' && keyRef !== null && !Array.isArray(keyRef) ? (keyRef as Data) : {};
  const keyCeremony: KeyCeremonyRef = {
    ceremonyId: (() => {
      const v = own(kc, 'ceremonyId');
      if (typeof v !== 'string' || v === '') throw bad(1, 'it cites no key ceremony');
      return v;
    })(),
    finalHash: str(kc, 'finalHash', 1, /^[0-9a-f]{64}$/),
    groupPublicKey: str(kc, 'groupPublicKey', 1, /^(?:[0-9a-f]{2}){32,33}$/),
  };
  const threshold = own(plan, 'threshold');
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 2 || threshold > 255) throw bad(1, 'its threshold is malformed');
  const messageHex = str(plan, 'message', 1);
  if (messageHex.length / 2 > MAX_SIGNING_MESSAGE_BYTES) throw bad(1, 'its message is longer than keyshard signs');
  const message = hexToBytes(messageHex);
  const hash = str(plan, 'messageHash', 1, /^[0-9a-f]{64}$/);
  if (hash !== messageHash(message)) throw bad(1, 'the message hash is not the hash of the recorded message');

  let stage = 0;
  const committed = new Set<string>();
  let requested: string[] | null = null;
  const answered = new Set<string>();
  let signature: string | null = null;
  for (const e of result.entries.slice(1)) {
    if (SIGNING_ENTRIES.has(e.kind)) continue;
    if (e.kind === 'abort') break;
    const at = ORDER.indexOf(e.kind);
    if (at < 1 || at < stage) throw bad(e.seq, `"${e.kind}" is not a step of a signing, or comes out of order`);
    if ((e.kind === 'signing-request' || e.kind === 'signature' || e.kind === 'seal') && at === stage) throw bad(e.seq, `a second "${e.kind}"`);
    stage = at;
    const d = dataOf(e);
    if (e.kind === 'commitment') {
      const id = str(d, 'identifier', e.seq, /^[0-9a-f]{64}$/);
      if (committed.has(id)) throw bad(e.seq, 'a signer committed twice');
      committed.add(id);
    } else if (e.kind === 'signing-request') {
      const signers = own(d, 'signers');
      if (!Array.isArray(signers) || !signers.every((s): s is string => typeof s === 'string')) throw bad(e.seq, 'it lists no signers');
      if (signers.length < threshold) throw bad(e.seq, `it names ${signers.length} signers, fewer than the threshold ${threshold}`);
      if (new Set(signers).size !== signers.length || signers.some((s) => !committed.has(s))) throw bad(e.seq, 'it names a signer who did not commit, or one twice');
      if (str(d, 'messageHash', e.seq) !== hash) throw bad(e.seq, 'it is for another message');
      requested = signers;
    } else if (e.kind === 'signature-share') {
      const id = str(d, 'identifier', e.seq, /^[0-9a-f]{64}$/);
      if (requested === null || !requested.includes(id) || answered.has(id)) throw bad(e.seq, 'a signature share from a signer not in the request, or twice');
      answered.add(id);
    } else if (e.kind === 'signature') {
      if (requested === null || answered.size !== requested.length) throw bad(e.seq, 'a signature before every signer in the request answered');
      signature = str(d, 'signature', e.seq, /^[0-9a-f]{128}$/);
      const key = hexToBytes(keyCeremony.groupPublicKey);
      if (!verifySignature(ciphersuite, hexToBytes(signature), message, key)) {
        throw new KeyshardError('FROST_SIGNATURE', `The signature recorded at entry ${e.seq} does not verify under the group public key over the recorded message. Do not use it.`, { seq: e.seq });
      }
    } else if (e.kind === 'seal') {
      if (signature === null || own(d, 'signature') !== signature || own(d, 'messageHash') !== hash) throw bad(e.seq, 'the seal does not name the signature and message recorded before it');
    }
  }
  if (signature === null) return null;
  const key = hexToBytes(keyCeremony.groupPublicKey);
  return {
    kind: SIGNING_KIND_ID,
    keyCeremony,
    ciphersuite,
    groupPublicKey: keyCeremony.groupPublicKey,
    verifyingKey: bytesToHex(signatureVerifyingKey(ciphersuite, key)),
    message: messageHex,
    messageHash: hash,
    signers: requested ?? [],
    signature,
    signatureVerified: true,
  };
}

export interface SigningRecord {
  readonly ceremonyId: string;
  readonly clock: () => Date;
  readonly plan: SigningPlanOptions;
  readonly commitments: readonly { readonly commitment: SigningCommitment; readonly custodianId?: string }[];
  readonly pkg: SigningPackage;
  readonly requestDigest: Uint8Array;
  readonly signature: Uint8Array;
  /** A witness who signs off the message, the signature and the seal (the plan must name them). */
  readonly witness?: WitnessSigner;
}

/** A whole signing's transcript at once, for the CLI (the app's service records the same steps one by one). */
export async function signingTranscript(r: SigningRecord): Promise<Transcript> {
  const w = r.witness;
  const signed = async (run: KindRun): Promise<KindRun> => (w !== undefined && run.pending !== null ? signKindCheckpoint(run, w) : run);
  let run = await signed(startSigningRun(r.ceremonyId, r.clock, r.plan));
  for (const c of r.commitments) run = recordKindStep(run, 'commitment', commitmentData(c.commitment, c.custodianId));
  run = recordKindStep(run, 'signing-request', signingRequestData(r.pkg, r.requestDigest));
  for (const c of r.pkg.signers) run = recordKindStep(run, 'signature-share', signatureShareData(c.identifier));
  run = await signed(recordKindStep(run, 'signature', signatureData(r.plan.ciphersuite, r.signature, r.pkg.commitments[0]!)));
  run = await signed(recordKindStep(run, 'seal', signingSealData(r.pkg.message, r.signature)));
  return run.transcript;
}
