/**
 * How the recovery screens name where the expected fingerprint came from (core/recovery-trust's sources), so the
 * step bar and the verdict say the same thing. Only 'fingerprint', 'final-hash' and 'witness-keys' are verified.
 */
import type { PlainKey } from '../i18n/catalogue';
import type { FinishResponse } from './api';

export type ExpectedSourceName = FinishResponse['source'];

/** After "checked against": where the certainty comes from. */
export const SOURCE_WORDS: Readonly<Record<ExpectedSourceName, string>> = {
  fingerprint: 'the fingerprint typed from the paper record',
  'final-hash': "the ceremony's transcript, whose final hash matches the one typed from the paper record",
  'witness-keys': "the ceremony's transcript, signed off by a witness key you pinned",
  'transcript-unsigned': 'the transcript alone (no final hash or pinned witness key from the paper record)',
  'transcript-unfinished': 'the transcript of a ceremony that was aborted or did not finish',
  shards: 'only the fingerprint the shards carry about themselves',
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

/** "Verify" in one sentence: what the team does to turn an unverified result into a verified one. */
export const TO_VERIFY =
  "To verify: compare the recovered fingerprint with the ceremony's paper record, or start again and type the fingerprint or the transcript's final hash from the paper record.";

/** Witness key fingerprints typed one per line (or separated by commas or semicolons); blank lines ignored. */
export function typedList(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
