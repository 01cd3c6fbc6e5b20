import { useEffect, useId, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useT } from '../../i18n';
import { ask, type Drive } from '../api';
import { useAction } from '../useAction';

/** The removable drives plugged in now (usb:list-drives) and the one chosen for a custodian's shard file. */
export interface UsbDrives {
  /** null while the first look is under way. */
  readonly drives: readonly Drive[] | null;
  readonly chosen: Drive | undefined;
  readonly choose: (mountPoint: string) => void;
  readonly lookAgain: () => Promise<void>;
  readonly busy: boolean;
  readonly error: ReturnType<typeof useAction>['error'];
}

/** Looks for drives once when the screen opens; a single writable drive is chosen by itself. */
export function useUsbDrives(): UsbDrives {
  const [drives, setDrives] = useState<readonly Drive[] | null>(null);
  const [mount, setMount] = useState('');
  const list = useAction();
  const lookAgain = async (): Promise<void> => {
    const found = await list.run(() => ask('usb:list-drives'));
    if (found === undefined) return;
    setDrives(found);
    const writable = found.filter((d) => !d.readOnly);
    if (writable.length === 1) setMount(writable[0]!.mountPoint);
  };
  useEffect(() => {
    void lookAgain();
    // Look once when the screen opens; "Look again" repeats it.
  }, []);
  return { drives, chosen: drives?.find((d) => d.mountPoint === mount), choose: setMount, lookAgain, busy: list.busy, error: list.error };
}

/** `{ mountPoint, label }` of the chosen drive, as ceremony:handoff takes it (main checks it against its own list). */
export function driveRequest(d: Drive): { mountPoint: string; label: string | null } {
  return { mountPoint: d.mountPoint, label: d.label };
}

/**
 * The drive list for a USB custodian's shard file: label, folder, free space, read-only drives shown but not
 * choosable, and "Look again for drives" after a stick is plugged in. Used by the handoff and by the confirm screen's
 * "write the file again".
 */
export function UsbDrivePicker({ who, drives: state }: { readonly who: string; readonly drives: UsbDrives }) {
  const groupId = useId();
  const { drives, chosen } = state;
  const t = useT();
  return (
    <>
      <fieldset className="drive-list" data-testid="drive-list" aria-labelledby={groupId}>
        <legend id={groupId}>{t('drives.legend', { name: who })}</legend>
        {drives === null ? <p>{t('drives.looking')}</p> : null}
        {drives !== null && drives.length === 0 ? <p data-testid="no-drives">{t('drives.none', { name: who })}</p> : null}
        {drives?.map((d) => (
          <label key={d.mountPoint} className="checkbox drive">
            <input
              type="radio"
              name={`${groupId}-drive`}
              value={d.mountPoint}
              checked={chosen?.mountPoint === d.mountPoint}
              disabled={d.readOnly}
              onChange={() => state.choose(d.mountPoint)}
              data-testid={`drive-${d.label ?? d.device}`}
            />
            <span>
              <strong>{d.label ?? d.device}</strong> <span className="mono muted">{d.mountPoint}</span>
              {d.freeBytes !== null ? <span className="muted">{t('drives.free', { mb: Math.round(d.freeBytes / 1_000_000) })}</span> : null}
              {d.readOnly ? <span className="problem-inline">{t('drives.readOnly')}</span> : null}
            </span>
          </label>
        ))}
        <button type="button" className="button secondary small" disabled={state.busy} onClick={() => void state.lookAgain()} data-testid="drives-again">
          {t('drives.again')}
        </button>
      </fieldset>
      {state.error ? <ErrorPanel title={t('drives.failed')} error={state.error.info} testId="drives-error" /> : null}
    </>
  );
}
