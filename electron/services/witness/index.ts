/**
 * Witness sign-off: a witness's key (an encrypted Ed25519 key file on the witness's stick, or an ECDSA P-256 key on
 * their PKCS#11 token) signs ceremony checkpoints in the transcript.
 *
 * A key file is encrypted at rest (key-file.ts); main keeps only the sealed file and opens it for one signature with
 * the passphrase the witness types, zeroizing the key right after (credential.ts). An unencrypted key file (64 hex
 * digits, or {"witnessId", "algorithm", "secretKeyHex"}) is refused by loadWitnessKeyFile; parseWitnessKeyFile and
 * witnessKeyFileText still read and write it for throwaway in-process keys (tests).
 * The service checks every signature as it comes in: the witness must be pinned in the plan with exactly this key
 * (WITNESS_KEY otherwise), must be allowed to sign the open checkpoint (WITNESS_NOT_ELIGIBLE), and the signature is
 * verified right after signing, before anything is recorded (WITNESS_KEY when it does not hold).
 */
import { basename } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { OpenSignOff, WitnessKey } from '../../../core/ceremony';
import { parseSealedWitnessKey, type SealedWitnessKey } from './key-file';
import { KeyshardError } from '../../../core/errors';
import { READ_CAPS, readGuardedText } from '../fs/guarded-read';
import {
  isPrintableId,
  signEntry,
  softwareEd25519Signer,
  verifyWitnessSignature,
  type Transcript,
  type WitnessSigner,
} from '../../../core/transcript';

/** A software witness key loaded from a file. `destroy()` zeroizes the secret key; the signer fails afterwards. */
export interface LoadedWitness {
  readonly signer: WitnessSigner;
  readonly key: WitnessKey;
  destroy(): void;
}

/** The public key record of a signer, as the plan pins it. */
export function witnessKeyOf(signer: WitnessSigner): WitnessKey {
  return { id: signer.witnessId, algorithm: signer.algorithm, publicKey: bytesToHex(signer.publicKey) };
}

/** The JSON key file keyshard writes for a (throwaway) witness key. */
export function witnessKeyFileText(witnessId: string, secretKey: Uint8Array): string {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) throw new KeyshardError('INVALID_ARGUMENT', 'An Ed25519 witness key is 32 bytes.');
  return `${JSON.stringify({ witnessId, algorithm: 'ed25519', secretKeyHex: bytesToHex(secretKey), publicKeyHex: bytesToHex(ed25519.getPublicKey(secretKey)) }, null, 2)}\n`;
}

function badKeyFile(why: string): KeyshardError {
  return new KeyshardError(
    'WITNESS_KEY',
    `This witness key file cannot be used: ${why}. A witness key file holds 64 hex digits, or {"witnessId", "algorithm": "ed25519", "secretKeyHex"}.`,
  );
}

/**
 * Reads a witness key file's text. `witnessId` is required for a bare hex key and, when given for a JSON file, must
 * match the id inside it.
 */
export function parseWitnessKeyFile(text: string, witnessId?: string): LoadedWitness {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  let id: string | undefined = witnessId;
  let hex: string;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    hex = trimmed.toLowerCase();
  } else {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw badKeyFile('it is neither 64 hex digits nor JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badKeyFile('it is not a JSON object');
    const o = value as Record<string, unknown>;
    if (o['algorithm'] !== undefined && o['algorithm'] !== 'ed25519') throw badKeyFile('only ed25519 key files are supported (tokens sign through PKCS#11)');
    if (typeof o['secretKeyHex'] !== 'string' || !/^[0-9a-fA-F]{64}$/.test(o['secretKeyHex'])) throw badKeyFile('"secretKeyHex" is not 64 hex digits');
    if (typeof o['witnessId'] === 'string') {
      if (id !== undefined && id !== o['witnessId']) throw badKeyFile(`it belongs to witness "${String(o['witnessId']).slice(0, 64)}", not "${id}"`);
      id = o['witnessId'];
    }
    hex = o['secretKeyHex'].toLowerCase();
  }
  if (id === undefined || !isPrintableId(id)) throw badKeyFile('it does not say which witness it belongs to; give the witness id');
  const secretKey = hexToBytes(hex);
  const signer = softwareEd25519Signer(id, secretKey);
  let destroyed = false;
  // Wraps the core signer so a destroyed key refuses clearly instead of producing a signature that fails to verify.
  const guarded: WitnessSigner = {
    witnessId: signer.witnessId,
    algorithm: signer.algorithm,
    publicKey: signer.publicKey,
    sign: async (hash) => {
      if (destroyed) throw new KeyshardError('SECRET_DESTROYED', `The key of witness "${id}" was unloaded. Load the key file again to sign.`);
      return signer.sign(hash);
    },
  };
  return {
    signer: guarded,
    key: witnessKeyOf(signer),
    destroy() {
      destroyed = true;
      secretKey.fill(0);
    },
  };
}

