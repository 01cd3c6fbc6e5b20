/**
 * Errors as screens show them: a stable code, what went wrong, and what to do next. Core's KeyshardError messages
 * already say both for most codes; `todo` adds the next step in a sentence of its own so the panel always has one.
 * Messages never quote secret input (core guarantees it for its errors; renderer errors are written here).
 */
import { isKeyshardError } from '../../core/errors';
import { ownValue } from '../../core/own';
import type { Key } from '../i18n/catalogue';
import { language } from '../i18n/language';
import { t } from '../i18n/translate';
import { germanMessageWith } from '../i18n/errors-de';
import { describeField } from '../plan/fieldWords';
import { problemText, type FormProblem } from '../plan/problemWords';

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

// The next step per code, in the catalogue (renderer/i18n: error.todo.<CODE>); FILE_* are files main refused to read.
const TODO: Readonly<Record<string, Key>> = Object.fromEntries(
  [
    'POLICY_INVALID',
    'TRANSCRIPT_TAMPERED',
    'TRANSCRIPT_SIGNATURE',
    'TRANSCRIPT_READ',
    'TRANSCRIPT_FORMAT',
    'QR_FORMAT',
    'QR_MISMATCH',
    'QR_INCOMPLETE',
    'ENVELOPE_FORMAT',
    'ENVELOPE_CHECKSUM',
    'ENVELOPE_TRUNCATED',
    'ENVELOPE_VERSION',
    'ENVELOPE_TOO_LARGE',
    'FILE_LINK',
    'FILE_NOT_REGULAR',
    'FILE_TOO_LARGE',
    'FILE_READ',
    'INTERNAL',
  ].map((code) => [code, `error.todo.${code}` as Key]),
);

export const DEFAULT_TODO = 'Try again. If it happens again, tell the ceremony lead the code shown here.';

/** What to do next after an error with this code, in the chosen language. */
export function todoFor(code: string): string {
  const key = ownValue(TODO, code);
  return key === undefined ? t('error.todo.default') : (t as (k: Key) => string)(key);
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
    const lang = language();
    // A plan's problems carry core's code and data: said in the language shown (English keeps core's words).
    const problems = problemsOf(e.details)?.map((p) => (lang === 'en' ? p : { field: p.field, message: problemText(p as FormProblem, lang, describeField) }));
    // Core's one-line message names the first problem by its field path; the panel names fields in words and lists
    // every problem (the paths go in the line for support).
    const first = problems?.length === 1 ? problems[0] : undefined;
    const english = problems && problems.length > 1 ? t('error.problems', { count: problems.length }) : first ? `${fieldWords(first.field)}: ${first.message}` : e.message;
    // Main writes its messages in English; in German the screen says what the code means (the code stays in the
    // support line), or keeps main's words where there is no German text for the code yet.
    const message =
      lang === 'en' || (problems !== undefined && problems.length > 1)
        ? english
        : first !== undefined
          ? `${describeField(first.field, lang)}: ${first.message}`
          : (germanMessageWith(e.code, e.details) ?? english);
    const support = supportOf(e.details);
    return { code: e.code, message, todo: todo ?? todoFor(e.code), ...(problems ? { problems } : {}), ...(support ? { support } : {}) };
  }
  return {
    code: 'INTERNAL',
    message: t('error.unexpected'),
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
