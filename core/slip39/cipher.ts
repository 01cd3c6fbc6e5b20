/**
 * Encryption of the master secret with the passphrase: a 4-round Feistel network whose round function is
 * PBKDF2-HMAC-SHA256 (SLIP-39 "Passphrase" and "Encryption of the master secret").
 *
 *   round i: F = PBKDF2(password = [i] || passphrase, salt = salt || R, iterations = (10000 << e) / 4, length = n/2)
 *            (L, R) = (R, L xor F)        encrypted = R || L after rounds 0..3; decryption runs rounds 3..0
 *
 * salt = "shamir" || identifier (2 bytes, big-endian) for non-extendable backups, empty for extendable ones (so the
 * same encrypted secret can be re-split under a new identifier). Every passphrase decrypts to *some* secret: a wrong
 * passphrase is not detectable here, by design of the standard (plausible deniability).
 */
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyshardError } from '../errors';
import { BASE_ITERATION_COUNT, CUSTOMIZATION_STRING_ORIG, MAX_ITERATION_EXPONENT, ROUND_COUNT } from './constants';

/** PBKDF2-HMAC-SHA256. Inject node:crypto's `pbkdf2Sync(p, s, i, len, 'sha256')` in the main process: it is ~6x faster. */
export type Pbkdf2 = (password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number) => Uint8Array;

export const noblePbkdf2Sha256: Pbkdf2 = (password, salt, iterations, dkLen) =>
  noblePbkdf2(sha256, password, salt, { c: iterations, dkLen });

/**
 * The passphrase as bytes. SLIP-39 allows printable ASCII only (code points 32..126), so that it can be typed on any
 * device. The message never repeats the passphrase.
 */
export function passphraseBytes(passphrase: string): Uint8Array {
  const bytes = new Uint8Array(passphrase.length);
  for (let i = 0; i < passphrase.length; i++) {
    const code = passphrase.charCodeAt(i);
    if (code < 32 || code > 126) {
      bytes.fill(0);
      throw new KeyshardError(
        'INVALID_ARGUMENT',
        'The passphrase may contain only printable ASCII characters (letters, digits, space and punctuation, codes 32 to 126). Retype it without accents, emoji or control characters.',
      );
    }
    bytes[i] = code;
  }
  return bytes;
}

export function checkIterationExponent(e: number): void {
  if (!Number.isInteger(e) || e < 0 || e > MAX_ITERATION_EXPONENT) {
    throw new KeyshardError('SLIP39_PARAMETERS', `The iteration exponent must be a whole number from 0 to ${MAX_ITERATION_EXPONENT} (got ${String(e)}).`);
  }
}

function salt(identifier: number, extendable: boolean): Uint8Array {
  if (extendable) return new Uint8Array(0);
  const out = new Uint8Array(CUSTOMIZATION_STRING_ORIG.length + 2);
  for (let i = 0; i < CUSTOMIZATION_STRING_ORIG.length; i++) out[i] = CUSTOMIZATION_STRING_ORIG.charCodeAt(i);
  out[CUSTOMIZATION_STRING_ORIG.length] = (identifier >> 8) & 0xff;
  out[CUSTOMIZATION_STRING_ORIG.length + 1] = identifier & 0xff;
  return out;
}

export interface CipherParams {
  readonly identifier: number;
  readonly extendable: boolean;
  readonly iterationExponent: number;
  readonly passphrase: string;
  readonly pbkdf2?: Pbkdf2 | undefined;
}

/** One PBKDF2 call the Feistel network needs: the caller runs it (now, or on another thread) and hands back F. */
export interface Pbkdf2Call {
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly dkLen: number;
  /** 1-based position of this round in the run, of `ROUND_COUNT`. */
  readonly step: number;
}
// `password` and `salt` are the cipher's own buffers: valid until F is handed back, wiped when the run ends. A PBKDF2
// that keeps them longer copies them first (node:crypto's pbkdf2 copies its inputs when called).

/**
 * The Feistel network as a generator: it yields each round's PBKDF2 call and takes F back, so the sync and the async
 * drivers below share every byte of the cipher (and every wipe). The yielded buffers are wiped when it ends.
 */