/** Reads an encrypted witness key file (nothing is decrypted); an unencrypted one is WITNESS_KEY_UNENCRYPTED. */
export async function loadWitnessKeyFile(path: string, witnessId?: string): Promise<SealedWitnessKey> {
  let text: string;
  try {
    text = await readGuardedText(path, { maxBytes: READ_CAPS.witnessKeyFile, what: 'the witness key file' });
  } catch (e) {
    // A link, a pipe, a device or an oversized file says what it is (FILE_*); a file that cannot be read is WITNESS_KEY.
    if (e instanceof KeyshardError && e.code !== 'FILE_READ') throw e;
    throw new KeyshardError('WITNESS_KEY', `The witness key file "${basename(path)}" could not be read. Check that its drive is still plugged in.`);
  }
  return parseSealedWitnessKey(text, witnessId);
}

/**
 * Checks, before anything is signed, that this signer may sign the open checkpoint: its witness id and key are pinned
 * in the plan, and the witness is eligible and has not signed this checkpoint yet.
 */
export function checkWitnessSigner(signer: WitnessSigner, pinned: readonly WitnessKey[], open: OpenSignOff | null, names: (id: string) => string): void {
  checkWitnessKey(witnessKeyOf(signer), pinned, open, names);
}

/** The same check by public key alone: made before the witness is asked for a passphrase or PIN. */
export function checkWitnessKey(key: WitnessKey, pinned: readonly WitnessKey[], open: OpenSignOff | null, names: (id: string) => string): void {
  const known = pinned.find((k) => k.id === key.id);
  if (known === undefined) {
    throw new KeyshardError('WITNESS_KEY', `"${key.id}" is not a witness with a key in this ceremony's plan. Use the key file of a listed witness.`, { witnessId: key.id });
  }
  if (known.algorithm !== key.algorithm || known.publicKey !== key.publicKey) {
    throw new KeyshardError(
      'WITNESS_KEY',
      `This is not the key registered for witness ${names(key.id)}: the plan pins another ${known.algorithm} key. Use their own key file or token.`,
      { witnessId: key.id },
    );
  }
  if (open === null) {
    throw new KeyshardError('WITNESS_NOT_ELIGIBLE', 'No checkpoint is waiting for a witness sign-off right now.', { witnessId: key.id });
  }
  if (open.signedBy.includes(key.id)) {
    throw new KeyshardError('WITNESS_NOT_ELIGIBLE', `${names(key.id)} has already signed off this ${open.checkpoint}.`, {
      witnessId: key.id,
      checkpoint: open.checkpoint,
    });
  }
  if (!open.eligible.includes(key.id)) {
    throw new KeyshardError(
      'WITNESS_NOT_ELIGIBLE',
      `${names(key.id)} does not observe ${open.custodianId === null ? 'this step' : names(open.custodianId)} and cannot sign off this ${open.checkpoint}. ` +
        `Ask ${open.eligible.filter((w) => !open.signedBy.includes(w)).map(names).join(' or ') || 'an eligible witness'} to sign.`,
      { witnessId: key.id, checkpoint: open.checkpoint, eligible: open.eligible },
    );
  }
}

/**
 * Has the signer sign entry `seq`, then checks the new sign-off's signature once more against the pinned key before
 * returning the longer transcript. A signature that does not hold is WITNESS_KEY and nothing is returned.
 */
export async function signAndVerify(t: Transcript, seq: number, signer: WitnessSigner): Promise<Transcript> {
  let signed: Transcript;
  try {
    signed = await signEntry(t, seq, signer);
  } catch (e) {
    if (e instanceof KeyshardError && e.code === 'TRANSCRIPT_SIGNATURE') {
      throw new KeyshardError('WITNESS_KEY', `${e.message}`, { witnessId: signer.witnessId });
    }
    throw e;
  }
  const entry = signed.entries[signed.entries.length - 1];
  const target = t.entries[seq - 1];
  const data = entry?.data as { witness?: { publicKey?: string; algorithm?: string }; signature?: string } | undefined;
  const ok =
    entry !== undefined &&
    target !== undefined &&
    entry.kind === 'signoff' &&
    typeof data?.signature === 'string' &&
    typeof data.witness?.publicKey === 'string' &&
    data.witness.publicKey === bytesToHex(signer.publicKey) &&
    verifyWitnessSignature(signer.algorithm, signer.publicKey, hexToBytes(target.hash), hexToBytes(data.signature));
  if (!ok) {
    throw new KeyshardError('WITNESS_KEY', `The signature of witness "${signer.witnessId}" does not verify. Nothing was recorded; check the key or token.`, {
      witnessId: signer.witnessId,
    });
  }
  return signed;
}
