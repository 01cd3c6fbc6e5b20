import { useId, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ask } from '../api';
import { useAction } from '../useAction';
import { markLoaded, type LoadedKey } from '../witnessKeys';

interface Props {
  readonly witnessId: string;
  readonly witnessName: string;
  /** The button's words: "Load the key" or "Load the key and sign". */
  readonly actionLabel?: string;
  /** Runs after the key is loaded (e.g. the sign-off itself). */
  readonly then?: (key: LoadedKey) => Promise<void> | void;
}

/**
 * A witness's key file, loaded into main by its path (the file stays on the witness's USB stick; main reads it and
 * keeps the key in memory until the app quits). The page only learns the public key.
 */
export function WitnessKeyLoader({ witnessId, witnessName, actionLabel = 'Load the key', then }: Props) {
  const [path, setPath] = useState('');
  const { busy, error, run } = useAction();
  const id = useId();
  const load = async (): Promise<void> => {
    const key = await run(() => ask('ceremony:load-witness-key', { path: path.trim(), witnessId }));
    if (key === undefined) return;
    markLoaded(key);
    await then?.(key);
  };
  return (
    <form
      className="key-loader"
      data-testid={`key-loader-${witnessId}`}
      onSubmit={(e) => {
        e.preventDefault();
        void load();
      }}
    >
      <label htmlFor={id}>
        Path of {witnessName}&apos;s key file <span className="muted normal">(witness id {witnessId})</span>
      </label>
      <span className="hint">For example /media/{witnessId}/keyshard-witness.json: the file stays on the witness&apos;s stick.</span>
      <div className="inline-form">
        <input
          id={id}
          type="text"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          value={path}
          onChange={(e) => setPath(e.currentTarget.value)}
          data-testid={`key-path-${witnessId}`}
        />
        <button type="submit" className="button" disabled={busy || path.trim() === ''} data-testid={`key-load-${witnessId}`}>
          {busy ? 'Loading…' : actionLabel}
        </button>
      </div>
      {error ? <ErrorPanel title={`${witnessName}'s key could not be loaded`} error={error.info} testId={`key-error-${witnessId}`} focus /> : null}
    </form>
  );
}
