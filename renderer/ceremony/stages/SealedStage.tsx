import { useEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import { KEY_CEREMONY } from '../../../core/ceremony-kinds';
import { annotatedScript, scriptExceptions } from '../../../core/ceremony-kinds/annotated';
import type { CeremonyPlan } from '../../../core/policy';
import type { VerifyOk } from '../../../core/transcript';
import { hrefOf } from '../../app/routes';
import { ErrorPanel } from '../../components/ErrorPanel';
import { FilePicker } from '../../components/FilePicker';
import { ScreenTitle } from '../../components/Shell';
import { useI18n } from '../../i18n';
import { SpokenWords } from '../../components/SpokenWords';
import { savedPlan, slug, useCeremonyFiles, useCheckedTranscript, useDownloadUrl } from '../../transcript/ceremonyFiles';
import { MAX_TRANSCRIPT_BYTES, verifyText, type LoadedTranscript } from '../../transcript/readTranscript';
import { TranscriptVerdict } from '../../transcript/TranscriptView';
import type { StageProps } from '../context';
import { AnnotatedScript } from '../parts/AnnotatedScript';
import { CeremonySummary } from '../parts/CeremonySummary';
import { NeedPlanStage } from './NeedPlanStage';

/** The transcript this screen shows: keyshard's own file (from main), or a copy the person chose. */
interface Shown {
  readonly source: 'keyshard' | 'chosen';
  readonly text: string;
  readonly loaded: LoadedTranscript;
}

/**
 * The end: the final hash, large, to be written on paper; the transcript keyshard saved, read from main and checked in
 * this window against that hash; a copy to save (for the ceremony's USB stick) and the summary to print, at once. A
 * copy from elsewhere can be checked the same way (file picker).
 */
interface Props extends Pick<StageProps, 'status'> {
  /** The plan this window holds, if any (a new window after a restart has none). */
  readonly plan: StageProps['plan'] | null;
  /** Takes the plan keyshard saved beside the transcript (or one the person chose) into this window. */
  readonly onPlan: (plan: CeremonyPlan) => void;
}

export function SealedStage({ status, plan, onPlan }: Props) {
  const head = status.transcript.headHash ?? '';
  // One request to main gives the transcript and the plan beside it; until it answers the screen says it is reading
  // (never a plan panel that appears and vanishes).
  const { reading, read } = useCeremonyFiles();
  const checked = useCheckedTranscript(reading, head);
  const [chosen, setChosen] = useState<Shown | null>(null);
  const [tooLarge, setTooLarge] = useState<string | null>(null);

  const own: Shown | null = checked === null ? null : { source: 'keyshard', ...checked };
  const shown = chosen ?? own;
  const ok: VerifyOk | null = shown?.loaded.result.ok ? shown.loaded.result : null;
  const saved = useMemo(() => (plan === null ? savedPlan(reading, status) : null), [plan, reading, status]);
  const summaryPlan = plan ?? saved;
  useEffect(() => {
    if (saved !== null) onPlan(saved);
  }, [saved, onPlan]);
  const firstReading = reading.state === 'reading' && chosen === null;
  // The exceptions the checked transcript holds, with their step numbers (the annotated script's), so the screen says
  // what the printed script shows under those steps.
  const exceptions = useMemo(() => (ok && summaryPlan ? scriptExceptions(annotatedScript(KEY_CEREMONY, summaryPlan, ok)) : []), [ok, summaryPlan]);
  const url = useDownloadUrl(ok && shown ? shown.text : null);
  // One sheet is on the page at a time, so the printer gets the one asked for (rendered before the print starts).
  const [sheet, setSheet] = useState<'summary' | 'annotated'>('summary');
  const { t, rich } = useI18n();
  const print = (which: 'summary' | 'annotated'): void => {
    flushSync(() => setSheet(which));
    window.print();
  };

  const open = async (file: File): Promise<void> => {
    if (file.size > MAX_TRANSCRIPT_BYTES) {
      setTooLarge(file.name);
      setChosen(null);
      return;
    }
    setTooLarge(null);
    const text = await file.text();
    setChosen({ source: 'chosen', text, loaded: verifyText(file.name, text, head) });
  };

  const groups = head.match(/.{1,4}/g) ?? [];
  return (
    <>
      <ScreenTitle>{t('sealed.title')}</ScreenTitle>
      <p className="lead">{t('sealed.lead')}</p>
      <figure className="final-hash" data-testid="final-hash" data-hash={head} aria-label={t('sealed.finalHashAria', { hash: head })}>
        <ol className="fingerprint-groups hash-groups">
          {groups.map((g, i) => (
            <li key={i}>
              <span className="fingerprint-n" aria-hidden="true">
                {i + 1}
              </span>
              <span className="fingerprint-g">{g}</span>
            </li>
          ))}
        </ol>
        <SpokenWords hex={head} testId="final-hash-words" what={t('sealed.finalHash')} layout="column" />
      </figure>
      <section className="panel sealed-export" data-testid="transcript-export" data-source={shown?.source ?? ''}>
        <h2>{t('sealed.export')}</h2>
        {firstReading ? (
          <p className="muted" role="status" data-testid="transcript-reading">
            {t('sealed.reading')}
          </p>
        ) : null}
        {reading.state === 'failed' && chosen === null ? (
          <ErrorPanel title={t('sealed.readFailed')} error={reading.error} testId="transcript-read-error" focus>
            <p>{rich('sealed.readWhere', { path: <span className="mono">{status.transcript.path}</span> })}</p>
            <button type="button" className="button" onClick={() => void read()} data-testid="transcript-read-again">
              {t('sealed.askAgain')}
            </button>
          </ErrorPanel>
        ) : null}
        {tooLarge !== null ? (
          <ErrorPanel
            title={t('sealed.tooLarge')}
            testId="sealed-too-large"
            focus
            error={{ code: 'TRANSCRIPT_FORMAT', message: t('sealed.tooLargeMessage', { name: tooLarge }), todo: t('sealed.tooLargeTodo') }}
          />
        ) : null}
        {shown && ok ? (
          <div className="sealed-ok" data-testid="transcript-ok" role="status">
            <p>
              <strong className="ok-line">{t('sealed.ok')}</strong>
              {t('sealed.okMore', { count: ok.entries.length })}
            </p>
            {shown.source === 'keyshard' ? (
              <p className="small-print">
                {rich('sealed.savedIn', { path: <span data-testid="transcript-path">{shown.loaded.fileName}</span> })}
              </p>
            ) : (
              <p className="small-print" data-testid="transcript-chosen">
                {t('sealed.chosen', { name: shown.loaded.fileName })}
              </p>
            )}
            {exceptions.length > 0 ? (
              <p data-testid="sealed-exceptions" data-count={exceptions.length}>
                {t('sealed.exceptions', { count: exceptions.length, steps: [...new Set(exceptions.map((x) => x.number))].join(', ') })}
              </p>
            ) : null}
          </div>
        ) : null}
        {shown && !ok ? <TranscriptVerdict loaded={shown.loaded} /> : null}
        {ok && url ? (
          <div className="actions">
            <a className="button" href={url} download={`${slug(summaryPlan?.label ?? status.label ?? '')}.transcript.json`} data-testid="transcript-download">
              {t('sealed.download')}
            </a>
            {summaryPlan ? (
              <>
                <button type="button" className="button secondary" onClick={() => print('summary')} data-testid="print-summary">
                  {t('sealed.printSummary')}
                </button>
                <button type="button" className="button secondary" onClick={() => print('annotated')} data-testid="print-annotated">
                  {t('sealed.printAnnotated')}
                </button>
              </>
            ) : (
              <p className="muted" data-testid="print-needs-plan">
                {t('sealed.needsPlan')}
              </p>
            )}
          </div>
        ) : null}
        {firstReading ? null : (
          <div className="sealed-other">
            <p className="muted">
              {chosen === null
                ? t('sealed.otherCopy')
                : t('sealed.otherChosen', { name: chosen.loaded.fileName })}
            </p>
            <div className="actions top">
              <FilePicker label={t('sealed.checkAnother')} accept=".json,application/json" onFile={(f) => void open(f)} testId="sealed-transcript-file" variant="secondary" />
              {chosen !== null ? (
                <button type="button" className="button secondary" onClick={() => setChosen(null)} data-testid="transcript-use-own">
                  {t('sealed.useOwn')}
                </button>
              ) : null}
            </div>
          </div>
        )}
      </section>
      {/* Only when main answered and its saved plan cannot be used: the person chooses the plan file. */}
      {plan === null && reading.state === 'done' && saved === null ? <NeedPlanStage status={status} onPlan={onPlan} inline files={reading} /> : null}
      <div className="actions">
        <a className="button secondary" href={hrefOf('start')} data-testid="sealed-home">
          {t('sealed.home')}
        </a>
      </div>
      {ok && summaryPlan && sheet === 'summary' ? <CeremonySummary plan={summaryPlan} status={status} verified={ok} /> : null}
      {ok && summaryPlan && sheet === 'annotated' ? <AnnotatedScript kind={KEY_CEREMONY} plan={summaryPlan} verified={ok} /> : null}
    </>
  );
}
