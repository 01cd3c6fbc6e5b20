/**
 * The coalition panel's words (issue 14.6), pure so node tests read them: the smallest coalitions by name with their
 * organisation and site, and the witness warnings grouped by witness, each with the change that would fix it.
 */
import type { CeremonyPlan, CoalitionAnalysis, CoalitionWarning } from '../../core/policy';
import type { Language } from '../i18n/language';
import { translate } from '../i18n/translate';

/** A custodian as the panel names them: "Alice Meier (Acme, Zurich)". */
export function custodianLabel(plan: CeremonyPlan, id: string): string {
  const c = plan.custodians.find((x) => x.id === id);
  if (c === undefined) return id;
  const where = [c.organisation, c.location].map((s) => s.trim()).filter((s) => s !== '');
  return where.length === 0 ? c.name : `${c.name} (${where.join(', ')})`;
}

export interface SmallestCoalitions {
  /** Each coalition of the smallest size, as custodian labels, at most `limit` of them. */
  readonly listed: readonly (readonly string[])[];
  /** Coalitions of that size not listed (beyond `limit`, or beyond the analysis's own cut-off: see `cut`). */
  readonly more: number;
  /** The analysis stopped listing early, so there may be more than `listed.length + more`. */
  readonly cut: boolean;
}

export function smallestCoalitions(plan: CeremonyPlan, analysis: CoalitionAnalysis, limit = 6): SmallestCoalitions {
  const size = analysis.minimumSize;
  const all = size === null ? [] : analysis.coalitions.filter((c) => c.custodianIds.length === size);
  return {
    listed: all.slice(0, limit).map((c) => c.custodianIds.map((id) => custodianLabel(plan, id))),
    more: Math.max(0, all.length - limit),
    cut: analysis.truncated,
  };
}

export interface WitnessWarningGroup {
  readonly witnessId: string;
  readonly witnessName: string;
  /** Every custodian whose shard this witness would see, in plan order. */
  readonly custodianNames: readonly string[];
  /** The coalitions it could assemble, by name (the minimal ones listed by the analysis). */
  readonly coalitions: readonly (readonly string[])[];
  /** What would fix it, in the form's own words. */
  readonly fix: string;
}

/** One group per witness instead of one warning per coalition. */
export function groupWitnessWarnings(plan: CeremonyPlan, warnings: readonly CoalitionWarning[], lang: Language = 'en'): WitnessWarningGroup[] {
  const byWitness = new Map<string, CoalitionWarning[]>();
  for (const w of warnings) {
    if (w.kind !== 'witness-can-assemble' || w.witnessId === undefined) continue;
    byWitness.set(w.witnessId, [...(byWitness.get(w.witnessId) ?? []), w]);
  }
  return [...byWitness].map(([witnessId, list]) => {
    const ids = new Set(list.flatMap((w) => w.custodianIds));
    const witnessName = plan.witnesses.find((x) => x.id === witnessId)?.name ?? witnessId;
    const nameOf = (id: string): string => plan.custodians.find((c) => c.id === id)?.name ?? id;
    return {
      witnessId,
      witnessName,
      custodianNames: plan.custodians.filter((c) => ids.has(c.id)).map((c) => c.name),
      coalitions: list.filter((w) => w.minimal).map((w) => w.custodianIds.map(nameOf)),
      fix: translate(lang, 'plan.coalition.witnessFix', { witness: witnessName }),
    };
  });
}

/** "A, B and C" ("and" in the language shown: pass "und"). */
export function andList(names: readonly string[], and = 'and'): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;
}
