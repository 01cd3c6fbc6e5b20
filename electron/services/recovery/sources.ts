/**
 * Shards main reads itself - from a file on a listed drive, or from a custodian's token - turned into the same
 * candidate a typed or scanned shard becomes (inputs.ts), so every later check (ceremony, fingerprint, commitments,
 * duplicates) is the one all shards get. Anything else goes to readShardInput.
 */
import { envelopeFromText } from '../../../core/envelope';
import type { Envelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import type { OpeningKey } from '../protection/index';
import type { RemovableDrive } from '../usb/types';
import { listedDrive } from '../usb/listed-drive';
import { checkContentKind, checkNameMatches, envelopeOfText, nameOf, readDriveFile } from './drive-files';
import { fromEnvelope, readShardInput, type Candidate } from './inputs';
import { readTokenShard, SEALED_TOKEN_NEEDS, SHARD_TOKEN_NEEDS, withTokenSession } from './token-source';
import type { DriveFileRef, RecoveryHsm, RecoveryOpeningKey, ShardInput, TokenOpeningKey } from './types';

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

async function fromDrive(ref: DriveFileRef, key: RecoveryOpeningKey | TokenOpeningKey | undefined, n: number, ctx: SourceContext): Promise<Candidate> {
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
    checkNameMatches(named, envelope);
    return fromEnvelope(envelope, kind === 'none' ? 'envelope' : 'protected-file', n);
  } finally {
    data.fill(0);
  }
}

async function fromToken(input: Extract<ShardInput, { readonly token: unknown }>, n: number, ctx: SourceContext): Promise<Candidate> {
  const wanted = input.ceremonyId?.toLowerCase() ?? ctx.ceremonyId;
  return withTokenSession(ctx.hsm, input.token, input.pin, SHARD_TOKEN_NEEDS, async (session, token) => fromEnvelope(await readTokenShard(session, token, wanted), 'token', n));
}

/** Decodes one shard input, wherever it comes from. Throws KeyshardError for anything that is not a readable share. */
export async function readCandidate(input: ShardInput, n: number, ctx: SourceContext): Promise<Candidate> {
  if ('driveFile' in input) return fromDrive(input.driveFile, input.openingKey, n, ctx);
  if ('token' in input) return fromToken(input, n, ctx);
  return readShardInput(input, n, ctx.open);
}
