/**
 * Word entry helpers for typing a SLIP-39 share: completion from core's word list, and the rule SLIP-39 word lists are
 * built for - the first four letters name a word - so "acad" may stand for "academic". Checking the share (checksum,
 * which ceremony) is main's job; this only helps the typing.
 */
import { WORDLIST } from '../../core/slip39/wordlist';

/** Share lengths in words: 128-bit secrets (20) and 256-bit secrets (33). */
export const WORD_COUNTS = [20, 33] as const;
/** Enough boxes for any share length a person might paste. */
export const MAX_WORDS = 64;

const KNOWN: ReadonlySet<string> = new Set(WORDLIST);

export function normalizeWord(typed: string): string {
  return typed.trim().toLowerCase();
}

export function isSlip39Word(typed: string): boolean {
  return KNOWN.has(normalizeWord(typed));
}

/** Words that start with what was typed (at most `limit`), for the completion list. */
export function completions(typed: string, limit = 8): string[] {
  const prefix = normalizeWord(typed);
  if (prefix === '') return [];
  const out: string[] = [];
  for (const w of WORDLIST) {
    if (w.startsWith(prefix)) {
      out.push(w);
      if (out.length >= limit) break;
    }
  }
  return out;
}

/**
 * The word meant by what was typed: itself when it is a word, the one word it starts when only one does, or the word
 * its first four letters name (when the rest does not contradict it). Undefined otherwise.
 */
export function completeWord(typed: string): string | undefined {
  const t = normalizeWord(typed);
  if (t === '') return undefined;
  if (KNOWN.has(t)) return t;
  const matches = completions(t, 2);
  if (matches.length === 1) return matches[0];
  return undefined;
}

/** Words in pasted or typed text, lower case, in order. */
export function splitWords(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map(normalizeWord)
    .filter((w) => w !== '');
}

/** Places `incoming` into `words` from `start` on, growing the list when needed (up to MAX_WORDS). */
export function placeWords(words: readonly string[], start: number, incoming: readonly string[]): string[] {
  const out = words.slice();
  incoming.slice(0, MAX_WORDS - start).forEach((w, i) => {
    out[start + i] = w;
  });
  return out;
}

/** The box count to show for a list of words: the smallest usual length that holds them all. */
export function boxCountFor(filled: number, current: number): number {
  if (filled <= current) return current;
  const usual = WORD_COUNTS.find((n) => n >= filled);
  return usual ?? Math.min(MAX_WORDS, filled);
}
