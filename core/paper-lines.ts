/**
 * Check characters per printed line of a shard text (issue 14.2: "a verifiable share on paper is split into short
 * lines, each with its own check characters, so a mistyped line is found at once").
 *
 * A paper shard is printed as "KS1 ABCD EFGH ..." in lines of eight groups; each line gets " / XY": two base32
 * characters (10 bits) of SHA-256("keyshard/paper-line/v1", line number, the line's characters without spaces). The
 * envelope's own checksum still guards the whole shard; the line checks only say *which* line was mistyped (a wrong
 * line passes its check with odds of 1 in 1,024), and, as the line number is hashed, that two lines were swapped.
 * Readers accept a text with or without them: the checks are removed after they are checked.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from './errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DOMAIN = 'keyshard/paper-line/v1';
/** " / XY" at a line's end: '/' is in no shard text, so it cannot be part of the shard. */
const CHECKED = /^(.*?)\s*\/\s*([A-Za-z2-7]{2})\s*$/;

/** The two check characters of line `n` (1-based), from its characters without spaces, upper case. */
export function lineCheck(n: number, line: string): string {
  const digest = sha256(utf8ToBytes(`${DOMAIN}\n${n}\n${line.replace(/\s+/g, '').toUpperCase()}`));
  const bits = ((digest[0] as number) << 2) | ((digest[1] as number) >>> 6);
  return `${ALPHABET[bits >>> 5]}${ALPHABET[bits & 31]}`;
}

/** The printed lines of a shard text laid out for paper (one line per '\n'), each followed by its check characters. */
export function withLineChecks(paperText: string): { readonly line: string; readonly check: string }[] {
  return paperText.split('\n').map((line, i) => ({ line, check: lineCheck(i + 1, line) }));
}

/**
 * A typed shard text with the check characters removed. Lines that carry " / XY" are checked; a line that does not
 * match its check is PAPER_LINE_CHECK naming the line numbers (never their content). Lines without checks (a text
 * typed without them, a QR text) pass through unchanged. Blank lines do not count as lines.
 */
export function stripLineChecks(typed: string): string {
  if (!typed.includes('/')) return typed;
  const lines = typed.split(/\r?\n/).filter((l) => l.trim() !== '');
  const bad: number[] = [];
  const out = lines.map((l, i) => {
    const m = CHECKED.exec(l);
    if (m === null) return l;
    const body = m[1] ?? '';
    if (lineCheck(i + 1, body) !== (m[2] ?? '').toUpperCase()) bad.push(i + 1);
    return body;
  });
  if (bad.length > 0) {
    throw new KeyshardError(
      'PAPER_LINE_CHECK',
      `${bad.length === 1 ? `Line ${bad[0]} does` : `Lines ${bad.join(', ')} do`} not match ${bad.length === 1 ? 'its' : 'their'} check characters (the two after "/"): a character in ${bad.length === 1 ? 'it' : 'them'} was mistyped, or lines were swapped. Compare ${bad.length === 1 ? 'that line' : 'those lines'} with the paper.`,
      { lines: bad },
    );
  }
  return out.join('\n');
}

/** The typed text without any " / XY" line checks, unchecked (where the comparison itself names what differs). */
export function removeLineChecks(typed: string): string {
  if (!typed.includes('/')) return typed;
  return typed
    .split(/\r?\n/)
    .map((l) => CHECKED.exec(l)?.[1] ?? l)
    .join('\n');
}
