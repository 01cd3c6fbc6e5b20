import { ensure } from '../errors';
import { indicesReachQuorum, quorumModel, type QuorumModel } from './quorum';
import { joinNames, sameKey } from './text';
import { SHARD_IN_VIEW, type CeremonyPlan, type Custodian } from './types';
import { observes, validatePlan } from './validate';

export const DEFAULT_COALITION_LIMIT = 1000;
/** Table cells the search may touch (about one per group per custodian looked at): well under a second. */
export const DEFAULT_COALITION_WORK = 20_000_000;

export interface CoalitionOptions {
  /** Most minimal coalitions to list (default 1000); more are reported as truncated. */
  readonly limit?: number;
  /** Most search work (default 20 million table cells); a search that runs out is reported as truncated by 'work'. */
  readonly maxWork?: number;
}

/** A minimal set of custodians that reaches the quorum: no proper subset does. */
export interface Coalition {
  /** In plan order. */
  readonly custodianIds: readonly string[];
  /** Set (as the first member writes it) when every member is in the same organisation. */
  readonly organisation?: string;
  /** Set when every member is at the same location. */
  readonly location?: string;
  /** Witnesses who observe every member's handoff with the shard in view, so could collect this quorum. */
  readonly witnessIds: readonly string[];
}

export type CoalitionWarningKind = 'single-custodian' | 'same-organisation' | 'same-location' | 'witness-can-assemble';

export interface CoalitionWarning {
  readonly kind: CoalitionWarningKind;
  readonly severity: 'critical' | 'warning';
  /** The coalition (or, for an aggregate warning after truncation, every custodian of the organisation, location or witness view). */
  readonly custodianIds: readonly string[];
  /** same-organisation: the organisation; location too when it is also shared. */
  readonly organisation?: string;
  /** same-location (and same-organisation when the location is also shared). */
  readonly location?: string;
  readonly witnessId?: string;
  /** False when the warning stands for all coalitions of an organisation, location or witness that the cut-off list missed. */
  readonly minimal: boolean;
  readonly message: string;
}

/**
 * An organisation, location or witness whose custodians (for a witness: those whose shards it sees) together reach
 * the quorum. Computed exactly, so it holds even when the coalition list was cut off.
 */
export interface Exposure {
  readonly kind: 'organisation' | 'location' | 'witness';
  /** Organisation or location text, or the witness id. */
  readonly name: string;
  readonly custodianIds: readonly string[];
}

export interface CoalitionAnalysis {
  /** Size of the smallest coalition; null only if the work cap stopped the search before it found one. */
  readonly minimumSize: number | null;
  /** Bounds on that size, equal when it is known: every coalition has at least atLeast members; one has atMost. */
  readonly minimumSizeRange: { readonly atLeast: number; readonly atMost: number };
  /** Smallest first, then in plan order. */
  readonly coalitions: readonly Coalition[];
  readonly truncated: boolean;
  readonly truncatedBy: 'limit' | 'work' | null;
  readonly exposures: readonly Exposure[];
  readonly warnings: readonly CoalitionWarning[];
  /** One sentence for a screen, in English. */
  readonly summary: string;
  /** What the summary says, as data, for a screen to say in its own language. */
  readonly summaryFacts: SummaryFacts;
}

/** The facts of the summary sentence: the smallest coalition's size (or its bounds), how many are listed, the warnings. */
export interface SummaryFacts {
  readonly minimumSize: number | null;
  readonly atLeast: number;
  readonly atMost: number;
  readonly count: number;
  readonly stop: 'limit' | 'work' | null;
  readonly limit: number;
  readonly warnings: number;
  readonly critical: number;
}

