/**
 * What the ceremony's secret is, by plan: a seed (SLIP-39 master secret) or a key (ed25519, secp256k1, P-256), and
 * under the vss scheme a FROST group secret scalar. How many bytes of entropy make one, how an imported one is
 * checked, and its public identity (public key, fingerprint) that witnesses read aloud.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { getMinHashLength, mapHashToField } from '@noble/curves/abstract/modular.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { bip39Identity, isBip39EntropyLength } from '../../../core/bip39';
import { KeyshardError } from '../../../core/errors';
import { shortDisplay } from '../../../core/recovery-trust';
import { fingerprintOf, keyIdentity, seedIdentity, type Fingerprint } from '../../../core/fingerprint';
import type { CeremonyPlan, KeyCurve } from '../../../core/policy';
import { getSuite } from '../../../core/vss/ciphersuites';
import { groupFingerprint, publicKeyOf } from '../../../core/vss/index';

export type SecretKind = 'seed' | KeyCurve;

export interface SecretShape {
  readonly kind: SecretKind;
  /** Bytes of the secret itself. */
  readonly length: number;
  /** Bytes of mixed entropy the generate step turns into the secret (0 for an import). */
  readonly materialLength: number;
  /** True when the secret is a FROST scalar (vss scheme); false for a seed or a plain key split with SLIP-39. */
  readonly scalar: boolean;
}

export function secretShape(plan: CeremonyPlan): SecretShape {
  const s = plan.secret;
  const scalar = plan.scheme.type === 'vss';
  if (s.type === 'new-seed') return { kind: 'seed', length: s.bits / 8, materialLength: s.bits / 8, scalar: false };
  if (s.type === 'new-key') {
    // A scalar in [1, n-1] is reduced from 48 bytes (noble's mapHashToField: negligible bias); an RFC 8032 Ed25519
    // private key is any 32 bytes.
    const needsReduction = scalar || s.curve !== 'ed25519';
    return { kind: s.curve, length: 32, materialLength: needsReduction ? getMinHashLength(getSuite(s.curve).Fn.ORDER) : 32, scalar };
  }
  return { kind: s.kind, length: s.lengthBytes, materialLength: 0, scalar };
}

/** The new secret made from mixed entropy (a fresh array; the caller wipes `material`). */
export function secretFromMaterial(plan: CeremonyPlan, material: Uint8Array): Uint8Array {
  const shape = secretShape(plan);
  if (material.length !== shape.materialLength || shape.materialLength === 0) {
    throw new KeyshardError('INTERNAL', 'The entropy gathered does not fit the secret to generate.', { expected: shape.materialLength, got: material.length });
  }
  if (shape.kind === 'seed' || shape.materialLength === 32) return Uint8Array.from(material);
  const Fn = getSuite(shape.kind).Fn;
  return mapHashToField(material, Fn.ORDER, Fn.isLE);
}

/**
 * A seed imported as a BIP-39 wallet's mnemonic: the ceremony splits its entropy, and its fingerprint is the wallet's
 * (its BIP-39 seed's BIP-32 root, core/bip39), so it matches what the wallet shows.
 */
export type Wallet = 'bip39';

