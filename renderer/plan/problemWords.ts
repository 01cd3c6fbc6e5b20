/**
 * A plan problem in the language shown (issue 14.8): core gives each problem a stable code and its data; the words
 * are the catalogue's (plan.problem.<code>; English is core's own text, so the screen and the CLI say the same). A
 * text field named by `what` is said in words, and a field path (a parameter ending in `Field`) as the form names it.
 * A problem that reached the screen without a code (an unexpected failure) keeps its message.
 */
import { PROBLEM_TEXT, PROBLEM_WHAT, type PlanProblemCode, type ProblemParams, type ProblemWhat } from '../../core/policy';
import type { Key } from '../i18n/catalogue';
import type { Language } from '../i18n/language';
import { translate } from '../i18n/translate';

/** A problem as the form shows it: core's (with code and data), or one the screen made from an unexpected error. */
export interface FormProblem {
  readonly field: string;
  readonly message: string;
  readonly code?: PlanProblemCode;
  readonly params?: ProblemParams;
}

const say = translate as (lang: Language, key: Key, params?: Readonly<Record<string, unknown>>) => string;

export function problemText(p: FormProblem, lang: Language, fieldWords: (field: string, lang: Language) => string): string {
  if (p.code === undefined || !Object.hasOwn(PROBLEM_TEXT, p.code)) return p.message;
  const params: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(p.params ?? {})) {
    if (name === 'what' && typeof v === 'string' && Object.hasOwn(PROBLEM_WHAT, v)) params[name] = say(lang, `plan.problem.what.${v as ProblemWhat}` as Key);
    else if (name.endsWith('Field') && typeof v === 'string') params[name] = fieldWords(v, lang);
    else params[name] = v;
  }
  return say(lang, `plan.problem.${p.code}` as Key, params);
}
