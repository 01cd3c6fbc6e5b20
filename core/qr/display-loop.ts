/**
 * Which parts an animated shard code shows, in order, on a screen: every plain part once (1..partCount), then a run of
 * mixed parts, and round again. A camera that joins late or misses frames fills its gaps from the mixed parts, which the
 * elimination decoder (fountain-decoder.ts) solves as equations, instead of waiting a whole loop for the plain parts it
 * missed (at 25% frame loss the plain loop needed 1.45-2.30x the ideal number of frames).
 *
 * Which mixed parts: bc-ur mixes part n from a pseudo-random set of fragments whose size (degree) follows 1/d, so many
 * mixes hold 1 or nearly all fragments. A mix of about a third to two thirds of the fragments is, for a decoder still
 * missing a few, close to a uniformly random equation over them, and those need the fewest extra parts (a seeded
 * simulation at 25% loss: 1.07-1.17x the ideal with degrees 1..n, 1.04-1.08x with these). Any part number is a valid
 * part of the code, so the screen simply shows the numbers whose degree is in that band.
 */
import { chooseFragments } from './bc-ur';

/** Mixed parts per round, per plain part: 2 gives a round of 3x partCount frames (enough at 50% loss to fill in). */
export const DISPLAY_MIXED_PER_PLAIN = 2;

/** The degree band of the mixed parts shown: about a third to two thirds of the fragments, at least 2. */
export function displayDegreeBand(partCount: number): { readonly min: number; readonly max: number } {
  const min = Math.max(2, Math.ceil(partCount / 3));
  return { min, max: Math.max(min, Math.floor((2 * partCount) / 3)) };
}

/**
 * Part numbers of one round of the display loop for a code of `partCount` parts and message checksum `checksum`:
 * 1..partCount, then `mixedCount` mixed part numbers (past partCount, ascending) whose degree is in the band.
 * Pure: the same code always gives the same loop.
 */
export function displayLoopSeqNums(partCount: number, checksum: number, mixedCount = DISPLAY_MIXED_PER_PLAIN * partCount): number[] {
  const out = Array.from({ length: partCount }, (_, i) => i + 1);
  if (partCount < 3) return out; // with 1-2 fragments every mix is the XOR of all; the plain loop is as good
  const { min, max } = displayDegreeBand(partCount);
  // The band holds about a fifth of all part numbers; the bound only guards against a loop that never ends.
  for (let seq = partCount + 1, tried = 0; out.length < partCount + mixedCount && tried < 100 * mixedCount; seq++, tried++) {
    const degree = chooseFragments(seq, partCount, checksum).length;
    if (degree >= min && degree <= max) out.push(seq);
  }
  return out;
}
