/**
 * What a recovery team should do about each problem main reports. Main's messages say what happened (in words for a
 * person, never with secret material); this adds the next step in a sentence of its own, for the error panel's bold
 * "What to do" line. Codes not listed here fall back to the app-wide table (components/errors).
 */
import type { ErrorInfo } from '../components/errors';
import { todoFor } from '../components/errors';
import { germanMessageWith } from '../i18n/errors-de';
import { language } from '../i18n/language';
import { DAMAGED_COPY_DE, deviceShardTodoDe, OWN_TOKEN_DE, recoveryTodoDe } from '../i18n/recovery-todo-de';

const RECOVERY_TODO: Readonly<Record<string, string>> = {
  SLIP39_WORD: 'Correct the word marked in red (compare it with the paper copy, letter by letter), then press "Check these words" again.',
  SLIP39_CHECKSUM: 'Compare every word with the paper copy, starting with the word marked; then press "Check these words" again.',
  SLIP39_LENGTH: 'Count the words on the paper copy (a share has 20 or 33). Add the missing word or remove the extra one, then check again.',
  SLIP39_PADDING: 'Compare every word with the paper copy; if they all agree, this share was made by faulty software: use another custodian\'s share.',
  SLIP39_PARAMETERS: 'Set this share aside and continue with the other custodians\' shares.',
  SLIP39_DIGEST: 'One share in hand is damaged or from another backup. Start again, and try the shares of other custodians.',
  SHARES_MISMATCH: "Keep it apart from this ceremony's shards, continue with the next custodian, and tell the ceremony lead where it came from.",
  BAG_SERIAL_MISMATCH: 'Read the serial on the bag aloud again and retype it above, then add the same shard again. If the bag really carries another serial, set this shard aside (it was not used), note it in the recovery record and tell the ceremony lead.',
  BAG_SERIAL_NEEDED: 'Type the serial of the bag this shard came out of above, then add the same shard again.',
  BAG_SERIAL_INVALID: 'Retype the serial printed on the bag above (letters and digits), then add the same shard again.',
  DUPLICATE_SHARE: 'Set both shards aside and ask the ceremony lead: one of them is not what it claims to be.',
  BELOW_THRESHOLD: 'Add the shards still needed (see "Progress"), then press "Recover the key" again.',
  SECRET_LENGTH: 'Set this share aside and continue with the other custodians\' shares.',
  VSS_SHARE_INVALID: 'Do not use this share. Ask its custodian for another copy (paper or file) and add that instead.',
  ENVELOPE_DECRYPT: "Choose this custodian's own key file (and type its passphrase, if it has one), then open the file again.",
  ENVELOPE_FORMAT: 'Check that this is a keyshard shard of this ceremony. If it is, use its paper copy (the words) instead.',
  INVALID_HEX: 'Type it exactly as the paper record shows it: the digits 0-9 and letters A-F (spaces are fine).',
  RECOVERY_STATE: 'Start the recovery again from its first step.',
  RECOVERY_UNVERIFIED: "Start the recovery again and type the fingerprint, or the transcript's final hash, from the paper record: only a verified key goes into a token.",
  FINAL_HASH_MISMATCH: "Compare the final hash you typed with the paper record, group by group. If it is right, this is not the ceremony's sealed transcript: load the original from the ceremony's USB stick.",
  TRANSCRIPT_TAMPERED: "Do not use this file. Load the original transcript from the ceremony's USB stick, or type the fingerprint from the paper record instead.",
  TRANSCRIPT_SIGNATURE: "Do not use this file. Load the original transcript from the ceremony's USB stick, or type the fingerprint from the paper record instead.",
  TRANSCRIPT_FORMAT: "Choose the transcript file keyshard wrote for this ceremony (transcript.json on the ceremony's USB stick), or skip this step.",
  FILE_EXISTS: 'Choose the place again and give the file a new name; nothing was saved.',
  USB_NO_SPACE: 'Choose another drive or folder with free space; nothing was saved.',
  USB_READ_ONLY: 'Choose a drive that can be written to (check its write-protect switch); nothing was saved.',
  USB_REMOVED: 'Plug the drive in again, then save again; nothing was saved.',
};

