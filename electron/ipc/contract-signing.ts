/**
 * The threshold-signing channels (electron/services/signing) and the custody check (electron/services/custody).
 * signing:* is the coordinator's laptop, signer:* a signer's laptop; they exchange only QR codes, which the screens
 * scan (or a person types) and send here as their UR texts, bounded as every scanned code is (core/qr/limits). No
 * answer carries a share, a nonce or a signature share's value: commitments, requests and signature shares are
 * public and cross as QR texts. A shard crosses towards main only (signer:load-shard, custody:check,
 * custody:drill-add-shard), or main reads it off a custodian's USB stick or token (the same channels, and
 * custody:read-shard, which answers only whose it says it is); the drill answers key and shard fingerprints, never the key.
 */
import { z } from 'zod';
import { MAX_MIXED_PARTS_PER_REQUEST, MAX_QR_TEXTS_PER_REQUEST, qrTextsWithinRequestBounds } from '../../core/qr/limits';
import { MAX_SIGNING_MESSAGE_BYTES } from '../../core/vss/sign-messages';
import { NoRequest, PathText, ShortText, boundedList, channel, list } from './contract-kit';
import { DeviceShardRequestSchema, MAX_TRANSCRIPT_CHARS } from './contract-recovery';

/** Every part of a scanned code (one for a single code), bounded before anything is assembled. */
const UrParts = boundedList(z.string().min(1).max(16_000), MAX_QR_TEXTS_PER_REQUEST)
  .refine((a) => a.length > 0)
  .refine(qrTextsWithinRequestBounds, { message: `At most ${MAX_MIXED_PARTS_PER_REQUEST} mixed QR code parts in one request.` });

const Scanned = z.strictObject({ urParts: UrParts });

/** A final hash typed from paper: hex with the separators people type, or its words (main parses it). */
const TypedHash = z.string().min(1).max(200).regex(/^(?:[0-9a-fA-F\s:\-_.]+|[a-zA-Z\s\-_.,;·]+)$/);

/** A shard typed from paper (its KS1 text) or scanned (its UR parts). */
const ShardInputSchema = z.union([z.strictObject({ text: z.string().min(1).max(20_000) }), Scanned]);
/** Typed, scanned, or read by main off the custodian's USB stick or token (a listed drive's file, or token and PIN). */
const ShardOrDeviceSchema = z.union([ShardInputSchema, DeviceShardRequestSchema]);
/** The shard main read off a device for this check (custody:read-shard), as whose it says it is. */
const HeldShardSchema = z.object({ ceremonyId: z.string(), custodianIndex: z.number(), custodianLabel: z.string(), source: z.enum(['usb', 'token']) });

/**
 * A witness's own act: their encrypted key file (keyshard witness keygen) and its passphrase, for one signature. The
 * screens send the path chosen in main's own dialog (main reads the file with its guarded read); the file's text is
 * still taken from callers that hold it already (the IPC tests).
 */
// electron/services/witness/key-file's MAX_WITNESS_KEY_FILE_CHARS (not imported: this file stays free of Node code).
const KeyFileText = z.string().min(1).max(4096);
const Passphrase = z.string().min(1).max(1000);
const WitnessActSchema = z.union([z.strictObject({ keyFileText: KeyFileText, passphrase: Passphrase }), z.strictObject({ keyFilePath: PathText, passphrase: Passphrase })]);

/** Where main writes a transcript: a new file named in main's save dialog (never over an existing one: FILE_EXISTS). */
const SaveTranscriptSchema = z.strictObject({ path: PathText });
const SavedTranscriptSchema = z.object({ path: z.string(), name: z.string(), ceremonyId: z.string(), finalHash: z.string().nullable() });

const StartRequestSchema = z.strictObject({
  transcriptText: z.string().min(1).max(MAX_TRANSCRIPT_CHARS),
  finalHash: TypedHash.optional(),
  message: z.union([z.strictObject({ text: z.string().min(1).max(MAX_SIGNING_MESSAGE_BYTES) }), z.strictObject({ hex: z.string().regex(/^(?:[0-9a-fA-F]{2}){1,1024}$/) })]),
  label: ShortText.max(200).optional(),
  /** The witnesses' encrypted key files: main reads their ids and public keys (pinned in the plan); none: unwitnessed. */
  witnessKeyFiles: boundedList(KeyFileText, 8).optional(),
  /** The same, as paths chosen in main's own dialog: main reads each file. */
  witnessKeyPaths: boundedList(PathText, 8).optional(),
});

const CoordinatorStatusSchema = z.object({
  ceremonyId: z.string(),
  label: z.string(),
  step: z.enum(['commitments', 'request', 'shares', 'signature', 'sealed', 'aborted']),
  ciphersuite: z.enum(['ed25519', 'secp256k1']),
  threshold: z.number(),
  groupFingerprint: z.string(),
  keyCeremony: z.object({ ceremonyId: z.string(), finalHash: z.string() }),
  messageText: z.string().nullable(),
  messageHex: z.string(),
  messageHash: z.string(),
  committed: list(z.string()),
  answered: list(z.string()),
  requestQr: list(z.string()).nullable(),
  signature: z.string().nullable(),
  verifyingKey: z.string().nullable(),
  pendingSignOff: z.string().nullable(),
  witnessIds: list(z.string()),
  finalHash: z.string().nullable(),
});

