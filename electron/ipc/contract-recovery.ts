/**
 * The recovery channels (electron/services/recovery). Shards cross the bridge one at a time, towards main only; no
 * response carries a share, a word or the secret, except `recovery:export` with `{ kind: 'display', reveal: true }`,
 * which the person asks for explicitly.
 *
 * Animated QR codes are assembled in the renderer (core/qr's assembler is pure; the scanner shows its progress) and
 * the complete shard text is sent as `{ text }`. A complete set of UR parts from elsewhere (a pasted list) can be sent
 * as `{ urParts }` and is assembled here.
 *
 * Drives and tokens: main reads a custodian's shard file itself, from a mount point usb:list-drives lists at that moment
 * and a shard file name at its top level (`recovery:drive-shards` lists them; `{ driveFile }` adds one), and the shard a
 * custodian's token holds (`{ token, pin }`). A PIN travels in the one request that uses it and is never echoed.
 */
import { z } from 'zod';
import { MAX_MIXED_PARTS_PER_REQUEST, MAX_QR_TEXTS_PER_REQUEST, qrTextsWithinRequestBounds } from '../../core/qr/limits';
import { MAX_TRANSCRIPT_BYTES } from '../../core/transcript';
import { Pin } from './contract-ceremony';
import { DetailsSchema, FingerprintSchema, NoRequest, PathText, boundedList, channel, list } from './contract-kit';

/** Transcripts grow by a few hundred bytes a step; verified on main's thread, so capped (core/transcript, review M4). */
export const MAX_TRANSCRIPT_CHARS = MAX_TRANSCRIPT_BYTES;
/** A protected shard file (armored age / OpenPGP of a few hundred characters of shard text). */
const MAX_FILE_CHARS = 1_000_000;

const SecretKind = z.enum(['seed', 'ed25519', 'secp256k1', 'p256']);
/**
 * Hex typed by a person (digits and the separators they use), or its words to read aloud (core/read-aloud: 20
 * four-letter words, letters only); core/recovery-trust checks the length, the words and their checksum.
 */
const TypedHex = z.string().min(1).max(200).regex(/^(?:[0-9a-fA-F\s:\-_.]+|[a-zA-Z\s\-_.,;·]+)$/);
const Scheme = z.enum(['slip39', 'vss']);

// ---------------------------------------------------------------------------------------------------------------
// Requests

const StartRequestSchema = z
  .strictObject({
    /** Typed from paper: 64 hex digits or the 32 read aloud, spaces and dashes tolerated (main parses it). */
    expectedFingerprint: TypedHex.optional(),
    transcriptText: z.string().min(1).max(MAX_TRANSCRIPT_CHARS).optional(),
    /** With a transcript: its final hash and pinned witness key fingerprints, typed from paper (core/recovery-trust). */
    finalHash: TypedHex.optional(),
    witnessKeys: boundedList(TypedHex, 16).optional(),
    secretKind: SecretKind.optional(),
  })
  .optional();

const OpeningKeySchema = z.union([
  z.strictObject({ kind: z.literal('age'), identity: z.string().min(1).max(10_000) }),
  z.strictObject({ kind: z.literal('openpgp'), privateKeyArmored: z.string().min(1).max(200_000), passphrase: z.string().max(1000).optional() }),
]);

/** A token by its label (CK_TOKEN_INFO: 32 bytes) and/or serial (16 characters). */
const TokenChoiceSchema = z
  .strictObject({ label: z.string().min(1).max(32).optional(), serial: z.string().min(1).max(16).optional() })
  .refine((t) => t.label !== undefined || t.serial !== undefined, 'name the token by label or serial');

/** A plain file name (no folder part); main accepts only shard file names. */
const DriveFileName = z.string().min(1).max(255).regex(/^[^/\\\u0000]+$/);

const DriveFileSchema = z.strictObject({ mountPoint: PathText, file: DriveFileName });

/** The custodian's token and PIN: they open a token-sealed (.p11) file on the token. */
const TokenOpeningKeySchema = z.strictObject({ kind: z.literal('pkcs11'), token: TokenChoiceSchema, pin: Pin });

const CeremonyIdHex = z.string().regex(/^[0-9a-fA-F]{32}$/);

/** A key label on a token: 1-64 printable characters. */
const KeyLabel = z.string().min(1).max(64).regex(/^[^\u0000-\u001f\u007f]+$/);

/** The serial of the tamper-evident bag the shard came out of, as typed (main normalises and bounds it). */
const BagSerialTyped = z.string().min(1).max(64).optional();

