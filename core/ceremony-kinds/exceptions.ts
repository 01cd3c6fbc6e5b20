/**
 * Exceptions: a deviation from the script (a step repeated, an air-gap override, a custodian absent, a failed
 * confirmation, an abort), recorded as an `exception` transcript entry with the reason a person typed at the time and,
 * when the plan has witnesses, a witness's signature over that entry. One shape for core's reducer, the transcript
 * verifier and the annotated script, so none of them can accept what another refuses. Pure.
 */
import { ID_PATTERN } from '../policy/text';
import type { CeremonyKind } from './types';

export const DEVIATIONS = ['step-repeated', 'airgap-override', 'custodian-absent', 'confirmation-failed', 'abort'] as const;
export type Deviation = (typeof DEVIATIONS)[number];

/** The words the screens, the annotated script and `transcript verify --script` use for each deviation. */
export const DEVIATION_WORDS: Readonly<Record<Deviation, string>> = {
  'step-repeated': 'Step repeated',
  'airgap-override': 'Air-gap check overridden',
  'custodian-absent': 'Custodian absent',
  'confirmation-failed': 'Confirmation failed',
  abort: 'Ceremony aborted',
};

/** A reason is a sentence or two typed at the time, not an essay: it must fit under its step on paper. */
export const MAX_EXCEPTION_REASON = 500;

/** What an `exception` entry holds (its transcript data, exactly these members). */
export interface ExceptionData {
  /** The catalogue step it happened at (its id: the script's number is derived from the plan). */
  readonly stepId: string;
  /** For a step done per custodian: whose turn it was. */
  readonly custodianId?: string;
  readonly deviation: Deviation;
  readonly reason: string;
  /** The witness who signs it off (absent only when the plan has no witnesses, or for an abort's unsigned exception). */
  readonly witnessId?: string;
  /** An abort's exception that no witness signs (none stayed, or the witness declined): said outright, never implied. */
  readonly unsigned?: true;
}

// Line breaks and controls would let a reason redraw a terminal line or forge a line of the printed script.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const MEMBERS = new Set(['stepId', 'custodianId', 'deviation', 'reason', 'witnessId', 'unsigned']);

export function isDeviation(v: unknown): v is Deviation {
  return typeof v === 'string' && (DEVIATIONS as readonly string[]).includes(v);
}

/** A reason a person typed: non-empty (not only spaces), at most MAX_EXCEPTION_REASON characters, one printable line. */
export function reasonProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v.trim() === '') return 'the reason is empty: type why it happened';
  if (v.length > MAX_EXCEPTION_REASON) return `the reason is longer than ${MAX_EXCEPTION_REASON} characters: say it shorter`;
  if (UNPRINTABLE.test(v)) return 'the reason has line breaks or control characters: type it as one line';
  return null;
}

/**
 * What is wrong with an exception entry's data, in words without its values, or null. The step must be one of the
 * kind's catalogue steps (any plan's: the transcript alone does not say which steps a plan leaves out).
 */
export function exceptionDataProblem(kind: CeremonyKind, data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'the exception data is not a JSON object';
  const d = data as Record<string, unknown>;
  const extra = Object.keys(d).find((k) => !MEMBERS.has(k));
  if (extra !== undefined) return 'the exception data has a member other than stepId, custodianId, deviation, reason, witnessId, unsigned';
  if (typeof d['stepId'] !== 'string' || !kind.steps.some((s) => s.id === d['stepId'])) return `the exception names no step of the ${kind.title.toLowerCase()}`;
  if (!isDeviation(d['deviation'])) return `the deviation is not one of ${DEVIATIONS.join(', ')}`;
  const r = reasonProblem(d['reason']);
  if (r !== null) return r;
  for (const k of ['custodianId', 'witnessId'] as const) {
    if (Object.prototype.hasOwnProperty.call(d, k) && (typeof d[k] !== 'string' || !ID_PATTERN.test(d[k] as string))) return `the exception's ${k} is not an id`;
  }
  if (Object.prototype.hasOwnProperty.call(d, 'unsigned')) {
    if (d['unsigned'] !== true) return 'the exception\'s unsigned member is not true';
    if (d['deviation'] !== 'abort') return 'only an abort\'s exception may be marked unsigned';
    if (Object.prototype.hasOwnProperty.call(d, 'witnessId')) return 'the exception is marked unsigned and names a witness';
  }
  return null;
}
