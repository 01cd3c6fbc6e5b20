/**
 * Who plays each role under a plan, and so who must be in the room at each step: the screens say "acts" and
 * "watches" from this, and the printed script gives each step its lines for initials.
 */
import { observes } from '../policy/validate';
import type { CatalogueStep, KindPlan, Role } from './types';

export const ROLE_NAMES: Readonly<Record<Role, { readonly one: string; readonly many: string }>> = {
  administrator: { one: 'Ceremony administrator', many: 'Ceremony administrator' },
  'internal-witness': { one: 'Internal witness', many: 'Internal witnesses' },
  'external-witness': { one: 'External witness', many: 'External witnesses' },
  custodian: { one: 'Custodian', many: 'Custodians' },
};

export interface Person {
  readonly role: Role;
  readonly name: string;
  readonly organisation: string;
}

/**
 * The people in a role. For a step done for one custodian, only that custodian, and only the witnesses who observe
 * their handoff (the plan's `observes`). An administrator the plan does not name is still a role to fill.
 */
export function peopleIn(plan: KindPlan, role: Role, custodianId: string | null = null): Person[] {
  switch (role) {
    case 'administrator':
      return [{ role, name: plan.administrator?.name ?? '', organisation: plan.administrator?.organisation ?? '' }];
    case 'internal-witness':
      return plan.witnesses.filter((w) => custodianId === null || observes(w, custodianId)).map((w) => ({ role, name: w.name, organisation: w.organisation }));
    case 'external-witness':
      return (plan.externalWitnesses ?? []).map((p) => ({ role, name: p.name, organisation: p.organisation }));
    case 'custodian':
      return plan.custodians.filter((c) => custodianId === null || c.id === custodianId).map((c) => ({ role, name: c.name, organisation: c.organisation }));
  }
}

export interface StepPeople {
  readonly actor: Role;
  readonly acts: readonly Person[];
  /** Roles with nobody in them under this plan are left out (no external witnesses: nobody listed). */
  readonly watchers: readonly { readonly role: Role; readonly people: readonly Person[] }[];
}

/** Who acts and who watches one step (for one custodian when the step is done per custodian). */
export function stepPeople(plan: KindPlan, step: CatalogueStep, custodianId: string | null = null): StepPeople {
  const only = step.perCustodian ? custodianId : null;
  return {
    actor: step.actor,
    acts: peopleIn(plan, step.actor, only),
    watchers: step.watchers.map((role) => ({ role, people: peopleIn(plan, role, only) })).filter((w) => w.people.length > 0),
  };
}

/** "Ceremony administrator (Ada Park)", "Internal witnesses (Wendy, Victor)": for screens and paper. */
export function roleLine(role: Role, people: readonly Person[]): string {
  const named = people.map((p) => p.name).filter((n) => n !== '');
  const label = named.length > 1 ? ROLE_NAMES[role].many : ROLE_NAMES[role].one;
  return named.length === 0 ? label : `${label} (${named.join(', ')})`;
}
