import { useId, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle, Shell } from '../components/Shell';
import { typedList } from '../recovery/trustWords';
import { MAX_TRANSCRIPT_BYTES, verifyText, type LoadedTranscript } from './readTranscript';
import { TranscriptEntries, TranscriptVerdict } from './TranscriptView';

/**
 * Verify a transcript: load the file, check every link and signature (core, in this window), whether it reaches its
 * seal, which witness key signed each step, and whether the recorded key fingerprint is verified by something the
 * team holds apart from the file (the final hash from the paper record, witness key fingerprints it recorded).
 */
export function VerifyTranscriptScreen() {
  const [loaded, setLoaded] = useState<LoadedTranscript | null>(null);
  const [tooLarge, setTooLarge] = useState<{ name: string; size: number } | null>(null);
  const [head, setHead] = useState('');
  const [text, setText] = useState<{ name: string; text: string } | null>(null);
  const [pins, setPins] = useState('');
  const headId = useId();
  const pinsId = useId();
  const pinsHintId = useId();

  const open = async (file: File): Promise<void> => {
    if (file.size > MAX_TRANSCRIPT_BYTES) {
      setTooLarge({ name: file.name, size: file.size });
      setLoaded(null);
      setText(null);
      return;
    }
    const content = await file.text();
    setTooLarge(null);
    // Kept so a final hash typed after loading re-checks the same file without choosing it again.
    setText({ name: file.name, text: content });
    setLoaded(verifyText(file.name, content, head));
  };

  const recheck = (value: string): void => {
    setHead(value);
    if (text) setLoaded(verifyText(text.name, text.text, value));
  };

  return (
    <Shell purpose="Verify a ceremony transcript: every hash link and every witness signature">
      <ScreenTitle>Verify a transcript</ScreenTitle>
      <p className="lead">
        Choose the transcript file from the ceremony&apos;s USB stick. keyshard checks that no entry was changed,
        removed or reordered, that every witness signature holds, and that the file reaches its seal. The file is only
        read.
      </p>
      <div className="panel">
        <div className="field">
          <label htmlFor={headId}>Final hash from the paper record (optional)</label>
          <span className="hint">64 characters, or its 20 words; spaces are fine. With it, a file cut short at the end is caught too.</span>
          <input
            id={headId}
            type="text"
            className="mono"
            autoComplete="off"
            spellCheck={false}
            value={head}
            data-testid="expected-head"
            onChange={(e) => recheck(e.currentTarget.value)}
          />
          {loaded?.finalHashProblem ? (
            <span className="warn-text" role="alert" data-testid="expected-head-problem">
              {loaded.finalHashProblem}
            </span>
          ) : null}
        </div>
        <details className="witness-pins">
          <summary>Witness key fingerprints the team recorded (optional)</summary>
          <div className="field">
            <label htmlFor={pinsId}>Witness key fingerprints</label>
            <span className="hint" id={pinsHintId}>
              One per line. The screen shows which steps these keys signed.
            </span>
            <textarea
              id={pinsId}
              className="mono"
              rows={3}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={pinsHintId}
              value={pins}
              data-testid="verify-witness-keys"
              onChange={(e) => setPins(e.currentTarget.value)}
            />
          </div>
        </details>
        <FilePicker label="Choose the transcript file" accept=".json,application/json" onFile={(f) => void open(f)} testId="transcript-file" />
      </div>
      {tooLarge ? (
        <ErrorPanel
          title="This file is too large to be a transcript"
          testId="transcript-too-large"
          focus
          error={{
            code: 'TRANSCRIPT_FORMAT',
            message: `${tooLarge.name} is ${Math.round(tooLarge.size / 1024 / 1024)} MB; transcripts are far smaller (at most ${MAX_TRANSCRIPT_BYTES / 1024 / 1024} MB are read).`,
            todo: "Choose transcript.json from the ceremony's USB stick.",
          }}
        />
      ) : null}
      {loaded ? (
        <>
          <TranscriptVerdict loaded={loaded} pins={typedList(pins)} />
          <TranscriptEntries loaded={loaded} />
        </>
      ) : null}
    </Shell>
  );
}