/** A shard file main reads from a listed drive, and (unless it is an unprotected .txt) what opens it. */
const DriveShardSchema = z.strictObject({ driveFile: DriveFileSchema, openingKey: z.union([OpeningKeySchema, TokenOpeningKeySchema]).optional(), bagSerial: BagSerialTyped });
/** The shard a custodian's token holds: of `ceremonyId`, else of this recovery's ceremony, else the only one on it. */
const TokenShardSchema = z.strictObject({ token: TokenChoiceSchema, pin: Pin, ceremonyId: CeremonyIdHex.optional(), bagSerial: BagSerialTyped });

export const AddShardRequestSchema = z.union([
  /** A shard text (KS1...), one complete UR:BYTES code, or SLIP-39 words. */
  z.strictObject({ text: z.string().min(1).max(20_000), bagSerial: BagSerialTyped }),
  /** Every part of an animated QR code. */
  z.strictObject({
    urParts: boundedList(z.string().min(1).max(8000), MAX_QR_TEXTS_PER_REQUEST)
      .refine((a) => a.length > 0)
      .refine(qrTextsWithinRequestBounds, { message: `At most ${MAX_MIXED_PARTS_PER_REQUEST} mixed QR code parts in one request.` }),
    bagSerial: BagSerialTyped,
  }),
  /** A protected shard file's content and the custodian's key. */
  z.strictObject({
    file: z.union([z.strictObject({ text: z.string().min(1).max(MAX_FILE_CHARS) }), z.strictObject({ base64: z.string().min(1).max(MAX_FILE_CHARS) })]),
    openingKey: OpeningKeySchema,
    bagSerial: BagSerialTyped,
  }),
  DriveShardSchema,
  TokenShardSchema,
]);

/** The shards main reads off a device (recovery, refresh/repair, custody check, drill, a signer's laptop). */
export const DeviceShardRequestSchema = z.union([DriveShardSchema, TokenShardSchema]);

const DriveShardsRequestSchema = z.strictObject({ mountPoint: PathText });

/** allowSlowKdf: the person said yes to SLIP39_SLOW_KDF's question (more key stretching than keyshard writes). */
const FinishRequestSchema = z.strictObject({ passphrase: z.string().max(1000).optional(), allowSlowKdf: z.boolean().optional() }).optional();

const ExportRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('display'), reveal: z.literal(true), words: z.enum(['bip39', 'slip39', 'none']).optional() }),
  z.strictObject({
    kind: z.literal('encrypted-file'),
    path: PathText,
    recipient: z.union([
      z.strictObject({ kind: z.literal('age'), recipient: z.string().min(1).max(200) }),
      z.strictObject({ kind: z.literal('openpgp'), publicKeyArmored: z.string().min(1).max(200_000) }),
    ]),
  }),
  z.strictObject({ kind: z.literal('hsm-import'), token: TokenChoiceSchema, pin: Pin, keyLabel: KeyLabel }),
]);

// ---------------------------------------------------------------------------------------------------------------
// Responses

const ShardFactsSchema = z.object({
  number: z.number(),
  source: z.enum(['envelope', 'qr', 'mnemonic', 'protected-file', 'token']),
  custodianLabel: z.string().optional(),
  custodianIndex: z.number().optional(),
  group: z.number().optional(),
  member: z.number().optional(),
  signer: z.number().optional(),
});

const ProgressSchema = z.object({
  scheme: Scheme.nullable(),
  shards: z.number(),
  groupThreshold: z.number().nullable(),
  groupCount: z.number().nullable(),
  groupsComplete: z.number(),
  groupsNeeded: z.number().nullable(),
  groups: list(z.object({ group: z.number(), have: z.number(), threshold: z.number().nullable(), needed: z.number().nullable(), complete: z.boolean() })),
  canFinish: z.boolean(),
  sentences: list(z.string()),
  summary: z.string(),
});

const AddShardResponseSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('accepted'), shard: ShardFactsSchema, progress: ProgressSchema }),
  z.object({ outcome: z.literal('duplicate'), shard: ShardFactsSchema, message: z.string(), progress: ProgressSchema }),
  z.object({ outcome: z.literal('rejected'), error: z.object({ code: z.string(), message: z.string(), details: DetailsSchema.optional() }), progress: ProgressSchema }),
]);

const ExpectedSourceSchema = z.enum(['fingerprint', 'final-hash', 'witness-keys', 'transcript-unsigned', 'transcript-unfinished', 'shards']);

const ExpectedSchema = z
  .object({
    fingerprint: FingerprintSchema,
    source: ExpectedSourceSchema,
    verified: z.boolean(),
    signoffs: list(z.object({ witnessId: z.string(), keyFingerprint: z.string(), pinned: z.boolean(), step: z.string() })),
    unmatchedPins: list(z.string()),
    sealed: z.boolean().nullable(),
    statusWhy: z.string().max(1000).nullable(),
    ceremony: z.object({ id: z.string().max(128), label: z.string().max(1000).nullable(), sealedAt: z.string().max(64).nullable() }).nullable(),
  })
  .nullable();

