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

/** The title is the catalogue step the screen is at (the step list's current one), numbered as on the script. */
function startTitle(part: StartPart, numbers: ReadonlyMap<string, number>): string {
  const step = KEY_CEREMONY.steps.find((s) => s.id === part);
  const n = numbers.get(part);
  return step === undefined ? 'Start the ceremony' : `${n === undefined ? '' : `${n}. `}${step.paper}`;
}

/** The OS image hash as typed: what it reads as (64 hex digits) or what is wrong; null while empty. */
function osHashCheck(typed: string): { ok: true; hex: string } | { ok: false; message: string } | null {
  if (typed.trim() === '') return null;
  const hex = typed.replace(/[\s:-]+/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return { ok: true, hex };
  return { ok: false, message: `A SHA-256 is 64 hex digits (0-9, a-f); ${hex.length} typed${/[^0-9a-f]/.test(hex) ? ', some not hex digits' : ''}.` };
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The first ceremony screen: the witnesses load their keys, the ceremony starts (main records the plan), and the
 * machine is checked for network interfaces. If one is up: take it down and check again, or a witness overrides the
 * check with a reason that goes into the transcript.
 */
export function AirGapStage(props: StageProps & { readonly onStartPart?: (part: StartPart) => void }) {
  const { status, plan, results, setStatus, remember, onStartPart } = props;
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
      {!started ? <p className="lead">Before any secret exists, keyshard makes sure this machine cannot reach a network.</p> : null}
      <p className="plan-line" data-testid="pending-plan">
        Plan: <strong>{plan.label}</strong>, {count(plan.custodians.length, 'custodian')}, {count(plan.witnesses.length, 'witness', 'witnesses')}.{' '}
        {schemeSentence(plan)}
      </p>

      {!started ? (
        <>
          {needsTokens ? <TokenSetup plan={plan} value={setup} onChange={setSetup} checked={checked} onChecked={setChecked} step={numbers.get('devices') ?? 1} /> : null}
          <section className="panel start-part" data-testid="witness-keys" ref={keysPanel}>
            <h2>{numbers.has('witness-keys') ? `${numbers.get('witness-keys')}. ` : ''}The witnesses load their signing keys</h2>
            {plan.witnesses.length === 0 ? (
              <p>This plan has no witness{plan.noWitnessReason ? `: ${plan.noWitnessReason}` : '.'}</p>
            ) : (
              <>
                <p>Each witness signs the ceremony&apos;s checkpoints with their own key.</p>
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
                            {w.name}&apos;s key is loaded <span className="mono muted">({key.algorithm}, public key {key.publicKey.slice(0, 16)}…)</span>
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
            <h2>{numbers.get('plan')}. Start the ceremony</h2>
            {/* Read just before the start, with the witnesses: what the plan lets a few people do together. */}
            {warnings.length > 0 ? (
              <div data-testid="start-warnings">
                <p className="strong">First, read these warnings with the witnesses:</p>
                <ul className="warning-list">
                  {warnings.map((w, i) => (
                    <li key={i} className={`warning-item ${w.severity}`} data-testid="start-warning" data-kind={w.kind}>
                      {w.message}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <p>
              keyshard records the plan in a new transcript, with the witnesses&apos; keys pinned, then checks the network interfaces. Nothing
              secret exists yet.
            </p>
            <div className="field">
              <label htmlFor={osHashId}>SHA-256 of the OS image this computer booted (optional; recorded with the air-gap check)</label>
              <input id={osHashId} className="mono" value={osHash} maxLength={200} autoComplete="off" spellCheck={false} onChange={(e) => setOsHash(e.target.value)} data-testid="os-image-hash" />
              {osCheck?.ok === false ? (
                <p className="problem-inline" role="status" data-testid="os-image-hash-problem">
                  {osCheck.message}
                </p>
              ) : null}
            </div>
            {missing.length > 0 ? (
              <p className="muted" data-testid="start-waiting">
                Waiting for the key of {names(missing.map((w) => w.name))}.
              </p>
            ) : null}
            {!tokensReady ? (
              <p className="muted" data-testid="start-waiting-tokens">
                Waiting for the tokens: choose them and press “Check the tokens” until every one is ready.
              </p>
            ) : null}
            <div className="actions">
              <button type="button" className="button" ref={startButton} disabled={busy || missing.length > 0 || !tokensReady || osCheck?.ok === false} onClick={() => void check()} data-testid="ceremony-start">
                {busy ? 'Starting…' : 'Start the ceremony and check the air gap'}
              </button>
              <a className="button secondary" href={hrefOf('plan')} data-testid="back-to-plan">
                Back to the plan
              </a>
            </div>
          </section>
        </>
      ) : null}

      {error ? <ErrorPanel title={started ? 'The air gap could not be checked' : 'The ceremony did not start'} error={error.info} testId="airgap-error" focus /> : null}

      {/* A plan whose own start is a checkpoint (signOffs.plan, e.g. a ceremony started elsewhere and resumed here):
          the witnesses sign it before the check. */}
      {planSignOff ? <SignOffPanel {...props} continueLabel="Continue to the air-gap check" /> : null}

      {started && status.airgap === null && !planSignOff ? (
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={() => void check()} data-testid="airgap-check">
            Check the air gap
          </button>
        </div>
      ) : null}

      {started && failed ? <AirGapFailed {...props} busy={busy} onRetry={() => void check()} onOverride={(o) => void check(o)} /> : null}

      {started && (status.airgap === 'passed' || status.airgap === 'overridden') ? (
        <>
          {status.airgap === 'passed' ? (
            <div className="summary-ok" data-testid="airgap-passed">
              <h2>✓ No network: only the loopback interface is up</h2>
            </div>
          ) : (
            <div className="inline-warning big" data-testid="airgap-overridden">
              <h2>A witness overrode the air-gap check</h2>
              <p>
                An interface was up{result?.overridden ? ` (${result.interfacesUp.join(', ')})` : ''}; the override, the witness and the reason are in the
                transcript.
              </p>
              {results.override ? (
                <p data-testid="airgap-override-reason">
                  <strong>{witnessName(plan, results.override.witnessId)}</strong> took responsibility: “{results.override.reason}”
                </p>
              ) : null}
            </div>
          )}
          {result?.osImageHash !== undefined ? (
            <div className="panel" data-testid="os-image-hash-recorded">
              <p>
                OS image hash, recorded: <span className="mono">{groupHex(result.osImageHash)}</span>
              </p>
              <SpokenWords hex={result.osImageHash} testId="os-image-hash-words" what="OS image hash" />
            </div>
          ) : null}
          <SignOffPanel {...props} continueLabel="Continue to the entropy" />
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
      message: up !== '' ? `Network interfaces up: ${up}.${problems !== '' ? ` (${problems})` : ''}` : 'The last check found a network interface up.',
      todo: 'Unplug every network cable and switch off Wi-Fi and Bluetooth (with the hardware switch, or in the system settings), then press "Check again". Each check is recorded.',
    }),
    [up, problems],
  );
  return (
    <>
      <ErrorPanel title="This machine is connected to a network" testId="airgap-failed" focus error={error}>
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={onRetry} data-testid="airgap-retry">
            Check again
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
          <h2>Or: a witness overrides the check</h2>
          <p>
            Only if an interface cannot be taken down and the witness has made sure it reaches no network. The override is
            recorded as an exception under this step, with the reason, and the witness signs it.
          </p>
          <div className="field">
            <label htmlFor={witnessId}>Witness taking responsibility</label>
            <select id={witnessId} value={witness} onChange={(e) => setWitness(e.currentTarget.value)} data-testid="override-witness">
              {plan.witnesses.map((w) => (
                <option key={w.id} value={w.id}>
                  {witnessName(plan, w.id)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={reasonId}>Reason (recorded)</label>
            <span className="hint">For example: the built-in network card cannot be disabled; the cable is unplugged and Wi-Fi is off.</span>
            <input id={reasonId} type="text" autoComplete="off" value={reason} maxLength={MAX_EXCEPTION_REASON} onChange={(e) => setReason(e.currentTarget.value)} data-testid="override-reason" />
          </div>
          {key === undefined ? <WitnessKeyLoader witnessId={witness} witnessName={name} actionLabel={`Load ${name}'s key`} /> : null}
          {key?.unlock === 'passphrase' ? (
            <div className="field">
              <label htmlFor={passId}>{name}&apos;s passphrase (signs the exception)</label>
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
              token={key.tokenLabel ?? 'their token'}
              value={pin.value}
              onChange={(v) => pin.set(v)}
              disabled={busy}
              testId="override-pin"
              hint={<>Only {name} types it; the token signs the exception once.</>}
            />
          ) : null}
          <button type="submit" className="button secondary" disabled={busy || reason.trim() === '' || !actReady} data-testid="override-submit">
            Record the override, signed by {name}
          </button>
        </form>
      ) : null}
    </>
  );
}
