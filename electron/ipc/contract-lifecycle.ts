/**
 * The refresh and repair channels (electron/services/lifecycle). Shards go towards main only (the recovery screens'
 * inputs); no answer carries a share, except `lifecycle:handoff`, which shows one custodian their new share, by design
 * as `ceremony:handoff` does. The source transcript crosses as text, capped as transcript:verify caps it.
 */
import { z } from 'zod';
import { MAX_TRANSCRIPT_BYTES } from '../../core/transcript';
import { AddShardRequestSchema } from './contract-recovery';
import { FingerprintSchema, Id, NoRequest, PathText, ShortText, boundedList, channel, list } from './contract-kit';

const Kind = z.enum(['refresh', 'repair']);
const Ciphersuite = z.enum(['ed25519', 'secp256k1', 'p256']);
const Custodian = z.strictObject({ id: Id, name: z.string().min(1).max(64), number: z.number().int().min(1).max(255) });

const StartRequestSchema = z.strictObject({
  kind: Kind,
  label: z.string().min(1).max(200),
  sourceTranscript: z.string().min(2).max(MAX_TRANSCRIPT_BYTES),
  /** Typed from the paper record: hex or its words (core/recovery-trust checks it). */
  finalHash: z.string().max(300).regex(/^[0-9a-zA-Z\s:\-_.,;·]*$/).optional(),
  ciphersuite: Ciphersuite,
  custodians: boundedList(Custodian, 255).refine((a) => a.length > 0),
  reshare: z.boolean().optional(),
  newThreshold: z.number().int().min(2).max(255).optional(),
  witnessIds: boundedList(Id, 32).optional(),
});

const AddShareRequestSchema = z.strictObject({ input: AddShardRequestSchema, custodianId: Id.optional() });
const CustodianRequestSchema = z.strictObject({ custodianId: Id });
const ConfirmRequestSchema = z.strictObject({
  custodianId: Id,
  method: z.enum(['type-back', 'scan-qr']),
  response: z.union([z.strictObject({ text: z.string().min(1).max(20_000) }), z.strictObject({ urParts: boundedList(z.string().min(1).max(8000), 512).refine((a) => a.length > 0) })]),
});
const SignOffRequestSchema = z.strictObject({ witnessId: Id, passphrase: z.string().min(1).max(1024).optional(), pin: z.string().min(4).max(64).optional() });
const LoadWitnessKeyRequestSchema = z.strictObject({ path: PathText, witnessId: Id.optional() });
const AbortRequestSchema = z.strictObject({ reason: ShortText });

export const LifecycleStatusSchema = z.object({
  active: z.boolean(),
  kind: Kind.nullable(),
  status: z.enum(['active', 'sealed', 'aborted']).nullable(),
  ceremonyId: z.string().nullable(),
  label: z.string().nullable(),
  next: list(z.string()),
  pendingSignOff: z.object({ checkpoint: z.string(), seq: z.number() }).nullable(),
  witnessIds: list(z.string()),
  groupFingerprint: FingerprintSchema.nullable(),
  threshold: z.number().nullable(),
  custodians: list(z.object({ id: z.string(), name: z.string(), number: z.number(), handedOver: z.boolean(), confirmed: z.boolean() })),
  quorum: list(z.number()),
  quorumNeeded: z.number().nullable(),
  entries: z.number(),
  headHash: z.string().nullable(),
  transcriptPath: z.string(),
});

const WitnessKeySchema = z.object({ id: z.string(), algorithm: z.enum(['ed25519', 'ecdsa-p256']), publicKey: z.string(), unlock: z.enum(['passphrase', 'pin', 'none']) });

const HandoffViewSchema = z.object({
  custodianId: z.string(),
  custodianName: z.string(),
  number: z.number(),
  envelopeText: z.string(),
  paperText: z.string(),
  qrFrames: list(z.string()),
  status: LifecycleStatusSchema,
});

export const lifecycleContract = {
  'lifecycle:status': channel(NoRequest, LifecycleStatusSchema),
  'lifecycle:load-witness-key': channel(LoadWitnessKeyRequestSchema, WitnessKeySchema),
  'lifecycle:start': channel(StartRequestSchema, LifecycleStatusSchema),
  'lifecycle:check-airgap': channel(NoRequest, LifecycleStatusSchema),
  'lifecycle:add-share': channel(AddShareRequestSchema, LifecycleStatusSchema.extend({ verifyingShare: z.string() })),
  'lifecycle:make': channel(NoRequest, LifecycleStatusSchema),
  'lifecycle:handoff': channel(CustodianRequestSchema, HandoffViewSchema),
  'lifecycle:confirm': channel(ConfirmRequestSchema, LifecycleStatusSchema),
  'lifecycle:destroy': channel(NoRequest, LifecycleStatusSchema.extend({ wiped: z.number() })),
  'lifecycle:seal': channel(NoRequest, LifecycleStatusSchema),
  'lifecycle:sign-off': channel(SignOffRequestSchema, LifecycleStatusSchema),
  'lifecycle:abort': channel(AbortRequestSchema, LifecycleStatusSchema),
  'lifecycle:close': channel(NoRequest, LifecycleStatusSchema),
} as const;
