import { pinErrorNote } from '../../devices';
import type { ActionError } from '../useAction';

/**
 * The extra line under a token error (tries left, no PIN given), from the error's non-secret details; nothing when
 * main's message already says all there is.
 */
export function PinErrorNote({ error, testId }: { readonly error: ActionError; readonly testId?: string }) {
  const note = pinErrorNote(error.info.code, error.details, error.info.message);
  return note === null ? null : (
    <p className="strong" data-testid={testId}>
      {note}
    </p>
  );
}
