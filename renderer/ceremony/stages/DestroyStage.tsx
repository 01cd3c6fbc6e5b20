import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { useT, type PlainKey } from '../../i18n';
import { ask } from '../api';
import type { StageProps } from '../context';
import { custodianName, names } from '../names';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';

const ITEM_TEXT: Readonly<Record<string, PlainKey>> = {
  'master-secret': 'destroy.item.master-secret',
  'shard-buffers': 'destroy.item.shard-buffers',
};

/**
 * Destroy: main overwrites every secret buffer with zeros. Before that, the screen names what will be gone and what
 * is left, and the person ticks that they understand; main refuses ceremony:destroy without that confirmation.
 */
export function DestroyStage(props: StageProps) {
  const { plan, status, results, setStatus, remember } = props;
  const { busy, error, run } = useAction();
  const [understood, setUnderstood] = useState(false);
  const done = status.lastStep === 'destroy';
  const destroy = async (): Promise<void> => {
    if (!understood) return;
    const r = await run(() => ask('ceremony:destroy', { confirmed: true }));
    if (r === undefined) return;
    remember({ destroy: r });
    setStatus(r.status);
  };
  const d = results.destroy;
  const holders = names(plan.custodians.map((c) => custodianName(plan, c.id)));
  const t = useT();
  return (
    <>
      <ScreenTitle>{done ? t('destroy.titleDone') : t('destroy.title')}</ScreenTitle>
      {done ? (
        <>
          <div className="summary-ok" data-testid="destroyed" data-buffers={d?.buffers ?? ''}>
            {/* How many buffers main zeroed is for the test and the transcript, not for the people in the room. */}
            <h2>{t('destroy.wiped')}</h2>
            {d && d.items.length > 0 ? <p data-testid="destroyed-items">{t('destroy.items', { items: d.items.map((i) => (Object.hasOwn(ITEM_TEXT, i) ? t(ITEM_TEXT[i]!) : i)).join(', ') })}</p> : null}
            <p>{t('destroy.after')}</p>
          </div>
          <SignOffPanel {...props} continueLabel={t('destroy.continue')} />
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void destroy();
          }}
        >
          <div className="panel destroy-warning" data-testid="destroy-warning">
            <p>
              <strong>{t('destroy.warning')}</strong> {t('destroy.warningMore', { holders })}
            </p>
            <label className="checkbox">
              <input type="checkbox" checked={understood} disabled={busy} onChange={(e) => setUnderstood(e.currentTarget.checked)} data-testid="destroy-understood" />
              {t('destroy.understood')}
            </label>
          </div>
          {error ? <ErrorPanel title={t('destroy.failed')} error={error.info} testId="destroy-error" focus /> : null}
          <div className="actions">
            <button type="submit" className="button danger-solid" disabled={busy || !understood} data-testid="destroy">
              {busy ? t('destroy.destroying') : t('destroy.button')}
            </button>
            {understood ? null : (
              <p className="muted" data-testid="destroy-hint">
                {t('destroy.tick')}
              </p>
            )}
          </div>
        </form>
      )}
    </>
  );
}
