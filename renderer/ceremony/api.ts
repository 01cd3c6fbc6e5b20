/**
 * The ceremony screens' view of main: the typed `call` of electron/ipc/client (types only, no zod in the bundle), the
 * response types the screens read, and every failure turned into what the error panel shows. The IPC error carries a
 * stable code, a message main wrote for a person (never secret material), and non-secret details (word positions...).
 */
import type { ChannelName } from '../../electron/ipc/channels';
import { call, IpcCallError } from '../../electron/ipc/client';
import { isKeyshardError } from '../../core/errors';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { supportOf, toErrorInfo, todoFor, type ErrorInfo } from '../components/errors';
import { DEVICE_TODO } from '../devices/api';
import { germanMessageWith } from '../i18n/errors-de';
import { language } from '../i18n/language';
import { confirmToWire, showHandoff, testRecoveryToWire, type ConfirmAsked, type GivenBack, type ShownHandoff, type ShownShard, type TestRecoveryAsked } from './shardWire';

export type Status = ResponseOf<'ceremony:status'>;
export type HandoffView = ShownHandoff;
export type ShardView = ShownShard;
export type AirGapResult = ResponseOf<'ceremony:check-airgap'>;
export type EntropyResult = ResponseOf<'ceremony:gather-entropy'>;
export type SecretResult = ResponseOf<'ceremony:generate'>;
export type SplitResult = ResponseOf<'ceremony:split'>;
export type ConfirmResult = ResponseOf<'ceremony:confirm'>;
export type RecoveryResult = ResponseOf<'ceremony:test-recovery'>;
export type DestroyResult = ResponseOf<'ceremony:destroy'>;
export type SealResult = ResponseOf<'ceremony:seal'>;
export type SignOffResult = ResponseOf<'ceremony:sign-off'>;
export type SavedCeremony = ResponseOf<'ceremony:list-saved'>[number];
export type Drive = ResponseOf<'usb:list-drives'>[number];
export type ShardResponse = GivenBack;
export type ConfirmMethod = RequestOf<'ceremony:confirm'>['method'];
export type DeviceCheck = ResponseOf<'ceremony:check-devices'>;
export type TokenCheck = DeviceCheck['tokens'][number];

export { call, IpcCallError };
export type { ChannelName };

/** What to do next, for the codes the ceremony steps raise (the message already says what happened). */
const CEREMONY_TODO: Readonly<Record<string, string>> = {
  AIRGAP_NETWORK_UP: 'Take every network interface down (unplug the cable, switch Wi-Fi and Bluetooth off) and check again, or have a witness override the check.',
  WITNESS_KEY: "Choose the key file again: it must be this witness's own key file (from their USB stick).",
  WITNESS_NOT_ELIGIBLE: 'Ask a witness who watched this step to sign it.',
  WITNESS_ACT_NEEDED: 'The witness types their key file\'s passphrase (or their token PIN) in the sign-off form, then signs.',
  WITNESS_PASSPHRASE: 'The witness types their passphrase again, carefully; only they should know it.',
  WITNESS_FINGERPRINT: 'Listen to the fingerprint read aloud again, compare it with the one on the screen group by group, and type it again.',
  WITNESS_KEY_UNENCRYPTED: "Make an encrypted key file with 'keyshard witness keygen', pin its public key in the plan, and load that file.",
  CONFIRM_MISMATCH: 'Compare each position named here with your copy, correct it, and confirm again. The shard stays hidden.',
  CEREMONY_TRANSITION: 'Open "Screen out of date?" at the bottom of the screen, press "Reload the ceremony status", and do the step the screen then asks for.',
  CEREMONY_SECRET_LOST: 'Abort this ceremony (the form at the bottom of the screen) and run a new one.',
  ENTROPY_SOURCE: 'Give the same sources as recorded (the same number of fresh dice rolls, and the HSM if it was used), then try again.',
  TRANSCRIPT_WRITE: "The ceremony's folder could not be written. Check that its disk is present and has space, then try the step again.",
  BELOW_THRESHOLD: 'Choose more custodians: together they must hold enough shards to recover the secret.',
  SHARES_MISMATCH: "Each custodian gives back their own shard of this ceremony; check whose paper or code was used.",
  DUPLICATE_SHARE: 'Each shard counts once: give another custodian\'s shard instead of the repeated one.',
  SLIP39_WORD: 'Check the word named here against the paper copy; every word comes from the SLIP-39 list.',
  SLIP39_CHECKSUM: 'A word is wrong somewhere: check every word against the paper copy, in order.',
  SLIP39_LENGTH: 'Count the words on the paper copy and type every one of them.',
  USB_NO_SPACE: 'Use another drive, or free space on this one, then write the shard again.',
  USB_REMOVED: 'Plug the drive in again (or choose another), then write the shard again.',
  USB_READ_ONLY: 'Use a drive that can be written (check its lock switch), then write the shard again.',
  USB_VERIFY: 'Write the shard again; if it fails again, use another drive.',
  USB_FOREIGN_SHARD: 'Use the drive this custodian was given in this ceremony.',
  INVALID_ARGUMENT: 'Check what was typed on this screen, then try again.',
  // A custodian's token was fixed when the ceremony started, so "use another token" means starting again.
  HSM_PIN_LOCKED: "Have the token's security officer unblock it (reset the user PIN with the token's own tool), then try again. A custodian's token was fixed at the start: to use another one, abort and start a new ceremony.",
  HSM_TOKEN_FULL: "Free space on this token with its own tool, then try again. A custodian's token was fixed at the start: to use another one, abort and start a new ceremony.",
  HSM_MECHANISM: "This token cannot do this step. A custodian's token was fixed at the start: abort, and start a new ceremony with a token the device check accepts.",
  HSM_VERIFY: "Do not rely on this token: abort, and start a new ceremony with another token for this custodian.",
};

