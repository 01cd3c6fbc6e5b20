/**
 * Where a ceremony's public record lives on disk while it runs: `transcript.json` (rewritten atomically after every
 * step, see atomic-write.ts) and `plan.json` (the plan it runs under, needed to resume). Both are public: the store
 * refuses a transcript entry whose data has a secret-looking field name (core/transcript.ts already refuses those;
 * this is a second wall at the last moment before the disk).
 *
 * Loading verifies the transcript (chain, signatures, exact layout) and names the first bad entry when it fails.
 */
import { readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyshardError } from '../../../core/errors';
import { READ_CAPS, readGuardedText } from '../fs/guarded-read';
import { parsePlan, planToJson, type CeremonyPlan } from '../../../core/policy';
import { findSecretLookingKey, parseTranscript, serializeTranscript, verifyTranscriptText, type Transcript } from '../../../core/transcript';
import { isTempFileOf, nodeAtomicFs, writeFileAtomic, type AtomicFs } from './atomic-write';

export { writeFileAtomic, nodeAtomicFs, type AtomicFs, type AtomicFileHandle } from './atomic-write';

export const TRANSCRIPT_FILE = 'transcript.json';
export const PLAN_FILE = 'plan.json';

export interface TranscriptStore {
  readonly dir: string;
  readonly transcriptPath: string;
  readonly planPath: string;
  saveTranscript(t: Transcript): Promise<void>;
  /** The verified transcript, or null when there is none yet. TRANSCRIPT_* when the file does not verify. */
  loadTranscript(): Promise<Transcript | null>;
  savePlan(plan: CeremonyPlan): Promise<void>;
  loadPlan(): Promise<CeremonyPlan | null>;
  /** Removes temporary files left by interrupted writes; returns how many. */
  removeLeftovers(): Promise<number>;
}

export interface TranscriptStoreOptions {
  readonly fs?: AtomicFs;
}

function writeFailed(what: string, e: unknown): KeyshardError {
  const code = (e as { code?: unknown }).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'the directory is not writable'
        : code === 'ENOENT'
          ? 'the directory is gone (a removed drive?)'
          : 'the system refused the write';
  return new KeyshardError(
    'TRANSCRIPT_WRITE',
    `The ${what} could not be saved: ${why}. The last saved state is intact and nothing of this step was recorded; fix the problem and repeat the step.`,
    { file: what, reason: typeof code === 'string' ? code : 'unknown' },
  );
}

/** A file of the ceremony folder (a resumed folder may be on any drive): through the guarded reader, at most `maxBytes`. */
async function readIfExists(path: string, maxBytes: number, what: string): Promise<string | null> {
  try {
    return await readGuardedText(path, { maxBytes, what });
  } catch (e) {
    if (e instanceof KeyshardError && e.details?.['reason'] === 'not-found') return null;
    if (e instanceof KeyshardError && e.code !== 'FILE_READ') throw e;
    throw new KeyshardError('TRANSCRIPT_FORMAT', `"${path}" could not be read. Check the drive and the permissions.`);
  }
}

export function createTranscriptStore(dir: string, options: TranscriptStoreOptions = {}): TranscriptStore {
  const fs = options.fs ?? nodeAtomicFs;
  const transcriptPath = join(dir, TRANSCRIPT_FILE);
  const planPath = join(dir, PLAN_FILE);

  const save = async (what: string, path: string, text: string): Promise<void> => {
    try {
      // The ceremony's own folder only, never its parents: main writes where it was allowed to (the host checks), and a
      // mistyped or planted path does not grow a tree of folders.
      await mkdir(dir).catch((e: unknown) => {
        if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
      });
      await writeFileAtomic(path, text, fs);
    } catch (e) {
      throw writeFailed(what, e);
    }
  };

  return {
    dir,
    transcriptPath,
    planPath,
    async saveTranscript(t) {
      for (const entry of t.entries) {
        const path = findSecretLookingKey(entry.data);
        if (path !== null) {
          throw new KeyshardError('INVALID_ARGUMENT', `Refusing to write the transcript: entry ${entry.seq} has a field at ${path} whose name looks secret.`, {
            seq: entry.seq,
            path,
          });
        }
      }
      await save('transcript', transcriptPath, serializeTranscript(t));
    },
    async loadTranscript() {
      const text = await readIfExists(transcriptPath, READ_CAPS.transcriptFile, 'the transcript file');
      if (text === null) return null;
      const result = verifyTranscriptText(text);
      if (!result.ok) {
        throw new KeyshardError(result.code, `${TRANSCRIPT_FILE} in ${dir} does not verify: ${result.reason}`, { firstBadSeq: result.firstBadSeq });
      }
      return parseTranscript(text);
    },
    async savePlan(plan) {
      await save('plan', planPath, `${planToJson(plan)}\n`);
    },
    async loadPlan() {
      const text = await readIfExists(planPath, READ_CAPS.planFile, 'the plan file');
      return text === null ? null : parsePlan(text);
    },
    async removeLeftovers() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return 0;
      }
      let n = 0;
      for (const name of names) {
        if (isTempFileOf(TRANSCRIPT_FILE, name) || isTempFileOf(PLAN_FILE, name)) {
          await fs.unlink(join(dir, name)).then(
            () => n++,
            () => {},
          );
        }
      }
      return n;
    },
  };
}
