/**
 * One token and its holder's PIN for one request: the PKCS#11 module (ModuleChooser), the token (TokenPicker for a
 * role, or any token), the PIN (PinField), and the button that sends them. The PIN is taken out of its field as the
 * request leaves (usePin().take), whatever the answer; after a PIN error the field gets the focus again with what the
 * token said about the tries left.
 */
import { useState } from 'react';
import { ModuleChooser, PinField, pinErrorNote, TokenPicker, tokenName, tokensOf, usePin, useTokenList, type TokenRole } from '../devices/index';
import type { TokenChoice } from './api';
import type { SubmitResult } from './outcome';

/** Refusals about the PIN itself: the PIN field takes the focus again (no error panel takes it). */
export const PIN_CODES: ReadonlySet<string> = new Set(['HSM_PIN_INCORRECT', 'HSM_PIN_LOCKED']);

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
  /** What the token is for (the picker names what it can and cannot do); undefined: any token, with no verdict. */
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
        <TokenPicker role={role ?? 'any'} value={serial} onChange={(t) => setSerial(t?.serial ?? null)} legend={legend} tokens={tokens} testId={`${testId}-picker`} />
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
