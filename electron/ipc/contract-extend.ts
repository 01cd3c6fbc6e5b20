/**
 * The SLIP-39 extension channels (electron/services/extend), shaped as the refresh/repair channels so one screen
 * drives both. Shares go towards main only (the recovery screens' inputs); no answer carries a share, except
 * `extend:handoff`, which shows one new custodian their share, by design as `lifecycle:handoff` does.
 */
import { z } from 'zod';
import { MAX_TRANSCRIPT_BYTES } from '../../core/transcript';
import { AddShardRequestSchema } from './contract-recovery';
import { lifecycleContract, LifecycleStatusSchema } from './contract-lifecycle';
import { Id, NoRequest, boundedList, channel, list } from './contract-kit';

const ExtendStatusSchema = LifecycleStatusSchema.extend({ kind: z.literal('extend').nullable() });

const StartRequestSchema = z.strictObject({
  label: z.string().min(1).max(200),
  sourceTranscript: z.string().min(2).max(MAX_TRANSCRIPT_BYTES),
  /** Typed from the paper record: hex or its words (core/recovery-trust checks it). */
  finalHash: z.string().max(300).regex(/^[0-9a-zA-Z\s:\-_.,;·]*$/).optional(),
  /** 1-based, as a SLIP-39 group is named to people. */
  group: z.number().int().min(1).max(16),
  /** number: the new custodian's member number, 1-based. */
  custodians: boundedList(z.strictObject({ id: Id, name: z.string().min(1).max(64), number: z.number().int().min(1).max(16) }), 16).refine((a) => a.length > 0),
  witnessIds: boundedList(Id, 32).optional(),
  /** Earlier extensions of the same key ceremony (sealed transcripts' text, each with its typed final hash). */
  earlierExtensions: boundedList(z.strictObject({ transcriptText: z.string().min(2).max(MAX_TRANSCRIPT_BYTES), finalHash: z.string().max(300).regex(/^[0-9a-zA-Z\s:\-_.,;·]*$/).optional() }), 16).optional(),
});

const HandoffViewSchema = z.object({
  custodianId: z.string(),
  custodianName: z.string(),
  number: z.number(),
  envelopeText: z.string(),
  paperText: z.string(),
  qrFrames: list(z.string()),
  status: ExtendStatusSchema,
});

// The requests the refresh/repair channels take, reused: the same screen sends them.
const L = lifecycleContract;

export const extendContract = {
  'extend:status': channel(NoRequest, ExtendStatusSchema),
  'extend:load-witness-key': lifecycleContract['lifecycle:load-witness-key'],
  'extend:start': channel(StartRequestSchema, ExtendStatusSchema),
  'extend:check-airgap': channel(NoRequest, ExtendStatusSchema),
  'extend:add-share': channel(z.strictObject({ input: AddShardRequestSchema, custodianId: Id.optional() }), ExtendStatusSchema),
  'extend:make': channel(NoRequest, ExtendStatusSchema),
  'extend:handoff': channel(L['lifecycle:handoff'].request, HandoffViewSchema),
  'extend:confirm': channel(L['lifecycle:confirm'].request, ExtendStatusSchema),
  'extend:destroy': channel(NoRequest, ExtendStatusSchema.extend({ wiped: z.number() })),
  'extend:seal': channel(NoRequest, ExtendStatusSchema),
  'extend:sign-off': channel(L['lifecycle:sign-off'].request, ExtendStatusSchema),
  'extend:abort': channel(L['lifecycle:abort'].request, ExtendStatusSchema),
  'extend:close': channel(NoRequest, ExtendStatusSchema),
} as const;
