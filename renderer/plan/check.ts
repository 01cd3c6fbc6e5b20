/**
 * Runs core/policy over the form: validation problems by field, plan warnings, and (for a valid plan) the coalition
 * analysis. Pure and synchronous; the screen calls it on a deferred copy of the form so typing stays responsive.
 */
import { isKeyshardError } from '../../core/errors';
import {
  analyzeCoalitions,
  validatePlan,
  type CeremonyPlan,
  type CoalitionAnalysis,
  type PlanWarning,
  type PolicyProblem,
} from '../../core/policy';
import type { FormProblem } from './problemWords';
import { toErrorInfo, type ErrorInfo } from '../components/errors';
import { formToPlan, type PlanForm } from './planForm';

export interface PlanCheckResult {
  readonly plan: CeremonyPlan;
  readonly problems: readonly FormProblem[];
  readonly warnings: readonly PlanWarning[];
  /** Null while the plan has problems (the analysis needs a valid plan). */
  readonly analysis: CoalitionAnalysis | null;
  /** Set if the analysis itself failed (it should not for a valid plan). */
  readonly analysisError?: ErrorInfo;
}

export function checkPlan(form: PlanForm, now: string): PlanCheckResult {
  const plan = formToPlan(form, now);
  let warnings: readonly PlanWarning[];
  try {
    warnings = validatePlan(plan).warnings;
  } catch (e) {
    if (isKeyshardError(e) && e.code === 'POLICY_INVALID') {
      const list = (e.details as { problems?: PolicyProblem[] } | undefined)?.problems ?? [{ field: '', message: e.message }];
      return { plan, problems: list, warnings: [], analysis: null };
    }
    return { plan, problems: [{ field: '', message: toErrorInfo(e).message }], warnings: [], analysis: null };
  }
  try {
    return { plan, problems: [], warnings, analysis: analyzeCoalitions(plan) };
  } catch (e) {
    return { plan, problems: [], warnings, analysis: null, analysisError: toErrorInfo(e) };
  }
}

/** Where a problem's field is shown in the form; problems with no place of their own go to the section named. */
export function sectionOf(field: string): 'about' | 'secret' | 'scheme' | 'custodians' | 'assignment' | 'witnesses' | 'roles' | 'other' {
  if (field === 'label') return 'about';
  if (field.startsWith('secret')) return 'secret';
  if (field.startsWith('scheme')) return 'scheme';
  if (field === 'custodians' || /^custodians\[\d+\]\.shares/.test(field)) return 'assignment';
  if (field.startsWith('custodians')) return 'custodians';
  if (field.startsWith('witnesses') || field === 'noWitnessReason') return 'witnesses';
  if (field.startsWith('administrator') || field.startsWith('externalWitnesses')) return 'roles';
  return 'other';
}

/** The DOM id of the control for a field path (also used to move focus there from the problem list). */
export function domIdOf(field: string): string {
  return `f-${field.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
}
