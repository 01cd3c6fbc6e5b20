import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { KEY_CEREMONY, numberedSteps } from '../../../core/ceremony-kinds';
import { MAX_EXCEPTION_REASON } from '../../../core/ceremony-kinds/exceptions';
import { analyzeCoalitions } from '../../../core/policy';
import { PinField, usePin } from '../../devices';
import { hrefOf } from '../../app/routes';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { ask, type DeviceCheck } from '../api';
import { bringIntoView } from '../bringIntoView';
import type { StageProps } from '../context';
import { groupHex, names, schemeSentence, witnessName } from '../names';
import { SpokenWords } from '../../components/SpokenWords';
import { SignOffPanel } from '../parts/SignOffPanel';
import { NO_TOKENS, setupKey, tokenCustodians, tokenRequest, TokenSetup, type TokenSetupValue } from '../parts/TokenSetup';
import { WitnessKeyLoader } from '../parts/WitnessKeyLoader';
import { rememberPlan } from '../planStore';
import { signOffSatisfied, type StartPart } from '../stage';
import { useAction } from '../useAction';
import { useLoadedWitnesses } from '../witnessKeys';
import { language } from '../../i18n/language';
import { coalitionWarningText } from '../../plan/coalitionWords';
import { kindIn } from '../../../core/ceremony-kinds/language';
import { t as tNow, useI18n } from '../../i18n';

/** The title is the catalogue step the screen is at (the step list's current one), numbered as on the script. */
function startTitle(part: StartPart, numbers: ReadonlyMap<string, number>): string {
  // The step's paper name in the language shown (core's catalogue, by step id).
  const step = kindIn(KEY_CEREMONY, language()).steps.find((s) => s.id === part);
  const n = numbers.get(part);
  return step === undefined ? tNow('airgap.startTitle') : `${n === undefined ? '' : `${n}. `}${step.paper}`;
}

