/**
 * Pure helpers the screens may also run themselves (core is pure), offered in main too: verify a transcript, analyze a
 * plan. And the removable drives main can see (for a USB custodian's handoff).
 */
import { z } from 'zod';
import { PLAN_PROBLEM_CODES } from '../../core/policy';
import { PlanInputSchema } from './contract-ceremony';
import { NoRequest, channel, list } from './contract-kit';
import { MAX_TRANSCRIPT_CHARS } from './contract-recovery';

const TranscriptVerifyRequestSchema = z.strictObject({ text: z.string().min(1).max(MAX_TRANSCRIPT_CHARS) });

export const TranscriptSummarySchema = z.discriminatedUnion('valid', [
  z.object({
    valid: z.literal(true),
    ceremonyId: z.string(),
    headHash: z.string(),
    entries: z.number(),
    label: z.string().nullable(),
    scheme: z.string().nullable(),
    fingerprint: z.string().nullable(),
    sealed: z.boolean(),
    aborted: z.boolean(),
    witnessesPinned: z.boolean(),
    witnesses: list(z.object({ id: z.string(), algorithm: z.string(), publicKey: z.string() })),
    /**
     * The ceremony's steps: every entry but the witness signatures and the sign-off records written with them (those
     * are the signers of the step they attest), each with its name in plain words and the witnesses whose signature
     * over it holds. The same list the window makes for a file it checks itself (core/signed-steps.ts).
     */
    steps: list(z.object({ seq: z.number(), kind: z.string(), name: z.string(), at: z.string(), witnessIds: list(z.string()) })),
  }),
  z.object({
    valid: z.literal(false),
    code: z.string(),
    reason: z.string(),
    firstBadSeq: z.number().nullable(),
    ceremonyId: z.string().nullable(),
    entryCount: z.number().nullable(),
  }),
]);

const PlanAnalyzeRequestSchema = z.strictObject({ plan: PlanInputSchema });

const CoalitionAnalysisSchema = z.object({
  minimumSize: z.number().nullable(),
  minimumSizeRange: z.object({ atLeast: z.number(), atMost: z.number() }),
  coalitions: list(z.object({ custodianIds: list(z.string()), organisation: z.string().optional(), location: z.string().optional(), witnessIds: list(z.string()) })),
  truncated: z.boolean(),
  truncatedBy: z.enum(['limit', 'work']).nullable(),
  exposures: list(z.object({ kind: z.enum(['organisation', 'location', 'witness']), name: z.string(), custodianIds: list(z.string()) })),
  warnings: list(
    z.object({
      kind: z.string(),
      severity: z.enum(['critical', 'warning']),
      custodianIds: list(z.string()),
      organisation: z.string().optional(),
      location: z.string().optional(),
      witnessId: z.string().optional(),
      minimal: z.boolean(),
      message: z.string(),
    }),
  ),
  summary: z.string(),
  /** The summary's facts, for a screen to say it in its own language (core's SummaryFacts). */
  summaryFacts: z.object({
    minimumSize: z.number().nullable(),
    atLeast: z.number(),
    atMost: z.number(),
    count: z.number(),
    stop: z.enum(['limit', 'work']).nullable(),
    limit: z.number(),
    warnings: z.number(),
    critical: z.number(),
  }),
});

const PlanAnalysisSchema = z.object({
  valid: z.boolean(),
  /** Each problem with its stable code and data (core/policy/problems.ts), for a screen to say it in its own language. */
  problems: list(z.object({ field: z.string(), message: z.string(), code: z.enum(PLAN_PROBLEM_CODES), params: z.record(z.string(), z.union([z.string(), z.number()])) })),
  warnings: list(z.object({ kind: z.string(), field: z.string(), custodianId: z.string().optional(), message: z.string() })),
  coalitions: CoalitionAnalysisSchema.nullable(),
});

const DriveSchema = z.object({
  device: z.string(),
  label: z.string().nullable(),
  mountPoint: z.string(),
  sizeBytes: z.number().nullable(),
  freeBytes: z.number().nullable(),
  readOnly: z.boolean(),
  fsType: z.string().nullable(),
  transport: z.string().nullable(),
});

/**
 * What a file is chosen for in main's own dialog (dialog:choose-file): it sets the dialog's title and filters, and
 * whether it opens a file (a witness's key file, a PKCS#11 module, a ceremony's plan) or names a new one (where an export or a signing's
 * or custody check's transcript is saved).
 */
export const FILE_PURPOSES = ['witness-key', 'pkcs11-module', 'export-file', 'transcript-file', 'plan-file'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

/** suggestedName: a bare file name the save dialog starts with (never a folder: main picks where the dialog opens). */
const ChooseFileRequestSchema = z.strictObject({
  purpose: z.enum(FILE_PURPOSES),
  suggestedName: z.string().min(1).max(255).regex(/^[^/\\\0]+$/).optional(),
});

/** The file the person chose (its absolute path, and its name to show), or null when they cancelled. */
const ChosenFileSchema = z.object({ path: z.string(), name: z.string() }).nullable();

/** A plan file chosen in main's dialog (its absolute path): main reads it (guarded) and answers the plan it holds. */
const PlanReadRequestSchema = z.strictObject({ path: z.string().min(1).max(4096) });

/** The plan as canonical JSON (core's planToJson: its SHA-256 is the one a transcript records), and the file's name. */
const PlanFileSchema = z.object({ name: z.string(), plan: z.string() });

export const toolsContract = {
  'transcript:verify': channel(TranscriptVerifyRequestSchema, TranscriptSummarySchema),
  'plan:analyze': channel(PlanAnalyzeRequestSchema, PlanAnalysisSchema),
  'plan:read-file': channel(PlanReadRequestSchema, PlanFileSchema),
  'usb:list-drives': channel(NoRequest, list(DriveSchema)),
  'dialog:choose-file': channel(ChooseFileRequestSchema, ChosenFileSchema),
} as const;
