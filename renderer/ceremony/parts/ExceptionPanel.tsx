import { useId, useState } from 'react';
import { isDeviation, MAX_EXCEPTION_REASON } from '../../../core/ceremony-kinds/exceptions';
import { useI18n } from '../../i18n';
import { deviationCause } from '../deviationWords';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PinField, usePin } from '../../devices';
import { ask, type Status } from '../api';
import type { StageProps } from '../context';
import { witnessName } from '../names';
import { useAction } from '../useAction';
import { useLoadedWitnesses } from '../witnessKeys';
import { PinErrorNote } from './PinErrorNote';
import { WitnessKeyLoader } from './WitnessKeyLoader';

type Needed = NonNullable<Status['exceptionNeeded']>;
/** What the form sends: the reason and, when the plan has witnesses, who signs and their act. */
export type ExceptionAct = { reason: string; witnessId?: string; passphrase?: string; pin?: string };

interface Props extends Pick<StageProps, 'plan' | 'setStatus'> {
  readonly needed: Needed;
  /** What main said went wrong (the mismatch's message: positions only), when this window saw it. */
  readonly cause?: string;
  /** Another channel for the same form (a custodian absent); default: the deviation main noted. */
  readonly submit?: (act: ExceptionAct) => Promise<Status>;
  /** Shown as "Cancel" when the form was opened by a choice (an absence), not forced by main. */
  readonly onCancel?: () => void;
}

/**
 * A deviation main saw (a failed confirmation): before the ceremony goes on, the reason is typed and a witness signs
 * the exception with their own act (key-file passphrase or token PIN), as at a sign-off. Main records the exception
 * entry and the signature together; the page chooses neither the deviation nor its step. One primary action.
 * After an abort (the secrets already wiped) the same form records the abort's exception; when no witness signs it
 * (none stayed, or the witness declines), a second button records it marked unsigned, which the script then says.
 */
