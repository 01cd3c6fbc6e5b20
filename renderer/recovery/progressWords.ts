/**
 * Recovery progress in the chosen language. Main sends its progress sentences in English; the numbers behind them
 * (per group: in hand, threshold, still needed) come with them, so a German screen says the same from the numbers.
 * English keeps main's own sentences.
 */
import type { Language } from '../i18n/language';
import { translate } from '../i18n/translate';
import type { RecoveryProgress } from './api';

export interface ProgressWords {
  readonly summary: string;
  readonly sentences: readonly string[];
}

export function progressWords(p: RecoveryProgress, lang: Language): ProgressWords {
  if (lang === 'en') return { summary: p.summary, sentences: p.sentences };
  const groups = p.groups;
  if (groups.length === 0 || p.groupThreshold === null || p.groupCount === null) {
    return { summary: translate(lang, 'progress.none'), sentences: [] };
  }
  const single = p.groupCount === 1;
  const sentences = groups.map((g) => {
    const label = single ? translate(lang, 'progress.shares') : translate(lang, 'progress.group', { group: g.group });
    if (g.complete) return translate(lang, 'progress.groupComplete', { label, have: g.have, threshold: g.threshold ?? 0 });
    if (g.have === 0 || g.threshold === null) return translate(lang, 'progress.groupNone', { label });
    return translate(lang, 'progress.groupNeeds', { label, count: g.needed ?? 0, have: g.have, threshold: g.threshold });
  });
  let summary: string;
  if (p.canFinish) summary = translate(lang, 'progress.enough');
  else if (single) {
    const g = groups[0]!;
    summary = translate(lang, 'progress.needs', { count: g.needed ?? 0, have: g.have, threshold: g.threshold ?? 0 });
  } else {
    summary = translate(lang, 'progress.groups', { threshold: p.groupThreshold, total: p.groupCount, complete: p.groupsComplete, count: p.groupsNeeded ?? 0 });
  }
  return { summary, sentences };
}
