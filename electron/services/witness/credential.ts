/**
 * What main holds for a loaded witness between sign-offs: the public key and the means to ask for the witness's act.
 * Each sign-off opens the key for one signature with what the witness typed (the key file's passphrase, the token's
 * PIN) and closes it right after: the signing copy of the Ed25519 key is zeroized, the token session logged out.
 * A key file is unlocked (scrypt) once per ceremony: its key then stays in main's memory, like the ceremony's other
 * secrets, until `forget` at the ceremony's end, and later sign-offs still need the passphrase, checked against a keyed
 * tag of it instead of a second scrypt (a demo ceremony's 22 sign-offs spent 45% of its time re-stretching).
 *
 * The checkpoint's fingerprint, typed back by the witness, is checked here too (checkFingerprintTyped): before any
 * passphrase is stretched or PIN tried.
 */
import type { WitnessKey } from '../../../core/ceremony';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { KeyshardError } from '../../../core/errors';
import { looksLikeWords, parseSpokenWords } from '../../../core/read-aloud';
import type { WitnessSigner } from '../../../core/transcript';
import { unsealWitnessKey, type SealedWitnessKey } from './key-file';

/** What the witness typed for this one sign-off. Never kept, never echoed. */
export interface WitnessAct {
  readonly passphrase?: string;
  readonly pin?: string;
}

/** How a witness's key is opened: their key file's passphrase, their token's PIN, or nothing (in-process throwaway keys: tests, demo seams). */
export type WitnessUnlock = 'passphrase' | 'pin' | 'none';

/** A loaded witness's public key as the screens see it, and what a sign-off will ask of the witness. */
export interface LoadedWitnessKey extends WitnessKey {
  readonly unlock: WitnessUnlock;
  /** For a token key: the token's label, for the PIN prompt. */
  readonly tokenLabel?: string;
}

export interface OpenedWitness {
  readonly signer: WitnessSigner;
  /** Zeroizes the key or logs out of the token; safe to call twice. */
  close(): Promise<void>;
}

export interface WitnessCredential {
  readonly key: LoadedWitnessKey;
  /** `who`: the witness's name as the plan gives it, for the messages. */
  open(act: WitnessAct, who?: string): Promise<OpenedWitness>;
  /** Forgets the credential (zeroizes what it holds); open fails afterwards. */
  forget(): void;
}

function forgotten(witnessId: string): KeyshardError {
  return new KeyshardError('SECRET_DESTROYED', `The key of witness "${witnessId}" was unloaded when its ceremony ended. Load the key file or token again to sign.`, {
    witnessId,
  });
}

/** Equal lengths and bytes, in time that does not depend on where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** What a key file's first unlock leaves for the rest of the ceremony. Zeroized by forget. */
interface Unlocked {
  readonly key: Uint8Array;
  /** HMAC-SHA256 of the passphrase under `tagKey` (random per credential): a later sign-off's passphrase must match. */
  readonly tagKey: Uint8Array;
  readonly tag: Uint8Array;
}

/**
 * A sealed key file: the first open stretches the passphrase and decrypts; later opens with the same passphrase use
 * the key kept since (a wrong one goes through the key file again, and fails there). Each open hands out its own copy,
 * zeroized at close. `forget` zeroizes the kept key and also a key opened for a sign-off that has not closed yet (a
 * sign-off stuck on a write must not keep the witness's key alive while the app quits). `unseal` is for tests that
 * watch the opened key's bytes.
 */