/** The OS image hash as typed: what it reads as (64 hex digits) or what is wrong; null while empty. */
function osHashCheck(typed: string): { ok: true; hex: string } | { ok: false; message: string } | null {
  if (typed.trim() === '') return null;
  const hex = typed.replace(/[\s:-]+/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return { ok: true, hex };
  return { ok: false, message: tNow(/[^0-9a-f]/.test(hex) ? 'airgap.osHashBadChars' : 'airgap.osHashBad', { count: hex.length }) };
}

/**
 * The first ceremony screen: the witnesses load their keys, the ceremony starts (main records the plan), and the
 * machine is checked for network interfaces. If one is up: take it down and check again, or a witness overrides the
 * check with a reason that goes into the transcript.
 */
export function AirGapStage(props: StageProps & { readonly onStartPart?: (part: StartPart) => void }) {
  const { status, plan, results, setStatus, remember, onStartPart } = props;
  const { t, rich } = useI18n();
  // A sealed or aborted ceremony before this one counts as not started: this plan starts a new one.
  const started = status.phase === 'active';
  const { busy, error, run } = useAction();
  // The OS image hash the administrator may type (from the published image): recorded with the air-gap check.
  const [osHash, setOsHash] = useState('');
  const osCheck = osHashCheck(osHash);
  const osHashId = useId();
  const loaded = useLoadedWitnesses();
  const missing = plan.witnesses.filter((w) => !loaded.has(w.id));
  // Token custodians: their tokens are chosen and checked on this screen before the start (plans without tokens
  // show exactly what they always did).
  const needsTokens = tokenCustodians(plan).length > 0;
  const [setup, setSetup] = useState<TokenSetupValue>(NO_TOKENS);
  const [checked, setChecked] = useState<{ readonly key: string; readonly result: DeviceCheck } | null>(null);
  const tokensReady = !needsTokens || (checked !== null && checked.key === setupKey(plan, setup) && checked.result.ok);
  // The panels carry the step list's numbers (the catalogue's, as on the printed script).
  const numbers = useMemo(() => new Map(numberedSteps(KEY_CEREMONY, plan).map((n) => [n.step.id, n.number])), [plan]);
  const warnings = useMemo(() => {
    try {
      return analyzeCoalitions(plan).warnings;
    } catch {
      return [];
    }
  }, [plan]);

  const check = async (override?: OverrideRequest): Promise<void> => {
    await run(async () => {
      if (!started) {
        const s = await ask('ceremony:start', { plan, language: language(), ...(needsTokens ? tokenRequest(plan, setup) : {}) });
        rememberPlan(plan);
        setStatus(s);
      }
      const os = osHashCheck(osHash);
      const request = { ...(override === undefined ? {} : { override }), ...(os?.ok === true ? { osImageHash: os.hex } : {}) };
      const r = await ask('ceremony:check-airgap', Object.keys(request).length === 0 ? undefined : request);
      // The window keeps who overrode and why; never the witness's passphrase or PIN.
      remember({ airgap: r, ...(override === undefined ? {} : { override: { witnessId: override.witnessId, reason: override.reason } }) });
      setStatus(r.status);
    });
  };

  // The next thing to do comes into view and takes the focus as it becomes the next thing: the witnesses' keys once
  // the tokens checked out, the start once every key is loaded (the screen is taller than a laptop's with tokens).
  const keysPanel = useRef<HTMLElement>(null);
  const startPanel = useRef<HTMLElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  const startNext = !started && tokensReady && missing.length === 0;
  const missingKeys = missing.length > 0;
  useEffect(() => {
    // Only a check that just passed (each check is a new answer) moves on, with a witness's key still to load.
    if (checked?.result.ok && missingKeys) bringIntoView(keysPanel.current, keysPanel.current?.querySelector<HTMLElement>('[data-testid^="key-load-"]') ?? null);
  }, [checked]); // not on missingKeys: a key loaded meanwhile moves the focus to the start instead
  useEffect(() => {
    if (startNext) bringIntoView(startPanel.current, startButton.current);
  }, [startNext]);

  const result = results.airgap;
  const failed = status.airgap === 'failed';
  const planSignOff = started && status.airgap === null && status.signOff?.checkpoint === 'plan' && !signOffSatisfied(status.signOff);
  // This screen holds four steps of the list: the tokens, the witnesses' keys, the start, the check. Say which is next.
  const part: StartPart = started ? (planSignOff ? 'plan' : 'airgap') : !tokensReady ? 'devices' : missing.length > 0 ? 'witness-keys' : 'plan';
  useEffect(() => onStartPart?.(part), [part, onStartPart]);
  return (
    <>
      <ScreenTitle>{startTitle(part, numbers)}</ScreenTitle>
      {/* Once started, the header says it: the room keeps the result and its sign-off on screen instead. */}
      {!started ? <p className="lead">{t('airgap.lead')}</p> : null}
      <p className="plan-line" data-testid="pending-plan">
        {rich('airgap.planLine', {
          label: <strong>{plan.label}</strong>,
          custodians: t('airgap.custodians', { count: plan.custodians.length }),
          witnesses: t('airgap.witnesses', { count: plan.witnesses.length }),
        })}{' '}
        {schemeSentence(plan)}
      </p>

      {!started ? (
        <>
          {needsTokens ? <TokenSetup plan={plan} value={setup} onChange={setSetup} checked={checked} onChecked={setChecked} step={numbers.get('devices') ?? 1} /> : null}
          <section className="panel start-part" data-testid="witness-keys" ref={keysPanel}>
            <h2>{numbers.has('witness-keys') ? `${numbers.get('witness-keys')}. ` : ''}{t('airgap.keys.title')}</h2>
            {plan.witnesses.length === 0 ? (
              <p>{plan.noWitnessReason ? t('airgap.keys.noneWhy', { reason: plan.noWitnessReason }) : t('airgap.keys.none')}</p>
            ) : (
              <>
                <p>{t('airgap.keys.each')}</p>
                <ul className="key-list">
                  {plan.witnesses.map((w) => {
                    const key = loaded.get(w.id);
                    return (
                      <li key={w.id} data-testid={`witness-key-${w.id}`} data-loaded={key !== undefined}>
                        {key ? (
                          <p className="ok-line">
                            <span className="tick" aria-hidden="true">
                              ✓
                            </span>{' '}
                            {t('airgap.keys.loaded', { name: w.name })}{' '}
                            <span className="mono muted">{t('airgap.keys.publicKey', { algorithm: key.algorithm, key: key.publicKey.slice(0, 16) })}</span>
                          </p>
                        ) : (
                          // The primary action only when the keys are next, and for the first witness still to load one.
                          <WitnessKeyLoader witnessId={w.id} witnessName={w.name} primary={part === 'witness-keys' && missing[0]?.id === w.id} />
                        )}
                      </li>
                    );
                  })}
                </ul>
              </>
            )}
          </section>
          <section className="panel start-part" data-testid="start-panel" ref={startPanel}>
            <h2>
              {numbers.get('plan')}. {t('airgap.start.title')}
            </h2>
            {/* Read just before the start, with the witnesses: what the plan lets a few people do together. */}
            {warnings.length > 0 ? (
              <div data-testid="start-warnings">
                <p className="strong">{t('airgap.start.warnings')}</p>
                <ul className="warning-list">
                  {warnings.map((w, i) => (
                    <li key={i} className={`warning-item ${w.severity}`} data-testid="start-warning" data-kind={w.kind}>
                      {coalitionWarningText(plan, w, language())}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <p>{t('airgap.start.what')}</p>
            <div className="field">
              <label htmlFor={osHashId}>{t('airgap.osHash')}</label>
              <input id={osHashId} className="mono" value={osHash} maxLength={200} autoComplete="off" spellCheck={false} onChange={(e) => setOsHash(e.target.value)} data-testid="os-image-hash" />
              {osCheck?.ok === false ? (
                <p className="problem-inline" role="status" data-testid="os-image-hash-problem">
                  {osCheck.message}
                </p>
              ) : null}
            </div>
            {missing.length > 0 ? (
              <p className="muted" data-testid="start-waiting">
                {t('airgap.waitingKeys', { names: names(missing.map((w) => w.name)) })}
              </p>
            ) : null}
            {!tokensReady ? (
              <p className="muted" data-testid="start-waiting-tokens">
                {t('airgap.waitingTokens')}
              </p>
            ) : null}
            <div className="actions">
              <button type="button" className="button" ref={startButton} disabled={busy || missing.length > 0 || !tokensReady || osCheck?.ok === false} onClick={() => void check()} data-testid="ceremony-start">
                {busy ? t('airgap.starting') : t('airgap.start')}
              </button>
              <a className="button secondary" href={hrefOf('plan')} data-testid="back-to-plan">
                {t('airgap.backToPlan')}
              </a>
            </div>
          </section>
        </>
      ) : null}

      {error ? <ErrorPanel title={started ? t('airgap.checkFailed') : t('airgap.startFailed')} error={error.info} testId="airgap-error" focus /> : null}

      {/* A plan whose own start is a checkpoint (signOffs.plan, e.g. a ceremony started elsewhere and resumed here):
          the witnesses sign it before the check. */}
      {planSignOff ? <SignOffPanel {...props} continueLabel={t('airgap.continueToCheck')} /> : null}

      {started && status.airgap === null && !planSignOff ? (
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={() => void check()} data-testid="airgap-check">
            {t('airgap.check')}
          </button>
        </div>
      ) : null}

      {started && failed ? <AirGapFailed {...props} busy={busy} onRetry={() => void check()} onOverride={(o) => void check(o)} /> : null}

      {started && (status.airgap === 'passed' || status.airgap === 'overridden') ? (
        <>
          {status.airgap === 'passed' ? (
            <div className="summary-ok" data-testid="airgap-passed">
              <h2>{t('airgap.passed')}</h2>
            </div>
          ) : (
            <div className="inline-warning big" data-testid="airgap-overridden">
              <h2>{t('airgap.overridden.title')}</h2>
              <p>{result?.overridden ? t('airgap.overridden.textUp', { interfaces: result.interfacesUp.join(', ') }) : t('airgap.overridden.text')}</p>
              {results.override ? (
                <p data-testid="airgap-override-reason">
                  {rich('airgap.overridden.who', { name: <strong>{witnessName(plan, results.override.witnessId)}</strong>, reason: results.override.reason })}
                </p>
              ) : null}
            </div>
          )}
          {result?.osImageHash !== undefined ? (
            <div className="panel" data-testid="os-image-hash-recorded">
              <p>
                {rich('airgap.osHashRecorded', { hash: <span className="mono">{groupHex(result.osImageHash)}</span> })}
              </p>
              <SpokenWords hex={result.osImageHash} testId="os-image-hash-words" what={t('airgap.osHashWhat')} />
            </div>
          ) : null}
          <SignOffPanel {...props} continueLabel={t('airgap.continueToEntropy')} />
        </>
      ) : null}
    </>
  );
}

interface FailedProps extends StageProps {
  readonly busy: boolean;
  readonly onRetry: () => void;
  readonly onOverride: (o: OverrideRequest) => void;
}

/** An override is an exception: the witness signs it with their own act (passphrase or PIN), for this one signature. */
type OverrideRequest = { witnessId: string; reason: string; passphrase?: string; pin?: string };

function AirGapFailed({ plan, results, busy, onRetry, onOverride }: FailedProps) {
  const { t, lang } = useI18n();
  const [witness, setWitness] = useState(plan.witnesses[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const pin = usePin();
  const reasonId = useId();
  const witnessId = useId();
  const passId = useId();
  const key = useLoadedWitnesses().get(witness);
  const name = witnessName(plan, witness);
  const actReady = key !== undefined && (key.unlock === 'passphrase' ? passphrase.length > 0 : key.unlock === 'pin' ? pin.ready : true);
  const r = results.airgap;
  const up = (r && !r.passed ? r.interfacesUp : []).join(', ');
  const problems = (r && !r.passed ? r.problems : []).join('; ');
  // One object per result: the panel takes focus when its error changes, not on every keystroke below it.
  const error = useMemo(
    () => ({
      code: 'AIRGAP_NETWORK_UP',
      message: up === '' ? t('airgap.upUnknown') : problems === '' ? t('airgap.up', { up }) : t('airgap.upWhy', { up, problems }),
      todo: t('airgap.upTodo'),
    }),
    // t is new on each render; its words change only with the language.
    [up, problems, lang],
  );
  return (
    <>
      <ErrorPanel title={t('airgap.connected')} testId="airgap-failed" focus error={error}>
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={onRetry} data-testid="airgap-retry">
            {t('airgap.retry')}
          </button>
        </div>
      </ErrorPanel>
      {plan.witnesses.length > 0 ? (
        <form
          className="panel override-form"
          data-testid="airgap-override"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() === '' || witness === '' || !actReady) return;
            const act = key?.unlock === 'passphrase' ? { passphrase } : key?.unlock === 'pin' ? { pin: pin.take() } : {};
            setPassphrase('');
            onOverride({ witnessId: witness, reason: reason.trim(), ...act });
          }}
        >
          <h2>{t('airgap.override.title')}</h2>
          <p>{t('airgap.override.text')}</p>
          <div className="field">
            <label htmlFor={witnessId}>{t('airgap.override.witness')}</label>
            <select id={witnessId} value={witness} onChange={(e) => setWitness(e.currentTarget.value)} data-testid="override-witness">
              {plan.witnesses.map((w) => (
                <option key={w.id} value={w.id}>
                  {witnessName(plan, w.id)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={reasonId}>{t('airgap.override.reason')}</label>
            <span className="hint">{t('airgap.override.reasonHint')}</span>
            <input id={reasonId} type="text" autoComplete="off" value={reason} maxLength={MAX_EXCEPTION_REASON} onChange={(e) => setReason(e.currentTarget.value)} data-testid="override-reason" />
          </div>
          {key === undefined ? <WitnessKeyLoader witnessId={witness} witnessName={name} actionLabel={t('airgap.override.loadKey', { name })} /> : null}
          {key?.unlock === 'passphrase' ? (
            <div className="field">
              <label htmlFor={passId}>{t('airgap.override.passphrase', { name })}</label>
              <input
                id={passId}
                type="password"
                className="passphrase-input"
                autoComplete="off"
                maxLength={1024}
                value={passphrase}
                onChange={(e) => setPassphrase(e.currentTarget.value)}
                data-testid="override-passphrase"
              />
            </div>
          ) : null}
          {key?.unlock === 'pin' ? (
            <PinField
              whose={name}
              token={key.tokenLabel ?? t('airgap.override.theirToken')}
              value={pin.value}
              onChange={(v) => pin.set(v)}
              disabled={busy}
              testId="override-pin"
              hint={<>{t('airgap.override.pinHint', { name })}</>}
            />
          ) : null}
          <button type="submit" className="button secondary" disabled={busy || reason.trim() === '' || !actReady} data-testid="override-submit">
            {t('airgap.override.submit', { name })}
          </button>
        </form>
      ) : null}
    </>
  );
}
