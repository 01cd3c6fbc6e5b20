import { useEffect, useRef, useState } from 'react';
import { parsePlan, type CeremonyPlan } from '../../../core/policy';
import { ErrorPanel } from '../../components/ErrorPanel';
import type { ErrorInfo } from '../../components/errors';
import { toErrorInfo } from '../../components/errors';
import { FilePicker } from '../../components/FilePicker';
import { ScreenTitle } from '../../components/Shell';
import { t as tNow, useI18n } from '../../i18n';
import { ask, asErrorInfo, IpcCallError, type Status } from '../api';
import type { FilesReading } from '../../transcript/ceremonyFiles';
import { dirOf } from '../names';
import { planFits } from '../stage';

/** Plan files are a few KB. */
const MAX_PLAN_BYTES = 1_000_000;

interface Props {
  readonly status: Status;
  readonly onPlan: (plan: CeremonyPlan) => void;
  /** As a section of another screen rather than a screen of its own. */
  readonly inline?: boolean;
  /**
   * What main already answered to ceremony:transcript for the screen around this one (the sealed screen reads it for
   * the transcript): judged at once instead of asked again, so no "Reading…" flashes. "Ask keyshard again" asks anew.
   */
  readonly files?: FilesReading;
}

/** Why the plan keyshard saved could not be used: said with what to do, above the file picker. */
type FromMain = { readonly state: 'reading' } | { readonly state: 'unusable'; readonly error: ErrorInfo; readonly canRetry: boolean };

/**
 * A ceremony runs in main but this window does not know its plan (a new window after a restart). The plan is public
 * and keyshard saved it next to the transcript, so main gives it (ceremony:transcript): it is taken at once when it
 * fits what main says about the ceremony. Only when it cannot be read, or is not this ceremony's, the person chooses
 * the plan file (a copy from the ceremony's USB stick), checked the same way.
 */
export function NeedPlanStage({ status, onPlan, inline = false, files: known }: Props) {
  const { t, rich } = useI18n();
  const [fromMain, setFromMain] = useState<FromMain>({ state: 'reading' });
  const [error, setError] = useState<ErrorInfo | null>(null);
  const folder = dirOf(status.transcript.path);
  const planPath = `${folder}/plan.json`;
  // The latest props for the effect below, which runs once per ceremony (not on every new status object).
  const latest = useRef({ status, onPlan, known });
  latest.current = { status, onPlan, known };
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    const given = attempt === 0 ? latest.current.known : undefined;
    if (given?.state !== 'done' && given?.state !== 'failed') setFromMain({ state: 'reading' });
    if (given?.state === 'failed') {
      // Main could not give the files to the screen around this one: the same error, and asking again may help.
      setFromMain({ state: 'unusable', error: given.error, canRetry: true });
      return;
    }
    void (async () => {
      let unusable: { error: ErrorInfo; canRetry: boolean };
      try {
        const files = given?.state === 'done' ? given.files : await ask('ceremony:transcript');
        if (!live) return;
        const { status: now, onPlan: take } = latest.current;
        if (files?.plan == null) {
          unusable = {
            error: { code: 'TRANSCRIPT_FORMAT', message: tNow('needPlan.notFound'), todo: tNow('needPlan.chooseBelow') },
            canRetry: true,
          };
        } else {
          const plan = parsePlan(files.plan.text);
          if (planFits(plan, now)) {
            take(plan);
            return;
          }
          unusable = {
            error: {
              code: 'POLICY_INVALID',
              message: tNow('needPlan.savedOther', { path: files.plan.path, label: plan.label, running: now.label ?? '' }),
              todo: tNow('needPlan.chooseBelow'),
            },
            canRetry: false,
          };
        }
      } catch (e) {
        if (!live) return;
        // A failed request may pass when asked again; a saved plan that does not parse will not.
        unusable =
          e instanceof IpcCallError
            ? { error: asErrorInfo(e), canRetry: true }
            : { error: toErrorInfo(e, tNow('needPlan.chooseBelow')), canRetry: false };
      }
      setFromMain({ state: 'unusable', ...unusable });
    })();
    return () => {
      live = false;
    };
  }, [status.ceremonyId, planPath, attempt]);

  const load = async (file: File): Promise<void> => {
    try {
      if (file.size > MAX_PLAN_BYTES) throw new Error('too large');
      const plan = parsePlan(await file.text());
      if (!planFits(plan, status)) {
        setError({
          code: 'POLICY_INVALID',
          message: t('needPlan.fileOther', { file: file.name, label: plan.label, running: status.label ?? '' }),
          todo: t('needPlan.fileOther.todo', { label: status.label ?? t('saved.thisCeremony'), folder }),
        });
        return;
      }
      setError(null);
      onPlan(plan);
    } catch (e) {
      setError(toErrorInfo(e, t('needPlan.chooseInFolder', { folder })));
    }
  };

  const body =
    fromMain.state === 'reading' ? (
      <p className={inline ? 'muted' : 'lead'} data-testid="need-plan-reading">
        {rich('needPlan.reading', { label: <strong>{status.label}</strong> })}
      </p>
    ) : (
      <>
        <p className={inline ? '' : 'lead'}>
          {rich('needPlan.text', {
            label: <strong data-testid="need-plan-label">{status.label}</strong>,
            id: <span className="mono">{status.ceremonyId}</span>,
            path: (
              <span className="mono" data-testid="need-plan-path">
                {planPath}
              </span>
            ),
          })}
        </p>
        {/* One explanation at a time: why the saved plan cannot be used, until a chosen file has its own. */}
        {error ? (
          <ErrorPanel title={t('needPlan.fileUnusable')} error={error} testId="need-plan-error" focus />
        ) : (
          <ErrorPanel title={t('needPlan.savedUnusable')} error={fromMain.error} testId="need-plan-saved-error" focus={!inline} />
        )}
        <div className="actions top">
          <FilePicker label={t('needPlan.choose')} accept=".json,application/json" onFile={(f) => void load(f)} testId="need-plan-file" />
          {fromMain.canRetry ? (
            <button type="button" className="button secondary" onClick={() => {
                setError(null);
                setAttempt((n) => n + 1);
              }} data-testid="need-plan-retry">
              {t('needPlan.retry')}
            </button>
          ) : null}
        </div>
      </>
    );
  if (inline) {
    // Judging files the screen around already has takes a moment, not a request: nothing to announce meanwhile.
    if (fromMain.state === 'reading' && attempt === 0 && known !== undefined && known.state !== 'reading') return null;
    return <section className="panel" data-testid="need-plan-inline">{body}</section>;
  }
  return (
    <>
      <ScreenTitle>{fromMain.state === 'reading' ? t('needPlan.opening') : t('needPlan.title')}</ScreenTitle>
      {body}
    </>
  );
}
