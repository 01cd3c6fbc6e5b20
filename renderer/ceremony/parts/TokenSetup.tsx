import { useEffect, useId, useMemo, useRef } from 'react';
import { ownValue } from '../../../core/own';
import type { CeremonyPlan, Custodian } from '../../../core/policy';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ModuleChooser, TokenPicker, tokenName, useTokenList, type Token } from '../../devices';
import { useT } from '../../i18n';
import { ask, type DeviceCheck, type TokenCheck } from '../api';
import { bringIntoView } from '../bringIntoView';
import { useAction } from '../useAction';

/** The token choices made before start. */
export interface TokenSetupValue {
  /** The PKCS#11 module main uses (null until it answered). */
  readonly module: string | null;
  /** The token each pkcs11 custodian keeps their shard on (by custodian id). */
  readonly assigned: Readonly<Record<string, Token | null>>;
  /** Whether a token's random generator is mixed into the entropy, and which. */
  readonly entropyOn: boolean;
  readonly entropy: Token | null;
}

export const NO_TOKENS: TokenSetupValue = { module: null, assigned: {}, entropyOn: false, entropy: null };

export function tokenCustodians(plan: CeremonyPlan): Custodian[] {
  return plan.custodians.filter((c) => c.medium === 'pkcs11');
}

function plannedLabel(c: Custodian): string | undefined {
  return c.protection.type === 'pkcs11' ? c.protection.tokenLabel : undefined;
}

/**
 * What ceremony:check-devices and ceremony:start get: each chosen token by serial (main adds the plan's label and
 * checks that the token carries it), and the entropy token when one is wanted.
 */
export function tokenRequest(plan: CeremonyPlan, v: TokenSetupValue): { tokens?: { custodianId: string; serial: string }[]; entropyToken?: { serial: string } } {
  const tokens = tokenCustodians(plan).flatMap((c) => {
    const t = ownValue(v.assigned, c.id);
    return t ? [{ custodianId: c.id, serial: t.serial }] : [];
  });
  return {
    ...(tokens.length > 0 ? { tokens } : {}),
    ...(v.entropyOn && v.entropy !== null ? { entropyToken: { serial: v.entropy.serial } } : {}),
  };
}

/** Identifies the choices a check was made for: any change asks for a new check. */
export function setupKey(plan: CeremonyPlan, v: TokenSetupValue): string {
  return JSON.stringify([v.module, tokenRequest(plan, v)]);
}

interface Props {
  readonly plan: CeremonyPlan;
  readonly value: TokenSetupValue;
  /** Takes an update (several pickers may preselect in the same moment). */
  readonly onChange: (update: (v: TokenSetupValue) => TokenSetupValue) => void;
  /** The last check and the choices it was made for. */
  readonly checked: { readonly key: string; readonly result: DeviceCheck } | null;
  readonly onChecked: (c: { readonly key: string; readonly result: DeviceCheck } | null) => void;
  /** The panel's heading number on the start screen. */
  readonly step: number;
}

/**
 * Before start: the PKCS#11 module, the token each token custodian keeps their shard on (preselected by the plan's
 * token label), optionally a token whose random generator adds to the entropy, and "Check the tokens"
 * (ceremony:check-devices: present, initialized, not locked, able to do the job; no PIN, nothing written). Each
 * problem is shown in plain words before anything is recorded.
 */
