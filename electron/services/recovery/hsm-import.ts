/**
 * Importing a recovered EC private key into a PKCS#11 token (recovery:export `hsm-import`): the key goes in sensitive
 * and non-extractable, for signing (HsmSession.importPrivateKey, which removes a key the token did not protect), and
 * the answer carries the token's own report on it - CKA_SENSITIVE, CKA_EXTRACTABLE and what an attempt to read its
 * value gave - as the proof that it cannot be read back out. Never the secret.
 *
 * What can be imported: P-256 and secp256k1 keys (a plain key split with SLIP-39, or a FROST group secret). Not a
 * seed (it is not a key: derive the key you need from it elsewhere), not Ed25519 (keyshard's token layer speaks
 * ECDSA only; most tokens have no EdDSA).
 *
 * Before anything reaches the token, the key's public point is computed here and compared with the recovered
 * identity's (the one whose fingerprint was checked), so a key that is not the ceremony's never lands on a token.
 */
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import { CAPABILITY_NEEDS } from '../hsm/capabilities';
import { withTokenSession } from './token-source';
import type { HsmImportResponse, RecoveredIdentity, RecoveryHsm, TokenChoice } from './types';

export interface HsmImportRequest {
  readonly token: TokenChoice;
  readonly pin: string;
  readonly keyLabel: string;
}

/** Why this kind of secret cannot be imported, or undefined when it can. */
export function importRefusal(kind: RecoveredIdentity['kind']): KeyshardError | undefined {
  if (kind === 'seed') {
    return new KeyshardError(
      'INVALID_ARGUMENT',
      'The recovered secret is a seed, not a key: a token imports keys. Derive the key you need from the seed with the wallet that uses it, or save the seed as an encrypted file.',
      { reason: 'seed' },
    );
  }
  if (kind === 'ed25519') {
    return new KeyshardError(
      'INVALID_ARGUMENT',
      'keyshard imports P-256 and secp256k1 keys into tokens; this is an Ed25519 key, which most tokens cannot hold. Save it as an encrypted file instead and import it with the token\'s own tool if it supports Ed25519.',
      { reason: 'curve', curve: 'ed25519' },
    );
  }
  return undefined;
}

function samePoint(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Takes the imported key off the token after a failure; the error as it goes to the screen. When the key cannot be
 * removed (the token was pulled, or refuses), the message says so and what to do.
 */
async function withKeyRemoved(e: unknown, destroy: () => Promise<number>, tokenLabel: string, keyLabel: string): Promise<unknown> {
  if (!(e instanceof KeyshardError)) {
    await destroy().catch(() => undefined);
    return e;
  }
  try {
    await destroy();
    return new KeyshardError(e.code, `${e.message} The imported key "${keyLabel}" was taken off token "${tokenLabel}" again.`, { ...e.details, keyRemoved: true });
  } catch {
    return new KeyshardError(
      e.code,
      `${e.message} The imported key "${keyLabel}" may still be on token "${tokenLabel}": delete it with the token's own tool before using the token.`,
      { ...e.details, keyRemoved: false },
    );
  }
}

/** Imports `secret` (the caller keeps and later wipes it; the copy made here is wiped). */
export async function importRecoveredKey(hsm: RecoveryHsm | undefined, request: HsmImportRequest, secret: Uint8Array, identity: RecoveredIdentity): Promise<HsmImportResponse> {
  const refusal = importRefusal(identity.kind);
  if (refusal !== undefined) throw refusal;
  const curve = identity.kind as 'p256' | 'secp256k1';
  const impl = curve === 'p256' ? p256 : secp256k1;
  // Only a key whose public point is the checked identity's goes to a token.
  let expected: Uint8Array;
  let actual: Uint8Array;
  try {
    expected = impl.Point.fromBytes(hexToBytes(identity.publicKey ?? '')).toBytes(false);
    actual = impl.getPublicKey(secret, false);
  } catch {
    throw new KeyshardError('SECRET_LENGTH', `The recovered secret is not a valid ${curve} private key, so it cannot be imported. Nothing was written to the token.`);
  }
  if (!samePoint(expected, actual)) {
    throw new KeyshardError('SHARES_MISMATCH', "The recovered secret does not belong to the recovered key's public key, so it was not imported. Start the recovery again.");
  }
  return withTokenSession(hsm, request.token, request.pin, CAPABILITY_NEEDS.importKey, async (session, token) => {
    const copy = Uint8Array.from(secret);
    let key;
    try {
      key = await session.importPrivateKey({ curve, secretKey: copy, label: request.keyLabel, purpose: 'sign' });
    } finally {
      copy.fill(0);
    }
    // From here the key is on the token: any failure takes it off again before it is reported, so a key that was not
    // shown to be the recovered one, sensitive and non-extractable never stays behind.
    let protection;
    try {
      protection = await session.keyProtection(request.keyLabel);
      if (!samePoint(key.publicKey, expected) || !protection.sensitive || protection.extractable || protection.valueReadable) {
        // importPrivateKey already checks this and removes such a key; a second look costs nothing.
        throw new KeyshardError('HSM_VERIFY', `Token "${token.label}" does not report the imported key as the recovered one, sensitive and non-extractable. Do not use this token for it; use another token.`, {
          label: request.keyLabel,
        });
      }
    } catch (e) {
      throw await withKeyRemoved(e, () => session.destroyKey({ label: key.label, id: key.id }), token.label, key.label);
    }
    return {
      kind: 'hsm-import',
      token: { label: token.label, serial: token.serial },
      keyLabel: key.label,
      keyId: key.id,
      curve,
      publicKey: bytesToHex(key.publicKey),
      fingerprint: identity.fingerprint,
      protection,
    } satisfies HsmImportResponse;
  });
}

