/**
 * The recovery screens' view of main: the recovery:* channels with their contract types, each answering an IpcResult
 * (never throwing for an error main reports). Shards go to main one at a time and are not kept here; main answers
 * with public facts and progress only. The one exception is `showSecret`, which the person asks for explicitly.
 */
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { invoke } from '../../electron/ipc/client';
import type { IpcError, IpcResult } from '../../electron/ipc/result';

export type RecoveryStatus = ResponseOf<'recovery:status'>;
export type AddShardResponse = ResponseOf<'recovery:add-shard'>;
export type RecoveryProgress = AddShardResponse['progress'];
export type GroupProgress = RecoveryProgress['groups'][number];
export type ShardFacts = Extract<AddShardResponse, { outcome: 'accepted' }>['shard'];
export type FinishResponse = ResponseOf<'recovery:finish'>;
export type ExportResponse = ResponseOf<'recovery:export'>;
export type ShardRequest = RequestOf<'recovery:add-shard'>;
export type StartRequest = NonNullable<RequestOf<'recovery:start'>>;
export type ExportRecipient = Extract<RequestOf<'recovery:export'>, { kind: 'encrypted-file' }>['recipient'];
export type FingerprintView = FinishResponse['recovered']['fingerprint'];
export type DriveShards = ResponseOf<'recovery:drive-shards'>;
export type DriveShardFile = DriveShards['files'][number];
export type Drive = ResponseOf<'usb:list-drives'>[number];
export type HsmImported = Extract<ExportResponse, { kind: 'hsm-import' }>;
export type TokenChoice = Extract<RequestOf<'recovery:add-shard'>, { token: unknown }>['token'];

export type { IpcError, IpcResult };

/** A call that could not reach main at all (no bridge, a crashed handler) as an error envelope, never a throw. */
async function safely<T>(call: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await call();
  } catch {
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'This window could not reach the keyshard main process. Nothing was sent or saved.',
      },
    };
  }
}

export const recoveryApi = {
  start: (request: StartRequest) => safely(() => invoke('recovery:start', request)),
  addShard: (request: ShardRequest) => safely(() => invoke('recovery:add-shard', request)),
  status: () => safely(() => invoke('recovery:status')),
  /** allowSlowKdf: the person said yes to SLIP39_SLOW_KDF's question (more key stretching than keyshard writes). */
  finish: (allowSlowKdf = false) => safely(() => invoke('recovery:finish', allowSlowKdf ? { allowSlowKdf: true } : {})),
  /** Stops a finish's key stretching; its finish then answers KDF_CANCELLED and the shards stay in hand. */
  cancelFinish: () => safely(() => invoke('recovery:cancel-finish')),
  /** `words`: a seed's words in the other list than main's choice (a BIP-39 mnemonic, or one SLIP-39 share). */
  showSecret: (words?: 'bip39' | 'slip39') => safely(() => invoke('recovery:export', { kind: 'display', reveal: true, ...(words === undefined ? {} : { words }) })),
  saveEncrypted: (path: string, recipient: ExportRecipient) => safely(() => invoke('recovery:export', { kind: 'encrypted-file', path, recipient })),
  /** The PIN goes in this one request; the caller has already cleared its field. */
  importToToken: (token: TokenChoice, pin: string, keyLabel: string) => safely(() => invoke('recovery:export', { kind: 'hsm-import', token, pin, keyLabel })),
  driveShards: (mountPoint: string) => safely(() => invoke('recovery:drive-shards', { mountPoint })),
  clear: () => safely(() => invoke('recovery:clear')),
  listDrives: () => safely(() => invoke('usb:list-drives')),
};

export type RecoveryApi = typeof recoveryApi;