export function ExceptionPanel({ needed, cause, plan, setStatus, submit, onCancel }: Props) {
  const { t, lang } = useI18n();
  const loaded = useLoadedWitnesses();
  const witnesses = plan.witnesses;
  const [witnessId, setWitnessId] = useState<string>(() => witnesses.find((w) => loaded.has(w.id))?.id ?? witnesses[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const pin = usePin();
  const { busy, error, run, clear } = useAction();
  const reasonId = useId();
  const passId = useId();
  // core's DEVIATION_WORDS are the English; the screen says them in the language chosen, by deviation id.
  const words = isDeviation(needed.deviation) ? t(`deviation.${needed.deviation}`) : needed.deviation;
  const aborted = needed.deviation === 'abort';
  const key = loaded.get(witnessId);
  const name = witnessName(plan, witnessId);
  const unwitnessed = witnesses.length === 0;
  const actReady = unwitnessed || (key !== undefined && (key.unlock === 'passphrase' ? passphrase.length > 0 : key.unlock === 'pin' ? pin.ready : true));
  const ready = reason.trim() !== '' && actReady && !busy;

  const recordUnsigned = async (): Promise<void> => {
    setPassphrase('');
    const s = await run(() => ask('ceremony:record-exception', { reason, unsigned: true }));
    if (s !== undefined) setStatus(s);
  };

  const record = async (): Promise<void> => {
    const act = key?.unlock === 'passphrase' ? { passphrase } : key?.unlock === 'pin' ? { pin: pin.take() } : {};
    setPassphrase('');
    const request: ExceptionAct = { reason, ...(unwitnessed ? {} : { witnessId, ...act }) };
    const s = await run(() => (submit === undefined ? ask('ceremony:record-exception', request) : submit(request)));
    if (s !== undefined) setStatus(s);
  };

  return (
    <section className="panel exception-panel" role="alert" data-testid="exception-panel" data-deviation={needed.deviation} aria-labelledby="exception-title">
      <h2 id="exception-title">
        {aborted ? t('exception.titleAbort', { number: needed.number }) : t('exception.title', { number: needed.number, words })}
      </h2>
      <p data-testid="exception-cause">{cause ?? deviationCause(needed, plan, lang)}</p>
      {aborted ? (
        <p>{unwitnessed ? t('exception.abortText') : t('exception.abortTextSigned', { name })}</p>
      ) : needed.deviation === 'custodian-absent' && needed.stepId === 'receipt' ? (
        <p>{unwitnessed ? t('exception.absentReceiptText', { number: needed.number }) : t('exception.absentReceiptTextSigned', { name, number: needed.number })}</p>
      ) : needed.deviation === 'custodian-absent' ? (
        <p>{unwitnessed ? t('exception.absentText', { number: needed.number }) : t('exception.absentTextSigned', { name, number: needed.number })}</p>
      ) : (
        <p>{unwitnessed ? t('exception.againText', { number: needed.number }) : t('exception.againTextSigned', { name, number: needed.number })}</p>
      )}
      <form
        className="sign-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void record();
        }}
      >
        <div className="sign-fields">
        <div className="field sign-heard">
          <label htmlFor={reasonId}>{t('exception.reason')}</label>
          <input
            id={reasonId}
            type="text"
            maxLength={MAX_EXCEPTION_REASON}
            autoComplete="off"
            value={reason}
            disabled={busy}
            placeholder={t('exception.reasonPlaceholder')}
            autoFocus
            onChange={(e) => {
              setReason(e.currentTarget.value);
              clear();
            }}
            data-testid="exception-reason"
          />
        </div>
        {witnesses.length > 1 ? (
          <fieldset className="choice-row">
            <legend>{t('exception.witness')}</legend>
            {witnesses.map((w) => (
              <label key={w.id} className="checkbox">
                <input type="radio" name="exception-witness" checked={witnessId === w.id} onChange={() => setWitnessId(w.id)} data-testid={`exception-witness-${w.id}`} />
                {w.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        {!unwitnessed && key === undefined ? <WitnessKeyLoader witnessId={witnessId} witnessName={name} actionLabel={t('exception.loadKey', { name })} /> : null}
        {key?.unlock === 'passphrase' ? (
          <div className="field">
            <label htmlFor={passId}>{t('exception.passphrase', { name })}</label>
            <input
              id={passId}
              type="password"
              className="passphrase-input"
              autoComplete="off"
              maxLength={1024}
              value={passphrase}
              disabled={busy}
              onChange={(e) => {
                setPassphrase(e.currentTarget.value);
                clear();
              }}
              data-testid="exception-passphrase"
            />
          </div>
        ) : null}
        {key?.unlock === 'pin' ? (
          <PinField
            whose={name}
            token={key.tokenLabel ?? t('exception.theirToken')}
            value={pin.value}
            onChange={(v) => {
              pin.set(v);
              clear();
            }}
            disabled={busy}
            testId="exception-pin"
            hint={<>{t('exception.pinHint', { name })}</>}
          />
        ) : null}
        <button type="submit" className="button sign-button" disabled={!ready} data-testid="exception-record" data-primary="">
          {busy ? t('exception.recording') : unwitnessed ? t('exception.record') : t('exception.recordSigned', { name })}
        </button>
        {aborted && !unwitnessed ? (
          <button type="button" className="button secondary" disabled={busy || reason.trim() === ''} onClick={() => void recordUnsigned()} data-testid="exception-unsigned">
            {t('exception.unsigned')}
          </button>
        ) : null}
        {onCancel !== undefined ? (
          <button type="button" className="button secondary" onClick={onCancel} disabled={busy} data-testid="exception-cancel">
            {t('exception.cancel')}
          </button>
        ) : null}
        </div>
        {error ? (
          <ErrorPanel title={t('exception.failed')} error={error.info} testId="exception-error" focus>
            <PinErrorNote error={error} />
          </ErrorPanel>
        ) : null}
      </form>
    </section>
  );
}
