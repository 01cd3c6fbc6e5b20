/**
 * The cause line of an exception form in the language shown (issue 14.8). Main states the deviation it noted in
 * English (`exceptionNeeded.what`); the screen knows which deviation it is (kind, step, custodian and medium), so in
 * another language it takes the catalogue's words for it. English keeps main's sentence; a deviation the catalogue
 * has no words for keeps it too, so the form never shows an empty cause.
 */
import type { CeremonyPlan } from '../../core/policy';
import type { Language } from '../i18n/language';
import { translate } from '../i18n/translate';
import type { Status } from './api';

type Needed = NonNullable<Status['exceptionNeeded']>;

export function deviationCause(needed: Needed, plan: CeremonyPlan | null, lang: Language): string {
  if (lang === 'en') return needed.what;
  const custodian = plan?.custodians.find((c) => c.id === needed.custodianId);
  if (needed.deviation === 'abort') return translate(lang, 'cause.abort');
  if (custodian === undefined) return needed.what;
  const name = custodian.name;
  if (needed.deviation === 'confirmation-failed') return translate(lang, 'cause.confirmFailed', { name });
  if (needed.deviation === 'step-repeated' && needed.stepId === 'handoff') {
    if (custodian.medium === 'pkcs11') return translate(lang, 'cause.repeat.token', { name });
    if (custodian.medium === 'usb') return translate(lang, 'cause.repeat.usb', { name });
    return translate(lang, 'cause.repeat.print', { name });
  }
  return needed.what;
}
