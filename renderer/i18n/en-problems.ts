/**
 * Plan problems' English words, spread into en.ts: core's own texts (core/policy/problems.ts) under plan.problem.<code>
 * and plan.problem.what.<what>, so the screen and the CLI say the same and German must cover every code.
 */
import { PROBLEM_TEXT, PROBLEM_WHAT } from '../../core/policy/problems';

type Prefixed<T, P extends string> = { readonly [K in keyof T & string as `${P}${K}`]: T[K] };

function prefixed<T extends Readonly<Record<string, string>>, P extends string>(prefix: P, table: T): Prefixed<T, P> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [`${prefix}${k}`, v])) as Prefixed<T, P>;
}

export const enProblems = {
  ...prefixed('plan.problem.', PROBLEM_TEXT),
  ...prefixed('plan.problem.what.', PROBLEM_WHAT),
  // The coalition panel's summary, from core's facts (the same sentence as core's summary in English).
  'plan.summary.range': 'The smallest group of custodians that can recover the secret has {atLeast} to {atMost} members (the plan is too intricate to search in full).',
  'plan.summary.smallest': {
    one: 'The smallest group of custodians that can recover the secret has {count} member.',
    other: 'The smallest group of custodians that can recover the secret has {count} members.',
  },
  'plan.summary.limit': 'The first {limit} minimal coalitions are listed; there are more.',
  'plan.summary.work': '{listed} minimal coalitions are listed; the search stopped early, so there may be more.',
  'plan.summary.count': { one: 'There is {count} minimal coalition.', other: 'There are {count} minimal coalitions.' },
  'plan.summary.none': 'None lies within one organisation or location, and no witness can assemble one.',
  'plan.summary.warnings': { one: '{count} warning', other: '{count} warnings' },
  'plan.summary.critical': ', {critical} critical',
} as const;
