/**
 * The coalition panel's summary in the language shown (issue 14.8), from core's facts (CoalitionAnalysis.summaryFacts):
 * the smallest coalition's size, how many are listed, the warnings. In English it is core's own sentence.
 */
import type { SummaryFacts } from '../../core/policy';
import type { Language } from '../i18n/language';
import { translate } from '../i18n/translate';

export function coalitionSummary(f: SummaryFacts, lang: Language): string {
  const smallest =
    f.minimumSize === null
      ? translate(lang, 'plan.summary.range', { atLeast: f.atLeast, atMost: f.atMost })
      : translate(lang, 'plan.summary.smallest', { count: f.minimumSize });
  const listed =
    f.stop === 'limit'
      ? translate(lang, 'plan.summary.limit', { limit: f.limit })
      : f.stop === 'work'
        ? translate(lang, 'plan.summary.work', { listed: f.count })
        : translate(lang, 'plan.summary.count', { count: f.count });
  const flagged =
    f.warnings === 0
      ? translate(lang, 'plan.summary.none')
      : `${translate(lang, 'plan.summary.warnings', { count: f.warnings })}${f.critical > 0 ? translate(lang, 'plan.summary.critical', { critical: f.critical }) : ''}.`;
  return `${smallest} ${listed} ${flagged}`;
}
