/**
 * A coalition warning in the language shown (issue 14.8). Core writes each warning's sentence in English; in another
 * language the screen builds it from the warning's own fields (kind, custodians, organisation, location, witness), so
 * core stays as it is and the words live in the catalogue. English keeps core's sentence exactly.
 */
import type { CeremonyPlan, CoalitionWarning } from '../../core/policy';
import type { Language } from '../i18n/language';
import { translate } from '../i18n/translate';
import { andList } from './coalitionView';

export function coalitionWarningText(plan: CeremonyPlan, w: CoalitionWarning, lang: Language): string {
  if (lang === 'en') return w.message;
  const nameOf = (id: string): string => plan.custodians.find((c) => c.id === id)?.name ?? id;
  const who = andList(w.custodianIds.map(nameOf), translate(lang, 'plan.coalition.and'));
  // Not every coalition of the kind was listed (the analysis was cut short): the sentence says so.
  const cut = w.minimal ? '' : translate(lang, 'coalition.cut');
  switch (w.kind) {
    case 'single-custodian':
      return translate(lang, 'coalition.single', { who });
    case 'same-organisation': {
      const where = w.location === undefined ? (w.organisation ?? '') : `${w.organisation ?? ''} (${w.location})`;
      return translate(lang, 'coalition.organisation', { who, where }) + cut;
    }
    case 'same-location':
      return translate(lang, 'coalition.location', { who, where: w.location ?? '' }) + cut;
    case 'witness-can-assemble': {
      const witness = plan.witnesses.find((x) => x.id === w.witnessId)?.name ?? w.witnessId ?? '';
      return translate(lang, 'coalition.witness', { witness, who }) + cut;
    }
  }
}
