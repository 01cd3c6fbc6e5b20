/**
 * The ceremony's channels: one per step of electron/services/ceremony (through the ceremony host, which gives each
 * ceremony its own folder). Responses list exactly what the screens may see. Nothing secret is in any of them except
 * `ceremony:handoff` / `ceremony:current-handoff`, whose `shards` carry the current custodian's shard for display, by
 * design (DESIGN.md: only the current custodian's shard crosses to the renderer, and it is dropped after confirmation).
 *
 * The plan in `ceremony:start` is passed through as a JSON value or text: core/policy's parsePlan is its authority
 * (strict keys, every rule, a problem list naming each field). Mirroring it here would duplicate the rules and give
 * worse messages (zod names a path and an issue code; parsePlan says what to fix). The schema only bounds its size.
 */
import { z } from 'zod';
import { CEREMONY_STEPS } from '../../core/ceremony';
import { LANGUAGES } from '../../core/language';
import { MAX_EXCEPTION_REASON } from '../../core/ceremony-kinds/exceptions';
import { MAX_WRITTEN_ENVELOPE_BYTES } from '../../core/envelope';
import { FingerprintSchema, Id, NoRequest, PathText, ShortText, boundedList, channel, list } from './contract-kit';

/** A plan as text (at most this many characters) or as a JSON value of at most this size once serialized. */
export const MAX_PLAN_CHARS = 1_000_000;

/** A JSON object (a CeremonyPlan, or anything parsePlan will judge), no bigger than MAX_PLAN_CHARS serialized. */
const PlanObject = z.custom<object>((v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  try {
    return (JSON.stringify(v)?.length ?? Infinity) <= MAX_PLAN_CHARS;
  } catch {
    return false; // cycles, BigInt: not JSON
  }
});

export const PlanInputSchema = z.union([z.string().min(2).max(MAX_PLAN_CHARS), PlanObject]);

const METHODS = ['scan-qr', 'type-back', 'read-back-usb', 'read-back-pkcs11'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Requests

/**
 * A token PIN, typed by its holder on the PIN entry screen for one request. Bounded; never echoed: not in any response,
 * error or log (a schema failure names the field and the issue code only, see handlers.ts describeIssues).
 */
export const Pin = z.string().min(4).max(64);

/** A token by its label (CK_TOKEN_INFO: 32 bytes) and/or serial (16 characters). */
const TokenFields = { label: z.string().min(1).max(32).optional(), serial: z.string().min(1).max(16).optional() };
const TokenChoiceSchema = z.strictObject(TokenFields).refine((t) => t.label !== undefined || t.serial !== undefined, 'name the token by label or serial');
const TokenAssignmentSchema = z
  .strictObject({ custodianId: Id, ...TokenFields })
  .refine((t) => t.label !== undefined || t.serial !== undefined, 'name the token by label or serial');

export const StartRequestSchema = z.strictObject({
  plan: PlanInputSchema,
  // No `signOffs`: which checkpoints need a witness comes from main's defaults, never from the page (strict: refused).
  // No `witnessKeys` either: the keys pinned in the plan entry are those main read itself from the witnesses' key files
  // and tokens (ceremony:load-witness-key / load-witness-token). A page naming keys would choose which keys a sign-off
  // is checked against, and put a key of its choosing in the record the team copies to paper (review).
  /** Which token each pkcs11 custodian uses when the plan does not say (or to pin a serial); checked before start. */
  tokens: boundedList(TokenAssignmentSchema, 256).optional(),
  /** A token whose random generator entropy with `useHsm` mixes in; checked before start. */
  entropyToken: TokenChoiceSchema.optional(),
  /**
   * The folder for this ceremony's transcript: one directly inside main's ceremonies folder, or one the person picked in
   * main's dialog (ceremony:choose-folder); anything else is FOLDER_REFUSED. Default: a new folder under the app's data.
   */
  dir: PathText.optional(),
  /** The language the screens and paper are in (the start screen's choice), recorded in the plan entry. */
  language: z.enum(LANGUAGES).optional(),
});

const EntropyFields = {
  /** Dice rolls typed by a witness (digits 1-6, spaces allowed). Never echoed. */
  diceRolls: z.string().max(10_000).optional(),
  useHsm: z.boolean().optional(),
  /** With useHsm: the token to draw from (default: the start request's entropyToken) and its PIN. */
  hsmToken: z.strictObject({ ...TokenFields, pin: Pin.optional() }).optional(),
};

const EntropyRequestSchema = z.strictObject(EntropyFields).optional();

/** The secret in hex, or a BIP-39 wallet's mnemonic word by word (12 to 24 fields); never both. */
const ImportRequestSchema = z
  .strictObject({ ...EntropyFields, secretHex: z.string().min(1).max(200).optional(), bip39Words: z.array(z.string().max(32)).min(12).max(24).optional() })
  .refine((r) => (r.secretHex === undefined) !== (r.bip39Words === undefined), { message: 'give secretHex or bip39Words' });

const AirGapRequestSchema = z
  .strictObject({
    // The witness who overrides signs the exception it records: their act (passphrase or PIN) for this one signature.
    override: z.strictObject({ witnessId: Id, reason: z.string().min(1).max(MAX_EXCEPTION_REASON), passphrase: z.string().min(1).max(1024).optional(), pin: Pin.optional() }).optional(),
    osImageHash: z.string().min(1).max(200).optional() })
  .optional();

const HandoffRequestSchema = z.strictObject({
  custodianId: Id,
  /** For a USB custodian: the drive (folder) their protected file is written to. */
  drive: z.strictObject({ mountPoint: PathText, label: z.string().max(256).nullable().optional() }).optional(),
  /** For a pkcs11 custodian: their token PIN (the shard is stored on the token and read back). */
  pin: Pin.optional(),
  /** The serial of the tamper-evident bag, as typed (main normalises and bounds it again). */
  bagSerial: z.string().min(1).max(64).optional(),
});

/**
 * Bytes of a shard crossing the IPC boundary (issue 16.3: main makes no string of a shard). A Uint8Array of at most
 * `max` bytes, at least one; main wipes every byte array a request brought once the call is over (handlers.ts).
 */
const AnyBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'bytes (a Uint8Array)' });
const Bytes = (max: number) => AnyBytes.refine((b) => b.length >= 1 && b.length <= max, { message: `between 1 and ${max} bytes` });

