import { useEffect, useState } from 'react';
import { hrefOf, navigate } from '../app/routes';
import { ErrorPanel } from '../components/ErrorPanel';
import { useI18n, useT } from '../i18n';
import { formatUtc } from '../transcript/readTranscript';
import { stepName } from '../../core/step-names';
import { ask, type SavedCeremony } from './api';
import { useAction } from './useAction';

/** Ceremonies keyshard keeps on this machine (ceremony:list-saved), newest first. */
export function useSavedCeremonies(): { saved: readonly SavedCeremony[] | null; error: ReturnType<typeof useAction>['error'] } {
  const [saved, setSaved] = useState<readonly SavedCeremony[] | null>(null);
  const { error, run } = useAction();
  useEffect(() => {
    void run(() => ask('ceremony:list-saved')).then((list) => setSaved(list ?? []));
  }, [run]);
  return { saved, error };
}

/**
 * Continues a saved ceremony: main reopens its folder and replays the transcript; the ceremony screen takes over.
 * `primary`: drawn as the screen's one primary action (default); otherwise outlined, beside another primary.
 */
export function ContinueButton({ ceremony, testId, primary = true }: { readonly ceremony: SavedCeremony; readonly testId: string; readonly primary?: boolean }) {
  const { busy, error, run } = useAction();
  const t = useT();
  const go = async (): Promise<void> => {
    const status = await run(() => ask('ceremony:resume', { dir: ceremony.dir }));
    if (status !== undefined) navigate('ceremony');
  };
  return (
    <>
      <button type="button" className={primary ? 'button' : 'button secondary'} disabled={busy} onClick={() => void go()} data-testid={testId}>
        {busy
          ? t('saved.opening')
          : t(ceremony.state === 'open' ? 'saved.continue' : 'saved.open', { label: ceremony.label ?? t('saved.thisCeremony') })}
      </button>
      {error ? <ErrorPanel title={t('saved.resumeFailed')} error={error.info} testId="resume-error" focus /> : null}
    </>
  );
}

/**
 * `secondary`: another part of the screen holds the primary action (a checked transcript's own Continue). Otherwise a
 * single open ceremony's Continue is the primary action; with several, none is (the person picks one).
 */
export function SavedCeremonies({ secondary = false }: { readonly secondary?: boolean }) {
  const { t, lang } = useI18n();
  const { saved, error } = useSavedCeremonies();
  const open = saved?.filter((c) => c.state === 'open').length ?? 0;
  return (
    <section className="panel" data-testid="saved-ceremonies">
      <h2>{t('saved.title')}</h2>
      {error ? <ErrorPanel title={t('saved.listFailed')} error={error.info} testId="saved-error" /> : null}
      {saved === null ? <p className="muted">{t('saved.looking')}</p> : null}
      {saved !== null && saved.length === 0 ? (
        <>
          <p data-testid="saved-none">
            {t('saved.none')}
          </p>
          <a className="button secondary" href={hrefOf('plan')} data-testid="saved-none-plan">
            {t('saved.plan')}
          </a>
        </>
      ) : null}
      {saved !== null && saved.length > 0 ? (
        <ul className="saved-list">
          {saved.map((c, i) => (
            <li key={c.dir} data-testid="saved-ceremony" data-state={c.state} data-ceremony-id={c.ceremonyId ?? ''}>
              <div>
                <strong>{c.label ?? t('saved.unnamed')}</strong>
                <span className="muted">
                  {' '}
                  · {t(`saved.state.${c.state}`)} · {t('saved.entries', { count: c.entries })}
                  {c.lastStep ? ` · ${t('saved.lastStep', { step: stepName(c.lastStep, lang) })}` : ''}
                  {c.lastAt ? `, ${formatUtc(c.lastAt)}` : ''}
                </span>
                <div className="mono small-print">{c.dir}</div>
              </div>
              {c.state === 'open' ? <ContinueButton ceremony={c} testId={`resume-continue-${i}`} primary={!secondary && open === 1} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
