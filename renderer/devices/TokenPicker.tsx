import { useEffect, useId } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import { useT } from '../i18n';
import { pinStateOf, roleVerdict, tokensOf, type Token, type TokenRole } from './api';
import { useTokenList, type TokenListState } from './useTokenList';

interface Props {
  /**
   * What the token is for: decides which abilities are named ("Can keep a custodian's shard" / "Cannot ..."). 'any':
   * every initialized token is offered with its PIN state and no verdict (e.g. recovery: a token that may hold a
   * shard, or a custodian's key; main says what it finds on it).
   */
  readonly role: TokenRole | 'any';
  /** The chosen token's serial (null: none). Tokens are chosen by serial: two tokens may share a label. */
  readonly value: string | null;
  readonly onChange: (token: Token | null) => void;
  /** The question: "Alice Meier's token", "Which token holds your witness key?". */
  readonly legend: React.ReactNode;
  /** A shared list (useTokenList) when several pickers are on one screen; without it the picker looks by itself. */
  readonly tokens?: TokenListState;
  /** Chosen for you when nothing is chosen yet: the plan's token label, say. */
  readonly prefer?: { readonly label?: string; readonly serial?: string };
  /** Tokens already chosen by someone else (serial -> who): shown, and not choosable again. */
  readonly takenBy?: ReadonlyMap<string, string>;
  /** A drop-down with one line under it (for a table of assignments) instead of the full list. */
  readonly compact?: boolean;
  /** Show the list's own "Look again" button (default true; false when the screen has one for a shared list). */
  readonly showLookAgain?: boolean;
  readonly testId?: string;
}

/** The role's verdict on a token; none for 'any' (no ability is asked of it before main reads it). */
function verdictFor(t: Token, role: TokenRole | 'any'): { readonly ok: boolean; readonly text: string } | null {
  return role === 'any' ? null : roleVerdict(t, role);
}

/**
 * Chooses one token among those the module sees: label, serial, model and maker, PIN state (locked, one try left,
 * few tries left), and what it can or cannot do for `role` (main's `usableFor`, with the missing abilities named).
 * "Look again" lists the slots again after a token is plugged in. No PIN here: listing needs no login.
 */