const IdentitySchema = z.object({
  kind: SecretKind,
  scheme: Scheme,
  fingerprint: FingerprintSchema,
  publicKey: z.string().optional(),
  xpub: z.string().optional(),
  masterFingerprint: z.string().optional(),
  wallet: z.literal('bip39').optional(),
});

const FinishResponseSchema = z.object({
  verdict: z.enum(['verified', 'unverified', 'mismatch']),
  source: ExpectedSourceSchema,
  expected: ExpectedSchema,
  recovered: IdentitySchema,
  shardsUsed: z.number(),
  exportable: z.boolean(),
  tokenImport: z.boolean(),
  message: z.string(),
});

const StatusSchema = z.object({
  phase: z.enum(['idle', 'collecting', 'recovered', 'failed']),
  message: z.string(),
  ceremonyId: z.string().nullable(),
  label: z.string().nullable(),
  scheme: Scheme.nullable(),
  secretKind: SecretKind.nullable(),
  expected: ExpectedSchema,
  shards: list(ShardFactsSchema),
  progress: ProgressSchema,
  result: FinishResponseSchema.nullable(),
  /** A finish stretching a SLIP-39 passphrase key (electron/services/kdf): the round under way. */
  stretching: z
    .object({
      round: z.number(),
      rounds: z.number(),
      iterationExponent: z.number(),
      iterations: z.number(),
      estimatedSeconds: z.number(),
      elapsedSeconds: z.number(),
    })
    .nullable(),
  bagChecks: list(
    z.object({
      at: z.string(),
      shard: z.number(),
      custodianId: z.string(),
      recorded: z.string(),
      typed: z.string().nullable(),
      outcome: z.enum(['matched', 'mismatch', 'missing']),
    }),
  ),
});

/** SECRET for kind 'display': the recovered secret, shown because the person asked. */
const ExportResponseSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('display'),
    secretHex: z.string(),
    secretKind: SecretKind,
    scheme: Scheme,
    fingerprint: FingerprintSchema,
    /** SECRET: the seed as a BIP-39 mnemonic or a single SLIP-39 share. */
    words: z.object({ list: z.enum(['bip39', 'slip39']), words: z.array(z.string()), walletChecked: z.boolean().optional() }).optional(),
  }),
  z.object({ kind: z.literal('encrypted-file'), path: z.string(), bytes: z.number(), protection: z.enum(['age', 'openpgp']), fingerprint: FingerprintSchema }),
  /** No secret: where the key went and the token's report that it cannot be read back out. */
  z.object({
    kind: z.literal('hsm-import'),
    token: z.object({ label: z.string(), serial: z.string() }),
    keyLabel: z.string(),
    keyId: z.string(),
    curve: z.enum(['p256', 'secp256k1']),
    publicKey: z.string(),
    fingerprint: FingerprintSchema,
    protection: z.object({
      sensitive: z.boolean(),
      extractable: z.boolean(),
      alwaysSensitive: z.boolean().nullable(),
      neverExtractable: z.boolean().nullable(),
      valueReadable: z.boolean(),
    }),
  }),
]);

const DriveShardsResponseSchema = z.object({
  drive: z.object({ mountPoint: z.string(), label: z.string().nullable() }),
  ceremonyId: z.string().nullable(),
  files: list(
    z.object({
      file: z.string(),
      protection: z.enum(['none', 'age', 'openpgp', 'pkcs11']),
      ceremonyId: z.string(),
      custodianIndex: z.number(),
      share: z.number().nullable(),
      custodianId: z.string().nullable(),
      custodianLabel: z.string().nullable(),
      ceremony: z.enum(['this', 'other', 'unknown']),
      inHand: z.boolean(),
      bytes: z.number(),
    }),
  ),
  problems: list(z.object({ file: z.string(), code: z.string(), message: z.string() })),
});

const ClearResponseSchema = z.object({ cleared: z.literal(true), buffers: z.number() });

export const recoveryContract = {
  'recovery:start': channel(StartRequestSchema, StatusSchema),
  'recovery:add-shard': channel(AddShardRequestSchema, AddShardResponseSchema),
  'recovery:drive-shards': channel(DriveShardsRequestSchema, DriveShardsResponseSchema),
  'recovery:status': channel(NoRequest, StatusSchema),
  'recovery:finish': channel(FinishRequestSchema, FinishResponseSchema),
  /** Stops a finish's key stretching at once (it answers KDF_CANCELLED); the shards stay in hand. */
  'recovery:cancel-finish': channel(NoRequest, z.object({ cancelled: z.boolean(), message: z.string() })),
  'recovery:export': channel(ExportRequestSchema, ExportResponseSchema),
  'recovery:clear': channel(NoRequest, ClearResponseSchema),
} as const;
