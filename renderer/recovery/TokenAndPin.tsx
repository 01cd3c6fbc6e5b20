/**
 * One token and its holder's PIN for one request: the PKCS#11 module (ModuleChooser), the token (TokenPicker for a
 * role, or a plain list), the PIN (PinField), and the button that sends them. The PIN is taken out of its field as the
 * request leaves (usePin().take), whatever the answer; after a PIN error the field gets the focus again with what the
 * token said about the tries left.
 */
import { useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import { ModuleChooser, PinField, pinErrorNote, pinStateOf, TokenPicker, tokenName, tokensOf, usePin, useTokenList, type Token, type TokenRole } from '../devices/index';
import type { TokenChoice } from './api';
import type { SubmitResult } from './outcome';

const PIN_CODES = new Set(['HSM_PIN_INCORRECT', 'HSM_PIN_LOCKED']);

interface Props {
  /** The question above the tokens. */
  readonly legend: string;
  /** Whose PIN: "The custodian". */
  readonly whose: string;
  readonly actionLabel: string;
  readonly busyLabel: string;
  readonly busy: boolean;
  /** Prefix of the test ids: `<testId>-picker`, `<testId>-pin`, `<testId>-submit`, `<testId>-pin-note`. */
  readonly testId: string;
  /** What the token is for (the picker names what it can and cannot do); undefined: a plain list of the tokens. */
  readonly role?: TokenRole;
  /** Sends the token and PIN; resolves with main's answer. */
  readonly onSubmit: (token: TokenChoice, pin: string) => Promise<SubmitResult>;
  /** Forget the chosen token after a success (the next custodian plugs in theirs). */
  readonly forgetAfterSuccess?: boolean;
  /** Under the PIN field's label: who types it and what happens to it. */
  readonly pinHint: string;
  /** Between the token and the PIN (e.g. which ceremony). */
  readonly children?: React.ReactNode;
}

export function TokenAndPin({ legend, whose, actionLabel, busyLabel, busy, testId, role, onSubmit, forgetAfterSuccess = false, pinHint, children }: Props) {
  const [moduleKey, setModuleKey] = useState<string | null>(null);
  const tokens = useTokenList(moduleKey);
  const [serial, setSerial] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const pin = usePin();
  const chosen = tokensOf(tokens.list).find((t) => t.serial === serial) ?? null;

  const send = async (): Promise<void> => {
    if (chosen === null || !pin.ready) return;
    setNote(null);
    const result = await onSubmit({ label: chosen.label, serial: chosen.serial }, pin.take());
    if (result.outcome === 'rejected') {
      setNote(pinErrorNote(result.error.code, result.error.details ?? {}));
      // The PIN field again (remounted with the focus) for a PIN problem; the token list may have changed otherwise.
      if (PIN_CODES.has(result.error.code)) setRound((n) => n + 1);
      void tokens.lookAgain();
      return;
    }
    if (forgetAfterSuccess) {
      setSerial(null);
      void tokens.lookAgain();
    }
  };

  return (
    <div className="token-and-pin" data-testid={testId}>
      <ModuleChooser onChange={(s) => setModuleKey(s?.selected ?? null)} />
      {moduleKey !== null ? (
        role !== undefined ? (
          <TokenPicker role={role} value={serial} onChange={(t) => setSerial(t?.serial ?? null)} legend={legend} tokens={tokens} testId={`${testId}-picker`} />
        ) : (
          <PlainTokenList legend={legend} tokens={tokens} value={serial} onChange={(t) => setSerial(t?.serial ?? null)} testId={`${testId}-picker`} />
        )
      ) : null}
      {children}
      {chosen !== null ? (
        <form
          className="token-pin-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <PinField
            key={round}
            whose={whose}
            token={tokenName(chosen)}
            value={pin.value}
            onChange={pin.set}
            testId={`${testId}-pin`}
            autoFocus={round > 0}
            disabled={busy}
            minLength={chosen.minPinLength}
            maxLength={chosen.maxPinLength}
            hint={pinHint}
          />
          {note !== null ? (
            <p className="problem-inline" role="status" data-testid={`${testId}-pin-note`}>
              {note}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="button" disabled={busy || !pin.ready} data-testid={`${testId}-submit`}>
              {busy ? busyLabel : actionLabel}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

/** The tokens as a plain list (label, serial, model, PIN state) when no ceremony role applies. */
function PlainTokenList({
  legend,
  tokens,
  value,
  onChange,
  testId,
}: {
  legend: string;
  tokens: ReturnType<typeof useTokenList>;
  value: string | null;
  onChange: (t: Token | null) => void;
  testId: string;
}) {
  const found = tokensOf(tokens.list);
  return (
    <fieldset className="token-picker" data-testid={testId} data-chosen={found.find((t) => t.serial === value)?.label ?? ''}>
      <legend>{legend}</legend>
      {tokens.list === null && tokens.error === null ? <p className="muted">Looking for tokens…</p> : null}
      {tokens.list !== null && found.length === 0 ? (
        <p data-testid={`${testId}-none`}>No initialized token is plugged in. Plug the token in, then press “Look again”.</p>
      ) : null}
      <ul className="token-list">
        {found.map((t) => {
          const pin = pinStateOf(t);
          return (
            <li key={t.serial} className={`token-row${t.serial === value ? ' chosen' : ''}${pin.state === 'locked' ? ' bad' : ''}`}>
              <label className="checkbox token-option">
                <input type="radio" name={`${testId}-token`} checked={t.serial === value} onChange={() => onChange(t)} data-testid={`${testId}-${t.label}`} data-serial={t.serial} />
                <span className="token-facts">
                  <strong>{t.label}</strong>{' '}
                  <span className="muted">
                    serial <span className="mono">{t.serial}</span> · {t.model} · {t.manufacturer}
                  </span>
                  <span className="token-lines">
                    <span className={`pin-state ${pin.state}`}>{pin.text}</span>
                  </span>
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      <button type="button" className="button secondary small" disabled={tokens.busy} onClick={() => void tokens.lookAgain()} data-testid={`${testId}-again`}>
        {tokens.busy ? 'Looking…' : 'Look again'}
      </button>
      {tokens.error ? <ErrorPanel title="The tokens could not be listed" error={tokens.error} testId={`${testId}-error`} /> : null}
    </fieldset>
  );
}
