/**
 * The current ceremony's public files as main saved them (ceremony:transcript): the transcript, checked in this
 * window against the head hash main holds, and the plan beside it. Used where a screen offers the record without a
 * file picker (sealed, aborted) or needs the plan after a restart.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { parsePlan, type CeremonyPlan } from '../../core/policy';
import type { ResponseOf } from '../../electron/ipc/contract';
import { ask, asErrorInfo, type Status } from '../ceremony/api';
import { planFits } from '../ceremony/stage';
import type { ErrorInfo } from '../components/errors';
import { verifyText, type LoadedTranscript } from './readTranscript';

export type CeremonyFiles = NonNullable<ResponseOf<'ceremony:transcript'>>;

export type FilesReading =
  | { readonly state: 'reading' }
  | { readonly state: 'failed'; readonly error: ErrorInfo }
  | { readonly state: 'done'; readonly files: CeremonyFiles | null };

/** Asks main once for the files (and again with `read`). */
export function useCeremonyFiles(): { readonly reading: FilesReading; readonly read: () => Promise<void> } {
  const [reading, setReading] = useState<FilesReading>({ state: 'reading' });
  const read = useCallback(async (): Promise<void> => {
    setReading({ state: 'reading' });
    try {
      setReading({ state: 'done', files: await ask('ceremony:transcript') });
    } catch (e) {
      setReading({ state: 'failed', error: asErrorInfo(e) });
    }
  }, []);
  useEffect(() => {
    void read();
  }, [read]);
  return { reading, read };
}

/** The saved transcript checked against `headHash` (the final hash on screen), or null before it is read. */
export function useCheckedTranscript(reading: FilesReading, headHash: string): { readonly text: string; readonly loaded: LoadedTranscript } | null {
  const files = reading.state === 'done' ? reading.files : null;
  return useMemo(() => (files === null ? null : { text: files.text, loaded: verifyText(files.path, files.text, headHash) }), [files, headHash]);
}

/** The plan saved beside the transcript, when it is the running ceremony's; null otherwise (never throws). */
export function savedPlan(reading: FilesReading, status: Status): CeremonyPlan | null {
  const text = reading.state === 'done' ? reading.files?.plan?.text : undefined;
  if (text === undefined) return null;
  try {
    const plan = parsePlan(text);
    return planFits(plan, status) ? plan : null;
  } catch {
    return null;
  }
}

/** A download link's address for a text, revoked when the text changes or the screen goes. */
export function useDownloadUrl(text: string | null): string | null {
  const url = useMemo(() => (text === null ? null : URL.createObjectURL(new Blob([text], { type: 'application/json' }))), [text]);
  useEffect(() => () => (url === null ? undefined : URL.revokeObjectURL(url)), [url]);
  return url;
}

/** "Treasury seed 2025" -> "treasury-seed-2025": the file name of a saved copy. */
export function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'ceremony';
}
