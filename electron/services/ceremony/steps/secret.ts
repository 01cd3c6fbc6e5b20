/**
 * Steps: generate (the secret from the gathered material) and import (a secret typed in hex). Either way the secret
 * goes into the secret store and only its fingerprint (and public key) into the transcript; if recording fails,
 * nothing of it stays behind.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../../core/errors';
import { bip39Entropy } from '../../../../core/bip39';
import { checkImportedSecret, identityOf, secretFromMaterial, type SecretIdentity, type Wallet } from '../secret-kinds';
import type { EntropyRequestBody, ImportRequest, SecretResponse } from '../types';
import { regatherIfNeeded, type GatherKit } from './entropy';
import type { StepKit } from './kit';
import { expectStep, fingerprintView, type Session } from './session';

export type SecretKit = GatherKit & Pick<StepKit, 'record' | 'status'>;

function parseHexSecret(text: unknown): Uint8Array {
  const hex = typeof text === 'string' ? text.trim().replace(/^0x/i, '') : '';
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new KeyshardError('INVALID_HEX', 'The secret must be hexadecimal digits (0-9, a-f), an even number of them. Check for stray characters or a missing digit.');
  }
  return hexToBytes(hex.toLowerCase());
}

/** Puts the secret in the store and records generate/import; on failure nothing stays behind. */
async function recordSecret(kit: SecretKit, c: Session, step: 'generate' | 'import', secret: Uint8Array, wallet?: Wallet): Promise<SecretResponse> {
  let identity: SecretIdentity;
  try {
    identity = identityOf(c.plan, secret, wallet);
  } catch (e) {
    secret.fill(0);
    throw e;
  }
  const handle = kit.secrets.put('master-secret', secret);
  try {
    await kit.record(c, { step, fingerprint: identity.fingerprint.hex, ...(identity.publicKey === undefined ? {} : { publicKey: identity.publicKey }) });
  } catch (e) {
    kit.secrets.destroy(handle);
    throw e;
  }
  c.master = handle;
  c.identity = identity;
  return {
    fingerprint: fingerprintView(identity.fingerprint.hex),
    ...(identity.publicKey === undefined ? {} : { publicKey: identity.publicKey }),
    ...(identity.xpub === undefined ? {} : { xpub: identity.xpub }),
    ...(identity.masterFingerprint === undefined ? {} : { masterFingerprint: identity.masterFingerprint }),
    status: kit.status(c),
  };
}

export async function generate(kit: SecretKit, c: Session, request: EntropyRequestBody): Promise<SecretResponse> {
  expectStep(c, 'generate');
  await regatherIfNeeded(kit, c, request);
  if (c.material === null) throw new KeyshardError('INTERNAL', 'The entropy for the secret is missing. Abort and start again.');
  const material = c.material;
  const secret = kit.secrets.use(material, (m) => secretFromMaterial(c.plan, m));
  kit.secrets.destroy(material);
  c.material = null;
  return recordSecret(kit, c, 'generate', secret);
}

export async function importSecret(kit: SecretKit, c: Session, request: ImportRequest): Promise<SecretResponse> {
  expectStep(c, 'import');
  if ((request.secretHex === undefined) === (request.bip39Words === undefined)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Give the secret either in hex or as a BIP-39 mnemonic, not both and not neither.');
  }
  // A BIP-39 wallet: its entropy is split, its wallet's fingerprint recorded (secret-kinds identityOf).
  const wallet: Wallet | undefined = request.bip39Words === undefined ? undefined : 'bip39';
  const secret = request.bip39Words === undefined ? parseHexSecret(request.secretHex) : bip39Entropy(request.bip39Words);
  try {
    checkImportedSecret(c.plan, secret, wallet);
    await regatherIfNeeded(kit, c, request);
  } catch (e) {
    secret.fill(0);
    throw e;
  }
  return recordSecret(kit, c, 'import', secret, wallet);
}
