/** A plan field path in words, in the language shown (the to-do list, the problems of a loaded plan file). */
import { ownValue } from '../../core/own';
import type { PlainKey } from '../i18n/catalogue';
import { language, type Language } from '../i18n/language';
import { translate } from '../i18n/translate';

// Field path segments in words for the to-do list ("custodians[1].protection.recipient" -> "Custodian 2, age recipient").
const FIELD_WORDS: Readonly<Record<string, PlainKey>> = {
  label: 'plan.field.w.label',
  name: 'plan.field.w.name',
  organisation: 'plan.field.w.organisation',
  location: 'plan.field.w.location',
  medium: 'plan.field.w.medium',
  protection: 'plan.field.w.protection',
  recipient: 'plan.field.w.recipient',
  publicKeyArmored: 'plan.field.w.publicKeyArmored',
  tokenLabel: 'plan.field.w.tokenLabel',
  shares: 'plan.field.w.shares',
  observes: 'plan.field.w.observes',
  id: 'plan.field.w.name',
  type: 'plan.field.w.type',
  curve: 'plan.field.w.curve',
  bits: 'plan.field.w.bits',
  kind: 'plan.field.w.kind',
  lengthBytes: 'plan.field.w.lengthBytes',
  groupThreshold: 'plan.field.w.groupThreshold',
  groups: 'plan.field.w.groups',
  memberThreshold: 'plan.field.w.memberThreshold',
  memberCount: 'plan.field.w.memberCount',
  threshold: 'plan.field.w.threshold',
  ciphersuite: 'plan.field.w.ciphersuite',
  noWitnessReason: 'plan.field.w.noWitnessReason',
  witnesses: 'plan.field.w.witnesses',
  custodians: 'plan.field.w.custodians',
  secret: 'plan.field.w.secretSection',
  scheme: 'plan.field.w.scheme',
  administrator: 'plan.field.w.administrator',
  externalWitnesses: 'plan.field.w.externalWitnesses',
};

/** "custodians[1].protection.recipient" -> "Custodian 2, age recipient", for people, in the language shown now. */
export function describeField(field: string, lang: Language = language()): string {
  const word = (segment: string): string => {
    const key = ownValue(FIELD_WORDS, segment);
    return key === undefined ? segment : translate(lang, key);
  };
  if (field === '') return translate(lang, 'plan.field.w.thePlan');
  const parts: string[] = [];
  for (const segment of field.split('.')) {
    const indexed = /^(\w+)\[(\d+)\]$/.exec(segment);
    if (indexed) {
      const [, name = '', n = '0'] = indexed;
      const nth = Number(n) + 1;
      parts.push(
        name === 'custodians'
          ? translate(lang, 'plan.custodian.numbered', { n: nth })
          : name === 'witnesses'
            ? translate(lang, 'plan.witness.numbered', { n: nth })
            : name === 'groups'
              ? translate(lang, 'plan.field.w.group', { n: nth })
              : `${word(name)} ${nth}`,
      );
    } else if (segment === 'protection' && field.split('.').length > 2) {
      continue; // "protection.recipient" reads as "age recipient"
    } else if (parts.length === 0 && (segment === 'scheme' || segment === 'secret') && field.includes('.')) {
      parts.push(translate(lang, segment === 'scheme' ? 'plan.field.w.split' : 'plan.field.w.secret'));
    } else {
      parts.push(word(segment));
    }
  }
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
