/**
 * Recovery, second step: add the shards one at a time - scanned, typed, from a file, from a custodian's USB drive or
 * from their PKCS#11 token - each sent to main at once and answered accepted / duplicate / rejected, with progress per
 * group. "Recover the key" asks main to combine them; with
 * too few it says how many more are needed.
 */
import { useCallback, useRef, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { ScreenTitle } from '../components/Shell';
import { recoveryApi, type FinishResponse, type RecoveryProgress, type ShardRequest } from './api';
import { CameraInput, type ScanFacts } from './CameraInput';
import type { Expectation } from './ExpectStep';
import { FileInput } from './FileInput';
import { Fingerprint } from './Fingerprint';
import { outcomeOf, type HeldShard, type Outcome, type ShardOrigin, type SubmitResult } from './outcome';
import { OutcomePanel } from './OutcomePanel';
import { problemInfo } from './problems';
import { SOURCE_SHORT } from './trustWords';
import { KeyStretching, type KeyStretchingState } from './KeyStretching';
import { HeldList, ProgressPanel } from './ProgressPanel';
import { TokenInput } from './TokenInput';
import { UsbInput } from './UsbInput';
import { WordsInput } from './WordsInput';
import { BagSerialField, bagSerialCheck } from '../components/BagSerialField';
import { useI18n, type PlainKey } from '../i18n';
import { progressWords } from './progressWords';

type Method = 'camera' | 'words' | 'file' | 'usb' | 'token';

const METHODS: readonly { id: Method; label: PlainKey }[] = [
  { id: 'camera', label: 'collect.method.camera' },
  { id: 'words', label: 'collect.method.words' },
  { id: 'file', label: 'collect.method.file' },
  { id: 'usb', label: 'collect.method.usb' },
  { id: 'token', label: 'collect.method.token' },
];

interface Props {
  readonly expectation: Expectation;
  readonly onFinished: (result: FinishResponse, shards: number) => void;
  /** Back to the first step (after main wiped everything, or to change what the key should be). */
  readonly onRestart: () => void;
}

export function CollectStep({ expectation, onFinished, onRestart }: Props) {
  const vss = expectation.status.scheme === 'vss';
  const { t, lang } = useI18n();
  const [method, setMethod] = useState<Method>('camera');
  const [held, setHeld] = useState<readonly HeldShard[]>([]);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [progress, setProgress] = useState<RecoveryProgress | null>(expectation.status.progress);
  const [checking, setChecking] = useState(0);
  const [finishing, setFinishing] = useState(false);
  const [finishError, setFinishError] = useState<{ info: ErrorInfo; fatal: boolean } | null>(null);
  const [confirmRestart, setConfirmRestart] = useState(false);
  const [stretch, setStretch] = useState<KeyStretchingState>(null);
  const attempts = useRef(0);
  // The serial of the bag the next shard comes out of: sent with it; main checks it against the transcript's.
  const [bagSerial, setBagSerial] = useState('');
  const bagRef = useRef('');
  bagRef.current = bagSerial;

  const submit = useCallback(async (request: ShardRequest, origin: ShardOrigin): Promise<SubmitResult> => {
    attempts.current += 1;
    const attempt = attempts.current;
    setChecking((n) => n + 1);
    setFinishError(null);
    const bag = bagSerialCheck(bagRef.current);
    const r = await recoveryApi.addShard(bag === null ? request : { ...request, bagSerial: bagRef.current });
    setChecking((n) => n - 1);
    if (!r.ok) {
      setOutcome({ outcome: 'rejected', attempt, origin, error: r.error });
      return { outcome: 'rejected', error: r.error };
    }
    const response = r.value;
    setProgress(response.progress);
    setOutcome(outcomeOf(response, attempt, origin));
    if (response.outcome === 'accepted') {
      setHeld((list) => [...list, { facts: response.shard, origin }]);
      // The next shard comes out of another bag.
      setBagSerial('');
    }
    return response.outcome === 'rejected' ? { outcome: 'rejected', error: response.error } : { outcome: response.outcome };
  }, []);

  const onScanned = useCallback((text: string, scan: ScanFacts) => void submit({ text }, { kind: 'camera', scan }), [submit]);

  const finish = async (allowSlowKdf = false): Promise<void> => {
    if (held.length === 0) {
      setFinishError({
        info: {
          code: 'BELOW_THRESHOLD',
          message: t('collect.none.message'),
          todo: t('collect.none.todo'),
        },
        fatal: false,
      });
      return;
    }
    setFinishing(true);
    setFinishError(null);
    setStretch(null);
    const r = await recoveryApi.finish(allowSlowKdf);
    setFinishing(false);
    if (r.ok) {
      onFinished(r.value, held.length);
      return;
    }
    // Main's question about slow key stretching, or a cancelled stretch: the shards are still in hand.
    if (r.error.code === 'SLIP39_SLOW_KDF' || r.error.code === 'KDF_CANCELLED') {
      setStretch({ kind: r.error.code === 'SLIP39_SLOW_KDF' ? 'ask' : 'cancelled', error: r.error });
      return;
    }
    // Too few shards leaves everything as it was; any other failure of combining has wiped the shards in main.
    setFinishError({ info: problemInfo(r.error), fatal: r.error.code !== 'BELOW_THRESHOLD' });
  };

  const expected = expectation.status.expected;
  const canFinish = progress?.canFinish ?? false;
  // Until enough shards are in hand the button cannot work: it is disabled, with the reason beside it (main's count).
  const reason = canFinish
    ? t('collect.ready')
    : held.length === 0 || progress === null
      ? t('collect.notYet')
      : notYet(t('collect.notYetSummary', { summary: progressWords(progress, lang).summary }));
  const finishRow = (
    <div className="finish-row">
      <button
        type="button"
        className={canFinish ? 'button big' : 'button'}
        disabled={!canFinish || finishing || checking > 0}
        onClick={() => void finish(false)}
        data-testid="finish"
        data-primary={canFinish ? '' : undefined}
        aria-describedby="finish-reason"
      >
        {finishing ? t('collect.recovering') : t('collect.recover')}
      </button>
      <span className="muted" id="finish-reason" data-testid="finish-reason">
        {reason}
      </span>
    </div>
  );
  return (
    <>
      {/* The camera button takes the focus (the next thing to do), not the title. */}
      <ScreenTitle focusOnMount={false}>{t('collect.title')}</ScreenTitle>
      <div className="expect-bar" data-testid="expect-bar" data-source={expectation.source} data-trust={expected?.source ?? 'none'} data-verified={expected?.verified ?? false}>
        {expected ? (
          <p>
            {t('collect.mustHave')} <Fingerprint fingerprint={expected.fingerprint} testId="expect-bar-fingerprint" compact />{' '}
            <span data-testid="expect-bar-source" className={expected.verified ? undefined : 'warn-text'}>
              ({t(SOURCE_SHORT[expected.source])}
              {expected.source !== 'fingerprint' && expected.source !== 'shards' && expectation.status.label ? t('collect.ceremony', { label: expectation.status.label }) : ''}
              ).
            </span>
            {expected.unmatchedPins.length > 0 ? (
              <span className="warn-text" data-testid="expect-bar-unmatched-pins">
                {' '}
                {t('collect.unmatchedPins', { count: expected.unmatchedPins.length })}
              </span>
            ) : null}
          </p>
        ) : (
          <p>{t('collect.nothingYet')}</p>
        )}
        {confirmRestart ? (
          <span className="confirm-inline" role="group" aria-label={t('collect.change')}>
            <span>
              {held.length > 0 ? t('collect.wipes', { count: held.length }) : t('collect.goBack')}
            </span>
            <button type="button" className="button small danger" onClick={onRestart} data-testid="restart-confirm">
              {t('collect.restartYes')}
            </button>
            <button type="button" className="button small secondary" onClick={() => setConfirmRestart(false)}>
              {t('collect.restartNo')}
            </button>
          </span>
        ) : (
          <button type="button" className="button small quiet" onClick={() => setConfirmRestart(true)} data-testid="restart">
            {t('collect.changeButton')}
          </button>
        )}
      </div>
      {/* data-can-finish: "Recover the key" is then the one primary action (the input's buttons turn outlined: fit.css). */}
      <div className="collect-layout" data-can-finish={canFinish}>
        <div className="collect-input">
          <BagSerialField value={bagSerial} onChange={setBagSerial} testId="recovery-bag-serial" label={t('bag.recovery')} />
          <div className="method-tabs" role="tablist" aria-label={t('collect.methods')}>
            {METHODS.map((m) => (
              <button
                key={m.id}
                type="button"
                role="tab"
                id={`method-${m.id}`}
                aria-selected={method === m.id}
                aria-controls="method-panel"
                className={method === m.id ? 'method-tab selected' : 'method-tab'}
                data-testid={`method-${m.id}`}
                onClick={() => setMethod(m.id)}
              >
                {t(m.label)}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="method-panel" aria-labelledby={`method-${method}`} className="method-panel">
            {method === 'camera' ? <CameraInput onShard={onScanned} /> : null}
            {method === 'words' ? (
              vss ? (
                <p className="notice" data-testid="words-vss">
                  {t('collect.vssNoWords')}
                </p>
              ) : (
                <WordsInput onSubmit={(request) => submit(request, { kind: 'words' })} busy={checking > 0 || finishing} />
              )
            ) : null}
            {method === 'file' ? <FileInput onSubmit={submit} busy={checking > 0 || finishing} /> : null}
            {method === 'usb' ? <UsbInput onSubmit={submit} busy={checking > 0 || finishing} /> : null}
            {method === 'token' ? <TokenInput onSubmit={submit} busy={checking > 0 || finishing} ceremonyId={expectation.status.ceremonyId} /> : null}
          </div>
        </div>
        <div className="collect-status">
          <OutcomePanel outcome={outcome} checking={checking > 0} canFinish={canFinish} />
          {/* Once enough shards are in hand, the button sits right under the card that says to press it. */}
          {canFinish ? finishRow : null}
          <ProgressPanel progress={progress} />
          {finishError ? (
            <ErrorPanel title={finishError.fatal ? t('collect.failed') : t('collect.notEnough')} error={finishError.info} testId="finish-error" focus>
              {finishError.fatal ? (
                <div className="actions">
                  <button type="button" className="button" onClick={onRestart} data-testid="finish-restart">
                    {t('collect.startAgain')}
                  </button>
                </div>
              ) : null}
            </ErrorPanel>
          ) : null}
          <KeyStretching state={stretch} running={finishing} onContinue={() => void finish(true)} onDismiss={() => setStretch(null)} />
          {canFinish ? null : finishRow}
          <HeldList held={held} scheme={progress?.scheme} />
        </div>
      </div>
    </>
  );
}

/** "Not yet: 2 more shares..." - the progress sentence goes on lower-case after the colon (both languages). */
function notYet(text: string): string {
  const i = text.indexOf(': ');
  return i < 0 ? text : `${text.slice(0, i + 2)}${text.charAt(i + 2).toLowerCase()}${text.slice(i + 3)}`;
}