/** Checks an imported secret against the plan (length; a valid scalar or key for its curve). Never echoes it. */
export function checkImportedSecret(plan: CeremonyPlan, secret: Uint8Array, wallet?: Wallet): void {
  const shape = secretShape(plan);
  if (wallet === 'bip39' && shape.kind !== 'seed') {
    throw new KeyshardError('INVALID_ARGUMENT', `The plan imports a ${shape.kind} key; a BIP-39 mnemonic is a seed. Type the key in hex, or plan a seed import.`);
  }
  if (wallet === 'bip39' && secret.length !== shape.length) {
    // A BIP-39 mnemonic holds 4 bytes of entropy per 3 words.
    const words = (shape.length * 3) / 4;
    throw new KeyshardError(
      'SECRET_LENGTH',
      isBip39EntropyLength(shape.length)
        ? `The plan imports a ${shape.length}-byte seed, a ${words}-word BIP-39 mnemonic; ${(secret.length * 3) / 4} words were given. Check the mnemonic, or change the plan's length.`
        : `The plan imports a ${shape.length}-byte seed, which no BIP-39 mnemonic holds (12 words are 16 bytes, 24 words 32). Change the plan's length to the wallet's.`,
      { expected: shape.length, got: secret.length },
    );
  }
  if (secret.length !== shape.length) {
    throw new KeyshardError('SECRET_LENGTH', `The plan imports a ${shape.length}-byte ${shape.kind === 'seed' ? 'seed' : `${shape.kind} key`}; the secret given is ${secret.length} bytes. Check what you pasted.`, {
      expected: shape.length,
      got: secret.length,
    });
  }
  try {
    identityOf(plan, secret, wallet);
  } catch (e) {
    if (e instanceof KeyshardError && e.code === 'SECRET_LENGTH') throw e;
    throw new KeyshardError('INVALID_ARGUMENT', `The secret given is not a valid ${shape.kind === 'seed' ? 'seed' : `${shape.kind} private key`} (for example zero, or not below the curve order). Check what you pasted.`);
  }
}

export interface SecretIdentity {
  readonly fingerprint: Fingerprint;
  /** Hex public key (RFC 9591 element encoding under vss; the curve's usual form otherwise); absent for a seed. */
  readonly publicKey?: string;
  /** For a seed: the BIP-32 root xpub and master fingerprint wallets show. */
  readonly xpub?: string;
  readonly masterFingerprint?: string;
  /** The seed is a BIP-39 wallet's entropy; the fingerprint, xpub and master fingerprint are the wallet's. */
  readonly wallet?: Wallet;
}

function plainPublicKey(curve: KeyCurve, secret: Uint8Array): Uint8Array {
  switch (curve) {
    case 'ed25519':
      return ed25519.getPublicKey(secret);
    case 'secp256k1':
      return secp256k1.getPublicKey(secret, true);
    case 'p256':
      return p256.getPublicKey(secret, true);
  }
}

/** The secret's public identity: what the fingerprint is computed from. */
export function identityOf(plan: CeremonyPlan, secret: Uint8Array, wallet?: Wallet): SecretIdentity {
  const shape = secretShape(plan);
  if (shape.kind === 'seed' && wallet === 'bip39') {
    const w = bip39Identity(secret);
    return { fingerprint: { hex: w.fingerprint, display: shortDisplay(w.fingerprint) }, xpub: w.xpub, masterFingerprint: w.masterFingerprint, wallet };
  }
  if (shape.kind === 'seed') {
    const id = seedIdentity(secret);
    return {
      fingerprint: fingerprintOf(id),
      ...(id.xpub === undefined ? {} : { xpub: id.xpub }),
      ...(id.masterFingerprint === undefined ? {} : { masterFingerprint: id.masterFingerprint }),
    };
  }
  if (shape.scalar) {
    const pub = publicKeyOf(shape.kind, secret);
    return { fingerprint: groupFingerprint(shape.kind, pub), publicKey: bytesToHex(pub) };
  }
  const pub = plainPublicKey(shape.kind, secret);
  return { fingerprint: fingerprintOf(keyIdentity(shape.kind, pub)), publicKey: bytesToHex(pub) };
}

/**
 * The identity of a secret recovered from a ceremony's shards, as the ceremony recorded it: of the plan's kind, or, for
 * a seed, of the BIP-39 wallet it is when that is the fingerprint recorded (the import step took the wallet's mnemonic).
 */
export function identityMatching(plan: CeremonyPlan, secret: Uint8Array, recordedHex: string): SecretIdentity {
  const plain = identityOf(plan, secret);
  if (plain.fingerprint.hex === recordedHex || secretShape(plan).kind !== 'seed' || !isBip39EntropyLength(secret.length)) return plain;
  const wallet = identityOf(plan, secret, 'bip39');
  return wallet.fingerprint.hex === recordedHex ? wallet : plain;
}
