/**
 * Plain words for what a transcript records. Entries carry a `kind` (core/ceremony's step names, plus the witness
 * signature entries `signoff`, the `sign-off` records before them, and the token entries around a step); people read
 * "Air-gap check", never "airgap-check". Pure: used by the resume list, the verify table and the printed summary.
 */
import { CEREMONY_STEPS } from './ceremony';
import { checkpointNames, KEY_CEREMONY, transcriptNames } from './ceremony-kinds';
import { ownValue } from './own';

// Both from the key ceremony's catalogue: the words the screens, the verify table and the paper all use.
const STEP_NAMES: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(transcriptNames(KEY_CEREMONY)));

/** "airgap-check" -> "Air-gap check"; a kind keyshard does not know yet is shown as words ("new-step" -> "New step"). */
export function stepName(kind: string): string {
  const known = ownValue(STEP_NAMES, kind);
  if (known !== undefined) return known;
  const words = kind.replace(/[-_]+/g, ' ').trim();
  return words === '' ? 'Unnamed entry' : words.charAt(0).toUpperCase() + words.slice(1);
}

const MAIN_STEPS: ReadonlySet<string> = new Set<string>([...CEREMONY_STEPS, 'abort']);

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

const CHECKPOINT_NAMES: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(checkpointNames(KEY_CEREMONY)));

/** What a witness signs off, after "signs off": "airgap-check" -> "the air-gap check". */
export function checkpointName(checkpoint: string): string {
  return ownValue(CHECKPOINT_NAMES, checkpoint) ?? `the ${stepName(checkpoint).toLowerCase()}`;
}

const METHOD_NAMES: Readonly<Record<string, string>> = {
  'type-back': 'typed the words back',
  'scan-qr': 'scanned the code back',
  'read-back-usb': 'file read back from the USB drive',
  'read-back-pkcs11': 'read back from the token',
};

/** How a custodian confirmed their shard, in words ("type-back" -> "typed the words back"). */
export function methodName(method: string): string {
  return ownValue(METHOD_NAMES, method) ?? method.replace(/-/g, ' ');
}

/** An entropy source as recorded ("os-csprng", "pkcs11-rng", "dice-20-rolls"), in words. */
export function entropySourceName(source: string): string {
  if (source === 'os-csprng') return "the computer's random generator";
  if (source === 'pkcs11-rng') return "a token's random generator";
  const dice = /^dice-(\d+)-rolls$/.exec(source);
  if (dice) return `${dice[1]} dice rolls`;
  return source.replace(/-/g, ' ');
}
