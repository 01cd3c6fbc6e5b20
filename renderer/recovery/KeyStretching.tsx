/**
 * SLIP-39 key stretching on the recovery screen: main stretches the passphrase key off its own thread (PBKDF2, four
 * rounds) and this shows it happening. Three states:
 * - the question main asks (SLIP39_SLOW_KDF) when the shares want far more stretching than keyshard's own ceremonies,
 *   with the time it takes on this computer: Continue resends with the person's yes, Cancel keeps the shards in hand;
 * - while main stretches: the round under way (polled from recovery:status, as nothing is pushed to the window), a bar
 *   and a Cancel button (recovery:cancel-finish);
 * - after a cancel: what happened, and that the shards are still in hand.
 */
import { language, t } from '../i18n';
import { germanMessageWith } from '../i18n/errors-de';
import { useEffect, useRef, useState } from 'react';
import { ProgressBar } from '../components/ProgressBar';
import { recoveryApi, type IpcError, type RecoveryStatus } from './api';

export type KeyStretchingState = { readonly kind: 'ask'; readonly error: IpcError } | { readonly kind: 'cancelled'; readonly error: IpcError } | null;

type Stretching = NonNullable<RecoveryStatus['stretching']>;

/** How often the round under way is asked for: often enough for a bar, rare enough to cost main nothing. */
const POLL_MS = 300;

/** "less than a second", "about 12 seconds", "about 3 minutes". */
export function durationWords(seconds: number): string {
  if (seconds < 1) return t('kdf.lessThanSecond');
  if (seconds < 90) return t('kdf.seconds', { n: Math.ceil(seconds) });
  return t('kdf.minutes', { n: Math.round(seconds / 60) });
}

function numberDetail(error: IpcError, key: string): number | undefined {
  const v = error.details?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The part of the run done: whole rounds, plus the time spent in this one (never past its end). */
function fractionOf(s: Stretching): number {
  const perRound = s.estimatedSeconds / s.rounds;
  const inRound = perRound > 0 ? Math.min(1, Math.max(0, (s.elapsedSeconds - (s.round - 1) * perRound) / perRound)) : 0;
  return (s.round - 1 + inRound) / s.rounds;
}

/** The round under way while `running`, polled from main. */
function useStretching(running: boolean): Stretching | null {
  const [stretching, setStretching] = useState<Stretching | null>(null);
  useEffect(() => {
    if (!running) {
      setStretching(null);
      return;
    }
    let live = true;
    let timer: number | undefined;
    const poll = async (): Promise<void> => {
      const r = await recoveryApi.status();
      if (!live) return;
      if (r.ok) setStretching(r.value.stretching);
      timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [running]);
  return stretching;
}

interface Props {
  readonly state: KeyStretchingState;
  /** A finish is under way in main. */
  readonly running: boolean;
  /** The person said yes to the question: finish again with their acknowledgement. */
  readonly onContinue: () => void;
  /** Close the question or the cancel note; the shards stay in hand. */
  readonly onDismiss: () => void;
}

export function KeyStretching({ state, running, onContinue, onDismiss }: Props) {
  const stretching = useStretching(running);
  const [cancelling, setCancelling] = useState(false);
  const focusRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!running) setCancelling(false);
  }, [running]);
  useEffect(() => {
    if (state !== null) focusRef.current?.focus();
  }, [state]);

  if (running && stretching !== null) {
    const label = t('kdf.round', { round: stretching.round, rounds: stretching.rounds });
    return (
      <section className="panel key-stretching" aria-labelledby="stretch-title" data-testid="key-stretching" data-round={stretching.round}>
        <h2 id="stretch-title" aria-live="polite">
          {label}
        </h2>
        <ProgressBar fraction={fractionOf(stretching)} label={label} testId="key-stretching-bar" />
        <p>
          {t('kdf.running', {
            iterations: stretching.iterations.toLocaleString(language() === 'de' ? 'de-DE' : 'en-US'),
            exponent: stretching.iterationExponent,
            total: durationWords(stretching.estimatedSeconds),
            left: durationWords(Math.max(0, stretching.estimatedSeconds - stretching.elapsedSeconds)),
          })}
        </p>
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            disabled={cancelling}
            data-testid="key-stretching-cancel"
            onClick={() => {
              setCancelling(true);
              void recoveryApi.cancelFinish();
            }}
          >
            {t(cancelling ? 'kdf.cancelling' : 'kdf.cancel')}
          </button>
          <span className="muted">{t('kdf.keeps')}</span>
        </div>
      </section>
    );
  }

  if (state?.kind === 'ask') {
    const e = numberDetail(state.error, 'iterationExponent');
    const own = numberDetail(state.error, 'keyshardIterationExponent');
    const seconds = numberDetail(state.error, 'estimatedSeconds');
    const time = seconds === undefined ? t('kdf.longTime') : durationWords(seconds);
    return (
      <section
        className="panel key-stretching ask"
        role="alert"
        aria-labelledby="stretch-ask-title"
        data-testid="slow-kdf-question"
        data-code={state.error.code}
        tabIndex={-1}
        ref={focusRef}
      >
        <h2 id="stretch-ask-title">
          {t('kdf.askTitle', { iterations: e === undefined ? t('kdf.more') : `2^${e} × 10,000`, time })}
        </h2>
        <p data-testid="slow-kdf-message">{language() === 'en' ? state.error.message : (germanMessageWith(state.error.code, state.error.details) ?? state.error.message)}</p>
        <p className="strong">{t('kdf.expected', { own: own ?? 1 })}</p>
        <div className="actions">
          <button type="button" className="button" data-testid="slow-kdf-continue" onClick={onContinue}>
            {t('kdf.continue', { time })}
          </button>
          <button type="button" className="button secondary" data-testid="slow-kdf-cancel" onClick={onDismiss}>
            {t('kdf.cancel')}
          </button>
        </div>
      </section>
    );
  }

  if (state?.kind === 'cancelled') {
    return (
      <section className="notice" role="status" data-testid="key-stretching-cancelled" tabIndex={-1} ref={focusRef}>
        <p className="strong">{t('kdf.cancelled')}</p>
        <p>{language() === 'en' ? state.error.message : (germanMessageWith(state.error.code, state.error.details) ?? state.error.message)}</p>
        <div className="actions">
          <button type="button" className="button small secondary" onClick={onDismiss}>
            OK
          </button>
        </div>
      </section>
    );
  }
  return null;
}
