/**
 * Errors as screens show them: a stable code, what went wrong, and what to do next. Core's KeyshardError messages
 * already say both for most codes; `todo` adds the next step in a sentence of its own so the panel always has one.
 * Messages never quote secret input (core guarantees it for its errors; renderer errors are written here).
 */
import { isKeyshardError } from '../../core/errors';
import { ownValue } from '../../core/own';

export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  /** The next thing the person should do. */
  readonly todo: string;
  /** For POLICY_INVALID: every field problem. */
  readonly problems?: readonly { readonly field: string; readonly message: string }[];
  /** For support, beside the code: the system's name for a file-system error (ENOSPC...), never in the message. */
  readonly support?: string;
}

/** The system error name main put in an error's details (`errno` or `reason`), if it is one (ENOENT, EROFS...). */
export function supportOf(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  for (const key of ['errno', 'reason'] as const) {
    const v = (details as Record<string, unknown>)[key];
    if (typeof v === 'string' && /^E[A-Z0-9]{2,20}$/.test(v)) return v;
  }
  return undefined;
}

const TODO: Readonly<Record<string, string>> = {
  POLICY_INVALID: 'Fix the plan fields named above, or load another plan file.',
  TRANSCRIPT_TAMPERED: "Do not trust this file. Use the original transcript from the ceremony's USB stick and compare its final hash with the paper record.",
  TRANSCRIPT_SIGNATURE: 'Do not trust this file. Ask the witnesses to check the original transcript and their signing keys.',
  TRANSCRIPT_READ: "Check that the disk holding the ceremony's folder is plugged in and readable, then try again.",
  TRANSCRIPT_FORMAT: "Choose the transcript file keyshard wrote (transcript.json on the ceremony's USB stick), not a copy that was opened and re-saved.",
  QR_FORMAT: "Show only the shard's own keyshard QR code to the camera, held flat and still.",
  QR_MISMATCH: 'Show one shard at a time; cover the other codes.',
  QR_INCOMPLETE: 'Keep the code in view until the progress bar is full.',
  ENVELOPE_FORMAT: 'Check that this is a keyshard shard from this ceremony; if it is, use its paper copy.',
  ENVELOPE_CHECKSUM: 'The code is damaged. Scan it again, or use the paper copy of this shard.',
  ENVELOPE_TRUNCATED: 'Part of the shard is missing. Scan it again until it completes, or use the paper copy.',
  ENVELOPE_VERSION: 'This shard was made by a newer keyshard. Recover with that version.',
  ENVELOPE_TOO_LARGE: "Set this file aside: keyshard never writes one like it. Use the custodian's own shard file or the paper copy.",
  // A file chosen by its path that main refused to read (guarded-read.ts).
  FILE_LINK: 'Choose the file itself, not a link to it (copy the file onto the drive if only a link is there).',
  FILE_NOT_REGULAR: 'Choose the file itself: a plain file, not a folder, a pipe or a device.',
  FILE_TOO_LARGE: 'Check that you chose the right file: it is far larger than any file of this kind.',
  FILE_READ: 'Check that the drive is plugged in and the path is typed right, then try again.',
  INTERNAL: 'Try again. If it happens again, restart keyshard and tell the ceremony lead the code shown here.',
};

export const DEFAULT_TODO = 'Try again. If it happens again, tell the ceremony lead the code shown here.';

export function todoFor(code: string): string {
  return ownValue(TODO, code) ?? DEFAULT_TODO;
}

function problemsOf(details: unknown): ErrorInfo['problems'] {
  if (typeof details !== 'object' || details === null) return undefined;
  const list = (details as { problems?: unknown }).problems;
  if (!Array.isArray(list)) return undefined;
  return list.filter(
    (p): p is { field: string; message: string } =>
      typeof p === 'object' && p !== null && typeof (p as { field?: unknown }).field === 'string' && typeof (p as { message?: unknown }).message === 'string',
  );
}

/** Any caught value as an ErrorInfo. Unknown errors get a fixed message: their text may come from secret input. */
export function toErrorInfo(e: unknown, todo?: string): ErrorInfo {
  if (isKeyshardError(e)) {
    const problems = problemsOf(e.details);
    // Core's one-line message names the first problem by its field path; the panel names fields in words and lists
    // every problem (the paths go in the line for support).
    const first = problems?.length === 1 ? problems[0] : undefined;
    const message = problems && problems.length > 1 ? `There are ${problems.length} problems, listed here:` : first ? `${fieldWords(first.field)}: ${first.message}` : e.message;
    const support = supportOf(e.details);
    return { code: e.code, message, todo: todo ?? todoFor(e.code), ...(problems ? { problems } : {}), ...(support ? { support } : {}) };
  }
  return {
    code: 'INTERNAL',
    message: 'Something unexpected went wrong on this screen. Nothing was saved or sent anywhere.',
    todo: todo ?? todoFor('INTERNAL'),
  };
}

/**
 * A plan-file field path as words for the main text of an error: "scheme.groups[0].memberCount" ->
 * "memberCount (scheme, group 1)", "custodians[2]" -> "custodian 3". The path itself goes in the line for support.
 */
export function fieldWords(path: string): string {
  const parts = path.split(/\.|\[(\d+)\]/).filter((x): x is string => x !== undefined && x !== '');
  const labels: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      labels.push(`${p.replace(/s$/, '')} ${Number(next) + 1}`);
      i++;
    } else labels.push(p);
  }
  const name = labels.pop() ?? path;
  return labels.length > 0 ? `${name} (${labels.join(', ')})` : name;
}
