/**
 * Reads a transcript file picked by the person and verifies it with core (pure: no secrets, no network). Also lists
 * the entries of a broken file, as far as they can be read, so the screen can show where the chain breaks.
 */
import { verifyTranscriptText, type VerifyResult } from '../../core/transcript';
import { verifyAgainstPaper } from '../../core/transcript-status';
import { isCeremonyStep } from '../../core/step-names';
import { looksLikeWords, parseSpokenWords } from '../../core/read-aloud';

/** Transcripts are tens of KB; a file this large is not one. */
export const MAX_TRANSCRIPT_BYTES = 20 * 1024 * 1024;

export interface EntryRow {
  /** Position in the file, from 1. */
  readonly position: number;
  readonly seq: string;
  readonly kind: string;
  readonly at: string;
  /** For a witness signature (`signoff`): the entry it signs and who signed. */
  readonly signs?: { readonly seq: number; readonly witness: string };
  /** For a sign-off record (`sign-off`): the step signed off and the witness. */
  readonly signOff?: { readonly checkpoint: string; readonly witness: string };
}

export interface LoadedTranscript {
  readonly fileName: string;
  readonly result: VerifyResult;
  readonly rows: readonly EntryRow[];
  /**
   * The final hash typed from the paper record (lowercase hex without spaces, or its words to read aloud as typed),
   * when one was; a valid result ends at it.
   */
  readonly finalHash?: string;
  /** The final hash was typed as words that cannot be read (which position, never the word): the file is checked without it. */
  readonly finalHashProblem?: string;
}

const KIND = /^[a-z][a-z0-9-]{0,39}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PRINTABLE_ID = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]{1,128}$/;

function field(v: unknown, pattern: RegExp): string {
  return typeof v === 'string' && pattern.test(v) ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : '?';
}

/** Best-effort rows for display; the verdict comes only from verifyTranscriptText. */
export function entryRows(text: string): EntryRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const entries = (value as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) return [];
  return entries.slice(0, 10_000).map((e: unknown, i): EntryRow => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    const kind = field(o['kind'], KIND);
    const row: EntryRow = { position: i + 1, seq: field(o['seq'], /^$/), kind, at: field(o['at'], ISO) };
    const data = (typeof o['data'] === 'object' && o['data'] !== null ? o['data'] : {}) as Record<string, unknown>;
    if (kind === 'sign-off') {
      const checkpoint = field(data['checkpoint'], KIND);
      const who = typeof data['witnessId'] === 'string' && PRINTABLE_ID.test(data['witnessId']) ? data['witnessId'] : '?';
      return { ...row, signOff: { checkpoint, witness: who } };
    }
    if (kind !== 'signoff') return row;
    const target = data['target'] as { seq?: unknown } | undefined;
    const witness = data['witness'] as { id?: unknown } | undefined;
    const seq = typeof target?.seq === 'number' && Number.isSafeInteger(target.seq) ? target.seq : NaN;
    const who = typeof witness?.id === 'string' && PRINTABLE_ID.test(witness.id) ? witness.id : '?';
    return Number.isNaN(seq) ? row : { ...row, signs: { seq, witness: who } };
  });
}

export async function loadTranscript(file: File, expectedHeadHash?: string): Promise<LoadedTranscript | { readonly tooLarge: number }> {
  if (file.size > MAX_TRANSCRIPT_BYTES) return { tooLarge: file.size };
  const text = await file.text();
  return verifyText(file.name, text, expectedHeadHash);
}

export function verifyText(fileName: string, text: string, expectedHeadHash?: string): LoadedTranscript {
  if (expectedHeadHash !== undefined && looksLikeWords(expectedHeadHash)) {
    // Its 20 words to read aloud: they stand for the first 32 digits (core/read-aloud), enough to tell the ending.
    try {
      const prefix = parseSpokenWords(expectedHeadHash, 'final hash');
      return { fileName, result: verifyAgainstPaper((o) => verifyTranscriptText(text, o), prefix).result, rows: entryRows(text), finalHash: expectedHeadHash };
    } catch (e) {
      const finalHashProblem = e instanceof Error ? e.message : 'These words cannot be read as a final hash.';
      return { fileName, result: verifyTranscriptText(text, {}), rows: entryRows(text), finalHashProblem };
    }
  }
  // Typed from paper: groups and spaces are fine.
  const head = expectedHeadHash?.replace(/[\s:-]+/g, '').toLowerCase();
  // The paper's hash still holds for a transcript given sign-offs or custody receipts after its seal since.
  const result = verifyAgainstPaper((o) => verifyTranscriptText(text, o), head || undefined).result;
  return { fileName, result, rows: entryRows(text), ...(head ? { finalHash: head } : {}) };
}

/** "2025-03-01T09:00:00.000Z" -> "2025-03-01 09:00:00 UTC". */
export function formatUtc(at: string): string {
  return ISO.test(at) ? `${at.slice(0, 10)} ${at.slice(11, 19)} UTC` : at;
}

/**
 * The last step of the ceremony recorded, for "where the ceremony stopped": a step such as the air-gap check or the
 * seal, not the witness sign-offs and signatures after it, nor a token entry beside it.
 */
export function lastStep(rows: readonly EntryRow[]): EntryRow | undefined {
  return [...rows].reverse().find((r) => isCeremonyStep(r.kind));
}