const SignerStatusSchema = z.object({
  loaded: z.boolean(),
  label: z.string().nullable(),
  ceremonyId: z.string().nullable(),
  ciphersuite: z.enum(['ed25519', 'secp256k1']).nullable(),
  identifier: z.string().nullable(),
  groupFingerprint: z.string().nullable(),
  step: z.enum(['empty', 'ready', 'committed', 'request', 'signed']),
  commitmentQr: list(z.string()).nullable(),
  request: z.object({ messageText: z.string().nullable(), messageHex: z.string(), messageHash: z.string(), signers: z.number() }).nullable(),
  shareQr: list(z.string()).nullable(),
});

/** A share extension of the key ceremony (its sealed transcript's text) and the final hash typed from its paper record. */
const ExtensionInputSchema = z.strictObject({ transcriptText: z.string().min(1).max(MAX_TRANSCRIPT_CHARS), finalHash: TypedHash.optional() });
/** A backup is extended a few times in its life; 16 bounds the text main verifies per request. */
const ExtensionsSchema = z.array(ExtensionInputSchema).max(16);

const CustodyCheckRequestSchema = z.strictObject({
  transcriptText: z.string().min(1).max(MAX_TRANSCRIPT_CHARS),
  finalHash: TypedHash.optional(),
  /** held: the shard main read off the custodian's stick or token (custody:read-shard); the check wipes it. */
  shard: z.union([ShardInputSchema, z.strictObject({ held: z.literal(true) })]),
  witness: WitnessActSchema.optional(),
  extensions: ExtensionsSchema.optional(),
});

const CustodyCheckResponseSchema = z.object({
  ceremonyId: z.string(),
  custodianId: z.string(),
  label: z.string(),
  scheme: z.string(),
  shardFingerprint: z.string(),
  checkedAgainst: z.enum(['shard-fingerprint', 'commitments']),
  result: z.enum(['verified', 'unverified']),
  source: z.string(),
  keyCeremonyFinalHash: z.string(),
  signedBy: z.string().nullable(),
  transcriptText: z.string(),
  finalHash: z.string(),
  /** The extension that gave this member out (group and member 1-based), null for a key ceremony's custodian. */
  extension: z.object({ ceremonyId: z.string(), finalHash: z.string(), group: z.number(), member: z.number() }).nullable(),
});

const DrillStartSchema = z.strictObject({ transcriptText: z.string().min(1).max(MAX_TRANSCRIPT_CHARS), finalHash: TypedHash.optional(), extensions: ExtensionsSchema.optional() });

const DrillStatusSchema = z.object({
  ceremonyId: z.string(),
  keyCeremonyFinalHash: z.string(),
  scheme: z.string(),
  expectedFingerprint: z.string(),
  result: z.enum(['verified', 'unverified']),
  shards: list(z.object({ custodianId: z.string(), label: z.string(), shardFingerprint: z.string() })),
});

/** The SLIP-39 passphrase (if the ceremony set one) and the witness who signs the drill's result and seal (null: said
 * outright that none signs, so an empty request is refused like every request that is not all optional). */
const DrillRunSchema = z.strictObject({ passphrase: z.string().max(1000).optional(), witness: WitnessActSchema.nullable() });

const DrillOutcomeSchema = z.object({
  ceremonyId: z.string(),
  transcriptFinalHash: z.string(),
  scheme: z.string(),
  fingerprint: z.string(),
  expectedFingerprint: z.string(),
  result: z.enum(['verified', 'unverified']),
  custodians: list(z.string()),
  signedBy: z.string().nullable(),
  drillId: z.string(),
  transcriptText: z.string(),
  finalHash: z.string(),
});

export const signingContract = {
  'signing:start': channel(StartRequestSchema, CoordinatorStatusSchema),
  'signing:status': channel(NoRequest, CoordinatorStatusSchema.nullable()),
  'signing:add-commitment': channel(Scanned, CoordinatorStatusSchema),
  'signing:make-request': channel(NoRequest, CoordinatorStatusSchema),
  'signing:add-share': channel(Scanned, CoordinatorStatusSchema),
  'signing:aggregate': channel(NoRequest, CoordinatorStatusSchema),
  'signing:seal': channel(NoRequest, CoordinatorStatusSchema),
  'signing:sign-off': channel(WitnessActSchema, CoordinatorStatusSchema),
  'signing:abort': channel(z.strictObject({ reason: ShortText.max(500) }), CoordinatorStatusSchema),
  'signing:transcript': channel(NoRequest, z.object({ ceremonyId: z.string(), text: z.string() })),
  'signing:save-transcript': channel(SaveTranscriptSchema, SavedTranscriptSchema),
  'signer:load-shard': channel(ShardOrDeviceSchema, SignerStatusSchema),
  'signer:commit': channel(NoRequest, SignerStatusSchema),
  'signer:read-request': channel(Scanned, SignerStatusSchema),
  'signer:sign': channel(NoRequest, SignerStatusSchema),
  'signer:clear': channel(NoRequest, SignerStatusSchema),
  'signer:status': channel(NoRequest, SignerStatusSchema),
  'custody:read-shard': channel(DeviceShardRequestSchema, HeldShardSchema),
  'custody:clear-shard': channel(NoRequest, z.null()),
  'custody:check': channel(CustodyCheckRequestSchema, CustodyCheckResponseSchema),
  'custody:save-transcript': channel(SaveTranscriptSchema, SavedTranscriptSchema),
  'custody:drill-start': channel(DrillStartSchema, DrillStatusSchema),
  'custody:drill-add-shard': channel(ShardOrDeviceSchema, DrillStatusSchema),
  'custody:drill-run': channel(DrillRunSchema, DrillOutcomeSchema),
  'custody:drill-clear': channel(NoRequest, z.null()),
  'custody:drill-status': channel(NoRequest, DrillStatusSchema.nullable()),
} as const;

export const SIGNING_CHANNELS = Object.keys(signingContract) as (keyof typeof signingContract)[];
