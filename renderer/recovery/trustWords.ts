/**
 * How the recovery screens name where the expected fingerprint came from (core/recovery-trust's sources), so the
 * step bar and the verdict say the same thing. Only 'fingerprint', 'final-hash' and 'witness-keys' are verified.
 */
import type { PlainKey } from '../i18n/catalogue';
import type { FinishResponse } from './api';

export type ExpectedSourceName = FinishResponse['source'];

/** After "checked against": where the certainty comes from (catalogue keys). */
export const SOURCE_WORDS: Readonly<Record<ExpectedSourceName, PlainKey>> = {
  fingerprint: 'trust.fingerprint',
  'final-hash': 'trust.final-hash',
  'witness-keys': 'trust.witness-keys',
  'transcript-unsigned': 'trust.transcript-unsigned',
  'transcript-unfinished': 'trust.transcript-unfinished',
  shards: 'trust.shards',
};

/** Short form for the step bar: catalogue keys. */
export const SOURCE_SHORT: Readonly<Record<ExpectedSourceName, PlainKey>> = {
  fingerprint: 'source.fingerprint',
  'final-hash': 'source.final-hash',
  'witness-keys': 'source.witness-keys',
  'transcript-unsigned': 'source.transcript-unsigned',
  'transcript-unfinished': 'source.transcript-unfinished',
  shards: 'source.shards',
};

/** Witness key fingerprints typed one per line (or separated by commas or semicolons); blank lines ignored. */
export function typedList(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