function* feistelSteps(input: Uint8Array, params: Omit<CipherParams, 'pbkdf2'>, rounds: readonly number[]): Generator<Pbkdf2Call, Uint8Array, Uint8Array> {
  if (input.length === 0 || input.length % 2 !== 0) {
    throw new KeyshardError('SECRET_LENGTH', `The secret must have an even number of bytes (got ${input.length}).`, { length: input.length });
  }
  checkIterationExponent(params.iterationExponent);
  const half = input.length / 2;
  const iterations = (BASE_ITERATION_COUNT << params.iterationExponent) / ROUND_COUNT;
  const pass = passphraseBytes(params.passphrase);
  const saltPrefix = salt(params.identifier, params.extendable);

  let left = input.slice(0, half);
  let right = input.slice(half);
  const password = new Uint8Array(1 + pass.length);
  password.set(pass, 1);
  const roundSalt = new Uint8Array(saltPrefix.length + half);
  roundSalt.set(saltPrefix, 0);
  try {
    for (const [i, round] of rounds.entries()) {
      password[0] = round;
      roundSalt.set(right, saltPrefix.length);
      const f = yield { password, salt: roundSalt, iterations, dkLen: half, step: i + 1 };
      if (f.length !== half) throw new KeyshardError('INTERNAL', 'The PBKDF2 function returned the wrong number of bytes.');
      const next = new Uint8Array(half);
      for (let j = 0; j < half; j++) next[j] = left[j]! ^ f[j]!;
      f.fill(0);
      left.fill(0);
      left = right;
      right = next;
    }
    const out = new Uint8Array(input.length);
    out.set(right, 0);
    out.set(left, half);
    return out;
  } finally {
    left.fill(0);
    right.fill(0);
    pass.fill(0);
    password.fill(0);
    roundSalt.fill(0);
  }
}

function feistel(input: Uint8Array, params: CipherParams, rounds: readonly number[]): Uint8Array {
  const derive = params.pbkdf2 ?? noblePbkdf2Sha256;
  const steps = feistelSteps(input, params, rounds);
  try {
    let next = steps.next();
    while (next.done !== true) next = steps.next(derive(next.value.password, next.value.salt, next.value.iterations, next.value.dkLen));
    return next.value;
  } finally {
    steps.return(new Uint8Array(0)); // runs the generator's wipes when a derive call threw
  }
}

/** Master secret -> encrypted master secret (what is actually split into shares). */
export function encrypt(masterSecret: Uint8Array, params: CipherParams): Uint8Array {
  return feistel(masterSecret, params, [0, 1, 2, 3]);
}

/** Encrypted master secret -> master secret. */
export function decrypt(encryptedMasterSecret: Uint8Array, params: CipherParams): Uint8Array {
  return feistel(encryptedMasterSecret, params, [3, 2, 1, 0]);
}

/**
 * PBKDF2 that runs elsewhere (another thread, the libuv pool) and resolves with F. It may reject (e.g. when the run is
 * cancelled); the cipher then wipes its state and rethrows.
 */
export type Pbkdf2Async = (call: Pbkdf2Call) => Promise<Uint8Array>;

export interface AsyncCipherParams extends Omit<CipherParams, 'pbkdf2'> {
  readonly pbkdf2: Pbkdf2Async;
}

async function feistelAsync(input: Uint8Array, params: AsyncCipherParams, rounds: readonly number[]): Promise<Uint8Array> {
  const steps = feistelSteps(input, params, rounds);
  try {
    let next = steps.next();
    while (next.done !== true) next = steps.next(await params.pbkdf2(next.value));
    return next.value;
  } finally {
    steps.return(new Uint8Array(0));
  }
}

/** `encrypt` with PBKDF2 run off the caller's thread: same bytes, round by round. */
export function encryptAsync(masterSecret: Uint8Array, params: AsyncCipherParams): Promise<Uint8Array> {
  return feistelAsync(masterSecret, params, [0, 1, 2, 3]);
}

/** `decrypt` with PBKDF2 run off the caller's thread: same bytes, round by round. */
export function decryptAsync(encryptedMasterSecret: Uint8Array, params: AsyncCipherParams): Promise<Uint8Array> {
  return feistelAsync(encryptedMasterSecret, params, [3, 2, 1, 0]);
}
