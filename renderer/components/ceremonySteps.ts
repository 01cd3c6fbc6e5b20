/**
 * The key ceremony's step list, from the catalogue (core/ceremony-kinds): the steps a plan has, numbered as the
 * printed script numbers them. Pure, so tests compare it with the catalogue without a DOM.
 */
import { KEY_CEREMONY, numberedSteps, stepOfRecord, stepPeople, type CeremonyKind, type Person, type Role } from '../../core/ceremony-kinds';
import { roleLineIn, ROLE_NAMES_BY_LANGUAGE } from '../../core/ceremony-kinds/language';
import type { CeremonyPlan } from '../../core/policy';
import { language, type Language } from '../i18n/language';
import { translate } from '../i18n/translate';

export interface ListStep {
  readonly id: string;
  readonly label: string;
  readonly number: number;
  /** Done once per custodian: the list shows each custodian's progress under it. */
  readonly perCustodian: boolean;
}

/** The steps this plan has (without a plan: every step but an import, for an overview). */
export function ceremonyStepList(plan: CeremonyPlan | null, kind: CeremonyKind = KEY_CEREMONY): ListStep[] {
  return numberedSteps(kind, plan).map(({ number, step }) => ({ id: step.id, label: step.screen, number, perCustodian: step.perCustodian }));
}

/**
 * The list's step that writes entries of this kind ("airgap-check" -> "airgap"). A step the list lacks (an import
 * in the plan-less overview) falls back to the nearest step before it that the list has.
 */
export function listStepOfRecord(list: readonly ListStep[], recordKind: string, kind: CeremonyKind = KEY_CEREMONY): string {
  const first = list[0]?.id ?? 'plan';
  const step = stepOfRecord(kind, recordKind);
  if (step === null) return first;
  const at = kind.steps.indexOf(step);
  for (let i = at; i >= 0; i--) {
    const id = kind.steps[i]!.id;
    if (list.some((s) => s.id === id)) return id;
  }
  return first;
}

/** The list step after this one, or itself when it is the last. */
export function stepAfter(list: readonly ListStep[], id: string): string {
  const i = list.findIndex((s) => s.id === id);
  return list[Math.min(i + 1, list.length - 1)]?.id ?? id;
}

/** Who acts and who watches a step, in words for the step list ("Acts: Ceremony administrator (Ada Park)"). */
export function stepPeopleLines(
  plan: CeremonyPlan,
  stepId: string,
  custodianId: string | null,
  kind: CeremonyKind = KEY_CEREMONY,
  lang: Language = language(),
): { acts: string; watches: string } | null {
  const step = kind.steps.find((s) => s.id === stepId);
  if (step === undefined) return null;
  const people = stepPeople(plan, step, step.perCustodian ? custodianId : null);
  // A step done per custodian before it is known whose turn it is: "Custodian" (the role), not every name.
  const acts = step.perCustodian && custodianId === null ? roleLineIn(step.actor, [], lang) : roleLineIn(step.actor, people.acts, lang);
  return { acts, watches: people.watchers.map((w) => screenRoleLine(w.role, w.people, lang)).join('; ') };
}

/** The step list is narrow: more than two people of a role are counted ("Custodians (all 3)"); paper names them. */
function screenRoleLine(role: Role, people: readonly Person[], lang: Language): string {
  if (people.length <= 2) return roleLineIn(role, people, lang);
  return translate(lang, 'steps.all', { role: ROLE_NAMES_BY_LANGUAGE[lang][role].many, count: people.length });
}