/**
 * Lists the minimal coalitions of a plan (POLICY_INVALID if the plan is not valid), smallest first, and flags those
 * that one organisation, one location or one witness could assemble. A single custodian who reaches the quorum alone
 * is a critical warning. Organisations and locations are compared after NFKC, whitespace and case folding.
 *
 * Bounded work: at most `limit` coalitions are listed and the search touches at most `maxWork` table cells, and
 * `truncated`/`truncatedBy` say when either cut in. Size 1 is always searched in full. The exposures (an
 * organisation, location or witness view that reaches the quorum) are computed exactly whatever the cut; after a
 * cut, each exposure no listed coalition shows gets one aggregate warning (minimal: false).
 *
 * Witness rule: a witness could assemble a coalition when it observes the handoff of every member and every member's
 * medium shows the shard in the room (screen-qr, paper: SHARD_IN_VIEW). An encrypted USB file or a token object is not
 * readable by someone watching, so usb and pkcs11 handoffs never count.
 */
export function analyzeCoalitions(plan: CeremonyPlan, options: CoalitionOptions = {}): CoalitionAnalysis {
  const limit = options.limit ?? DEFAULT_COALITION_LIMIT;
  const maxWork = options.maxWork ?? DEFAULT_COALITION_WORK;
  ensure(Number.isInteger(limit) && limit >= 1, 'The coalition limit must be a whole number of at least 1.', { limit });
  ensure(Number.isInteger(maxWork) && maxWork >= 1, 'The coalition work cap must be a whole number of at least 1.', { maxWork });

  validatePlan(plan);
  const model = quorumModel(plan);
  const search = searchMinimal(model, limit, maxWork);
  const names = displayNames(plan.custodians);
  const coalitions = search.sets.map((set) => describe(plan, set));
  const exposures = findExposures(plan, model);
  const warnings = coalitions.flatMap((c, i) => coalitionWarnings(plan, names, search.sets[i] ?? [], c));
  if (search.stop !== null) warnings.push(...missedExposureWarnings(plan, names, exposures, coalitions, limit, search.stop));

  const minimumSize = search.sets[0]?.length ?? null;
  const atMost = minimumSize ?? greedyCoalitionSize(model);
  return {
    minimumSize,
    minimumSizeRange: { atLeast: minimumSize ?? search.atLeast, atMost },
    coalitions,
    truncated: search.stop !== null,
    truncatedBy: search.stop,
    exposures,
    warnings,
    summary: summarize(minimumSize, search.atLeast, atMost, coalitions.length, search.stop, limit, warnings),
    summaryFacts: {
      minimumSize,
      atLeast: search.atLeast,
      atMost,
      count: coalitions.length,
      stop: search.stop,
      limit,
      warnings: warnings.length,
      critical: warnings.filter((w) => w.severity === 'critical').length,
    },
  };
}

interface SearchResult {
  /** Custodian positions (plan order), ascending; sets smallest first, then lexicographic. */
  readonly sets: number[][];
  readonly stop: 'limit' | 'work' | null;
  /** Every coalition has at least this many members (all smaller sizes were searched in full). */
  readonly atLeast: number;
}

/**
 * Iterative deepening over coalition size k, depth-first over custodians, with a lower bound on how many more
 * custodians are needed so dead branches are cut early. Every qualifying set of size k is checked for minimality.
 * The first size that yields a set is the minimum, because all smaller sizes were searched in full.
 * Work is counted in table cells touched (about one per group per custodian looked at), so the cap bounds time.
 */