/** For a shard main read itself from a drive or a token: what to do next, by code. */
const DEVICE_SHARD_TODO: Readonly<Record<string, string>> = {
  HSM_PIN_INCORRECT: 'The custodian types the PIN again, carefully (Caps Lock, keyboard layout): a token locks after a few wrong tries.',
  HSM_PIN_LOCKED: "This token is locked. Its security officer must unblock it (reset the user PIN) with the token's own tool; meanwhile continue with another custodian's shard.",
  HSM_TOKEN_ABSENT: 'Plug the token in (the same one), press “Look again”, choose it, and read it again.',
  HSM_OBJECT_NOT_FOUND: "Plug in this custodian's own token for this ceremony, or continue with another custodian.",
  HSM_SHARD_EXISTS: 'Choose which ceremony to recover in the list under the token, then type the PIN again.',
  HSM_MODULE: 'Choose the PKCS#11 module of the custodians\' tokens (for example SoftHSM2 or OpenSC) above, then try again.',
  HSM_MECHANISM: "This token cannot open this shard. Use the custodian's own token, the one the shard was sealed to.",
  USB_REMOVED: 'Plug the drive in again, press “List the drives again”, choose it and open the file again.',
  USB_VERIFY: "Set this file aside and use another copy of this custodian's shard (their paper copy or another drive); tell the ceremony lead.",
  USB_READ_ONLY: 'keyshard could not read the drive. Unplug it, plug it in again and list the drives again; if it keeps failing, use another copy of the shard.',
  ENVELOPE_CHECKSUM: "This file is damaged. Use another copy of this custodian's shard (their paper copy or another drive).",
};

/** What to do about a problem with a shard, knowing where it came from (a drive or token is not a file chosen by hand). */
export function shardTodo(code: string, origin: { readonly kind: string; readonly protection?: string }, details?: Readonly<Record<string, unknown>>): string {
  const german = language() === 'de';
  if (code === 'ENVELOPE_DECRYPT' && details?.['reason'] === 'damaged') {
    if (german) return DAMAGED_COPY_DE;
    return "Do not use this copy: it changed since it was written. Use another copy of this custodian's shard (their paper copy or another drive) and tell the ceremony lead.";
  }
  if (origin.kind === 'usb' || origin.kind === 'token') {
    if (code === 'ENVELOPE_DECRYPT' && (origin.kind === 'token' || origin.protection === 'pkcs11')) {
      if (german) return OWN_TOKEN_DE;
      return "Choose this custodian's own token (the one the file was sealed to) and type its PIN, then open the file again.";
    }
    const todo = german ? deviceShardTodoDe(code) : DEVICE_SHARD_TODO[code];
    if (todo !== undefined) return todo;
  }
  return recoveryTodo(code);
}

export function recoveryTodo(code: string): string {
  return (language() === 'de' ? recoveryTodoDe(code) : RECOVERY_TODO[code]) ?? todoFor(code);
}

/**
 * An error from main as the error panel shows it. Main's message is English; in German the code's German words, with
 * the numbers main gave (which word, which line) where the code has them, else main's message.
 */
export function problemInfo(error: { readonly code: string; readonly message: string; readonly details?: Readonly<Record<string, unknown>> }, todo?: string): ErrorInfo {
  const message = language() === 'en' ? error.message : (germanMessageWith(error.code, error.details) ?? error.message);
  return { code: error.code, message, todo: todo ?? recoveryTodo(error.code) };
}

/** A detail of a rejection as a number, when main gave one (word positions, share numbers). */
export function detailNumber(details: Readonly<Record<string, unknown>> | undefined, key: string): number | undefined {
  const v = details?.[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}
