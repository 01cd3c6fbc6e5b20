/**
 * Recovery, first step (optional): what the recovered key should be. Best is the ceremony's transcript with its final
 * hash typed from the paper record - main checks both and takes the key's fingerprint, the ceremony and the kind of
 * shares from the file, so shards of another ceremony are refused at once. Witness key fingerprints the team recorded
 * verify the transcript too. Otherwise the fingerprint from the paper record, typed. A transcript alone, or nothing
 * (the fingerprint printed in the shards), gives an unverified result: the last screen says so in amber, and main
 * refuses a token import (core/recovery-trust.ts).
 */
import { useId, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle } from '../components/Shell';
import { MAX_TRANSCRIPT_BYTES } from '../transcript/readTranscript';
import { recoveryApi, type RecoveryStatus } from './api';
import { problemInfo } from './problems';
import { typedList } from './trustWords';
import { KeyshardError } from '../../core/errors';
import { looksLikeWords, parseSpokenWords } from '../../core/read-aloud';

export interface Expectation {
  readonly status: RecoveryStatus;
  readonly source: 'transcript' | 'typed' | 'none';
  readonly fileName?: string;
}

interface Props {
  readonly onStarted: (expectation: Expectation) => void;
}

/** Whitespace and dashes out, upper case. */
function compactHex(typed: string): string {
  return typed.replace(/[\s:-]+/g, '').toUpperCase();
}

