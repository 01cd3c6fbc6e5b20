import { KeyshardError } from '../errors';
import type { CeremonyPlan } from './types';

/**
 * Both schemes as one two-level threshold structure: a set of custodians reaches the quorum when at least
 * `groupThreshold` groups each have at least their member threshold of shares among them. A custodian holding
 * several shares counts once for each. FROST t-of-n is one group with member threshold t.
 */
export interface QuorumModel {
  readonly custodianIds: readonly string[];
  readonly groupThreshold: number;
  readonly memberThresholds: readonly number[];
  /** holdings[c][g]: how many shares of group g custodian c (plan order) holds. */
  readonly holdings: readonly (readonly number[])[];
}

export function quorumModel(plan: CeremonyPlan): QuorumModel {
  const { scheme } = plan;
  const groupCount = scheme.type === 'slip39' ? scheme.groups.length : 1;
  const holdings = plan.custodians.map((c) => {
    const row = new Array<number>(groupCount).fill(0);
    for (const ref of c.shares) {
      const g = 'signer' in ref ? 0 : ref.group;
      row[g] = (row[g] ?? 0) + 1;
    }
    return row;
  });
  return {
    custodianIds: plan.custodians.map((c) => c.id),
    groupThreshold: scheme.type === 'slip39' ? scheme.groupThreshold : 1,
    memberThresholds: scheme.type === 'slip39' ? scheme.groups.map((g) => g.memberThreshold) : [scheme.threshold],
    holdings,
  };
}

/** Whether the custodians at these plan positions reach the quorum. */
export function indicesReachQuorum(model: QuorumModel, indices: Iterable<number>): boolean {
  const counts = new Array<number>(model.memberThresholds.length).fill(0);
  for (const i of indices) {
    const row = model.holdings[i];
    if (row === undefined) continue;
    row.forEach((n, g) => (counts[g] = (counts[g] ?? 0) + n));
  }
  let groups = 0;
  model.memberThresholds.forEach((t, g) => {
    if ((counts[g] ?? 0) >= t) groups++;
  });
  return groups >= model.groupThreshold;
}

/** Whether these custodians (by id; repeats count once) together hold enough shares to recover the secret. */
export function reachesQuorum(plan: CeremonyPlan, custodianIds: Iterable<string>): boolean {
  const position = new Map(plan.custodians.map((c, i) => [c.id, i] as const));
  const indices = new Set<number>();
  for (const id of custodianIds) {
    const i = position.get(id);
    if (i === undefined) throw new KeyshardError('INVALID_ARGUMENT', `"${id}" is not a custodian of this plan; check the id.`, { custodianId: id });
    indices.add(i);
  }
  return indicesReachQuorum(quorumModel(plan), indices);
}
