import { useId, useState } from 'react';
import { ChooseFileButton, type ChosenFile } from '../../components/ChooseFileButton';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PinField, TokenPicker, tokenName, usePin, type Token } from '../../devices';
import { useT } from '../../i18n';
import { PinErrorNote } from './PinErrorNote';
import { ask } from '../api';
import { useAction } from '../useAction';
import { markLoaded, type LoadedKey } from '../witnessKeys';

interface Props {
  readonly witnessId: string;
  readonly witnessName: string;
  /** The button's words: "Load the key" (the default) or "Load Wendy's key". */
  readonly actionLabel?: string;
  /** Runs after the key is loaded (e.g. the sign-off itself). */
  readonly then?: (key: LoadedKey) => Promise<void> | void;
  /** Drawn as the screen's one primary action (the next thing to do); otherwise outlined. Default false. */
  readonly primary?: boolean;
}

/** The label keyshard gives a witness's key pair on a token (`keyshard hsm witness-key`). */
export const DEFAULT_WITNESS_KEY_LABEL = 'keyshard-witness';

type Way = 'file' | 'token';

/**
 * A witness's signing key, made known to main for this ceremony in one of two ways: an encrypted key file chosen in
 * main's file dialog (the file stays on the witness's USB stick; main keeps it sealed and opens it with the passphrase the witness types
 * at each sign-off), or a key pair on the witness's own token (main logs in once with the PIN to read the key, and
 * again at each sign-off; the private key never leaves the token). Main forgets both when the ceremony ends. The page
 * only learns the public key.
 */
export function WitnessKeyLoader({ witnessId, witnessName, actionLabel, then, primary = false }: Props) {
  const [way, setWay] = useState<Way>('file');
  const wayId = useId();
  const t = useT();
  const action = actionLabel ?? t('keyLoader.load');
  return (
    <div className="key-loader-ways" data-testid={`key-ways-${witnessId}`}>
      <fieldset className="key-way" aria-labelledby={wayId}>
        <legend id={wayId} className="visually-hidden">
          {t('keyLoader.where', { name: witnessName })}
        </legend>
        <div className="choice-row compact">
          <label className="checkbox small">
            <input type="radio" name={`${wayId}-way`} checked={way === 'file'} onChange={() => setWay('file')} data-testid={`key-way-file-${witnessId}`} />
            {t('keyLoader.wayFile')}
          </label>
          <label className="checkbox small">
            <input type="radio" name={`${wayId}-way`} checked={way === 'token'} onChange={() => setWay('token')} data-testid={`key-way-token-${witnessId}`} />
            {t('keyLoader.wayToken')}
          </label>
        </div>
      </fieldset>
      {way === 'file' ? (
        <KeyFileLoader witnessId={witnessId} witnessName={witnessName} actionLabel={action} primary={primary} {...(then ? { then } : {})} />
      ) : (
        <KeyTokenLoader witnessId={witnessId} witnessName={witnessName} actionLabel={action} {...(then ? { then } : {})} />
      )}
    </div>
  );
}

function KeyFileLoader({ witnessId, witnessName, then, primary = false }: Props) {
  const [chosen, setChosen] = useState<ChosenFile | null>(null);
  const { busy, error, run } = useAction();
  const hint = useId();
  const t = useT();
  // The file is chosen in main's dialog and loaded at once: main reads it through its guarded reader, as any path.
  const load = async (file: ChosenFile): Promise<void> => {
    setChosen(file);
    const key = await run(() => ask('ceremony:load-witness-key', { path: file.path, witnessId }));
    if (key === undefined) return;
    markLoaded(key);
    await then?.(key);
  };
  return (
    <div className="key-loader" data-testid={`key-loader-${witnessId}`}>
      <p id={hint} className="hint">
        {t('keyLoader.fileHint', { name: witnessName, id: witnessId })}
      </p>
      <div className="inline-form">
        <ChooseFileButton
          purpose="witness-key"
          label={busy ? t('keyLoader.loading') : chosen === null ? t('keyLoader.choose', { name: witnessName }) : t('keyLoader.chooseAgain')}
          onChosen={load}
          onError={(e) => void run(() => Promise.reject(e))}
          variant={primary ? 'primary' : 'secondary'}
          disabled={busy}
          describedBy={hint}
          testId={`key-load-${witnessId}`}
        />
        {chosen !== null ? (
          <span className="chosen-file" data-testid={`key-file-name-${witnessId}`}>
            {chosen.name}
          </span>
        ) : null}
      </div>
      {error ? <ErrorPanel title={t('keyLoader.failed', { name: witnessName })} error={error.info} testId={`key-error-${witnessId}`} focus /> : null}
    </div>
  );
}

/** The witness's key pair on their token: token (by serial), key label, PIN -> ceremony:load-witness-token. */
function KeyTokenLoader({ witnessId, witnessName, actionLabel, then }: Props) {
  const [token, setToken] = useState<Token | null>(null);
  const [keyLabel, setKeyLabel] = useState(DEFAULT_WITNESS_KEY_LABEL);
  const pin = usePin();
  const { busy, error, run } = useAction();
  const labelId = useId();
  const t = useT();
  const load = async (): Promise<void> => {
    if (token === null) return;
    const typed = pin.take();
    const key = await run(() => ask('ceremony:load-witness-token', { witnessId, token: { serial: token.serial }, keyLabel: keyLabel.trim(), pin: typed }));
    if (key === undefined) return;
    markLoaded(key);
    await then?.(key);
  };
  return (
    <form
      className="key-loader token-key-loader"
      data-testid={`key-token-loader-${witnessId}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (token !== null && pin.ready && keyLabel.trim() !== '' && !busy) void load();
      }}
    >
      <TokenPicker role="witness" value={token?.serial ?? null} onChange={setToken} legend={t('keyLoader.tokenLegend', { name: witnessName, id: witnessId })} testId={`key-token-${witnessId}`} />
      <div className="row">
        <div className="field">
          <label htmlFor={labelId}>{t('keyLoader.label')}</label>
          <span className="hint">{t('keyLoader.labelHint', { label: DEFAULT_WITNESS_KEY_LABEL })}</span>
          <input
            id={labelId}
            type="text"
            className="mono"
            autoComplete="off"
            spellCheck={false}
            maxLength={256}
            value={keyLabel}
            onChange={(e) => setKeyLabel(e.currentTarget.value)}
            data-testid={`key-label-${witnessId}`}
          />
        </div>
        {token !== null ? (
          <PinField whose={witnessName} token={tokenName(token)} value={pin.value} onChange={pin.set} testId={`key-pin-${witnessId}`} disabled={busy} />
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={busy || token === null || !pin.ready || keyLabel.trim() === ''} data-testid={`key-token-load-${witnessId}`}>
          {busy ? t('keyLoader.loggingIn') : t('keyLoader.fromToken', { action: actionLabel ?? t('keyLoader.load') })}
        </button>
      </div>
      {error ? (
        <ErrorPanel title={t('keyLoader.tokenFailed', { name: witnessName })} error={error.info} testId={`key-error-${witnessId}`} focus>
          <PinErrorNote error={error} />
        </ErrorPanel>
      ) : null}
    </form>
  );
}
