import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { useT } from '../../i18n';
import { ask } from '../api';
import type { StageProps } from '../context';
import { mediumText, schemeSentence, shareCount } from '../names';
import { Fingerprint } from '../parts/Fingerprint';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';

/** Split: one button, then who gets how many shards, and the fingerprint read aloud again. */
export function SplitStage(props: StageProps) {
  const { status, plan, results, setStatus, remember } = props;
  const { busy, error, run } = useAction();
  const done = status.lastStep === 'split';
  const total = shareCount(plan);
  const t = useT();
  const split = async (): Promise<void> => {
    const r = await run(() => ask('ceremony:split'));
    if (r === undefined) return;
    remember({ split: r });
    setStatus(r.status);
  };
  const counts = new Map((results.split?.custodians ?? []).map((c) => [c.custodianId, c.shards] as const));
  const table = (
    <table className="entries split-table" data-testid="split-summary">
      <caption className="visually-hidden">{t('split.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('split.custodian')}</th>
          <th scope="col">{t('split.where')}</th>
          <th scope="col">{t('split.shards')}</th>
          <th scope="col">{t('split.as')}</th>
        </tr>
      </thead>
      <tbody>
        {plan.custodians.map((c) => (
          <tr key={c.id} data-testid={`split-row-${c.id}`}>
            <td>
              <strong>{c.name}</strong>
            </td>
            <td>
              {c.organisation}, {c.location}
            </td>
            <td>{counts.get(c.id) ?? c.shares.length}</td>
            <td>{mediumText(c.medium)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <>
      <ScreenTitle>{done ? t('split.titleDone') : t('split.title')}</ScreenTitle>
      <p className="lead">{schemeSentence(plan)}</p>
      {done ? null : table}
      {done ? (
        <>
          <p className="split-read-again">
            {t('split.readAgain', { count: results.split ? results.split.shardCount : total })}
          </p>
          {status.fingerprint ? <Fingerprint display={status.fingerprint.display} hex={status.fingerprint.hex} testId="split-fingerprint" showHex={false} /> : null}
          {/* Signing is what this screen is for now: the Sign buttons are held to the first view (screen checks). */}
          <div className="split-signoff">
            <SignOffPanel {...props} continueLabel={t('split.continue')} primary />
          </div>
          {/* Checked before the split; after it, folded under the sign-off so every Sign button fits the first view. */}
          <details className="split-who" data-testid="split-who">
            <summary>{results.split?.commitments?.[0] ? t('split.whoKey') : t('split.who')}</summary>
            {table}
            {results.split?.commitments?.[0] ? (
              <p className="mono small-print" data-testid="group-key">
                {t('split.groupKey', { key: results.split.commitments[0] })}
              </p>
            ) : null}
          </details>
        </>
      ) : (
        <>
          {error ? <ErrorPanel title={t('split.failed')} error={error.info} testId="split-error" focus /> : null}
          <div className="actions">
            <button type="button" className="button" disabled={busy} onClick={() => void split()} data-testid="split">
              {busy ? t('split.splitting') : t('split.button', { count: total })}
            </button>
          </div>
        </>
      )}
    </>
  );
}