export function TokenSetup({ plan, value, onChange, checked, onChecked, step }: Props) {
  const custodians = tokenCustodians(plan);
  const tokens = useTokenList(value.module);
  const check = useAction();
  const entropyId = useId();
  const key = setupKey(plan, value);
  const current = checked !== null && checked.key === key ? checked.result : null;
  const stale = checked !== null && checked.key !== key;
  const t = useT();

  const takenBy = (except: string): Map<string, string> =>
    new Map(custodians.flatMap((c) => (c.id !== except && ownValue(value.assigned, c.id) ? [[ownValue(value.assigned, c.id)!.serial, c.name] as const] : [])));
  const set = (patch: Partial<TokenSetupValue>): void => onChange((v) => ({ ...v, ...patch }));
  const runCheck = async (): Promise<void> => {
    const result = await check.run(() => ask('ceremony:check-devices', { plan, ...tokenRequest(plan, value) }));
    onChecked(result === undefined ? null : { key, result });
  };
  // Once every token custodian has a token (the plan's labels preselect them as the list arrives), "Check the tokens"
  // is the next thing to do: with three custodians it sits below a laptop's fold, so it is brought into view.
  const actions = useRef<HTMLDivElement>(null);
  const checkButton = useRef<HTMLButtonElement>(null);
  const allAssigned = value.module !== null && custodians.length > 0 && custodians.every((c) => ownValue(value.assigned, c.id));
  const waitingForCheck = allAssigned && current === null && !check.busy && !check.error;
  useEffect(() => {
    if (waitingForCheck) bringIntoView(actions.current, checkButton.current);
  }, [waitingForCheck]);
  const prefs = useMemo(() => Object.fromEntries(custodians.map((c) => [c.id, plannedLabel(c) === undefined ? undefined : { label: plannedLabel(c)! }])), [plan]);

  return (
    <section className="panel token-setup" data-testid="token-setup">
      <h2>{t('tokens.title', { step })}</h2>
      <p>{custodians.length > 0 ? t('tokens.leadCustodians', { count: custodians.length }) : t('tokens.leadEntropy')}</p>
      <ModuleChooser onChange={(s) => onChange((v) => ({ ...v, module: s?.selected ?? null, assigned: {}, entropy: null }))} />

      {value.module !== null ? (
        <>
          {custodians.length > 0 ? (
            <table className="token-assign" data-testid="token-assign">
              <caption className="visually-hidden">{t('tokens.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('tokens.custodian')}</th>
                  <th scope="col">{t('tokens.theirToken')}</th>
                </tr>
              </thead>
              <tbody>
                {custodians.map((c) => {
                  const planned = plannedLabel(c);
                  const tok = ownValue(value.assigned, c.id) ?? null;
                  return (
                    <tr key={c.id} data-testid={`token-assign-${c.id}`}>
                      <th scope="row">
                        {c.name}
                        <span className="muted small block">{planned ? t('tokens.planned', { label: planned }) : t('tokens.notPlanned')}</span>
                      </th>
                      <td>
                        <TokenPicker
                          compact
                          role="custodian"
                          tokens={tokens}
                          value={tok?.serial ?? null}
                          onChange={(tok) => onChange((v) => ({ ...v, assigned: { ...v.assigned, [c.id]: tok } }))}
                          legend={t('tokens.tokenOf', { name: c.name })}
                          {...(ownValue(prefs, c.id) ? { prefer: ownValue(prefs, c.id)! } : {})}
                          takenBy={takenBy(c.id)}
                          testId={`token-for-${c.id}`}
                        />
                        {tok !== null && planned !== undefined && tok.label !== planned ? (
                          <p className="problem-inline" data-testid={`token-label-differs-${c.id}`}>
                            {t('tokens.labelDiffers', { planned, label: tok.label })}
                          </p>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          <div className="token-entropy">
            <label className="checkbox" htmlFor={entropyId}>
              <input id={entropyId} type="checkbox" checked={value.entropyOn} onChange={(e) => set({ entropyOn: e.currentTarget.checked })} data-testid="entropy-token-on" />
              {t('tokens.entropyOn')}
            </label>
            {value.entropyOn ? (
              <TokenPicker role="entropy" tokens={tokens} value={value.entropy?.serial ?? null} onChange={(e) => set({ entropy: e })} legend={t('tokens.entropyLegend')} testId="entropy-token" showLookAgain={false} />
            ) : null}
          </div>
          <div className="actions" ref={actions}>
            <button type="button" className="button secondary small" disabled={tokens.busy} onClick={() => void tokens.lookAgain()} data-testid="tokens-again">
              {tokens.busy ? t('picker.againBusy') : t('tokens.lookAgain')}
            </button>
            {/* Once the tokens passed their check, the next step (a witness's key, the start) is the primary action. */}
            <button type="button" ref={checkButton} className={current?.ok ? 'button secondary' : 'button'} disabled={check.busy || (value.entropyOn && value.entropy === null)} onClick={() => void runCheck()} data-testid="tokens-check">
              {check.busy ? t('tokens.checking') : t('tokens.check')}
            </button>
          </div>
          {tokens.error ? <ErrorPanel title={t('picker.listFailed')} error={tokens.error} testId="tokens-error" /> : null}
        </>
      ) : null}

      {check.error ? <ErrorPanel title={t('tokens.checkFailed')} error={check.error.info} testId="tokens-check-error" focus /> : null}
      {stale ? (
        <p className="muted" data-testid="tokens-check-stale">
          {t('tokens.stale')}
        </p>
      ) : null}
      {current !== null ? <CheckReport result={current} /> : null}
    </section>
  );
}

function CheckRow({ t, who }: { readonly t: TokenCheck; readonly who: string }) {
  const tr = useT();
  const ok = t.problem === undefined;
  return (
    <li className={ok ? 'check-row ok' : 'check-row bad'} data-testid={t.role === 'entropy' ? 'device-check-entropy' : `device-check-${t.custodianId ?? ''}`} data-ok={ok} data-code={t.problem?.code ?? ''}>
      <strong>{who}</strong>
      {': '}
      {t.present && t.tokenLabel !== null && t.tokenSerial !== null
        ? tokenName({ label: t.tokenLabel, serial: t.tokenSerial })
        : `${tr('tokens.wanted', { label: t.wanted.label ?? '' })}${t.wanted.serial ? tr('tokens.wantedSerial', { serial: t.wanted.serial }) : ''}`}
      {t.model ? <span className="muted"> · {t.model}</span> : null}
      {ok ? (
        <span className="ok-line">{t.pinFinalTry ? tr('tokens.readyFinalTry') : tr('tokens.ready')}</span>
      ) : (
        <span className="check-problem block">
          <span className="error-code">{t.problem!.code}</span> {t.problem!.message}
        </span>
      )}
    </li>
  );
}

/** The device check's answer, token by token, in words. */
function CheckReport({ result }: { readonly result: DeviceCheck }) {
  const t = useT();
  return (
    <div className={result.ok ? 'summary-ok device-check' : 'error-panel device-check'} role={result.ok ? 'status' : 'alert'} data-testid="device-check" data-ok={result.ok}>
      <h2>{result.ok ? t('tokens.allReady') : t('tokens.notReady', { count: result.problems.length })}</h2>
      <ul className="check-list">
        {result.tokens.map((c) => (
          <CheckRow key={c.custodianId ?? 'c'} t={c} who={c.custodianName ?? c.custodianId ?? t('tokens.someone')} />
        ))}
        {result.entropyToken !== null ? <CheckRow t={result.entropyToken} who={t('tokens.entropy')} /> : null}
      </ul>
      {!result.ok ? (
        <p className="error-todo">
          {t('tokens.todo')}
        </p>
      ) : null}
    </div>
  );
}