export function ceremonyTodo(code: string): string {
  // Other token errors (HSM_*) say the same next step on every screen: renderer/devices has them.
  return CEREMONY_TODO[code] ?? DEVICE_TODO[code] ?? todoFor(code);
}

/** Any failure as an ErrorInfo for the error panel. */
export function asErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof IpcCallError) {
    const support = supportOf(e.details);
    // Main writes English; in German the screen says what the code means (the code stays in the support line).
    const message = language() === 'en' ? e.message : (germanMessageWith(e.code, e.details) ?? e.message);
    return { code: e.code, message, todo: ceremonyTodo(e.code), ...(support ? { support } : {}) };
  }
  // Typed errors raised in this window (a QR code that does not assemble, a shard text that cannot be read) say
  // what to do as main's would.
  return isKeyshardError(e) ? toErrorInfo(e, ceremonyTodo(e.code)) : toErrorInfo(e);
}

/** The non-secret details of an IPC failure, or an empty object. */
export function detailsOf(e: unknown): Readonly<Record<string, unknown>> {
  return e instanceof IpcCallError && e.details !== undefined ? e.details : {};
}

export function numberList(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((x): x is number => typeof x === 'number' && Number.isInteger(x)) : [];
}

/** What the screens send and get: shards as texts (main sends and takes them as bytes: shardWire.ts). */
type Asked<K extends ChannelName> = K extends 'ceremony:confirm' ? ConfirmAsked : K extends 'ceremony:test-recovery' ? TestRecoveryAsked : RequestOf<K>;
type Answered<K extends ChannelName> = K extends 'ceremony:handoff' ? ShownHandoff : K extends 'ceremony:current-handoff' ? ShownHandoff | null : ResponseOf<K>;

/** A typed wrapper so screens can name a channel and get its response. */
export async function ask<K extends ChannelName>(channel: K, ...args: undefined extends Asked<K> ? [Asked<K>?] : [Asked<K>]): Promise<Answered<K>> {
  const send = call as (c: K, ...a: unknown[]) => Promise<unknown>;
  // A QR code that does not assemble, or a shard text that cannot be read, fails here with its typed error.
  const request =
    channel === 'ceremony:confirm' ? confirmToWire(args[0] as ConfirmAsked) : channel === 'ceremony:test-recovery' ? testRecoveryToWire(args[0] as TestRecoveryAsked) : args[0];
  const answer = await send(channel, ...(args.length === 0 ? [] : [request]));
  if ((channel === 'ceremony:handoff' || channel === 'ceremony:current-handoff') && answer !== null) {
    return showHandoff(answer as ResponseOf<'ceremony:handoff'>) as Answered<K>;
  }
  return answer as Answered<K>;
}