function searchMinimal(model: QuorumModel, limit: number, maxWork: number): SearchResult {
  const n = model.holdings.length;
  const groups = model.memberThresholds.length;
  const gt = model.groupThreshold;
  const mt = model.memberThresholds;
  const total = (row: readonly number[]): number => row.reduce((a, b) => a + b, 0);
  // Search custodians holding more shares first (ties in plan order): suffix bounds then shrink fast.
  const order = model.holdings
    .map((row, i) => ({ i, t: total(row) }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((x) => x.i);
  const hold = order.map((i) => model.holdings[i] ?? []);

  // groupCum[i][g]: cumulative sums of the shares of group g held by custodians i.. (largest holders first): how
  // few custodians could close a group's deficit.
  const groupCum: number[][][] = [];
  for (let i = 0; i <= n; i++) {
    const rest = hold.slice(i);
    groupCum.push(Array.from({ length: groups }, (_, g) => cumulative(rest.map((row) => row[g] ?? 0).filter((x) => x > 0))));
  }

  const counts = new Array<number>(groups).fill(0);
  let satisfied = 0;
  let work = 0;
  const chosen: number[] = [];
  const found: number[][] = [];
  let stop: SearchResult['stop'] = null;

  const add = (i: number, sign: 1 | -1): void => {
    const row = hold[i] ?? [];
    for (let g = 0; g < groups; g++) {
      const h = row[g] ?? 0;
      if (h === 0) continue;
      const t = mt[g] ?? 0;
      const before = (counts[g] ?? 0) >= t;
      counts[g] = (counts[g] ?? 0) + sign * h;
      const after = (counts[g] ?? 0) >= t;
      if (before !== after) satisfied += after ? 1 : -1;
    }
  };

  // Whether `budget` more custodians, taken from positions start.., could still reach the quorum. Two lower bounds:
  // (1) each of the `needed` groups alone takes x_g custodians; (2) their missing shares, at least the sum of the
  // `needed` smallest deficits, must come from the custodians added, each bringing at most its shares in the
  // `needed` groups where it helps most (capped at each deficit).
  const xs: number[] = [];
  const ds: number[] = [];
  const open: number[] = [];
  const gains: number[] = [];
  const terms: number[] = [];
  const canFinish = (start: number, budget: number): boolean => {
    const needed = gt - satisfied;
    if (needed <= 0) return true;
    work += groups;
    xs.length = 0;
    ds.length = 0;
    open.length = 0;
    const cums = groupCum[start] ?? [];
    for (let g = 0; g < groups; g++) {
      const d = (mt[g] ?? 0) - (counts[g] ?? 0);
      if (d <= 0) continue;
      const x = firstReaching(cums[g] ?? [], d);
      if (x === Infinity) continue;
      xs.push(x);
      ds.push(d);
      open.push(g);
    }
    if (xs.length < needed) return false;
    xs.sort((a, b) => a - b);
    if ((xs[needed - 1] ?? Infinity) > budget) return false;
    ds.sort((a, b) => a - b);
    let deficit = 0;
    for (let j = 0; j < needed; j++) deficit += ds[j] ?? 0;
    work += (n - start) * open.length;
    gains.length = 0;
    for (let c = start; c < n; c++) {
      const row = hold[c] ?? [];
      terms.length = 0;
      for (const g of open) {
        const h = row[g] ?? 0;
        if (h > 0) terms.push(Math.min(h, (mt[g] ?? 0) - (counts[g] ?? 0)));
      }
      if (terms.length === 0) continue;
      if (terms.length > needed) terms.sort((a, b) => b - a).length = needed;
      gains.push(terms.reduce((a, b) => a + b, 0));
    }
    if (gains.length < budget) return gains.reduce((a, b) => a + b, 0) >= deficit;
    gains.sort((a, b) => b - a);
    let sum = 0;
    for (let j = 0; j < budget; j++) sum += gains[j] ?? 0;
    return sum >= deficit;
  };

  // Adding a custodian that brings no share to an unsatisfied group makes any completed set non-minimal.
  const helps = (i: number): boolean => {
    const row = hold[i] ?? [];
    for (let g = 0; g < groups; g++) if ((row[g] ?? 0) > 0 && (counts[g] ?? 0) < (mt[g] ?? 0)) return true;
    return false;
  };

  const isMinimal = (): boolean =>
    chosen.every((c) => {
      add(c, -1);
      const still = satisfied >= gt;
      add(c, 1);
      return !still;
    });

  const dfs = (start: number, k: number, capped: boolean): boolean => {
    for (let i = start; i < n; i++) {
      work += groups;
      if (capped && work > maxWork) {
        stop = 'work';
        return false;
      }
      if (!helps(i)) continue;
      add(i, 1);
      chosen.push(i);
      let go = true;
      if (satisfied >= gt) {
        // A set that qualifies before reaching size k was met at an earlier k; its supersets are not minimal.
        if (chosen.length === k && isMinimal()) {
          found.push(chosen.map((x) => order[x] ?? x).sort((a, b) => a - b));
          if (found.length > limit) {
            stop = 'limit';
            go = false;
          }
        }
      } else if (chosen.length < k && canFinish(i + 1, k - chosen.length)) {
        go = dfs(i + 1, k, capped);
      }
      chosen.pop();
      add(i, -1);
      if (!go) return false;
    }
    return true;
  };

  // No minimal coalition is larger than the sum of the largest `gt` member thresholds (pick that many shares per
  // qualifying group from it: they already qualify, so they are the whole set).
  const kMax = Math.min(n, [...mt].sort((a, b) => b - a).slice(0, gt).reduce((a, b) => a + b, 0));
  const sets: number[][] = [];
  let atLeast = 1;
  for (let k = 1; k <= kMax; k++) {
    atLeast = k;
    // Size 1 is always searched in full (n steps), so a custodian who alone reaches the quorum is never missed.
    if (k === 1 || canFinish(0, k)) {
      const before = found.length;
      const complete = dfs(0, k, k > 1);
      sets.push(...found.slice(before).sort(compareLex));
      if (!complete) break;
    }
  }
  if (sets.length > limit) sets.length = limit;
  return { sets, stop, atLeast: sets[0]?.length ?? atLeast };
}

function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
}

/**
 * A qualifying coalition found greedily (the custodian closing most of the open deficits first), then made minimal:
 * its size is an upper bound on the smallest coalition when the exact search ran out of work.
 */
function greedyCoalitionSize(model: QuorumModel): number {
  const mt = model.memberThresholds;
  const chosen: number[] = [];
  const left = new Set(model.holdings.map((_, i) => i));
  while (!indicesReachQuorum(model, chosen) && left.size > 0) {
    const counts = mt.map((_, g) => chosen.reduce((a, c) => a + (model.holdings[c]?.[g] ?? 0), 0));
    let best = -1;
    let bestGain = -1;
    for (const c of left) {
      const gain = (model.holdings[c] ?? []).reduce((a, h, g) => a + Math.min(h, Math.max(0, (mt[g] ?? 0) - (counts[g] ?? 0))), 0);
      if (gain > bestGain) [best, bestGain] = [c, gain];
    }
    chosen.push(best);
    left.delete(best);
  }
  for (const c of chosen.slice()) {
    const without = chosen.filter((x) => x !== c);
    if (indicesReachQuorum(model, without)) chosen.splice(chosen.indexOf(c), 1);
  }
  return chosen.length;
}

function cumulative(values: number[]): number[] {
  const sorted = values.slice().sort((a, b) => b - a);
  let sum = 0;
  return sorted.map((v) => (sum += v));
}

/** How many of the largest values it takes to reach `target` (Infinity if all of them do not). */
function firstReaching(cum: readonly number[], target: number): number {
  if (target <= 0) return 0;
  let lo = 0;
  let hi = cum.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] ?? 0) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo === cum.length ? Infinity : lo + 1;
}

