/**
 * Shards main reads itself - from a file on a listed drive, or from a custodian's token - turned into the same
 * candidate a typed or scanned shard becomes (inputs.ts), so every later check (ceremony, fingerprint, commitments,
 * duplicates) is the one all shards get. Anything else goes to readShardInput.
 */
import { envelopeFromText, wipeEnvelope } from '../../../core/envelope';
import type { Envelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { openProtected, type OpeningKey } from '../protection/index';
import type { RemovableDrive } from '../usb/types';
import { listedDrive } from '../usb/listed-drive';
import { checkContentKind, checkNameMatches, envelopeOfText, nameOf, readDriveFile } from './drive-files';
import { fromEnvelope, readShardInput, type Candidate } from './inputs';
import { readTokenShard, SEALED_TOKEN_NEEDS, SHARD_TOKEN_NEEDS, withTokenSession } from './token-source';
import type { DriveFileRef, RecoveryHsm, RecoveryOpeningKey, ShardInput, ShardSource, TokenOpeningKey } from './types';

export interface SourceContext {
  readonly hsm: RecoveryHsm | undefined;
  readonly listDrives: (() => Promise<readonly RemovableDrive[]>) | undefined;
  readonly open: (data: string | Uint8Array, key: OpeningKey) => Promise<string>;
  /** This recovery's ceremony, when known (transcript or a first shard). */
  readonly ceremonyId: string | null;
  /** The plan's custodian ids from the transcript (empty without one). */
  readonly custodianIds: readonly string[];
}

const PROTECTION_NAME = { age: 'age', openpgp: 'OpenPGP', pkcs11: "a key on the custodian's PKCS#11 token" } as const;
const KEY_NAME = { age: "the custodian's age identity", openpgp: "the custodian's OpenPGP private key (and its passphrase)", pkcs11: "the custodian's token and its PIN" } as const;

/** A shard main reads off a device: a shard file on a listed drive, or the shard a custodian's token keeps. */
export type DeviceShardInput = Extract<ShardInput, { readonly driveFile: unknown } | { readonly token: unknown }>;

export function isDeviceShardInput(input: object): input is DeviceShardInput {
  return 'driveFile' in input || 'token' in input;
}

/** An envelope read off a device (the caller wipes it), and how it was kept there. */
export interface DeviceEnvelope {
  readonly envelope: Envelope;
  readonly source: Extract<ShardSource, 'envelope' | 'protected-file' | 'token'>;
}

async function fromDrive(ref: DriveFileRef, key: RecoveryOpeningKey | TokenOpeningKey | undefined, ctx: SourceContext): Promise<DeviceEnvelope> {
  const drive = await listedDrive(ctx.listDrives, ref.mountPoint);
  const named = nameOf(ref.file, ctx.custodianIds);
  if (named === undefined) {
    throw new KeyshardError('INVALID_ARGUMENT', 'keyshard reads only shard files (named keyshard-<ceremony>-c<number>.age and the like) at the top level of a drive. Choose one of the shard files listed.', {
      reason: 'not-a-shard-name',
    });
  }
  const data = await readDriveFile(drive, named.file);
  try {
    const kind = checkContentKind(named, data);
    let envelope: Envelope;
    if (kind === 'none') {
      envelope = envelopeOfText(named, data);
    } else {
      if (key === undefined) {
        throw new KeyshardError('ENVELOPE_DECRYPT', `${named.file} is encrypted with ${PROTECTION_NAME[kind]}: give ${KEY_NAME[kind]} to open it.`, { reason: 'needs-key', protection: kind });
      }
      let text: string;
      if (key.kind === 'pkcs11') {
        if (kind !== 'pkcs11') throw new KeyshardError('ENVELOPE_DECRYPT', `${named.file} is not sealed to a token: give ${KEY_NAME[kind]} instead.`, { reason: 'wrong-kind', protection: kind });
        text = await withTokenSession(ctx.hsm, key.token, key.pin, SEALED_TOKEN_NEEDS, (session) => ctx.open(data, { kind: 'pkcs11', token: session }));
      } else {
        text = await ctx.open(data, key);
      }
      envelope = envelopeFromText(text);
    }
    try {
      checkNameMatches(named, envelope);
    } catch (e) {
      wipeEnvelope(envelope);
      throw e;
    }
    return { envelope, source: kind === 'none' ? 'envelope' : 'protected-file' };
  } finally {
    data.fill(0);
  }
}

/**
 * The envelope of a shard main reads itself, with the same checks wherever it is used (recovery, refresh/repair, the
 * custody check, the drill, a signer's laptop): a listed drive and a shard file name, the file's key, the token's PIN
 * for one login. The caller wipes the envelope once its share is used.
 */
export async function readDeviceEnvelope(input: DeviceShardInput, ctx: SourceContext): Promise<DeviceEnvelope> {
  if ('driveFile' in input) return fromDrive(input.driveFile, input.openingKey, ctx);
  const wanted = input.ceremonyId?.toLowerCase() ?? ctx.ceremonyId;
  const envelope = await withTokenSession(ctx.hsm, input.token, input.pin, SHARD_TOKEN_NEEDS, (session, token) => readTokenShard(session, token, wanted));
  return { envelope, source: 'token' };
}

/** Decodes one shard input, wherever it comes from. Throws KeyshardError for anything that is not a readable share. */
export async function readCandidate(input: ShardInput, n: number, ctx: SourceContext): Promise<Candidate> {
  if (isDeviceShardInput(input)) {
    const read = await readDeviceEnvelope(input, ctx);
    return fromEnvelope(read.envelope, read.source, n);
  }
  return readShardInput(input, n, ctx.open);
}

/** What main hands a service that takes shards off devices: the chosen PKCS#11 module, the drive lister, the opener. */
export interface DeviceShardDeps {
  readonly hsm?: RecoveryHsm;
  readonly listDrives?: () => Promise<readonly RemovableDrive[]>;
  readonly openProtected?: (data: string | Uint8Array, key: OpeningKey) => Promise<string>;
}

/** Reads a device shard for a service; `ceremonyId`: the ceremony whose shard a token is asked for (null: the only one). */
export type DeviceShardReader = (input: DeviceShardInput, ceremonyId: string | null) => Promise<DeviceEnvelope>;

export function deviceShardReader(deps: DeviceShardDeps): DeviceShardReader {
  const open = deps.openProtected ?? openProtected;
  return (input, ceremonyId) => readDeviceEnvelope(input, { hsm: deps.hsm, listDrives: deps.listDrives, open, ceremonyId, custodianIds: [] });
}
