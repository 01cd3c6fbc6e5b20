/**
 * The three FROST signing messages carried between air-gapped laptops as QR codes (through the UR framing of
 * core/qr, as any shard), in one small binary form so a whole request fits a few frames:
 *
 *   header    "KSFR" | version 1 | type | suite                    (suite: 1 ed25519, 2 secp256k1 BIP-340)
 *   commitment (type 1, signer -> coordinator): groupKey | identifier | hiding | binding
 *   request    (type 2, coordinator -> signers): groupKey | threshold | messageLength (2 bytes BE) | message |
 *                                                 signerCount | (identifier | hiding | binding) * signerCount
 *   sigshare   (type 3, signer -> coordinator): groupKey | requestDigest (16) | identifier | signature share
 *
 * Points are as RFC 9591 serializes them (32 bytes ed25519, 33 secp256k1), identifiers and shares 32-byte scalars.
 * requestDigest = SHA-256("keyshard/frost-request/v1" || 0x00 || request bytes)[0..16]: it ties a signature share to
 * the request it answers, so the coordinator refuses a share for another round by name before verifying anything.
 *
 * Why no commitments of the deal in the request: each signer holds them in their own key and checks the group key;
 * the request stays small. Decoding is bounded before anything is parsed (these come from a camera): the exact
 * length is known from the header and the counts, every count is capped, every point and scalar is checked. A
 * message that is not one of these fails as QR_FORMAT and never quotes its bytes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../errors';
import { type Suite, getSuite } from './ciphersuites';
import { decodeScalar } from './inputs';
import type { SignatureShare, SignerKey, SigningCiphersuite, SigningCommitment, SigningPackage } from './sign';

const MAGIC = [0x4b, 0x53, 0x46, 0x52]; // "KSFR"
const VERSION = 1;
const HEADER_BYTES = MAGIC.length + 3;
const SCALAR_BYTES = 32;
export const REQUEST_DIGEST_BYTES = 16;

/** The longest message keyshard signs from a QR request: a hash, a transaction digest or a short statement. */
export const MAX_SIGNING_MESSAGE_BYTES = 1024;
/** The most signers one request names: every message stays under the largest envelope a scan accepts (8,620 bytes). */
export const MAX_REQUEST_SIGNERS = 64;

export type SigningMessageType = 'commitment' | 'request' | 'signature-share';
const TYPE_BYTE: Readonly<Record<SigningMessageType, number>> = { commitment: 1, request: 2, 'signature-share': 3 };
const SUITE_BYTE: Readonly<Record<SigningCiphersuite, number>> = { ed25519: 1, secp256k1: 2 };

export interface CommitmentMessage {
  readonly type: 'commitment';
  readonly ciphersuite: SigningCiphersuite;
  readonly groupPublicKey: Uint8Array;
  readonly commitment: SigningCommitment;
}

export interface RequestMessage {
  readonly type: 'request';
  readonly ciphersuite: SigningCiphersuite;
  readonly groupPublicKey: Uint8Array;
  readonly threshold: number;
  readonly message: Uint8Array;
  readonly signers: readonly SigningCommitment[];
}

export interface SignatureShareMessage {
  readonly type: 'signature-share';
  readonly ciphersuite: SigningCiphersuite;
  readonly groupPublicKey: Uint8Array;
  readonly requestDigest: Uint8Array;
  readonly signatureShare: SignatureShare;
}

export type SigningMessage = CommitmentMessage | RequestMessage | SignatureShareMessage;

function notOurs(why: string): KeyshardError {
  return new KeyshardError('QR_FORMAT', `This code is not a keyshard signing message (${why}). Scan the code the other laptop shows for this step of the signing.`);
}

function header(type: SigningMessageType, ciphersuite: SigningCiphersuite): number[] {
  return [...MAGIC, VERSION, TYPE_BYTE[type], SUITE_BYTE[ciphersuite]];
}

function join(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkPoint(suite: Suite, bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || !suite.isValidPoint(bytes)) throw new KeyshardError('INVALID_ARGUMENT', `${what} is not a valid ${suite.id} point.`);
  return bytes;
}

