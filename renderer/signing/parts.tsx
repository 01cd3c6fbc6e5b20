/**
 * What the signing, signer and custody screens share: one call to main with its error shown, a step list from the
 * kind's catalogue, and a code taken by camera or typed. (A witness's sign-off and the transcript's save, chosen in
 * main's own dialog: files.tsx.)
 */
import { useCallback, useMemo, useState } from 'react';
import type { CeremonyKind } from '../../core/ceremony-kinds/types';
import type { ChannelName } from '../../electron/ipc/channels';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { invoke } from '../../electron/ipc/client';
import { todoFor, type ErrorInfo } from '../components/errors';
import { useLanguage, useT } from '../i18n';
import { stepLabel } from '../i18n/steps';
import { CameraInput, type CameraSubject } from '../recovery/CameraInput';
import type { ShardProblem } from '../recovery/outcome';
import { PIN_CODES } from '../recovery/TokenAndPin';
import { signingWord, type SigningWordKey } from './words';
import './signing.css';

export type W = (key: SigningWordKey, params?: Readonly<Record<string, string | number>>) => string;

export function useWords(): W {
  const lang = useLanguage();
  return useCallback((key, params) => signingWord(lang, key, params), [lang]);
}

export const groups = (hex: string): string => hex.match(/.{1,4}/g)?.join(' ') ?? hex;

/** One call to main at a time; an error is kept to show under the step, and nothing changes. */
export function useMain(w: W) {
  const [busy, setBusy] = useState(false);
  // `focus`: the panel takes the focus unless the part that asked reacts itself (a PIN field refocused after a wrong PIN).
  const [error, setError] = useState<{ title: string; info: ErrorInfo; focus: boolean } | null>(null);
  const t = useT();
  const call = useCallback(
    // `refused`: main's refusal also goes to the part that asked (a device input reacts to its code and details).
    // `panelFocus`: whether the error panel takes the focus; by default it does, except for a PIN refusal a device
    // input answers itself (its PIN field takes the focus again).
    async <K extends ChannelName>(
      channel: K,
      request: RequestOf<K>,
      refused?: (e: ShardProblem) => void,
      panelFocus: boolean | ((e: ShardProblem) => boolean) = refused === undefined ? true : (e) => !PIN_CODES.has(e.code),
    ): Promise<ResponseOf<K> | null> => {
      setBusy(true);
      setError(null);
      try {
        const r = await (invoke as (c: K, q: RequestOf<K>) => ReturnType<typeof invoke<K>>)(channel, request);
        if (!r.ok) {
          // A code of another step here is not a shard shown with others (the app-wide QR_MISMATCH advice).
          const todo = r.error.code === 'QR_MISMATCH' ? t('camera.mismatch.signing') : todoFor(r.error.code);
          const problem: ShardProblem = { code: r.error.code, message: r.error.message, details: r.error.details };
          setError({ title: w('problem'), info: { code: r.error.code, message: r.error.message, todo }, focus: typeof panelFocus === 'function' ? panelFocus(problem) : panelFocus });
          refused?.(problem);
          return null;
        }
        return r.value as ResponseOf<K>;
      } catch {
        setError({ title: w('problem'), info: { code: 'INTERNAL', message: 'This window could not reach the keyshard main process. Nothing was sent or saved.', todo: todoFor('INTERNAL') }, focus: true });
        return null;
      } finally {
        setBusy(false);
      }
    },
    [w, t],
  );
  return { busy, error, call, clearError: () => setError(null) };
}

/** The kind's steps, numbered as in its printed script; `current` is the step id under way. */
export function Steps({ kind, current, witnessIds, w, testId }: { kind: CeremonyKind; current: string | null; witnessIds: readonly string[]; w: W; testId: string }) {
  // The kind's steps that take place: witness steps only when the signing names witnesses (as core's numberedSteps).
  const lang = useLanguage();
  const steps = useMemo(
    () => kind.steps.filter((s) => s.when === 'always' || (s.when === 'witnesses' && witnessIds.length > 0)).map((step, i) => ({ number: i + 1, step })),
    [kind, witnessIds],
  );
  return (
    <nav className="steps" aria-label={w('steps.title')} data-testid={testId}>
      <ol>
        {steps.map(({ number, step }) => (
          <li key={step.id} data-testid={`${testId}-${step.id}`} aria-current={step.id === current ? 'step' : undefined} className={step.id === current ? 'step current' : 'step'}>
            <span className="step-marker" aria-hidden="true">
              {number}
            </span>
            <span>{stepLabel(lang, kind.id, step)}</span>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** A code from the other laptop: its text typed or pasted (UR:BYTES/...), or scanned with the camera. */
export function ScanOrType({ onCode, busy, w, testId, subject, primary = true }: { onCode: (texts: string[]) => Promise<boolean>; busy: boolean; w: W; testId: string; subject: CameraSubject; primary?: boolean }) {
  const [text, setText] = useState('');
  const [camera, setCamera] = useState(false);
  const submit = async (): Promise<void> => {
    const parts = text.split(/\s+/).filter((p) => p !== '');
    if (await onCode(parts)) setText('');
  };
  return (
    <div data-testid={testId}>
      {camera ? (
        <CameraInput subject={subject} onShard={(scanned) => void onCode([scanned])} />
      ) : (
        <label>
          {w('scan.text')}
          <textarea rows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} spellCheck={false} autoComplete="off" className="mono" data-testid={`${testId}-text`} />
        </label>
      )}
      <div className="actions">
        {camera ? null : (
          <button type="button" className="button" data-primary={primary ? true : undefined} disabled={busy || text.trim() === ''} onClick={() => void submit()} data-testid={`${testId}-add`}>
            {w('scan.add')}
          </button>
        )}
        <button type="button" className="button secondary" onClick={() => setCamera(!camera)} data-testid={`${testId}-toggle`}>
          {camera ? w('scan.typed') : w('scan.camera')}
        </button>
      </div>
    </div>
  );
}
