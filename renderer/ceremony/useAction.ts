import { useCallback, useRef, useState } from 'react';
import type { ErrorInfo } from '../components/errors';
import { asErrorInfo, detailsOf } from './api';

export interface ActionError {
  readonly info: ErrorInfo;
  /** Non-secret facts main sent with the error (word positions, ids). */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * One button's call to main: `busy` while it runs (the button is disabled, so a double press does nothing), the
 * failure as an error-panel value. `run` resolves to the result, or undefined when the call failed.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ActionError | null>(null);
  const running = useRef(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError({ info: asErrorInfo(e), details: detailsOf(e) });
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}