function commitmentBytes(suite: Suite, c: SigningCommitment): Uint8Array[] {
  if (!(c.identifier instanceof Uint8Array) || c.identifier.length !== SCALAR_BYTES) throw new KeyshardError('INVALID_ARGUMENT', 'A commitment identifier is 32 bytes.');
  return [c.identifier, checkPoint(suite, c.hiding, 'A hiding commitment'), checkPoint(suite, c.binding, 'A binding commitment')];
}

export function encodeSigningMessage(m: SigningMessage): Uint8Array {
  const suite = getSuite(m.ciphersuite);
  const head = header(m.type, m.ciphersuite);
  const key = checkPoint(suite, m.groupPublicKey, 'The group public key');
  switch (m.type) {
    case 'commitment':
      return join([head, key, ...commitmentBytes(suite, m.commitment)]);
    case 'request': {
      if (!Number.isInteger(m.threshold) || m.threshold < 2 || m.threshold > 255) throw new KeyshardError('INVALID_ARGUMENT', 'The threshold is a whole number from 2 to 255.');
      if (m.message.length > MAX_SIGNING_MESSAGE_BYTES) {
        throw new KeyshardError('INVALID_ARGUMENT', `The message is ${m.message.length} bytes; a signing request by QR carries at most ${MAX_SIGNING_MESSAGE_BYTES}. Sign its hash instead.`);
      }
      if (m.signers.length < 1 || m.signers.length > MAX_REQUEST_SIGNERS) throw new KeyshardError('INVALID_ARGUMENT', `A request names 1 to ${MAX_REQUEST_SIGNERS} signers.`);
      return join([head, key, [m.threshold, m.message.length >> 8, m.message.length & 0xff], m.message, [m.signers.length], ...m.signers.flatMap((c) => commitmentBytes(suite, c))]);
    }
    case 'signature-share':
      if (m.requestDigest.length !== REQUEST_DIGEST_BYTES) throw new KeyshardError('INVALID_ARGUMENT', 'The request digest is 16 bytes.');
      if (m.signatureShare.identifier.length !== SCALAR_BYTES || m.signatureShare.share.length !== SCALAR_BYTES) {
        throw new KeyshardError('INVALID_ARGUMENT', 'A signature share and its identifier are 32 bytes each.');
      }
      return join([head, key, m.requestDigest, m.signatureShare.identifier, m.signatureShare.share]);
  }
}

/** A bounded reader: every take is checked against what is left, so a short or long message fails before parsing. */
class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw notOurs('it is cut short');
    const out = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  byte(): number {
    return this.take(1)[0]!;
  }
  end(): void {
    if (this.at !== this.bytes.length) throw notOurs('it has bytes past its end');
  }
}

function readScalar(suite: Suite, r: Reader, what: string): Uint8Array {
  const b = r.take(SCALAR_BYTES);
  const v = decodeScalar(suite, b);
  if (v === undefined || v === 0n) throw notOurs(`${what} is not a valid ${suite.id} scalar`);
  return b;
}

function readPoint(suite: Suite, r: Reader, what: string): Uint8Array {
  const b = r.take(suite.pointLength);
  if (!suite.isValidPoint(b)) throw notOurs(`${what} is not a valid ${suite.id} point`);
  return b;
}

function readCommitment(suite: Suite, r: Reader, what: string): SigningCommitment {
  return { identifier: readScalar(suite, r, `${what}'s identifier`), hiding: readPoint(suite, r, `${what}'s hiding point`), binding: readPoint(suite, r, `${what}'s binding point`) };
}

/** The largest encoded message: a request with the longest message and every signer, on secp256k1's 33-byte points. */
export const MAX_SIGNING_MESSAGE_ENCODED_BYTES = HEADER_BYTES + 33 + 3 + MAX_SIGNING_MESSAGE_BYTES + 1 + MAX_REQUEST_SIGNERS * (SCALAR_BYTES + 2 * 33);

