import { useId, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PinField, usePin } from '../../devices';
import { ask, IpcCallError, type SignOffResult } from '../api';
import { useAction } from '../useAction';
import { markMissing, type LoadedKey } from '../witnessKeys';
import { PinErrorNote } from './PinErrorNote';
import { useT } from '../../i18n';

/** Hex digits a witness types back: the 32 read aloud (eight groups of four). Main checks them, not this page. */
const TYPED_DIGITS = 32;

function digitsOf(typed: string): string {
  return typed.replace(/[\s:-]/g, '');
}

interface Props {
  readonly witnessId: string;
  readonly witnessName: string;
  readonly loadedKey: LoadedKey;
  /** "fingerprint" or "checkpoint code": what was read aloud at this checkpoint. */
  readonly what: string;
  readonly onSigned: (r: SignOffResult) => void;
  /** Sign is the screen's primary action (the e2e screen checks keep it in the first view). */
  readonly primary?: boolean;
}

/**
 * One witness's signature over the open checkpoint, with their own act each time: they type back what was read aloud,
 * and their key file's passphrase or their token's PIN. Both go to main for this one request and the fields are
 * cleared at once; main checks them (the page decides nothing) and opens the key for that one signature.
 */
export function WitnessSignForm({ witnessId, witnessName, loadedKey, what, onSigned, primary = false }: Props) {
  const [typed, setTyped] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const pin = usePin();
  const { busy, error, run, clear } = useAction();
  const typedId = useId();
  const passId = useId();
  const needs = loadedKey.unlock;
  const t = useT();
  const typedReady = digitsOf(typed).length >= TYPED_DIGITS;
  const actReady = needs === 'passphrase' ? passphrase.length > 0 : needs === 'pin' ? pin.ready : true;

  const sign = async (): Promise<void> => {
    const act = needs === 'passphrase' ? { passphrase } : needs === 'pin' ? { pin: pin.take() } : {};
    const fingerprint = typed;
    setPassphrase('');
    setTyped('');
    const r = await run(async () => {
      try {
        return await ask('ceremony:sign-off', { witnessId, fingerprint, ...act });
      } catch (e) {
        // Main no longer holds the key (restarted, or its ceremony ended): the loader comes back.
        if (e instanceof IpcCallError && (e.code === 'WITNESS_KEY' || e.code === 'SECRET_DESTROYED') && /not loaded|unloaded/.test(e.message)) markMissing(witnessId);
        throw e;
      }
    });
    if (r !== undefined) onSigned(r);
  };

  return (
    <form
      className="sign-form"
      data-testid={`sign-form-${witnessId}`}
      // Typing in any field brings the whole row into view, Sign included, on a laptop's screen too.
      onFocus={(e) => e.currentTarget.querySelector('.sign-fields')?.scrollIntoView({ block: 'nearest' })}
      onSubmit={(e) => {
        e.preventDefault();
        if (typedReady && actReady && !busy) void sign();
      }}
    >
      <div className="sign-fields">
        <div className="field sign-heard">
          <label htmlFor={typedId}>{t(what === 'fingerprint' ? 'sign.heardFingerprint' : 'sign.heardCode')}</label>
          <span className="hint">{t('sign.heardHint')}</span>
          <input
            id={typedId}
            type="text"
            className="mono"
            autoComplete="off"
            spellCheck={false}
            maxLength={160}
            placeholder={t('sign.heardPlaceholder')}
            value={typed}
            disabled={busy}
            onChange={(e) => {
              setTyped(e.currentTarget.value);
              clear();
            }}
            data-testid={`sign-fingerprint-${witnessId}`}
          />
        </div>
        {needs === 'passphrase' ? (
          <div className="field sign-passphrase">
            <label htmlFor={passId}>{t('sign.passphrase')}</label>
            <span className="hint">{t('sign.passphraseHint', { name: witnessName })}</span>
            <input
              id={passId}
              type="password"
              className="passphrase-input"
              autoComplete="off"
              spellCheck={false}
              maxLength={1024}
              value={passphrase}
              disabled={busy}
              onChange={(e) => {
                setPassphrase(e.currentTarget.value);
                clear();
              }}
              data-testid={`sign-passphrase-${witnessId}`}
            />
          </div>
        ) : null}
        {needs === 'pin' ? (
          <PinField
            whose={witnessName}
            token={loadedKey.tokenLabel ?? t('sign.theirToken')}
            value={pin.value}
            onChange={(v) => {
              pin.set(v);
              clear();
            }}
            disabled={busy}
            testId={`sign-pin-${witnessId}`}
            hint={<>{t('sign.pinHint', { name: witnessName })}</>}
          />
        ) : null}
        <button type="submit" className="button sign-button" disabled={busy || !typedReady || !actReady} data-testid={`sign-${witnessId}`} data-primary={primary ? '' : undefined}>
          {busy ? t('sign.signing') : t('sign.as', { name: witnessName })}
        </button>
      </div>
      {error ? (
        <ErrorPanel title={t('sign.failed', { name: witnessName })} error={error.info} testId={`sign-error-${witnessId}`} focus>
          <PinErrorNote error={error} />
        </ErrorPanel>
      ) : null}
    </form>
  );
}
