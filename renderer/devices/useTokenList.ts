import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../components/errors';
import { askDevices, deviceErrorInfo, type TokenList } from './api';

export interface TokenListState {
  /** The module and its slots from the last look (null before the first answer). */
  readonly list: TokenList | null;
  readonly busy: boolean;
  readonly error: ErrorInfo | null;
  /** Asks main for the slots again ("Look again" after plugging a token in). */
  readonly lookAgain: () => Promise<void>;
}

/**
 * The tokens the chosen module sees (hsm:list-tokens, no login). `moduleKey`: undefined looks on mount with the
 * module main has chosen; null waits (no module yet); a path looks again whenever it changes (after ModuleChooser).
 * Several pickers on one screen can share one list.
 */
export function useTokenList(moduleKey?: string | null): TokenListState {
  const [list, setList] = useState<TokenList | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const running = useRef(false);
  const lookAgain = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      setList(await askDevices('hsm:list-tokens'));
      setError(null);
    } catch (e) {
      setError(deviceErrorInfo(e));
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  useEffect(() => {
    if (moduleKey === null) return;
    void lookAgain();
  }, [moduleKey, lookAgain]);
  return { list, busy, error, lookAgain };
}