export function ExpectStep({ onStarted }: Props) {
  const [typed, setTyped] = useState('');
  const [finalHash, setFinalHash] = useState('');
  const [witnessKeys, setWitnessKeys] = useState('');
  const finalHashId = useId();
  const finalHashHintId = useId();
  const keysId = useId();
  const keysHintId = useId();
  const [problem, setProblem] = useState<{ title: string; info: ErrorInfo } | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const hintId = useId();

  const start = async (request: Parameters<typeof recoveryApi.start>[0], then: (status: RecoveryStatus) => Expectation, title: string): Promise<void> => {
    setBusy(true);
    setProblem(null);
    const r = await recoveryApi.start(request);
    setBusy(false);
    if (!r.ok) {
      setProblem({ title, info: problemInfo(r.error) });
      return;
    }
    onStarted(then(r.value));
  };

  const loadTranscript = async (file: File): Promise<void> => {
    if (file.size > MAX_TRANSCRIPT_BYTES) {
      setProblem({
        title: 'This file is too large to be a transcript',
        info: { code: 'TRANSCRIPT_FORMAT', message: `${file.name} is far larger than any transcript.`, todo: "Choose transcript.json from the ceremony's USB stick, or skip this step." },
      });
      return;
    }
    const text = await file.text();
    const hash = finalHash.trim();
    const keys = typedList(witnessKeys);
    await start(
      { transcriptText: text, ...(hash === '' ? {} : { finalHash: hash }), ...(keys.length === 0 ? {} : { witnessKeys: keys }) },
      (status) => ({ status, source: 'transcript', fileName: file.name }),
      'This transcript cannot guide the recovery',
    );
  };

  const useTyped = async (): Promise<void> => {
    if (looksLikeWords(typed)) {
      // The fingerprint's words to read aloud: checked here word by word (main checks them again) for a quick answer.
      let fromWords: string;
      try {
        fromWords = parseSpokenWords(typed, 'fingerprint');
      } catch (e) {
        const err = e instanceof KeyshardError ? e : { code: 'INVALID_HEX', message: 'These words cannot be read as a fingerprint.' };
        setProblem({ title: 'These words are not a fingerprint', info: problemInfo(err, 'Type the words again from the paper record, group by group.') });
        return;
      }
      await start({ expectedFingerprint: fromWords }, (status) => ({ status, source: 'typed' }), 'This fingerprint cannot be used');
      return;
    }
    const hex = compactHex(typed);
    if (!/^[0-9A-F]*$/.test(hex) || (hex.length !== 64 && hex.length !== 32)) {
      setProblem({
        title: 'This is not a fingerprint',
        info: {
          code: 'INVALID_HEX',
          message: /^[0-9A-F]*$/.test(hex)
            ? `What was typed has ${hex.length} characters; a fingerprint has 64, or 32 in the short form read aloud at the ceremony (eight groups of four).`
            : 'A fingerprint has only the digits 0-9 and the letters A-F.',
          todo: 'Type it again from the paper record, group by group (spaces are fine).',
        },
      });
      return;
    }
    // Main checks the whole fingerprint or the short form read aloud (its first 32 digits) alike.
    await start({ expectedFingerprint: hex.toLowerCase() }, (status) => ({ status, source: 'typed' }), 'This fingerprint cannot be used');
  };

  return (
    <>
      <ScreenTitle>Recover a key</ScreenTitle>
      <p className="lead">
        First tell keyshard what the recovered key should be, from the ceremony&apos;s paper record: that is the check
        that counts. Then add the shards one at a time.
      </p>
      {problem ? <ErrorPanel title={problem.title} error={problem.info} testId="expect-error" focus /> : null}
      <div className="expect-choices">
        <section className="panel expect-choice recommended" aria-labelledby="expect-transcript" data-testid="expect-transcript">
          <h2 id="expect-transcript">Load the ceremony&apos;s transcript</h2>
          <p>
            Best. keyshard takes the key&apos;s fingerprint and the ceremony from the file. Type its final hash from the
            paper record first: that proves the file is the ceremony&apos;s.
          </p>
          <div className="field">
            <label htmlFor={finalHashId}>Final hash from the paper record</label>
            <span className="hint" id={finalHashHintId}>
              64 characters, or its 20 words; spaces are fine.
            </span>
            <input
              id={finalHashId}
              type="text"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              aria-describedby={finalHashHintId}
              value={finalHash}
              onChange={(e) => setFinalHash(e.currentTarget.value)}
              data-testid="expected-final-hash"
            />
          </div>
          <details className="witness-pins" data-testid="witness-pins">
            <summary>Or the witness key fingerprints the team recorded</summary>
            <div className="field">
              <label htmlFor={keysId}>Witness key fingerprints</label>
              <span className="hint" id={keysHintId}>
                One per line. A sign-off by one of these keys at the key&apos;s generation, split or seal verifies the
                transcript.
              </span>
              <textarea
                id={keysId}
                className="mono"
                rows={3}
                autoComplete="off"
                spellCheck={false}
                aria-describedby={keysHintId}
                value={witnessKeys}
                onChange={(e) => setWitnessKeys(e.currentTarget.value)}
                data-testid="witness-key-fingerprints"
              />
            </div>
          </details>
          <FilePicker label="Choose the transcript file" accept=".json,application/json" onFile={(f) => void loadTranscript(f)} testId="recovery-transcript-file" />
        </section>
        <section className="panel expect-choice" aria-labelledby="expect-typed" data-testid="expect-typed">
          <h2 id="expect-typed">Or type the fingerprint</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void useTyped();
            }}
          >
            <div className="field">
              <label htmlFor={inputId}>Fingerprint from the paper record</label>
              <span className="hint" id={hintId}>
                64 characters, the 32 read aloud (eight groups of four), or its 20 words. Verifies the result.
              </span>
              <input
                id={inputId}
                type="text"
                className="mono"
                autoComplete="off"
                spellCheck={false}
                aria-describedby={hintId}
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                data-testid="expected-fingerprint"
              />
            </div>
            <button type="submit" className="button" disabled={busy} data-testid="use-fingerprint">
              Use this fingerprint
            </button>
          </form>
        </section>
      </div>
      <div className="skip-line">
        <p>
          <strong>No paper record at hand?</strong> keyshard then checks the key only against the fingerprint inside the
          shards. The result is unverified (the shards vouch only for themselves) and cannot go into a token.
        </p>
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          data-testid="expect-skip"
          onClick={() => void start({}, (status) => ({ status, source: 'none' }), 'The recovery could not start')}
        >
          Skip: add the shards
        </button>
      </div>
    </>
  );
}