/**
 * What a custodian gives back for one shard, as bytes the window made (core/shard-display.ts givenBackBytes): typed
 * words (ASCII, single spaces), a typed shard text's characters, or the envelope the scanned QR codes assembled to.
 */
export const ShardResponseSchema = z.union([
  z.strictObject({ words: Bytes(2000) }),
  z.strictObject({ text: Bytes(10_000) }),
  z.strictObject({ envelope: Bytes(MAX_WRITTEN_ENVELOPE_BYTES) }),
]);

/** Shards one custodian may hold (SLIP-39 allows several shares per custodian). */
const MAX_SHARDS_PER_CUSTODIAN = 64;
const MAX_CUSTODIANS = 256;

const ConfirmRequestSchema = z.strictObject({
  custodianId: Id,
  method: z.enum(METHODS),
  responses: boundedList(ShardResponseSchema, MAX_SHARDS_PER_CUSTODIAN).optional(),
  /** read-back-pkcs11: the custodian's token PIN. */
  pin: Pin.optional(),
});

const TestRecoveryRequestSchema = z
  .strictObject({
    responses: boundedList(z.strictObject({ custodianId: Id, shards: boundedList(ShardResponseSchema, MAX_SHARDS_PER_CUSTODIAN) }), MAX_CUSTODIANS).optional(),
    /** pkcs11 custodians whose shards are read back from their tokens, each with their PIN. */
    tokens: boundedList(z.strictObject({ custodianId: Id, pin: Pin.optional() }), MAX_CUSTODIANS).optional(),
    custodianIds: boundedList(Id, MAX_CUSTODIANS).optional(),
  })
  .optional();

const CheckDevicesRequestSchema = z.strictObject({
  plan: PlanInputSchema,
  tokens: boundedList(TokenAssignmentSchema, 256).optional(),
  entropyToken: TokenChoiceSchema.optional(),
});

const LoadWitnessTokenRequestSchema = z.strictObject({
  witnessId: Id,
  token: TokenChoiceSchema,
  /** Label of the witness's ECDSA P-256 key pair on the token. */
  keyLabel: z.string().min(1).max(256),
  pin: Pin,
});

/**
 * One witness's sign-off, with their own act each time: the checkpoint's fingerprint as they typed it (checked in
 * main against status.signOff.confirm), and their key file's passphrase or their token's PIN for this one signature.
 * Never echoed: not in any response, error or log.
 */
