import { useId, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import { AnnotatedScriptPrint } from './AnnotatedScriptPrint';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle, Shell } from '../components/Shell';
import { useI18n } from '../i18n';
import { typedList } from '../recovery/trustWords';
import { MAX_TRANSCRIPT_BYTES, verifyText, type LoadedTranscript } from './readTranscript';
import { TranscriptEntries, TranscriptVerdict } from './TranscriptView';

/**
 * Verify a transcript: load the file, check every link and signature (core, in this window), whether it reaches its
 * seal, which witness key signed each step, and whether the recorded key fingerprint is verified by something the
 * team holds apart from the file (the final hash from the paper record, witness key fingerprints it recorded).
 */
export function VerifyTranscriptScreen() {
  const { t, lang } = useI18n();
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
    <Shell purpose={t('verify.purpose')}>
      <ScreenTitle>{t('verify.title')}</ScreenTitle>
      <p className="lead">{t('verify.lead')}</p>
      <div className="panel">
        <div className="field">
          <label htmlFor={headId}>{t('verify.head.label')}</label>
          <span className="hint">{t('verify.head.hint')}</span>
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
              {/* core's words name which word is wrong; German has no such text yet, so it says that they cannot be read. */}
              {lang === 'en' ? loaded.finalHashProblem : t('verify.head.unreadable')}
            </span>
          ) : null}
        </div>
        <details className="witness-pins">
          <summary>{t('verify.pins.summary')}</summary>
          <div className="field">
            <label htmlFor={pinsId}>{t('verify.pins.label')}</label>
            <span className="hint" id={pinsHintId}>
              {t('verify.pins.hint')}
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
        <FilePicker label={t('verify.choose')} accept=".json,application/json" onFile={(f) => void open(f)} testId="transcript-file" />
      </div>
      {tooLarge ? (
        <ErrorPanel
          title={t('verify.tooLarge.title')}
          testId="transcript-too-large"
          focus
          error={{
            code: 'TRANSCRIPT_FORMAT',
            message: t('verify.tooLarge.message', { name: tooLarge.name, mb: Math.round(tooLarge.size / 1024 / 1024), max: MAX_TRANSCRIPT_BYTES / 1024 / 1024 }),
            todo: t('verify.tooLarge.todo'),
          }}
        />
      ) : null}
      {loaded ? (
        <>
          <TranscriptVerdict loaded={loaded} pins={typedList(pins)} />
          {/* Keyed by the file, so another transcript starts without the last one's plan. */}
          {loaded.result.ok ? <AnnotatedScriptPrint key={`${text?.name ?? ''}:${loaded.result.headHash}`} verified={loaded.result} /> : null}
          <TranscriptEntries loaded={loaded} />
        </>
      ) : null}
    </Shell>
  );
}
