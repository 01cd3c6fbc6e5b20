/**
 * SLIP-39 key stretching on the recovery screen: main stretches the passphrase key off its own thread (PBKDF2, four
 * rounds) and this shows it happening. Three states:
 * - the question main asks (SLIP39_SLOW_KDF) when the shares want far more stretching than keyshard's own ceremonies,
 *   with the time it takes on this computer: Continue resends with the person's yes, Cancel keeps the shards in hand;
 * - while main stretches: the round under way (polled from recovery:status, as nothing is pushed to the window), a bar
 *   and a Cancel button (recovery:cancel-finish);
 * - after a cancel: what happened, and that the shards are still in hand.
 */
import { useEffect, useRef, useState } from 'react';
import { ProgressBar } from '../components/ProgressBar';
import { recoveryApi, type IpcError, type RecoveryStatus } from './api';

export type KeyStretchingState = { readonly kind: 'ask'; readonly error: IpcError } | { readonly kind: 'cancelled'; readonly error: IpcError } | null;

type Stretching = NonNullable<RecoveryStatus['stretching']>;

/** How often the round under way is asked for: often enough for a bar, rare enough to cost main nothing. */
const POLL_MS = 300;

/** "less than a second", "about 12 seconds", "about 3 minutes". */
export function durationWords(seconds: number): string {
  if (seconds < 1) return 'less than a second';
  if (seconds < 90) return `about ${Math.ceil(seconds)} seconds`;
  return `about ${Math.round(seconds / 60)} minutes`;
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
    const label = `Stretching the passphrase key: round ${stretching.round} of ${stretching.rounds}`;
    return (
      <section className="panel key-stretching" aria-labelledby="stretch-title" data-testid="key-stretching" data-round={stretching.round}>
        <h2 id="stretch-title" aria-live="polite">
          {label}
        </h2>
        <ProgressBar fraction={fractionOf(stretching)} label={label} testId="key-stretching-bar" />
        <p>
          These shares ask for {stretching.iterations.toLocaleString('en-US')} PBKDF2 iterations (iteration exponent {stretching.iterationExponent}):{' '}
          {durationWords(stretching.estimatedSeconds)} in all on this computer, {durationWords(Math.max(0, stretching.estimatedSeconds - stretching.elapsedSeconds))} left. The
          window stays usable meanwhile.
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
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
          <span className="muted">Cancel keeps the shards in hand.</span>
        </div>
      </section>
    );
  }

  if (state?.kind === 'ask') {
    const e = numberDetail(state.error, 'iterationExponent');
    const own = numberDetail(state.error, 'keyshardIterationExponent');
    const seconds = numberDetail(state.error, 'estimatedSeconds');
    const time = seconds === undefined ? 'a long time' : durationWords(seconds);
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
          These shares ask for {e === undefined ? 'more' : `2^${e} × 10,000`} PBKDF2 iterations: {time} here
        </h2>
        <p data-testid="slow-kdf-message">{state.error.message}</p>
        <p className="strong">
          Expected only from a SLIP-39 tool set above keyshard&apos;s exponent {own ?? 1}. If you did not expect it, cancel and ask where these
          shares came from; the shards stay in hand either way.
        </p>
        <div className="actions">
          <button type="button" className="button" data-testid="slow-kdf-continue" onClick={onContinue}>
            Continue ({time})
          </button>
          <button type="button" className="button secondary" data-testid="slow-kdf-cancel" onClick={onDismiss}>
            Cancel
          </button>
        </div>
      </section>
    );
  }

  if (state?.kind === 'cancelled') {
    return (
      <section className="notice" role="status" data-testid="key-stretching-cancelled" tabIndex={-1} ref={focusRef}>
        <p className="strong">Recovery cancelled.</p>
        <p>{state.error.message}</p>
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