const SignOffRequestSchema = z.strictObject({
  witnessId: Id,
  fingerprint: z.string().min(1).max(200),
  passphrase: z.string().min(1).max(1024).optional(),
  pin: Pin.optional(),
});
const LoadWitnessKeyRequestSchema = z.strictObject({ path: PathText, witnessId: Id.optional() });
/**
 * Destroy only with the confirmation the Destroy screen asks for (the person ticked that they understand the secret and
 * every shard in memory will be gone, leaving only the custodians' shards): a page cannot skip it.
 */
const DestroyRequestSchema = z.strictObject({ confirmed: z.literal(true) });

/**
 * The exception for the deviation main noted (status.exceptionNeeded): the reason as typed, and the signing witness's
 * act for this one signature (never echoed). The page names no deviation or step: main noted them when it happened.
 */
const ExceptionRequestSchema = z.strictObject({
  reason: z.string().min(1).max(MAX_EXCEPTION_REASON),
  witnessId: Id.optional(),
  passphrase: z.string().min(1).max(1024).optional(),
  pin: Pin.optional(),
  // Only for the abort's exception, when no witness signs it (main refuses it anywhere else).
  unsigned: z.literal(true).optional(),
});
/** A custodian absent at their handoff: who, the reason as typed, and the signing witness's act (never echoed). */
const AbsentRequestSchema = z.strictObject({
  custodianId: Id,
  reason: z.string().min(1).max(MAX_EXCEPTION_REASON),
  witnessId: Id.optional(),
  passphrase: z.string().min(1).max(1024).optional(),
  pin: Pin.optional(),
});
const AbortRequestSchema = z.strictObject({ reason: ShortText, witnessId: Id.optional() });
const ResumeRequestSchema = z.strictObject({ dir: PathText.optional() }).optional();

// ---------------------------------------------------------------------------------------------------------------
// Responses

export const CeremonyStatusSchema = z.object({
  phase: z.enum(['not-started', 'active', 'sealed', 'aborted', 'secret-lost', 'secret-lost-after-handoff']),
  message: z.string(),
  ceremonyId: z.string().nullable(),
  label: z.string().nullable(),
  scheme: z.enum(['slip39', 'vss']).nullable(),
  lastStep: z.enum(CEREMONY_STEPS).nullable(),
  next: list(
    z.object({
      step: z.string(),
      custodianId: z.string().optional(),
      checkpoint: z.string().optional(),
      witnessIds: list(z.string()).optional(),
      hint: z.string(),
    }),
  ),
  fingerprint: FingerprintSchema.nullable(),
  airgap: z.enum(['passed', 'overridden', 'failed']).nullable(),
  handedOff: list(z.string()),
  confirmed: list(z.string()),
  awaitingConfirmation: z.string().nullable(),
  signOff: z
    .object({
      checkpoint: z.string(),
      custodianId: z.string().nullable(),
      eligible: list(z.string()),
      required: z.number(),
      signedBy: list(z.string()),
      /** What each witness types back to sign (the fingerprint read aloud at this checkpoint). */
      confirm: z.object({ kind: z.enum(['key-fingerprint', 'checkpoint-hash']), display: z.string() }),
    })
    .nullable(),
  exceptionNeeded: z
    .object({ stepId: z.string(), custodianId: z.string().nullable(), deviation: z.string(), number: z.string(), what: z.string() })
    .nullable()
    .optional(),
  absent: list(z.string()).optional(),
  custodiansHoldingShards: list(z.string()),
  /** `absentSeq`: the exception entry that recorded the custodian absent at their receipt (the ceremony went on without it). */
  receipts: list(z.object({ custodianId: z.string(), bagSerial: z.string().nullable(), received: z.boolean(), absentSeq: z.number().optional() })),
  turnsDone: list(z.object({ stepId: z.string(), custodianIds: list(z.string()) })),
  lastStepFailed: z.boolean(),
  entropyNeeded: list(z.string()).nullable(),
  transcript: z.object({ path: z.string(), entries: z.number(), headHash: z.string().nullable() }),
  /** pkcs11 custodians' tokens (public: label and serial), when the plan has any. */
  tokens: list(z.object({ custodianId: z.string(), tokenLabel: z.string(), tokenSerial: z.string() })).optional(),
  /** The token the entropy step draws random bytes from, checked at start (public: label and serial), when one was chosen. */
  entropyToken: z.object({ tokenLabel: z.string(), tokenSerial: z.string() }).optional(),
});

const AirGapResponseSchema = z.object({
  passed: z.boolean(),
  overridden: z.boolean(),
  interfacesUp: list(z.string()),
  problems: list(z.string()),
  osImageHash: z.string().optional(),
  status: CeremonyStatusSchema,
});

