import { useId } from 'react';
import { bagSerialDisplay, normaliseBagSerial } from '../../core/bag-serial';
import { isKeyshardError } from '../../core/errors';

interface Props {
  readonly value: string;
  readonly onChange: (typed: string) => void;
  readonly testId: string;
  /** "the bag this shard goes into" / "the bag you opened". */
  readonly which: string;
  /** When it may be left empty: what empty means ("it goes in no bag"). */
  readonly emptyMeans?: string;
  readonly disabled?: boolean;
}

/** What the typed serial reads as (the form keyshard records), or what is wrong with it; null while empty. */
export function bagSerialCheck(typed: string): { ok: true; serial: string } | { ok: false; message: string } | null {
  if (typed.trim() === '') return null;
  try {
    return { ok: true, serial: normaliseBagSerial(typed) };
  } catch (e) {
    if (isKeyshardError(e)) return { ok: false, message: e.message };
    throw e;
  }
}

/**
 * A tamper-evident bag's serial, typed or scanned (a scanner types it). The form keyshard records shows as it is typed,
 * in groups of four to read aloud, so a typo is seen before anything is recorded; the text stays editable.
 */
export function BagSerialField({ value, onChange, testId, which, emptyMeans, disabled = false }: Props) {
  const id = useId();
  const check = bagSerialCheck(value);
  return (
    <div className="field bag-serial-field">
      <label htmlFor={id}>
        Serial of {which}
        {emptyMeans === undefined ? '' : ` (leave empty if ${emptyMeans})`}
      </label>
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
        {check === null ? 'Letters and digits as printed on the bag; spaces, dashes and case do not matter.' : check.ok ? `Read aloud: ${bagSerialDisplay(check.serial)}` : check.message}
      </p>
    </div>
  );
}
