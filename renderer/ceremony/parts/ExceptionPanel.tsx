import { useId, useState } from 'react';
import { DEVIATION_WORDS, isDeviation, MAX_EXCEPTION_REASON } from '../../../core/ceremony-kinds/exceptions';
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
  const loaded = useLoadedWitnesses();
  const witnesses = plan.witnesses;
  const [witnessId, setWitnessId] = useState<string>(() => witnesses.find((w) => loaded.has(w.id))?.id ?? witnesses[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const pin = usePin();
  const { busy, error, run, clear } = useAction();
  const reasonId = useId();
  const passId = useId();
  const words = isDeviation(needed.deviation) ? DEVIATION_WORDS[needed.deviation] : needed.deviation;
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
        {aborted ? `Record the abort as an exception (stopped at step ${needed.number})` : `Record an exception at step ${needed.number}: ${words}`}
      </h2>
      <p data-testid="exception-cause">{cause ?? needed.what}</p>
      {aborted ? (
        <p>
          Type why the ceremony was aborted{unwitnessed ? '' : `; ${name} signs the exception`}. It is recorded in the transcript and printed
          under the abort.{unwitnessed ? '' : ' If no witness will sign, record it unsigned: the script then says so.'}
        </p>
      ) : needed.deviation === 'custodian-absent' ? (
        <p>
          Type why they are not here{unwitnessed ? '' : `; ${name} signs the exception`}. It is recorded in the transcript and printed under step{' '}
          {needed.number}. Their shard stays in keyshard: the others go on, but the test recovery and the seal wait until they take it, or the
          ceremony is aborted.
        </p>
      ) : (
        <p>
          Before a second try, type why it happened{unwitnessed ? '' : `; ${name} signs the exception`}. It is recorded in the transcript and
          printed under step {needed.number}.
        </p>
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
          <label htmlFor={reasonId}>Reason (one or two sentences)</label>
          <input
            id={reasonId}
            type="text"
            maxLength={MAX_EXCEPTION_REASON}
            autoComplete="off"
            value={reason}
            disabled={busy}
            placeholder="What happened, and what is done about it"
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
            <legend>Witness who signs the exception</legend>
            {witnesses.map((w) => (
              <label key={w.id} className="checkbox">
                <input type="radio" name="exception-witness" checked={witnessId === w.id} onChange={() => setWitnessId(w.id)} data-testid={`exception-witness-${w.id}`} />
                {w.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        {!unwitnessed && key === undefined ? <WitnessKeyLoader witnessId={witnessId} witnessName={name} actionLabel={`Load ${name}'s key`} /> : null}
        {key?.unlock === 'passphrase' ? (
          <div className="field">
            <label htmlFor={passId}>{name}&apos;s passphrase</label>
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
            token={key.tokenLabel ?? 'their token'}
            value={pin.value}
            onChange={(v) => {
              pin.set(v);
              clear();
            }}
            disabled={busy}
            testId="exception-pin"
            hint={<>Only {name} types it; the token signs the exception once.</>}
          />
        ) : null}
        <button type="submit" className="button sign-button" disabled={!ready} data-testid="exception-record" data-primary="">
          {busy ? 'Recording…' : unwitnessed ? 'Record the exception' : `Record, signed by ${name}`}
        </button>
        {aborted && !unwitnessed ? (
          <button type="button" className="button secondary" disabled={busy || reason.trim() === ''} onClick={() => void recordUnsigned()} data-testid="exception-unsigned">
            No witness signs: record it unsigned
          </button>
        ) : null}
        {onCancel !== undefined ? (
          <button type="button" className="button secondary" onClick={onCancel} disabled={busy} data-testid="exception-cancel">
            Cancel
          </button>
        ) : null}
        </div>
        {error ? (
          <ErrorPanel title="The exception was not recorded" error={error.info} testId="exception-error" focus>
            <PinErrorNote error={error} />
          </ErrorPanel>
        ) : null}
      </form>
    </section>
  );
}
