import { useState } from 'react';
import { hrefOf } from '../app/routes';
import { ContinueButton, SavedCeremonies, useSavedCeremonies } from '../ceremony/SavedCeremonies';
import { ErrorPanel } from '../components/ErrorPanel';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle, Shell } from '../components/Shell';
import { CEREMONY_STEPS, StepList } from '../components/StepList';
import { formatUtc, lastStep, loadTranscript, type LoadedTranscript } from '../transcript/readTranscript';
import { TranscriptVerdict } from '../transcript/TranscriptView';

/**
 * Resume an interrupted ceremony: from the list of ceremonies keyshard saved on this machine, or from a transcript
 * file, which this screen checks first. Continuing is ceremony:resume: main reopens the ceremony's folder and replays
 * its transcript.
 */
export function ResumeScreen() {
  const [loaded, setLoaded] = useState<LoadedTranscript | null>(null);
  const [tooLarge, setTooLarge] = useState(false);
  const last = loaded ? lastStep(loaded.rows) : undefined;
  return (
    <Shell
      purpose="Resume an interrupted ceremony from its transcript file"
      steps={<StepList title="Key ceremony" steps={CEREMONY_STEPS} current="plan" done={[]} />}
    >
      <ScreenTitle>Resume a ceremony</ScreenTitle>
      <p className="lead">
        Continue a ceremony saved on this machine, or choose the transcript file of the interrupted ceremony: keyshard
        checks it first, then continues from the last step it records.
      </p>
      <SavedCeremonies />
      <h2>Or check a transcript file first</h2>
      <div className="actions top">
        <FilePicker
          label="Choose the transcript file"
          accept=".json,application/json"
          testId="resume-file"
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
          title="This file is too large to be a transcript"
          testId="resume-too-large"
          error={{ code: 'TRANSCRIPT_FORMAT', message: 'The chosen file is far larger than any transcript.', todo: "Choose transcript.json from the ceremony's USB stick." }}
        />
      ) : null}
      {loaded ? <TranscriptVerdict loaded={loaded} /> : null}
      {loaded?.result.ok && last ? (
        <section className="panel" data-testid="resume-summary">
          <h2>Where the ceremony stopped</h2>
          <p>
            Last step recorded: <strong data-testid="resume-last-step">{last.kind}</strong>, at {formatUtc(last.at)}.
          </p>
          <ResumeFromFile ceremonyId={loaded.result.ceremonyId} />
          <a className="button secondary" href={hrefOf('start')} data-testid="resume-back">
            Back to the start screen
          </a>
        </section>
      ) : null}
    </Shell>
  );
}

/** The saved ceremony the checked transcript belongs to, with its continue button; or why there is none. */
function ResumeFromFile({ ceremonyId }: { ceremonyId: string }) {
  const { saved } = useSavedCeremonies();
  const match = saved?.find((c) => c.ceremonyId === ceremonyId);
  if (saved === null) return null;
  if (match === undefined) {
    return (
      <div className="notice" data-testid="resume-not-saved">
        <p>
          This ceremony&apos;s folder is not among the ceremonies keyshard keeps on this machine, so it cannot be continued here. Keep the
          transcript file safe; nothing has been changed.
        </p>
      </div>
    );
  }
  if (match.state !== 'open') {
    return (
      <div className="notice" data-testid="resume-finished">
        <p>This ceremony is {match.state}: it takes no more steps.</p>
      </div>
    );
  }
  return (
    <div className="actions top">
      <ContinueButton ceremony={match} testId="resume-continue" />
    </div>
  );
}