export function TokenPicker({ role, value, onChange, legend, tokens, prefer, takenBy, compact = false, showLookAgain = true, testId = 'token-picker' }: Props) {
  const own = useTokenList(tokens === undefined ? undefined : null);
  const state = tokens ?? own;
  const found = tokensOf(state.list);
  const chosen = found.find((t) => t.serial === value) ?? null;
  const groupId = useId();
  const selectId = useId();
  const tr = useT();

  // Preselect what the caller prefers (e.g. the plan's label) once the list is there and nothing is chosen.
  useEffect(() => {
    if (value !== null || prefer === undefined || state.list === null) return;
    const match = found.find((t) => (prefer.serial !== undefined ? t.serial === prefer.serial : t.label === prefer.label) && !takenBy?.has(t.serial));
    if (match !== undefined) onChange(match);
    // Only when the list or the preference changes.
  }, [state.list, prefer?.label, prefer?.serial, value]);

  const others = (state.list?.slots ?? []).filter((s) => s.token === null || !s.token.initialized);
  const broken = others.filter((s) => s.tokenError !== undefined);
  const blank = others.length - broken.length;
  const notPresent = value !== null && chosen === null && state.list !== null;
  const wantedMissing = state.list !== null && prefer?.label !== undefined && !found.some((t) => t.label === prefer.label);

  if (compact) {
    const verdict = chosen === null ? null : verdictFor(chosen, role);
    const pin = chosen === null ? null : pinStateOf(chosen);
    return (
      <div className="token-picker compact" data-testid={testId} data-chosen={chosen?.label ?? ''}>
        <label htmlFor={selectId} className="visually-hidden">
          {legend}
        </label>
        <select
          id={selectId}
          value={chosen?.serial ?? ''}
          onChange={(e) => onChange(found.find((t) => t.serial === e.currentTarget.value) ?? null)}
          disabled={state.list === null}
          data-testid={`${testId}-select`}
        >
          <option value="">{state.list === null ? tr('picker.looking') : found.length === 0 ? tr('picker.noneFound') : tr('picker.choose')}</option>
          {found.map((t) => {
            const other = takenBy?.get(t.serial);
            return (
              <option key={t.serial} value={t.serial} disabled={other !== undefined}>
                {tr('picker.option', { label: t.label, serial: t.serial, model: t.model })}
                {other !== undefined ? tr('picker.chosenFor', { name: other }) : ''}
              </option>
            );
          })}
        </select>
        {verdict === null && pin !== null ? (
          <p className="token-verdict" data-testid={`${testId}-verdict`} data-ok="true">
            <span className={`pin-state ${pin.state}`}>{pin.text}</span>
          </p>
        ) : null}
        {verdict !== null && pin !== null ? (
          <p className={verdict.ok ? 'token-verdict ok-line' : 'token-verdict problem-inline'} data-testid={`${testId}-verdict`} data-ok={verdict.ok}>
            {verdict.ok ? '✓ ' : '✗ '}
            {verdict.text}
            {/* A locked PIN is already the verdict's reason. */}
            {pin.state === 'locked' ? null : (
              <>
                {' · '}
                <span className={`pin-state ${pin.state}`}>{pin.text}</span>
              </>
            )}
          </p>
        ) : null}
        {chosen === null && value === null && wantedMissing ? (
          <p className="problem-inline" data-testid={`${testId}-not-found`}>
            {tr('picker.notFound', { label: prefer?.label ?? '' })}
          </p>
        ) : null}
        {notPresent ? (
          <p className="problem-inline" data-testid={`${testId}-absent`}>
            {tr('picker.absent', { serial: value ?? '' })}
          </p>
        ) : null}
      </div>
    );
  }

  return (
    <fieldset className="token-picker" aria-labelledby={groupId} data-testid={testId} data-chosen={chosen?.label ?? ''}>
      <legend id={groupId}>{legend}</legend>
      {state.list === null && state.error === null ? <p className="muted">{tr('picker.looking')}</p> : null}
      {state.list !== null ? (
        <p className="muted small token-module" data-testid={`${testId}-module`}>
          {tr('picker.module', { maker: state.list.module.manufacturer, version: state.list.module.libraryVersion, count: found.length })}
        </p>
      ) : null}
      {state.list !== null && found.length === 0 ? (
        <p data-testid={`${testId}-none`}>{tr('picker.none')}</p>
      ) : null}
      <ul className="token-list">
        {found.map((t) => {
          const verdict = verdictFor(t, role);
          const pin = pinStateOf(t);
          const other = takenBy?.get(t.serial);
          const bad = verdict === null ? pin.state === 'locked' : !verdict.ok;
          return (
            <li key={t.serial} className={`token-row${bad ? ' bad' : ''}${t.serial === value ? ' chosen' : ''}`}>
              <label className="checkbox token-option">
                <input
                  type="radio"
                  name={`${groupId}-token`}
                  checked={t.serial === value}
                  disabled={other !== undefined}
                  onChange={() => onChange(t)}
                  data-testid={`${testId}-${t.label}`}
                  data-serial={t.serial}
                  data-usable={verdict?.ok ?? true}
                />
                <span className="token-facts">
                  <strong>{t.label}</strong>{' '}
                  <span className="muted">
                    {tr('picker.facts', { serial: t.serial, model: t.model, maker: t.manufacturer })}
                  </span>
                  <span className="token-lines">
                    {/* A locked PIN is named once, as the reason in the verdict. */}
                    <span className={`pin-state ${pin.state}`} data-testid={`${testId}-${t.label}-pin`} data-state={pin.state} hidden={pin.state === 'locked' && verdict !== null && !verdict.ok}>
                      {pin.text}
                      {verdict !== null ? ' · ' : null}
                    </span>
                    {verdict !== null ? (
                      <span className={verdict.ok ? 'ok-line' : 'problem-inline'} data-testid={`${testId}-${t.label}-verdict`} data-ok={verdict.ok}>
                        {verdict.ok ? '✓ ' : '✗ '}
                        {verdict.text}
                      </span>
                    ) : null}
                    {other !== undefined ? <span className="muted">{tr('picker.chosenFor', { name: other })}</span> : null}
                  </span>
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      {broken.map((s) => (
        <p key={s.slotId} className="problem-inline" data-testid={`${testId}-slot-error`}>
          {tr('picker.slotError', { slot: s.slotId, description: s.description, message: s.tokenError?.message ?? '' })}
        </p>
      ))}
      {blank > 0 ? (
        <p className="muted small">{tr('picker.blank', { count: blank })}</p>
      ) : null}
      {notPresent ? (
        <p className="problem-inline" data-testid={`${testId}-absent`}>
          {tr('picker.absent', { serial: value ?? '' })}
        </p>
      ) : null}
      {showLookAgain ? (
        <button type="button" className="button secondary small" disabled={state.busy} onClick={() => void state.lookAgain()} data-testid={`${testId}-again`}>
          {state.busy ? tr('picker.againBusy') : tr('picker.again')}
        </button>
      ) : null}
      {state.error ? <ErrorPanel title={tr('picker.listFailed')} error={state.error} testId={`${testId}-error`} /> : null}
    </fieldset>
  );
}

