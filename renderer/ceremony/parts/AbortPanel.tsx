import { useId, useState } from 'react';
import type { CeremonyPlan } from '../../../core/policy';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useT } from '../../i18n';
import { ask, type Status } from '../api';
import { useAction } from '../useAction';

interface Props {
  readonly plan: CeremonyPlan | null;
  readonly setStatus: (status: Status) => void;
  /** Open from the start (when aborting is the only thing left to do). */
  readonly open?: boolean;
}

/**
 * Aborting is always possible while the ceremony runs: main zeroizes every secret and records the reason (and the
 * witness who agreed, if one did). Tucked away in a closed section so it is not pressed by accident.
 */
export function AbortPanel({ plan, setStatus, open = false }: Props) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [witness, setWitness] = useState('');
  const { busy, error, run } = useAction();
  const reasonId = useId();
  const witnessId = useId();
  const abort = async (): Promise<void> => {
    const s = await run(() => ask('ceremony:abort', { reason: reason.trim(), ...(witness === '' ? {} : { witnessId: witness }) }));
    if (s !== undefined) setStatus(s);
  };
  return (
    <details className="abort-panel" open={open} data-testid="abort-panel">
      <summary>{t('abort.summary')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void abort();
        }}
      >
        <p>{t('abort.text')}</p>
        <div className="field">
          <label htmlFor={reasonId}>{t('abort.reason')}</label>
          <textarea id={reasonId} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="abort-reason" maxLength={1000} />
        </div>
        {plan && plan.witnesses.length > 0 ? (
          <div className="field">
            <label htmlFor={witnessId}>{t('abort.witness')}</label>
            <select id={witnessId} value={witness} onChange={(e) => setWitness(e.currentTarget.value)} data-testid="abort-witness">
              <option value="">{t('abort.nobody')}</option>
              {plan.witnesses.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button type="submit" className="button danger" disabled={busy || reason.trim() === ''} data-testid="abort-confirm">
          {t('abort.button')}
        </button>
        {error ? <ErrorPanel title={t('abort.failed')} error={error.info} testId="abort-error" focus /> : null}
      </form>
    </details>
  );
}
