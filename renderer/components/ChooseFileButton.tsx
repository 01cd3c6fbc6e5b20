import { useState } from 'react';
import { call } from '../../electron/ipc/client';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';

export type ChosenFile = NonNullable<ResponseOf<'dialog:choose-file'>>;

interface Props {
  readonly purpose: RequestOf<'dialog:choose-file'>['purpose'];
  readonly label: string;
  /** Called with the file the person chose in main's dialog (not when they cancel). */
  readonly onChosen: (file: ChosenFile) => void | Promise<void>;
  /** The dialog could not be opened (the error as thrown by the IPC call). */
  readonly onError: (e: unknown) => void;
  /** A bare file name a save dialog starts with. */
  readonly suggestedName?: string;
  readonly testId: string;
  readonly variant?: 'primary' | 'secondary';
  readonly disabled?: boolean;
  readonly describedBy?: string;
}

/**
 * A file is chosen in main's own dialog (dialog:choose-file), never typed: main then checks what it was given as it
 * checks any path (guarded reads, module trust, never over an existing file).
 */
export function ChooseFileButton({ purpose, label, onChosen, onError, suggestedName, testId, variant = 'primary', disabled = false, describedBy }: Props) {
  const [open, setOpen] = useState(false);
  const choose = async (): Promise<void> => {
    setOpen(true);
    try {
      const file = await call('dialog:choose-file', { purpose, ...(suggestedName === undefined ? {} : { suggestedName }) });
      if (file !== null) await onChosen(file);
    } catch (e) {
      onError(e);
    } finally {
      setOpen(false);
    }
  };
  return (
    <button
      type="button"
      className={variant === 'primary' ? 'button' : 'button secondary'}
      disabled={disabled || open}
      onClick={() => void choose()}
      data-testid={testId}
      aria-describedby={describedBy}
    >
      {label}
    </button>
  );
}
