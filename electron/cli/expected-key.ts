/**
 * What a team expects the recovered key to be, given on the command line: a fingerprint (the 64 hex digits, or the
 * 32 read aloud in groups of four) or a group public key. Checked with a plain comparison: both are public.
 */
import { KeyshardError } from '../../core/errors';

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** The fingerprint as lowercase hex, 32 or 64 digits; spaces and case as read aloud are fine. */
export function parseFingerprintArg(text: string, flag = '--fingerprint'): string {
  const hex = text.replace(/[\s:-]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || (hex.length !== 32 && hex.length !== 64)) {
    throw usage(`${flag} must be the key's fingerprint: 64 hex digits, or the first 32 as printed in groups of four (e.g. "1A2B 3C4D ...").`);
  }
  return hex;
}

/** True when the fingerprint (64 hex digits) is the one expected (its full form or its first half). */
export function fingerprintMatches(actualHex: string, expected: string): boolean {
  return actualHex.toLowerCase().startsWith(expected);
}

export function fingerprintMismatch(what: string, details?: Readonly<Record<string, unknown>>): KeyshardError {
  return new KeyshardError(
    'FINGERPRINT_MISMATCH',
    `${what} This is not the key that was expected: do not use it. Check that the shards come from the right ceremony and that the expected value was copied correctly.`,
    { ...details },
  );
}
