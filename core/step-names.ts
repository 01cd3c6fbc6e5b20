/**
 * Plain words for what a transcript records. Entries carry a `kind` (core/ceremony's step names, plus the witness
 * signature entries `signoff`, the `sign-off` records before them, and the token entries around a step); people read
 * "Air-gap check", never "airgap-check". Pure: used by the resume list, the verify table and the printed summary.
 */
import { CEREMONY_STEPS } from './ceremony';
import { checkpointNames, machineSteps, transcriptNames, type CeremonyKind } from './ceremony-kinds';
import { kindIn } from './ceremony-kinds/language';
import { ceremonyKinds } from './ceremony-kinds/registry';
import type { Language } from './language';
import { ownValue } from './own';

const byLanguage = <T>(make: (lang: Language) => T): Readonly<Record<Language, T>> => ({ en: make('en'), de: make('de') });

/**
 * Both from the catalogues of every ceremony kind (core/ceremony-kinds/registry): the words the screens, the verify
 * table and the paper all use. A record kind two kinds share (plan, seal) keeps the key ceremony's words: it is listed
 * first, so it is written last.
 */
const wordsOf = (of: (kind: CeremonyKind) => Map<string, string>, l: Language): Readonly<Record<string, string>> =>
  Object.freeze(Object.fromEntries([...ceremonyKinds()].reverse().flatMap((k) => [...of(kindIn(k, l))])));
const STEP_NAMES = byLanguage((l) => wordsOf(transcriptNames, l));

/** "airgap-check" -> "Air-gap check"; a kind keyshard does not know yet is shown as words ("new-step" -> "New step"). */
export function stepName(kind: string, lang: Language = 'en'): string {
  const known = ownValue(STEP_NAMES[lang], kind);
  if (known !== undefined) return known;
  const words = kind.replace(/[-_]+/g, ' ').trim();
  return words === '' ? (lang === 'de' ? 'Eintrag ohne Namen' : 'Unnamed entry') : words.charAt(0).toUpperCase() + words.slice(1);
}

const MAIN_STEPS: ReadonlySet<string> = new Set<string>([...CEREMONY_STEPS, ...ceremonyKinds().flatMap((k) => machineSteps(k)), 'abort']);

/**
 * A step of the ceremony itself (plan, air-gap check, ..., seal, abort): not a witness's sign-off or signature, nor a
 * token entry recorded beside a step. "Where the ceremony stopped" is the last of these.
 */
export function isCeremonyStep(kind: string): boolean {
  return MAIN_STEPS.has(kind);
}

/**
 * An entry that only signs: a witness's signature (`signoff`) or the sign-off record written just before it
 * (`sign-off`). Screens show these as the signers of the step they attest, never as steps of their own.
 */
export function isSigningEntry(kind: string): boolean {
  return kind === 'signoff' || kind === 'sign-off';
}

const CHECKPOINT_NAMES = byLanguage((l) => wordsOf(checkpointNames, l));

/** What a witness signs off, after "signs off": "airgap-check" -> "the air-gap check". */
export function checkpointName(checkpoint: string, lang: Language = 'en'): string {
  const known = ownValue(CHECKPOINT_NAMES[lang], checkpoint);
  if (known !== undefined) return known;
  return lang === 'de' ? `den Schritt „${stepName(checkpoint, lang)}“` : `the ${stepName(checkpoint).toLowerCase()}`;
}

const METHOD_NAMES: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  en: {
    'type-back': 'typed the words back',
    'scan-qr': 'scanned the code back',
    'read-back-usb': 'file read back from the USB drive',
    'read-back-pkcs11': 'read back from the token',
  },
  de: {
    'type-back': 'Wörter zurückgetippt',
    'scan-qr': 'Code zurückgescannt',
    'read-back-usb': 'Datei vom USB-Laufwerk zurückgelesen',
    'read-back-pkcs11': 'vom Token zurückgelesen',
  },
};

/** How a custodian confirmed their shard, in words ("type-back" -> "typed the words back"). */
export function methodName(method: string, lang: Language = 'en'): string {
  return ownValue(METHOD_NAMES[lang], method) ?? method.replace(/-/g, ' ');
}

/** An entropy source as recorded ("os-csprng", "pkcs11-rng", "dice-20-rolls"), in words. */
export function entropySourceName(source: string, lang: Language = 'en'): string {
  const de = lang === 'de';
  if (source === 'os-csprng') return de ? 'Zufallsgenerator des Computers' : "the computer's random generator";
  if (source === 'pkcs11-rng') return de ? 'Zufallsgenerator eines Tokens' : "a token's random generator";
  const dice = /^dice-(\d+)-rolls$/.exec(source);
  if (dice) return de ? `${dice[1]} Würfelwürfe` : `${dice[1]} dice rolls`;
  return source.replace(/-/g, ' ');
}