const EntropyResponseSchema = z.object({
  sources: list(z.string()),
  diceRolls: z.number(),
  diceBits: z.number(),
  status: CeremonyStatusSchema,
});

const SecretResponseSchema = z.object({
  fingerprint: FingerprintSchema,
  publicKey: z.string().optional(),
  xpub: z.string().optional(),
  masterFingerprint: z.string().optional(),
  status: CeremonyStatusSchema,
});

const SplitResponseSchema = z.object({
  fingerprint: FingerprintSchema,
  shardCount: z.number(),
  identifier: z.number().optional(),
  commitments: list(z.string()).optional(),
  custodians: list(z.object({ custodianId: z.string(), shards: z.number() })),
  status: CeremonyStatusSchema,
});

/**
 * SECRET: one shard of the current custodian, as its envelope bytes: the window makes the words, text and QR frames
 * (core/shard-display.ts), with main's QR options so the codes are the ones main would make.
 */
const ShardViewSchema = z.object({
  index: z.number(),
  share: z.union([z.object({ group: z.number(), member: z.number() }), z.object({ signer: z.number() })]),
  envelope: AnyBytes,
  qrOptions: z.object({
    errorCorrectionLevel: z.enum(['L', 'M', 'Q', 'H']).optional(),
    maxSingleVersion: z.number().optional(),
    fragmentLength: z.number().optional(),
  }),
});

export const HandoffViewSchema = z.object({
  custodianId: z.string(),
  custodianName: z.string(),
  medium: z.string(),
  protection: z.string(),
  fingerprint: FingerprintSchema,
  confirmWith: list(z.enum(METHODS)),
  shards: list(ShardViewSchema),
  files: list(z.object({ index: z.number(), location: z.string(), fileName: z.string(), protection: z.string(), bytes: z.number() })),
  token: z
    .object({ tokenLabel: z.string(), tokenSerial: z.string(), objectLabel: z.string(), method: z.string(), bytes: z.number(), alreadyStored: z.boolean() })
    .optional(),
  bagSerial: z.string().optional(),
  status: CeremonyStatusSchema,
});

const ConfirmResponseSchema = z.object({
  custodianId: z.string(),
  method: z.enum(METHODS),
  /** What it shows: the custodian holds their shard (their own act), or only that the write is good (a USB read-back). */
  proves: z.enum(['possession', 'write']),
  verifyingShare: z.string().optional(),
  status: CeremonyStatusSchema,
});

const TestRecoveryResponseSchema = z.object({
  custodianIds: list(z.string()),
  fingerprintMatch: z.boolean(),
  /** 'keyshard-copies': only the split was tested, not what the custodians hold. */
  shardsFrom: z.enum(['custodians', 'keyshard-copies']),
  recovered: FingerprintSchema,
  expected: FingerprintSchema,
  status: CeremonyStatusSchema,
});

const DestroyResponseSchema = z.object({ items: list(z.string()), buffers: z.number(), status: CeremonyStatusSchema });
const SealResponseSchema = z.object({ sealed: z.boolean(), headHash: z.string(), status: CeremonyStatusSchema });

const SignOffResponseSchema = z.object({
  witnessId: z.string(),
  checkpoint: z.string(),
  custodianId: z.string().nullable(),
  targetSeq: z.number(),
  signoffSeq: z.number(),
  sealed: z.boolean(),
  headHash: z.string(),
  status: CeremonyStatusSchema,
});

const CapabilityIdSchema = z.enum(['random', 'ec-p256-keygen', 'ecdh-derive', 'aes-gcm', 'ecdsa', 'data-objects']);
const ProblemSchema = z.object({ code: z.string(), message: z.string() });

const TokenCheckSchema = z.object({
  role: z.enum(['custodian', 'entropy']),
  custodianId: z.string().optional(),
  custodianName: z.string().optional(),
  wanted: z.object({ label: z.string().optional(), serial: z.string().optional() }),
  present: z.boolean(),
  tokenLabel: z.string().nullable(),
  tokenSerial: z.string().nullable(),
  model: z.string().nullable(),
  manufacturer: z.string().nullable(),
  needs: list(CapabilityIdSchema),
  missing: list(CapabilityIdSchema),
  pinLocked: z.boolean(),
  pinFinalTry: z.boolean(),
  problem: ProblemSchema.optional(),
});

const CheckDevicesResponseSchema = z.object({
  ok: z.boolean(),
  tokens: list(TokenCheckSchema),
  entropyToken: TokenCheckSchema.nullable(),
  problems: list(z.object({ code: z.string(), message: z.string(), custodianId: z.string().optional() })),
});

