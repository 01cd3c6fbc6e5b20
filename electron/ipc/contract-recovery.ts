/**
 * The recovery channels (electron/services/recovery). Shards cross the bridge one at a time, towards main only; no
 * response carries a share, a word or the secret, except `recovery:export` with `{ kind: 'display', reveal: true }`,
 * which the person asks for explicitly.
 *
 * Animated QR codes are assembled in the renderer (core/qr's assembler is pure; the scanner shows its progress) and
 * the complete shard text is sent as `{ text }`. A complete set of UR parts from elsewhere (a pasted list) can be sent
 * as `{ urParts }` and is assembled here.
 */
import { z } from 'zod';
import { DetailsSchema, FingerprintSchema, Hex64, NoRequest, PathText, boundedList, channel, list } from './contract-kit';

/** Transcripts grow by a few hundred bytes a step; 8 MB is far beyond any ceremony. */
export const MAX_TRANSCRIPT_CHARS = 8_000_000;
/** A protected shard file (armored age / OpenPGP of a few hundred characters of shard text). */
const MAX_FILE_CHARS = 1_000_000;

const SecretKind = z.enum(['seed', 'ed25519', 'secp256k1', 'p256']);
const Scheme = z.enum(['slip39', 'vss']);

// ---------------------------------------------------------------------------------------------------------------
// Requests

const StartRequestSchema = z
  .strictObject({
    expectedFingerprint: Hex64.optional(),
    transcriptText: z.string().min(1).max(MAX_TRANSCRIPT_CHARS).optional(),
    secretKind: SecretKind.optional(),
  })
  .optional();

const OpeningKeySchema = z.union([
  z.strictObject({ kind: z.literal('age'), identity: z.string().min(1).max(10_000) }),
  z.strictObject({ kind: z.literal('openpgp'), privateKeyArmored: z.string().min(1).max(200_000), passphrase: z.string().max(1000).optional() }),
]);

export const AddShardRequestSchema = z.union([
  /** A shard text (KS1...), one complete UR:BYTES code, or SLIP-39 words. */
  z.strictObject({ text: z.string().min(1).max(20_000) }),
  /** Every part of an animated QR code. */
  z.strictObject({ urParts: boundedList(z.string().min(1).max(8000), 512).refine((a) => a.length > 0) }),
  /** A protected shard file's content and the custodian's key. */
  z.strictObject({
    file: z.union([z.strictObject({ text: z.string().min(1).max(MAX_FILE_CHARS) }), z.strictObject({ base64: z.string().min(1).max(MAX_FILE_CHARS) })]),
    openingKey: OpeningKeySchema,
  }),
]);

const FinishRequestSchema = z.strictObject({ passphrase: z.string().max(1000).optional() }).optional();

const ExportRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('display'), reveal: z.literal(true) }),
  z.strictObject({
    kind: z.literal('encrypted-file'),
    path: PathText,
    recipient: z.union([
      z.strictObject({ kind: z.literal('age'), recipient: z.string().min(1).max(200) }),
      z.strictObject({ kind: z.literal('openpgp'), publicKeyArmored: z.string().min(1).max(200_000) }),
    ]),
  }),
]);

// ---------------------------------------------------------------------------------------------------------------
// Responses

const ShardFactsSchema = z.object({
  number: z.number(),
  source: z.enum(['envelope', 'qr', 'mnemonic', 'protected-file']),
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

const ExpectedSchema = z.object({ fingerprint: FingerprintSchema, source: z.enum(['given', 'transcript', 'shards']) }).nullable();

const IdentitySchema = z.object({
  kind: SecretKind,
  scheme: Scheme,
  fingerprint: FingerprintSchema,
  publicKey: z.string().optional(),
  xpub: z.string().optional(),
  masterFingerprint: z.string().optional(),
});

const FinishResponseSchema = z.object({
  verdict: z.enum(['match', 'mismatch', 'unchecked']),
  match: z.boolean(),
  expected: ExpectedSchema,
  recovered: IdentitySchema,
  shardsUsed: z.number(),
  exportable: z.boolean(),
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
});

/** SECRET for kind 'display': the recovered secret, shown because the person asked. */
const ExportResponseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('display'), secretHex: z.string(), secretKind: SecretKind, scheme: Scheme, fingerprint: FingerprintSchema }),
  z.object({ kind: z.literal('encrypted-file'), path: z.string(), bytes: z.number(), protection: z.enum(['age', 'openpgp']), fingerprint: FingerprintSchema }),
]);

const ClearResponseSchema = z.object({ cleared: z.literal(true), buffers: z.number() });

export const recoveryContract = {
  'recovery:start': channel(StartRequestSchema, StatusSchema),
  'recovery:add-shard': channel(AddShardRequestSchema, AddShardResponseSchema),
  'recovery:status': channel(NoRequest, StatusSchema),
  'recovery:finish': channel(FinishRequestSchema, FinishResponseSchema),
  'recovery:export': channel(ExportRequestSchema, ExportResponseSchema),
  'recovery:clear': channel(NoRequest, ClearResponseSchema),
} as const;
