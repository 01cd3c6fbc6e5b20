import { useState } from 'react';
import { hrefOf } from '../app/routes';
import { ErrorPanel } from '../components/ErrorPanel';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle, Shell } from '../components/Shell';
import { CEREMONY_STEPS, StepList } from '../components/StepList';
import { formatUtc, lastStep, loadTranscript, type LoadedTranscript } from '../transcript/readTranscript';
import { TranscriptVerdict } from '../transcript/TranscriptView';

/**
 * Resume an interrupted ceremony from its transcript file. This screen checks the file and says where the ceremony
 * stopped; picking the ceremony up again is the ceremony service's job in main (it replays the records).
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
        Choose the transcript file of the interrupted ceremony. keyshard checks it first, then continues from the last
        step it records.
      </p>
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
          <div className="notice">
            <p>
              Continuing a ceremony needs the ceremony service of the keyshard window, which this build does not have
              yet. Keep the transcript file safe; nothing has been changed.
            </p>
          </div>
          <a className="button secondary" href={hrefOf('start')} data-testid="resume-back">
            Back to the start screen
          </a>
        </section>
      ) : null}
    </Shell>
  );
}
