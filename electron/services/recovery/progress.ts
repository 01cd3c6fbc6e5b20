/**
 * Progress of a recovery as a screen shows it: per group what is in hand and what is still needed, one sentence per
 * group ("Group 2: 1 more needed (1 of 2 in hand).") and one overall. SLIP-39 progress comes from core's
 * Slip39Recovery; verifiable shares have one group (the signers) with the deal's threshold.
 */
import type { RecoveryProgress } from '../../../core/slip39/index';
import type { GroupProgressView, RecoveryProgressView } from './types';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function groupSentence(g: GroupProgressView, label: string): string {
  if (g.complete) return `${label}: complete (${g.have} of ${g.threshold} in hand).`;
  if (g.have === 0 || g.threshold === null) return `${label}: no shards yet.`;
  return `${label}: ${g.needed} more needed (${g.have} of ${g.threshold} in hand).`;
}

export function emptyProgress(): RecoveryProgressView {
  return {
    scheme: null,
    shards: 0,
    groupThreshold: null,
    groupCount: null,
    groupsComplete: 0,
    groupsNeeded: null,
    groups: [],
    canFinish: false,
    sentences: [],
    summary: "No shard yet. Add the shards one at a time: type the words, scan the QR code, open the shard file, or read it from the custodian's USB drive or token.",
  };
}

export function slip39Progress(p: RecoveryProgress, shards: number): RecoveryProgressView {
  if (!p.started || p.groupThreshold === null || p.groupCount === null || p.groupsNeeded === null) return emptyProgress();
  const groups: GroupProgressView[] = p.groups.map((g) => ({
    group: g.groupIndex + 1,
    have: g.membersInHand,
    threshold: g.memberThreshold,
    needed: g.membersNeeded,
    complete: g.complete,
  }));
  const single = p.groupCount === 1;
  const sentences = groups.map((g) => groupSentence(g, single ? 'Shares' : `Group ${g.group}`));
  let summary: string;
  if (p.canCombine) {
    summary = 'Enough shares are in hand: recover the secret now.';
  } else if (single) {
    const g = groups[0]!;
    summary = `${plural(g.needed ?? 0, 'more share is', 'more shares are')} needed (${g.have} of ${g.threshold} in hand).`;
  } else {
    const started = groups.filter((g) => g.have > 0 && !g.complete).map((g) => `group ${g.group} needs ${g.needed} more`);
    summary =
      `${p.groupThreshold} of ${p.groupCount} groups must be complete and ${p.groupsComplete} ${p.groupsComplete === 1 ? 'is' : 'are'}: ` +
      `${plural(p.groupsNeeded, 'more group', 'more groups')} needed${started.length > 0 ? ` (${started.join(', ')})` : ''}.`;
  }
  return {
    scheme: 'slip39',
    shards,
    groupThreshold: p.groupThreshold,
    groupCount: p.groupCount,
    groupsComplete: p.groupsComplete,
    groupsNeeded: p.groupsNeeded,
    groups,
    canFinish: p.canCombine,
    sentences,
    summary,
  };
}

export function vssProgress(have: number, threshold: number | null): RecoveryProgressView {
  if (threshold === null) return { ...emptyProgress(), scheme: 'vss' };
  const complete = have >= threshold;
  const g: GroupProgressView = { group: 1, have, threshold, needed: Math.max(0, threshold - have), complete };
  return {
    scheme: 'vss',
    shards: have,
    groupThreshold: 1,
    groupCount: 1,
    groupsComplete: complete ? 1 : 0,
    groupsNeeded: complete ? 0 : 1,
    groups: [g],
    canFinish: complete,
    sentences: [groupSentence(g, 'Shares')],
    summary: complete
      ? 'Enough shares are in hand: recover the key now.'
      : `${plural(g.needed ?? 0, 'more share is', 'more shares are')} needed (${have} of ${threshold} in hand).`,
  };
}
