/**
 * A fix hint for a word that is not in the SLIP-39 list. SLIP-39 words are unique in their first four letters, so a
 * typed word whose first four letters name a word usually points at it; otherwise the nearest word by edit distance
 * (insertions, deletions, substitutions and swaps of neighbours) is offered when it is close and unambiguous.
 * The hint is for the person who typed the word; it is the one word an error message may contain.
 */
import { WORDLIST } from './wordlist';

const BY_PREFIX = new Map<string, string>(WORDLIST.map((w) => [w.slice(0, 4), w]));

/** Damerau-Levenshtein distance (optimal string alignment variant). */
let table = new Int32Array(0);

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  // One table reused across calls: a hint search computes over a thousand distances.
  if (table.length < rows * cols) table = new Int32Array(rows * cols);
  const d = table;
  const at = (i: number, j: number): number => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The word the person most likely meant, or undefined when nothing is close enough to suggest honestly. The word
 * named by the first four letters wins unless another word is strictly closer (e.g. two swapped letters inside the
 * prefix: "obseity" is "obesity", not "observe").
 */
export function suggestWord(typed: string): string | undefined {
  const word = typed.toLowerCase();
  const byPrefix = word.length >= 4 ? BY_PREFIX.get(word.slice(0, 4)) : undefined;
  // No SLIP-39 word is longer than 8 letters: far longer input is not a typo worth a full search.
  if (word.length > 16) return byPrefix;
  let best: string | undefined;
  let bestDistance = Infinity;
  let ties = 0;
  for (const candidate of WORDLIST) {
    // The distance is at least the difference in length: a candidate that cannot come closer than, or tie with, the
    // best so far is skipped without computing it (the result is the same; a page of garbage is checked quickly).
    if (Math.abs(word.length - candidate.length) > bestDistance) continue;
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      ties = 1;
    } else if (distance === bestDistance) {
      ties++;
    }
  }
  if (byPrefix !== undefined && editDistance(word, byPrefix) <= bestDistance) return byPrefix;
  // Two edits is as far as a hint stays useful; a tie means we would be guessing.
  return bestDistance <= 2 && ties === 1 ? best : undefined;
}
