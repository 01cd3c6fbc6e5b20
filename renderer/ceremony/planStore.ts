/**
 * The plan of the ceremony this window runs. Main holds the ceremony, but its status names custodians and witnesses
 * by id only; the screens need the plan for names, handoff media and the quorum. The plan is public (names and public
 * keys, never a secret), so it is kept for this window's session: a reload of the window finds it again. A new window
 * (after a restart) asks for the plan file, which keyshard saved next to the transcript.
 */
import { parsePlan, planToJson, type CeremonyPlan } from '../../core/policy';

const KEY = 'keyshard.ceremony.plan';

let remembered: CeremonyPlan | null | undefined;

export function rememberPlan(plan: CeremonyPlan): void {
  remembered = plan;
  try {
    sessionStorage.setItem(KEY, planToJson(plan));
  } catch {
    // Storage may be unavailable; the plan stays in memory for this page.
  }
}

export function rememberedPlan(): CeremonyPlan | null {
  if (remembered !== undefined) return remembered;
  remembered = null;
  try {
    const text = sessionStorage.getItem(KEY);
    if (text !== null) remembered = parsePlan(text);
  } catch {
    remembered = null;
  }
  return remembered;
}

export function forgetPlan(): void {
  remembered = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing to forget
  }
}

/** A plan just accepted on the plan screen, to start a new ceremony with (even if the last one is sealed or aborted). */
let accepted: CeremonyPlan | null = null;

export function acceptPlan(plan: CeremonyPlan): void {
  accepted = plan;
}

export function acceptedPlan(): CeremonyPlan | null {
  return accepted;
}

export function clearAcceptedPlan(): void {
  accepted = null;
}