/** The shared value when all are the same (compared with sameKey), as the plan first spells it. */
function shared(plan: CeremonyPlan, values: readonly string[], pick: (c: Custodian) => string): string | undefined {
  const first = values[0];
  if (first === undefined || !values.every((v) => sameKey(v) === sameKey(first))) return undefined;
  const spelling = plan.custodians.find((c) => sameKey(pick(c)) === sameKey(first));
  return spelling === undefined ? first : pick(spelling).trim();
}

function describe(plan: CeremonyPlan, set: readonly number[]): Coalition {
  const members = set.map((i) => plan.custodians[i]).filter((c): c is Custodian => c !== undefined);
  const organisation = shared(plan, members.map((c) => c.organisation), (c) => c.organisation);
  const location = shared(plan, members.map((c) => c.location), (c) => c.location);
  const witnessIds = plan.witnesses
    .filter((w) => members.every((c) => observes(w, c.id) && SHARD_IN_VIEW[c.medium]))
    .map((w) => w.id);
  return {
    custodianIds: members.map((c) => c.id),
    ...(organisation === undefined ? {} : { organisation }),
    ...(location === undefined ? {} : { location }),
    witnessIds,
  };
}

/** Names for sentences; a name two custodians share gets the id added so the sentence stays unambiguous. */
function displayNames(custodians: readonly Custodian[]): Map<string, string> {
  const uses = new Map<string, number>();
  for (const c of custodians) uses.set(sameKey(c.name), (uses.get(sameKey(c.name)) ?? 0) + 1);
  return new Map(custodians.map((c) => [c.id, (uses.get(sameKey(c.name)) ?? 0) > 1 ? `${c.name} (${c.id})` : c.name]));
}