/** Reads a message scanned or typed from outside. Only QR_FORMAT comes out for anything that is not one. */
export function decodeSigningMessage(bytes: Uint8Array): SigningMessage {
  if (!(bytes instanceof Uint8Array)) throw notOurs('it is not bytes');
  if (bytes.length > MAX_SIGNING_MESSAGE_ENCODED_BYTES) throw notOurs('it is longer than any signing message');
  const r = new Reader(bytes);
  const head = r.take(HEADER_BYTES);
  if (MAGIC.some((b, i) => head[i] !== b)) throw notOurs('it does not start as one');
  if (head[4] !== VERSION) throw notOurs(`version ${head[4]} is not one this keyshard reads`);
  const type = (Object.keys(TYPE_BYTE) as SigningMessageType[]).find((t) => TYPE_BYTE[t] === head[5]);
  const ciphersuite = (Object.keys(SUITE_BYTE) as SigningCiphersuite[]).find((s) => SUITE_BYTE[s] === head[6]);
  if (type === undefined) throw notOurs('its type is unknown');
  if (ciphersuite === undefined) throw notOurs('its ciphersuite is unknown');
  const suite = getSuite(ciphersuite);
  const groupPublicKey = readPoint(suite, r, 'the group public key');
  if (type === 'commitment') {
    const commitment = readCommitment(suite, r, 'the commitment');
    r.end();
    return { type, ciphersuite, groupPublicKey, commitment };
  }
  if (type === 'signature-share') {
    const requestDigest = r.take(REQUEST_DIGEST_BYTES);
    const identifier = readScalar(suite, r, 'the identifier');
    const share = readScalar(suite, r, 'the signature share');
    r.end();
    return { type, ciphersuite, groupPublicKey, requestDigest, signatureShare: { identifier, share } };
  }
  const threshold = r.byte();
  if (threshold < 2) throw notOurs('its threshold is below 2');
  const length = (r.byte() << 8) | r.byte();
  if (length > MAX_SIGNING_MESSAGE_BYTES) throw notOurs(`its message is longer than ${MAX_SIGNING_MESSAGE_BYTES} bytes`);
  const message = r.take(length);
  const count = r.byte();
  if (count < 1 || count > MAX_REQUEST_SIGNERS) throw notOurs(`it names ${count} signers`);
  const signers: SigningCommitment[] = [];
  for (let i = 0; i < count; i++) signers.push(readCommitment(suite, r, `signer #${i + 1}`));
  r.end();
  return { type, ciphersuite, groupPublicKey, threshold, message, signers };
}

/** Ties a signature share to its request: the first 16 bytes of a domain-separated SHA-256 of the request's bytes. */
export function requestDigest(requestBytes: Uint8Array): Uint8Array {
  return sha256(join([utf8ToBytes('keyshard/frost-request/v1'), [0], requestBytes])).slice(0, REQUEST_DIGEST_BYTES);
}

/** The request message for a signing package made by createSigningPackage. */
export function requestOfPackage(pkg: SigningPackage): RequestMessage {
  return { type: 'request', ciphersuite: pkg.ciphersuite, groupPublicKey: pkg.commitments[0]!, threshold: pkg.threshold, message: pkg.message, signers: pkg.signers };
}

/**
 * On the signer's laptop: the signing package a request stands for, with the deal's commitments from the signer's own
 * key. A request for another key (or another threshold) is refused: nothing would be signed with this share.
 */
export function packageForSigner(request: RequestMessage, key: SignerKey): SigningPackage {
  const own = key.commitments[0];
  if (request.ciphersuite !== key.ciphersuite || own === undefined || own.length !== request.groupPublicKey.length || own.some((b, i) => b !== request.groupPublicKey[i])) {
    throw new KeyshardError('FROST_COMMITMENT', "This signing request is for another key than this signer's share. Check that the coordinator shows the request for this ceremony's key.");
  }
  if (request.threshold !== key.threshold) {
    throw new KeyshardError('FROST_COMMITMENT', `The request says the threshold is ${request.threshold}, but this share's deal has ${key.threshold}. Ask the coordinator for the request of this key.`);
  }
  return { ciphersuite: key.ciphersuite, threshold: key.threshold, commitments: key.commitments.map((c) => Uint8Array.from(c)), message: Uint8Array.from(request.message), signers: request.signers.map((c) => ({ ...c })) };
}