/** A loaded witness key: public facts, and what a sign-off will ask the witness for (passphrase or token PIN). */
const WitnessKeySchema = z.object({
  id: z.string(),
  algorithm: z.enum(['ed25519', 'ecdsa-p256']),
  publicKey: z.string(),
  unlock: z.enum(['passphrase', 'pin', 'none']),
  tokenLabel: z.string().optional(),
});

const SavedCeremonySchema = z.object({
  dir: z.string(),
  ceremonyId: z.string().nullable(),
  label: z.string().nullable(),
  entries: z.number(),
  lastStep: z.string().nullable(),
  lastAt: z.string().nullable(),
  state: z.enum(['open', 'sealed', 'aborted', 'unreadable']),
});

/**
 * The current (or last) ceremony's public record as keyshard saved it: the transcript file's text, the head hash the
 * ceremony service holds in memory (the window checks the text against it), and the plan file the ceremony runs under.
 * Both files are public by design (core/transcript refuses secret-looking fields; a plan holds names and public keys).
 */
const CeremonyTranscriptSchema = z.object({
  path: z.string(),
  text: z.string(),
  headHash: z.string().nullable(),
  entries: z.number(),
  /** plan.json next to the transcript; null when it is not there. */
  plan: z.object({ path: z.string(), text: z.string() }).nullable(),
});

export const ceremonyContract = {
  'ceremony:list-saved': channel(NoRequest, list(SavedCeremonySchema)),
  /** Main's own folder dialog: the folder picked (start and resume then accept it), or null when cancelled. */
  'ceremony:choose-folder': channel(NoRequest, z.object({ dir: z.string() }).nullable()),
  'ceremony:check-devices': channel(CheckDevicesRequestSchema, CheckDevicesResponseSchema),
  'ceremony:start': channel(StartRequestSchema, CeremonyStatusSchema),
  'ceremony:status': channel(NoRequest, CeremonyStatusSchema),
  /** Null before any ceremony has written its transcript. */
  'ceremony:transcript': channel(NoRequest, CeremonyTranscriptSchema.nullable()),
  'ceremony:check-airgap': channel(AirGapRequestSchema, AirGapResponseSchema),
  'ceremony:gather-entropy': channel(EntropyRequestSchema, EntropyResponseSchema),
  'ceremony:generate': channel(EntropyRequestSchema, SecretResponseSchema),
  'ceremony:import-secret': channel(ImportRequestSchema, SecretResponseSchema),
  'ceremony:split': channel(NoRequest, SplitResponseSchema),
  'ceremony:handoff': channel(HandoffRequestSchema, HandoffViewSchema),
  'ceremony:current-handoff': channel(NoRequest, HandoffViewSchema.nullable()),
  'ceremony:confirm': channel(ConfirmRequestSchema, ConfirmResponseSchema),
  'ceremony:receipt': channel(z.strictObject({ custodianId: Id, bagSerial: z.string().min(1).max(64).optional() }), CeremonyStatusSchema),
  /** Asked before each print of the shown paper backup: a second print waits for a step-repeated exception. */
  'ceremony:print-paper': channel(z.strictObject({ custodianId: Id }), CeremonyStatusSchema),
  'ceremony:test-recovery': channel(TestRecoveryRequestSchema, TestRecoveryResponseSchema),
  'ceremony:destroy': channel(DestroyRequestSchema, DestroyResponseSchema),
  'ceremony:seal': channel(NoRequest, SealResponseSchema),
  'ceremony:sign-off': channel(SignOffRequestSchema, SignOffResponseSchema),
  'ceremony:load-witness-key': channel(LoadWitnessKeyRequestSchema, WitnessKeySchema),
  'ceremony:load-witness-token': channel(LoadWitnessTokenRequestSchema, WitnessKeySchema),
  /** The witness keys main holds now (public keys; key files and token logins), e.g. for a reloaded window. */
  'ceremony:witness-keys': channel(NoRequest, list(WitnessKeySchema)),
  'ceremony:abort': channel(AbortRequestSchema, CeremonyStatusSchema),
  'ceremony:record-exception': channel(ExceptionRequestSchema, CeremonyStatusSchema),
  'ceremony:mark-absent': channel(AbsentRequestSchema, CeremonyStatusSchema),
  'ceremony:resume': channel(ResumeRequestSchema, CeremonyStatusSchema),
} as const;
