import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useT } from '../i18n';
import { PIN_MAX, PIN_MIN, pinReady } from './api';

interface Props {
  /** Whose PIN: "Alice Meier". */
  readonly whose: string;
  /** Which token: "alice-token (serial 0a1b...)" (tokenName). */
  readonly token: string;
  readonly value: string;
  readonly onChange: (pin: string) => void;
  /** data-testid of the input. */
  readonly testId: string;
  readonly autoFocus?: boolean;
  readonly disabled?: boolean;
  /** The token's own bounds, when known (list-tokens minPinLength/maxPinLength); always within 4..64. */
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Replaces the default hint under the label. */
  readonly hint?: React.ReactNode;
}

/**
 * A token PIN, typed by its holder for ONE request. A password input (masked, no autocomplete, no spell check, no
 * autocorrect), labelled with whose PIN it is and for which token. The value lives in the parent's state only until
 * the request is sent: the parent clears it after every request (usePin().take does), success or failure. It is never
 * logged, stored, put in a URL or shown.
 */
export function PinField({ whose, token, value, onChange, testId, autoFocus = false, disabled = false, minLength, maxLength, hint }: Props) {
  const id = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  // Focus in an effect (not the autoFocus attribute): it runs after the screen title took the focus, so the holder
  // can type at once, as the word entries do.
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);
  const min = Math.max(PIN_MIN, Math.min(minLength ?? PIN_MIN, PIN_MAX));
  const max = Math.min(PIN_MAX, Math.max(maxLength ?? PIN_MAX, min));
  const short = value.length > 0 && value.length < min;
  const t = useT();
  return (
    <div className={`field pin-field${short ? ' has-problem' : ''}`}>
      <label htmlFor={id}>{t('pin.label', { whose, token })}</label>
      <span className="hint" id={hintId}>
        {hint ?? t('pin.hint', { whose })}
      </span>
      {short ? (
        <span className="problem" data-testid={`${testId}-short`}>
          {t('pin.short', { min })}
        </span>
      ) : null}
      <input
        id={id}
        type="password"
        className="pin-input"
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        minLength={min}
        maxLength={max}
        value={value}
        disabled={disabled}
        ref={input}
        aria-describedby={hintId}
        aria-invalid={short || undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
        data-testid={testId}
      />
    </div>
  );
}

/**
 * The state behind one PinField: `take()` returns the PIN and clears the field in the same step, so the PIN is in
 * the page only while typed and for the one request it is taken for.
 *
 *   const pin = usePin();
 *   <PinField ... value={pin.value} onChange={pin.set} />
 *   await run(() => ask('ceremony:handoff', { custodianId, pin: pin.take() }));
 */
export function usePin() {
  const [value, setValue] = useState('');
  const clear = useCallback(() => setValue(''), []);
  const take = (): string => {
    const v = value;
    setValue('');
    return v;
  };
  return { value, set: setValue, clear, take, ready: pinReady(value) };
}
