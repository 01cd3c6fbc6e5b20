import { useId } from 'react';
import { bagSerialDisplay, normaliseBagSerial } from '../../core/bag-serial';
import { isKeyshardError } from '../../core/errors';
import { useI18n } from '../i18n';
import { germanMessage } from '../i18n/errors-de';

interface Props {
  readonly value: string;
  readonly onChange: (typed: string) => void;
  readonly testId: string;
  /** The whole label from the catalogue ("Serial of the bag ... (leave empty if ...)"): one sentence per language. */
  readonly label: string;
  readonly disabled?: boolean;
}

/** What the typed serial reads as (the form keyshard records), or what is wrong with it; null while empty. */
export function bagSerialCheck(typed: string): { ok: true; serial: string } | { ok: false; message: string; code: string } | null {
  if (typed.trim() === '') return null;
  try {
    return { ok: true, serial: normaliseBagSerial(typed) };
  } catch (e) {
    if (isKeyshardError(e)) return { ok: false, message: e.message, code: e.code };
    throw e;
  }
}

/**
 * A tamper-evident bag's serial, typed or scanned (a scanner types it). The form keyshard records shows as it is typed,
 * in groups of four to read aloud, so a typo is seen before anything is recorded; the text stays editable.
 */
export function BagSerialField({ value, onChange, testId, label, disabled = false }: Props) {
  const id = useId();
  const { t, lang } = useI18n();
  const check = bagSerialCheck(value);
  // Core's message is English; in German the code's German words (the field's hint says what a serial is).
  const problem = check === null || check.ok ? '' : lang === 'de' ? (germanMessage(check.code) ?? check.message) : check.message;
  return (
    <div className="field bag-serial-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="mono"
        value={value}
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      <p className="muted" role="status" data-testid={`${testId}-reads`}>
        {check === null ? t('bag.hint') : check.ok ? t('bag.reads', { serial: bagSerialDisplay(check.serial) }) : problem}
      </p>
    </div>
  );
}