function namesOf(names: Map<string, string>, ids: readonly string[]): string {
  return joinNames(ids.map((id) => names.get(id) ?? id));
}

function viewPhrase(plan: CeremonyPlan, ids: readonly string[]): string {
  const media = new Set(ids.map((id) => plan.custodians.find((c) => c.id === id)?.medium));
  const one = ids.length === 1;
  if (media.size === 1 && media.has('screen-qr')) return one ? 'whose shard is shown on screen' : 'whose shards are shown on screen';
  if (media.size === 1 && media.has('paper')) return one ? 'whose shard is printed on paper' : 'whose shards are printed on paper';
  return 'whose shards are shown on screen or on paper';
}

function coalitionWarnings(plan: CeremonyPlan, names: Map<string, string>, set: readonly number[], c: Coalition): CoalitionWarning[] {
  const ids = c.custodianIds;
  const out: CoalitionWarning[] = [];
  const who = namesOf(names, ids);
  const together = ids.length === 2 ? 'both' : 'all';
  if (set.length === 1) {
    out.push({
      kind: 'single-custodian',
      severity: 'critical',
      custodianIds: ids,
      minimal: true,
      message: `Custodian ${who} can reach the quorum alone: one person can recover the secret. Spread the shares over more custodians or raise the thresholds.`,
    });
  } else if (c.organisation !== undefined) {
    const where = c.location === undefined ? c.organisation : `${c.organisation} (${c.location})`;
    out.push({
      kind: 'same-organisation',
      severity: 'warning',
      custodianIds: ids,
      organisation: c.organisation,
      ...(c.location === undefined ? {} : { location: c.location }),
      minimal: true,
      message: `Custodians ${who}, ${together} in ${where}, can reach the quorum together.`,
    });
  } else if (c.location !== undefined) {
    out.push({
      kind: 'same-location',
      severity: 'warning',
      custodianIds: ids,
      location: c.location,
      minimal: true,
      message: `Custodians ${who}, ${together} located in ${c.location}, can reach the quorum together.`,
    });
  }
  for (const wid of c.witnessIds) {
    const w = plan.witnesses.find((x) => x.id === wid);
    const wname = w?.name ?? wid;
    const handoffs = ids.length === 1 ? `the handoff of ${who}` : `every handoff of ${who}`;
    out.push({
      kind: 'witness-can-assemble',
      severity: 'critical',
      custodianIds: ids,
      witnessId: wid,
      minimal: true,
      message: `Witness ${wname} observes ${handoffs}, ${viewPhrase(plan, ids)}; ${wname} could assemble the quorum.`,
    });
  }
  return out;
}

