/**
 * The ceremony's public fingerprint: what witnesses read aloud after generation and what a recovery team
 * checks the recovered key against. It is derived from public data only (a public key, or a seed's BIP-32
 * root public key), so printing it on every shard and in the transcript reveals nothing about the secret.
 *
 *   fingerprint = SHA-256( "keyshard/fingerprint/v1" || 0x00 || kind || 0x00 || identity )
 *
 * identity: for a seed, the BIP-32 root's compressed public key (33 bytes) || chain code (32 bytes), i.e. the
 * content of the root xpub; for a key, its public key as its curve serializes it (ed25519 32 bytes,
 * secp256k1 / P-256 compressed 33 bytes).
 */
import { HDKey } from '@scure/bip32';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from './errors';

export type IdentityKind = 'bip32-seed' | 'ed25519' | 'secp256k1' | 'p256';

export interface PublicIdentity {
  readonly kind: IdentityKind;
  readonly bytes: Uint8Array;
  /** For seeds: the BIP-32 root xpub and the 4-byte master fingerprint wallets show (8 hex digits). */
  readonly xpub?: string;
  readonly masterFingerprint?: string;
}

export interface Fingerprint {
  /** 64 lowercase hex digits. */
  readonly hex: string;
  /** The first 128 bits as eight groups of four upper-case hex digits, for reading aloud. */
  readonly display: string;
}

const DOMAIN = utf8ToBytes('keyshard/fingerprint/v1');

/** The public identity of a seed (16..64 bytes): its BIP-32 root public key and chain code. */
export function seedIdentity(seed: Uint8Array): PublicIdentity {
  if (seed.length < 16 || seed.length > 64) {
    throw new KeyshardError('SECRET_LENGTH', 'A seed must be 16 to 64 bytes long.');
  }
  const root = HDKey.fromMasterSeed(seed);
  const publicKey = root.publicKey;
  const chainCode = root.chainCode;
  if (!publicKey || !chainCode) throw new KeyshardError('INTERNAL', 'Could not derive the public root of this seed.');
  const identity: PublicIdentity = {
    kind: 'bip32-seed',
    bytes: concatBytes(publicKey, chainCode),
    xpub: root.publicExtendedKey,
    masterFingerprint: root.fingerprint.toString(16).padStart(8, '0'),
  };
  root.wipePrivateData();
  return identity;
}

/** The identity of a public key given in its curve's own serialization. */
export function keyIdentity(kind: Exclude<IdentityKind, 'bip32-seed'>, publicKey: Uint8Array): PublicIdentity {
  const expected = kind === 'ed25519' ? 32 : 33;
  if (publicKey.length !== expected) {
    throw new KeyshardError('INVALID_ARGUMENT', `A ${kind} public key must be ${expected} bytes.`);
  }
  return { kind, bytes: Uint8Array.from(publicKey) };
}

export function fingerprintOf(identity: PublicIdentity): Fingerprint {
  const digest = sha256(concatBytes(DOMAIN, Uint8Array.of(0), utf8ToBytes(identity.kind), Uint8Array.of(0), identity.bytes));
  const hex = bytesToHex(digest);
  const display = (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ');
  return { hex, display };
}