export function keyFileCredential(sealed: SealedWitnessKey, unseal: typeof unsealWitnessKey = unsealWitnessKey): WitnessCredential {
  let gone = false;
  /** Closes (zeroizes) each key opened and not yet closed. */
  const openKeys = new Set<() => void>();
  let unlocked: Unlocked | undefined;
  const key: LoadedWitnessKey = { id: sealed.witnessId, algorithm: 'ed25519', publicKey: sealed.publicKeyHex, unlock: 'passphrase' };
  const tagOf = (tagKey: Uint8Array, passphrase: string): Uint8Array => hmac(sha256, tagKey, utf8ToBytes(passphrase));
  const publicKey = hexToBytes(sealed.publicKeyHex);
  return {
    key,
    async open(act, who) {
      if (gone) throw forgotten(sealed.witnessId);
      const passphrase = act.passphrase ?? '';
      let secret: Uint8Array;
      if (unlocked !== undefined && sameBytes(tagOf(unlocked.tagKey, passphrase), unlocked.tag)) {
        secret = unlocked.key.slice();
      } else {
        const opened = await unseal(sealed, passphrase, who);
        if (gone) {
          opened.fill(0);
          throw forgotten(sealed.witnessId);
        }
        secret = opened;
        if (unlocked === undefined) {
          const tagKey = randomBytes(32);
          unlocked = { key: opened, tagKey, tag: tagOf(tagKey, passphrase) };
          secret = opened.slice();
        }
      }
      // The key file's public key: unsealing checked the secret key against it, so it is not derived again per sign-off.
      const signer: WitnessSigner = { witnessId: sealed.witnessId, algorithm: 'ed25519', publicKey, sign: async (hash) => ed25519.sign(hash, secret) };
      let closed = false;
      const closeNow = (): void => {
        closed = true;
        secret.fill(0);
        openKeys.delete(closeNow);
      };
      openKeys.add(closeNow);
      return {
        signer: {
          witnessId: signer.witnessId,
          algorithm: signer.algorithm,
          publicKey: signer.publicKey,
          sign: async (hash) => {
            if (closed) throw forgotten(sealed.witnessId);
            return signer.sign(hash);
          },
        },
        close: async () => closeNow(),
      };
    },
    forget() {
      gone = true;
      for (const close of [...openKeys]) close();
      if (unlocked !== undefined) for (const bytes of [unlocked.key, unlocked.tagKey, unlocked.tag]) bytes.fill(0);
      unlocked = undefined;
      sealed.ciphertext.fill(0);
      sealed.nonce.fill(0);
      sealed.kdf.salt.fill(0);
    },
  };
}

/** An in-process signer (tests' and the CLI's throwaway keys): nothing to type; registered by main only, never over IPC. */
export function signerCredential(signer: WitnessSigner, onForget?: () => void): WitnessCredential {
  let gone = false;
  return {
    key: { id: signer.witnessId, algorithm: signer.algorithm, publicKey: bytesToHex(signer.publicKey), unlock: 'none' },
    async open() {
      if (gone) throw forgotten(signer.witnessId);
      return { signer, close: async () => undefined };
    },
    forget() {
      gone = true;
      onForget?.();
    },
  };
}

/**
 * Normalises what a witness typed: spaces, dashes and colons dropped, lower case; the fingerprint's 20 words to read
 * aloud (core/read-aloud) become the 32 digits they stand for. Words that are not the list's, or whose checksum does
 * not hold, are WITNESS_FINGERPRINT naming the position, never the word.
 */
function typedHex(typed: string, witnessId: string, what: string): string {
  if (!looksLikeWords(typed)) return typed.replace(/[\s:-]/g, '').toLowerCase();
  try {
    return parseSpokenWords(typed, what);
  } catch (e) {
    if (!(e instanceof KeyshardError)) throw e;
    throw new KeyshardError('WITNESS_FINGERPRINT', `${e.message} Nothing was signed.`, { witnessId, reason: 'words', words: e.code, ...(e.details ?? {}) });
  }
}

/** How many hex digits a witness types: the 32 that are read aloud (the first 128 bits, eight groups of four). */
export const FINGERPRINT_TYPED_DIGITS = 32;

/**
 * The witness typed the fingerprint read aloud at this checkpoint: the first 32 hex digits of `expectedHex` (as read
 * aloud, groups of four, any case, spaces optional) or all of it. Anything else is WITNESS_FINGERPRINT; what was
 * typed is not repeated.
 */
export function checkFingerprintTyped(typed: string | undefined, expectedHex: string, witnessId: string, who: string, what: string): void {
  const t = typeof typed === 'string' ? typedHex(typed, witnessId, what) : '';
  const expected = expectedHex.toLowerCase();
  if (t.length === 0) {
    throw new KeyshardError('WITNESS_FINGERPRINT', `${who} types the ${what} read aloud at this checkpoint to sign it; nothing was typed. Nothing was signed.`, {
      witnessId,
      reason: 'missing',
    });
  }
  if (t !== expected.slice(0, FINGERPRINT_TYPED_DIGITS) && t !== expected) {
    throw new KeyshardError(
      'WITNESS_FINGERPRINT',
      `What ${who} typed is not the ${what} of this checkpoint; nothing was signed. Compare it, group by group, with the one read aloud and on the screen, and type it again.`,
      { witnessId, reason: 'mismatch' },
    );
  }
}
