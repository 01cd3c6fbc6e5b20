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
import { useT } from '../i18n';
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
  const t = useT();
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
        title: t('expect.tooLarge.title'),
        info: { code: 'TRANSCRIPT_FORMAT', message: t('expect.tooLarge.message', { name: file.name }), todo: t('expect.tooLarge.todo') },
      });
      return;
    }
    const text = await file.text();
    const hash = finalHash.trim();
    const keys = typedList(witnessKeys);
    await start(
      { transcriptText: text, ...(hash === '' ? {} : { finalHash: hash }), ...(keys.length === 0 ? {} : { witnessKeys: keys }) },
      (status) => ({ status, source: 'transcript', fileName: file.name }),
      t('expect.transcriptRefused'),
    );
  };

  const useTyped = async (): Promise<void> => {
    if (looksLikeWords(typed)) {
      // The fingerprint's words to read aloud: checked here word by word (main checks them again) for a quick answer.
      let fromWords: string;
      try {
        fromWords = parseSpokenWords(typed, 'fingerprint');
      } catch (e) {
        const err = e instanceof KeyshardError ? e : { code: 'INVALID_HEX', message: t('expect.wordsUnreadable') };
        setProblem({ title: t('expect.notWords'), info: problemInfo(err, t('expect.wordsTodo')) });
        return;
      }
      await start({ expectedFingerprint: fromWords }, (status) => ({ status, source: 'typed' }), t('expect.fingerprintRefused'));
      return;
    }
    const hex = compactHex(typed);
    if (!/^[0-9A-F]*$/.test(hex) || (hex.length !== 64 && hex.length !== 32)) {
      setProblem({
        title: t('expect.notFingerprint'),
        info: {
          code: 'INVALID_HEX',
          message: /^[0-9A-F]*$/.test(hex) ? t('expect.wrongLength', { length: hex.length }) : t('expect.notHex'),
          todo: t('expect.typeAgain'),
        },
      });
      return;
    }
    // Main checks the whole fingerprint or the short form read aloud (its first 32 digits) alike.
    await start({ expectedFingerprint: hex.toLowerCase() }, (status) => ({ status, source: 'typed' }), t('expect.fingerprintRefused'));
  };

  return (
    <>
      <ScreenTitle>{t('expect.title')}</ScreenTitle>
      <p className="lead">{t('expect.lead')}</p>
      {problem ? <ErrorPanel title={problem.title} error={problem.info} testId="expect-error" focus /> : null}
      <div className="expect-choices">
        <section className="panel expect-choice recommended" aria-labelledby="expect-transcript" data-testid="expect-transcript">
          <h2 id="expect-transcript">{t('expect.transcript.title')}</h2>
          <p>{t('expect.transcript.text')}</p>
          <div className="field">
            <label htmlFor={finalHashId}>{t('expect.finalHash.label')}</label>
            <span className="hint" id={finalHashHintId}>
              {t('expect.finalHash.hint')}
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
            <summary>{t('expect.pins.summary')}</summary>
            <div className="field">
              <label htmlFor={keysId}>{t('verify.pins.label')}</label>
              <span className="hint" id={keysHintId}>
                {t('expect.pins.hint')}
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
          <FilePicker label={t('verify.choose')} accept=".json,application/json" onFile={(f) => void loadTranscript(f)} testId="recovery-transcript-file" variant="secondary" />
        </section>
        <section className="panel expect-choice" aria-labelledby="expect-typed" data-testid="expect-typed">
          <h2 id="expect-typed">{t('expect.typed.title')}</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void useTyped();
            }}
          >
            <div className="field">
              <label htmlFor={inputId}>{t('expect.typed.label')}</label>
              <span className="hint" id={hintId}>
                {t('expect.typed.hint')}
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
              {t('expect.typed.use')}
            </button>
          </form>
        </section>
      </div>
      <div className="skip-line">
        <p>
          <strong>{t('expect.skip.lead')}</strong> {t('expect.skip.text')}
        </p>
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          data-testid="expect-skip"
          onClick={() => void start({}, (status) => ({ status, source: 'none' }), t('expect.startFailed'))}
        >
          {t('expect.skip.button')}
        </button>
      </div>
    </>
  );
}
