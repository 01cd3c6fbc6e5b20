/**
 * The printed script of a ceremony, made from its plan before it starts: numbered steps (the numbers the screens
 * show), who acts and who watches, what is read aloud, whether a witness signs it off, and who initials it. A step
 * done per custodian becomes one line per custodian (9.1, 9.2, ...), in the plan's order. Pure: the renderer prints it.
 */
import { fillPlanWords, numberedSteps } from './derive';
import { stepPeople, type Person } from './roles';
import type { CeremonyKind, KindPlan, Role } from './types';

export interface ScriptLine {
  /** "4", or "9.2" for the second custodian's turn at step 9. */
  readonly number: string;
  readonly stepId: string;
  readonly heading: string;
  readonly does: string;
  readonly readAloud: string | null;
  readonly actor: Role;
  readonly acts: readonly Person[];
  readonly watchers: readonly { readonly role: Role; readonly people: readonly Person[] }[];
  /** A witness signs this step off in keyshard before the ceremony goes on. */
  readonly witnessSignsOff: boolean;
  /** For a step done per custodian: whose turn it is. */
  readonly custodianId: string | null;
}

export interface CeremonyScript {
  readonly kindTitle: string;
  readonly label: string;
  readonly lines: readonly ScriptLine[];
}

export function ceremonyScript(kind: CeremonyKind, plan: KindPlan): CeremonyScript {
  const witnessed = plan.witnesses.length > 0;
  const perStep = numberedSteps(kind, plan).map(({ number, step }): ScriptLine[] => {
    const base = {
      stepId: step.id,
      heading: step.paper,
      does: fillPlanWords(step.does, plan),
      readAloud: step.readAloud,
      actor: step.actor,
      witnessSignsOff: witnessed && step.records.some((r) => r.signOff === true),
    };
    if (!step.perCustodian) return [{ ...base, number: String(number), custodianId: null, ...stepPeople(plan, step) }];
    return plan.custodians.map((c, i) => ({
      ...base,
      number: `${number}.${i + 1}`,
      heading: `${step.paper}: ${c.name}`,
      custodianId: c.id,
      ...stepPeople(plan, step, c.id),
    }));
  });
  return { kindTitle: kind.title, label: plan.label, lines: inCustodianTurns(perStep) };
}

/**
 * Steps done per custodian that follow each other are done in turns (handoff 9.1, receipt 10.1, then 9.2, 10.2), so
 * the script lists them in that order: paper follows the room.
 */
function inCustodianTurns(perStep: readonly ScriptLine[][]): ScriptLine[] {
  const out: ScriptLine[] = [];
  for (let i = 0; i < perStep.length; ) {
    const run: ScriptLine[][] = [];
    while (i < perStep.length && (perStep[i]![0]?.custodianId ?? null) !== null) run.push(perStep[i++]!);
    if (run.length === 0) {
      out.push(...perStep[i++]!);
      continue;
    }
    const turns = Math.max(...run.map((r) => r.length));
    for (let t = 0; t < turns; t++) for (const r of run) if (r[t] !== undefined) out.push(r[t]!);
  }
  return out;
}
