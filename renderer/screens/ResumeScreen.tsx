import { useState } from 'react';
import { hrefOf } from '../app/routes';
import { ContinueButton, SavedCeremonies, useSavedCeremonies } from '../ceremony/SavedCeremonies';
import { ErrorPanel } from '../components/ErrorPanel';
import { useI18n, useT } from '../i18n';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle, Shell } from '../components/Shell';
import { listStepOfRecord } from '../components/ceremonySteps';
import { CEREMONY_STEPS, StepList, type CeremonyStepId } from '../components/StepList';
import { formatUtc, lastStep, loadTranscript, type LoadedTranscript } from '../transcript/readTranscript';
import { isCeremonyStep, stepName } from '../../core/step-names';
import { TranscriptVerdict } from '../transcript/TranscriptView';

/**
 * Resume an interrupted ceremony: from the list of ceremonies keyshard saved on this machine, or from a transcript
 * file, which this screen checks first. Continuing is ceremony:resume: main reopens the ceremony's folder and replays
 * its transcript.
 */
export function ResumeScreen() {
  const { t, rich, lang } = useI18n();
  const [loaded, setLoaded] = useState<LoadedTranscript | null>(null);
  const [tooLarge, setTooLarge] = useState(false);
  const last = loaded?.result.ok ? lastStep(loaded.rows) : undefined;
  const where = stoppedAt(last?.kind);
  return (
    <Shell
      purpose={t('resume.purpose')}
      steps={<StepList title={t('steps.keyCeremony')} steps={CEREMONY_STEPS} current={where.current} done={where.done} />}
    >
      <ScreenTitle>{t('resume.title')}</ScreenTitle>
      <p className="lead">{t('resume.lead')}</p>
      {/* One primary action: the saved ceremony's Continue, or once a transcript is checked, that file's own. */}
      <SavedCeremonies secondary={loaded !== null} />
      <h2>{t('resume.orFile')}</h2>
      <div className="actions top">
        <FilePicker
          label={t('resume.chooseFile')}
          accept=".json,application/json"
          testId="resume-file"
          variant="secondary"
          onFile={(f) =>
            void loadTranscript(f).then((r) => {
              setTooLarge('tooLarge' in r);
              setLoaded('tooLarge' in r ? null : r);
            })
          }
        />
      </div>
      {tooLarge ? (
        <ErrorPanel
          title={t('resume.tooLarge')}
          testId="resume-too-large"
          focus
          error={{ code: 'TRANSCRIPT_FORMAT', message: t('resume.tooLarge.message'), todo: t('resume.tooLarge.todo') }}
        />
      ) : null}
      {loaded ? <TranscriptVerdict loaded={loaded} mode="resume" /> : null}
      {loaded?.result.ok && last ? (
        <section className="panel" data-testid="resume-summary">
          <h2>{t('resume.where')}</h2>
          <p>
            {rich('resume.last', {
              step: (
                <strong data-testid="resume-last-step" data-kind={last.kind}>
                  {stepName(last.kind, lang)}
                </strong>
              ),
              at: formatUtc(last.at),
            })}
          </p>
          <ResumeFromFile ceremonyId={loaded.result.ceremonyId} />
        </section>
      ) : null}
    </Shell>
  );
}

/** The step list for a checked transcript: where its ceremony stopped (all done once sealed); else the start. */
function stoppedAt(kind: string | undefined): { current: CeremonyStepId; done: CeremonyStepId[] } {
  const order = CEREMONY_STEPS.map((s) => s.id);
  if (kind === undefined || kind === 'abort' || !isCeremonyStep(kind)) return { current: 'plan', done: [] };
  if (kind === 'seal') return { current: 'seal', done: order };
  const current = listStepOfRecord(CEREMONY_STEPS, kind);
  return { current, done: order.slice(0, order.indexOf(current)) };
}

/** The saved ceremony the checked transcript belongs to, with its continue button; or why there is none. */
function ResumeFromFile({ ceremonyId }: { ceremonyId: string }) {
  const t = useT();
  const { saved } = useSavedCeremonies();
  const match = saved?.find((c) => c.ceremonyId === ceremonyId);
  const back = (
    <a className="button secondary" href={hrefOf('start')} data-testid="resume-back">
      {t('resume.back')}
    </a>
  );
  if (saved === null) return <div className="actions">{back}</div>;
  if (match === undefined || match.state !== 'open') {
    return (
      <>
        {match === undefined ? (
          <div className="notice" data-testid="resume-not-saved">
            <p>{t('resume.notSaved')}</p>
          </div>
        ) : (
          <div className="notice" data-testid="resume-finished">
            <p>{t('resume.finished', { state: t(`saved.state.${match.state}`) })}</p>
          </div>
        )}
        <div className="actions">
          <a className="button" href={hrefOf('verify')} data-testid="resume-verify">
            {t('resume.verify')}
          </a>
          {back}
        </div>
      </>
    );
  }
  return (
    <div className="actions">
      <ContinueButton ceremony={match} testId="resume-continue" />
      {back}
    </div>
  );
}
