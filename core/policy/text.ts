import { KeyshardError } from '../errors';
import { problemMessage, type PlanProblemCode, type ProblemParams } from './problems';
import type { PolicyProblem } from './types';

/**
 * The form in which names, organisations and locations are compared: Unicode NFKC, whitespace collapsed, case folded.
 * "ACME  Corp" and "acme corp" are the same organisation; the text shown to people keeps its original spelling.
 */
export function sameKey(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Collects every problem of a plan so a screen can show them all at once; throws one POLICY_INVALID at the end. */
export class ProblemList {
  readonly items: PolicyProblem[] = [];

  add(field: string, code: PlanProblemCode, params: ProblemParams = {}): void {
    this.items.push({ field, message: problemMessage(code, params), code, params });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  throwIfAny(): void {
    const first = this.items[0];
    if (first === undefined) return;
    const more = this.items.length - 1;
    const suffix = more === 0 ? '' : ` (${more} more problem${more === 1 ? '' : 's'} listed in details.problems)`;
    throw new KeyshardError('POLICY_INVALID', `Plan field ${first.field}: ${first.message}${suffix}`, {
      field: first.field,
      problems: this.items.slice(),
    });
  }
}

/** True for a whole number in [min, max]. */
export function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Ids end up in file names and transcript records, so they are short and plain. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** ISO 8601 as Date.prototype.toISOString writes it (UTC, milliseconds). */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isIsoInstant(v: unknown): v is string {
  return typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v;
}

/** Reads the clock and returns its time as an ISO instant; a broken clock is an error, not a silent NaN. */
export function readClock(clock: () => Date): string {
  const d = clock();
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The clock returned an invalid date. Check the system time and try again.');
  }
  return d.toISOString();
}
