import { useEffect, useMemo } from 'react';
import { hrefOf } from '../../app/routes';
import { ScreenTitle } from '../../components/Shell';
import type { Status } from '../api';
import type { CeremonyPlan } from '../../../core/policy';
import { savedPlan, slug, useCeremonyFiles, useCheckedTranscript, useDownloadUrl, type FilesReading } from '../../transcript/ceremonyFiles';
import { TranscriptVerdict } from '../../transcript/TranscriptView';
import { custodianName, names } from '../names';
import { AbortPanel } from '../parts/AbortPanel';
import { ExceptionPanel } from '../parts/ExceptionPanel';
import { useI18n, useT } from '../../i18n';

interface Props {
  readonly status: Status;
  readonly plan: CeremonyPlan | null;
  readonly setStatus: (s: Status) => void;
  /** Takes the plan keyshard saved when this window has none (the step list numbers the plan's own steps). */
  readonly onPlan?: (plan: CeremonyPlan) => void;
}

/** The plan keyshard saved beside the transcript, when this window has none; handed up as the sealed screen does. */
function useSavedPlan(plan: CeremonyPlan | null, reading: FilesReading, status: Status, onPlan?: (plan: CeremonyPlan) => void): CeremonyPlan | null {
  const saved = useMemo(() => (plan === null ? savedPlan(reading, status) : null), [plan, reading, status]);
  useEffect(() => {
    if (saved !== null) onPlan?.(saved);
  }, [saved, onPlan]);
  return plan ?? saved;
}

/**
 * After a restart that lost the secret: said plainly, with who holds shards of it (those shards must be destroyed),
 * and the one thing left to do: abort.
 */
export function LostStage({ status, plan, setStatus, onPlan }: Props) {
  const afterHandoff = status.phase === 'secret-lost-after-handoff';
  // A new window after the restart has no plan of its own: the one keyshard saved names the people.
  const { reading } = useCeremonyFiles();
  const known = useSavedPlan(plan, reading, status, onPlan);
  const t = useT();
  const holders = known === null ? [] : status.custodiansHoldingShards.map((id) => custodianName(known, id));
  const who = holders.length > 0 ? names(holders) : t('lost.everyone');
  return (
    <>
      <ScreenTitle>{afterHandoff ? t('lost.titleAfterHandoff') : t('lost.title')}</ScreenTitle>
      <div className="error-panel" role="alert" data-testid="secret-lost" data-phase={status.phase} tabIndex={-1}>
        <h2>
          {t('lost.heading')}
          <span className="error-code">CEREMONY_SECRET_LOST</span>
        </h2>
        <p data-testid="secret-lost-message">
          {afterHandoff ? t('lost.message.afterHandoff') : t('lost.message')}
          {afterHandoff && holders.length > 0 ? ` ${t('lost.message.holders', { names: names(holders), count: holders.length })}` : ''}
        </p>
        {afterHandoff ? (
          <>
            {holders.length > 0 ? (
              <p>
                <strong>{t('lost.heldBy')}</strong>
                <span data-testid="secret-lost-holders">{names(holders)}</span>.
              </p>
            ) : null}
            <ol className="todo-list">
              <li>{t('lost.abort')}</li>
              <li>{t('lost.bring', { who, count: holders.length <= 1 ? 1 : holders.length })}</li>
              <li>{t('lost.again')}</li>
            </ol>
          </>
        ) : (
          <ol className="todo-list">
            <li>{t('lost.abort')}</li>
            <li>{t('lost.noneOut')}</li>
          </ol>
        )}
      </div>
      <AbortPanel plan={plan} setStatus={setStatus} open />
    </>
  );
}

/**
 * Aborted: the record stays. Said with what is left to do: the shards handed out before the abort are destroyed (named
 * when the plan is known: this window's, or the one keyshard saved), and a copy of the transcript can be saved.
 */
export function AbortedStage({
  status,
  plan,
  onPlan,
  setStatus,
}: {
  readonly status: Status;
  readonly plan?: CeremonyPlan | null;
  readonly onPlan?: (plan: CeremonyPlan) => void;
  readonly setStatus?: (s: Status) => void;
}) {
  const { reading } = useCeremonyFiles();
  const checked = useCheckedTranscript(reading, status.transcript.headHash ?? '');
  const known = useSavedPlan(plan ?? null, reading, status, onPlan);
  const url = useDownloadUrl(checked?.loaded.result.ok ? checked.text : null);
  const holders = status.custodiansHoldingShards.map((id) => (known === null ? id : custodianName(known, id)));
  const { t, rich } = useI18n();
  // The abort's exception (the reason for the script, a witness's signature) is asked for after the wipe.
  const needed = status.exceptionNeeded?.deviation === 'abort' ? status.exceptionNeeded : null;
  return (
    <>
      <ScreenTitle>{t('aborted.title')}</ScreenTitle>
      {/* First, while the witness is still in the room: the abort's exception. */}
      {needed !== null && known !== null && setStatus !== undefined ? <ExceptionPanel needed={needed} plan={known} setStatus={setStatus} /> : null}
      <div className="notice" data-testid="aborted">
        <p>{t('aborted.wiped')}</p>
        {holders.length > 0 ? (
          <>
            <p>{t('aborted.destroy')}</p>
            <ol className="todo-list" data-testid="aborted-todo">
              <li>{rich('aborted.bring', { who: <span data-testid="aborted-holders">{names(holders)}</span>, count: holders.length })}</li>
              <li>{t('aborted.again')}</li>
            </ol>
          </>
        ) : (
          <p>{t('aborted.noneOut')}</p>
        )}
        <p>{rich('aborted.kept', { path: <span className="mono">{status.transcript.path}</span> })}</p>
      </div>
      {checked !== null && !checked.loaded.result.ok ? <TranscriptVerdict loaded={checked.loaded} /> : null}
      <div className="actions">
        <a className={needed === null ? 'button' : 'button secondary'} href={hrefOf('plan')} data-testid="aborted-plan">
          {t('aborted.plan')}
        </a>
        {url !== null ? (
          <a className="button secondary" href={url} download={`${slug(known?.label ?? status.label ?? '')}.aborted.transcript.json`} data-testid="aborted-download">
            {t('aborted.download')}
          </a>
        ) : null}
        <a className="button secondary" href={hrefOf('start')}>
          {t('aborted.start')}
        </a>
      </div>
    </>
  );
}

export function NoPlanStage() {
  const t = useT();
  return (
    <>
      <ScreenTitle>{t('noPlan.title')}</ScreenTitle>
      <div className="notice" data-testid="ceremony-no-plan">
        <p>{t('noPlan.text')}</p>
      </div>
      <div className="actions">
        <a className="button" href={hrefOf('plan')} data-testid="back-to-plan">
          {t('noPlan.toPlan')}
        </a>
        <a className="button secondary" href={hrefOf('resume')}>
          {t('noPlan.resume')}
        </a>
      </div>
    </>
  );
}