function findExposures(plan: CeremonyPlan, model: QuorumModel): Exposure[] {
  const out: Exposure[] = [];
  const byKey = (pick: (c: Custodian) => string, kind: 'organisation' | 'location'): void => {
    const seen = new Map<string, { name: string; indices: number[] }>();
    plan.custodians.forEach((c, i) => {
      const k = sameKey(pick(c));
      const entry = seen.get(k) ?? { name: pick(c).trim(), indices: [] };
      entry.indices.push(i);
      seen.set(k, entry);
    });
    for (const { name, indices } of seen.values()) {
      if (indicesReachQuorum(model, indices)) out.push({ kind, name, custodianIds: indices.map((i) => model.custodianIds[i] ?? '') });
    }
  };
  byKey((c) => c.organisation, 'organisation');
  byKey((c) => c.location, 'location');
  for (const w of plan.witnesses) {
    const indices = plan.custodians.flatMap((c, i) => (observes(w, c.id) && SHARD_IN_VIEW[c.medium] ? [i] : []));
    if (indicesReachQuorum(model, indices)) out.push({ kind: 'witness', name: w.id, custodianIds: indices.map((i) => model.custodianIds[i] ?? '') });
  }
  return out;
}

/** After a cut-off list, one warning for each exposure that no listed coalition shows, so none goes unmentioned. */
function missedExposureWarnings(
  plan: CeremonyPlan,
  names: Map<string, string>,
  exposures: readonly Exposure[],
  coalitions: readonly Coalition[],
  limit: number,
  stop: 'limit' | 'work',
): CoalitionWarning[] {
  const why = stop === 'limit' ? `the list stops at ${limit} coalitions` : 'the search stopped at its work limit';
  const members = (ids: readonly string[]): string =>
    ids.length <= 5 ? namesOf(names, ids) : `${ids.slice(0, 4).map((id) => names.get(id) ?? id).join(', ')} and ${ids.length - 4} others`;
  return exposures.flatMap((e): CoalitionWarning[] => {
    if (e.kind === 'witness') {
      if (coalitions.some((c) => c.witnessIds.includes(e.name))) return [];
      const wname = plan.witnesses.find((w) => w.id === e.name)?.name ?? e.name;
      return [
        {
          kind: 'witness-can-assemble',
          severity: 'critical',
          custodianIds: e.custodianIds,
          witnessId: e.name,
          minimal: false,
          message: `Witness ${wname} sees the shards of ${members(e.custodianIds)} in the room and could assemble the quorum from them (${why}, so not every such coalition is listed).`,
        },
      ];
    }
    const inside = (c: Coalition): boolean => c.custodianIds.every((id) => e.custodianIds.includes(id));
    if (coalitions.some(inside)) return [];
    return [
      {
        kind: e.kind === 'organisation' ? 'same-organisation' : 'same-location',
        severity: 'warning',
        custodianIds: e.custodianIds,
        ...(e.kind === 'organisation' ? { organisation: e.name } : { location: e.name }),
        minimal: false,
        message: `Custodians ${e.kind === 'organisation' ? 'in' : 'located in'} ${e.name} (${members(e.custodianIds)}) can reach the quorum together (${why}, so not every such coalition is listed).`,
      },
    ];
  });
}

function summarize(
  minimumSize: number | null,
  atLeast: number,
  atMost: number,
  count: number,
  stop: 'limit' | 'work' | null,
  limit: number,
  warnings: readonly CoalitionWarning[],
): string {
  const critical = warnings.filter((w) => w.severity === 'critical').length;
  const smallest =
    minimumSize === null
      ? `The smallest group of custodians that can recover the secret has ${atLeast} to ${atMost} members (the plan is too intricate to search in full).`
      : `The smallest group of custodians that can recover the secret has ${minimumSize} ${minimumSize === 1 ? 'member' : 'members'}.`;
  const listed =
    stop === 'limit'
      ? `The first ${limit} minimal coalitions are listed; there are more.`
      : stop === 'work'
        ? `${count} minimal coalitions are listed; the search stopped early, so there may be more.`
        : `There ${count === 1 ? 'is 1 minimal coalition' : `are ${count} minimal coalitions`}.`;
  const flagged =
    warnings.length === 0
      ? 'None lies within one organisation or location, and no witness can assemble one.'
      : `${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}${critical > 0 ? `, ${critical} critical` : ''}.`;
  return `${smallest} ${listed} ${flagged}`;
}
