import { useState } from 'react';
import type { Custodian } from '../../../core/policy';
import { ErrorPanel } from '../../components/ErrorPanel';
import { SecretBanner } from '../../components/SecretBanner';
import { ScreenTitle } from '../../components/Shell';
import { ask } from '../api';
import type { StageProps } from '../context';
import { custodianOf, custodianToken, mediumText, protectionName } from '../names';
import { driveRequest, UsbDrivePicker, useUsbDrives } from '../parts/UsbDrivePicker';
import { useAction } from '../useAction';
import { PinField, usePin } from '../../devices';
import { PinErrorNote } from '../parts/PinErrorNote';
import { BagSerialField, bagSerialCheck } from '../../components/BagSerialField';
import { useT } from '../../i18n';
import { ceremonyScript, KEY_CEREMONY } from '../../../core/ceremony-kinds';
import { ExceptionPanel } from '../parts/ExceptionPanel';

/** The bag serial to send: the typed text when it reads as a serial (main normalises it again), none when empty. */
function useBagSerial(): { value: string; set: (v: string) => void; request: { bagSerial?: string }; blocked: boolean } {
  const [value, set] = useState('');
  const check = bagSerialCheck(value);
  return { value, set, request: check?.ok === true ? { bagSerial: value } : {}, blocked: check?.ok === false };
}

/**
 * Handoffs, one custodian at a time, in any order: choose who is next, then hand them their shard. A shard shown on
 * screen is fetched from main only when its custodian presses "Show", after everyone else looked away.
 */
export function HandoffStage(props: StageProps) {
  const { status, plan } = props;
  const waiting = status.next.filter((n) => n.step === 'handoff' && n.custodianId !== undefined).map((n) => n.custodianId!);
  const [chosen, setChosen] = useState<string | null>(null);
  // A custodian who is not there: the absence form for them (a witness-signed exception; their handoff waits).
  const [absentFor, setAbsentFor] = useState<string | null>(null);
  const absent = status.absent ?? [];
  const custodian = chosen === null ? undefined : custodianOf(plan, chosen);
  const t = useT();
  // The primary action goes to the first waiting custodian who is here (an absent one keeps an outlined button).
  const firstHere = waiting.find((id) => !absent.includes(id)) ?? waiting[0];
  const marking = absentFor !== null && waiting.includes(absentFor) && !absent.includes(absentFor) ? custodianOf(plan, absentFor) : undefined;
  if (custodian !== undefined && waiting.includes(custodian.id)) return <HandoffOne {...props} custodian={custodian} back={() => setChosen(null)} />;
  // The absence form has the screen to itself, so its one primary action is in the first view.
  if (marking !== undefined) {
    return (
      <>
        <ScreenTitle>{t('handoff.absent.title', { name: marking.name })}</ScreenTitle>
        <ExceptionPanel
          key={marking.id}
          plan={plan}
          needed={{
            stepId: 'handoff',
            custodianId: marking.id,
            deviation: 'custodian-absent',
            number: ceremonyScript(KEY_CEREMONY, plan).lines.find((l) => l.stepId === 'handoff' && l.custodianId === marking.id)?.number ?? '',
            what: t('handoff.absent.what', { name: marking.name }),
          }}
          submit={(act) => ask('ceremony:mark-absent', { custodianId: marking.id, ...act })}
          setStatus={(s) => {
            setAbsentFor(null);
            props.setStatus(s);
          }}
          onCancel={() => setAbsentFor(null)}
        />
      </>
    );
  }
  return (
    <>
      <ScreenTitle>{t('handoff.title')}</ScreenTitle>
      <p className="lead">{t('handoff.lead', { done: status.confirmed.length, total: plan.custodians.length })}</p>
      <ul className="custodian-choices" data-testid="handoff-choices">
        {plan.custodians.map((c) => {
          const done = status.confirmed.includes(c.id);
          const next = waiting.includes(c.id);
          const away = absent.includes(c.id);
          return (
            <li key={c.id} className={done ? 'done' : ''} data-testid={`handoff-row-${c.id}`} data-state={done ? 'confirmed' : away ? 'absent' : next ? 'waiting' : 'other'}>
              <div>
                <strong className="custodian-name">
                  {done ? (
                    <span className="tick" aria-hidden="true">
                      ✓{' '}
                    </span>
                  ) : null}
                  {c.name}
                </strong>
                <span className="muted">
                  {' '}
                  · {c.organisation}, {c.location} · {mediumText(c.medium)}
                  {c.medium === 'pkcs11' ? ` ${custodianToken(status, c)}` : ''}
                  {done ? t('handoff.holds') : ''}
                  {away ? t('handoff.absent.waits') : ''}
                </span>
              </div>
              {next ? (
                <span className="handoff-actions">
                  {/* One primary action: the first custodian still waiting (any may go next; the others are outlined). */}
                  <button type="button" className={firstHere === c.id ? 'button' : 'button secondary'} onClick={() => setChosen(c.id)} data-testid={`handoff-choose-${c.id}`}>
                    {t('handoff.choose', { name: c.name })}
                  </button>
                  {away ? null : (
                    <button type="button" className="button secondary" onClick={() => setAbsentFor(c.id)} data-testid={`handoff-absent-${c.id}`}>
                      {t('handoff.absent.button', { name: c.name })}
                    </button>
                  )}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

interface OneProps extends StageProps {
  readonly custodian: Custodian;
  readonly back: () => void;
}

function HandoffOne(props: OneProps) {
  const { custodian } = props;
  if (custodian.medium === 'usb') return <HandoffUsb {...props} />;
  if (custodian.medium === 'pkcs11') return <HandoffToken {...props} />;
  return <HandoffReveal {...props} />;
}

/** Screen or paper: everyone else looks away, then the custodian asks for their shard. */
function HandoffReveal({ custodian, back, setStatus, setHandoff }: OneProps) {
  const { busy, error, run } = useAction();
  const bag = useBagSerial();
  const t = useT();
  const reveal = async (): Promise<void> => {
    const view = await run(() => ask('ceremony:handoff', { custodianId: custodian.id, ...bag.request }));
    if (view === undefined) return;
    setHandoff(view, true);
    setStatus(view.status);
  };
  return (
    <>
      <SecretBanner custodian={custodian.name} />
      <ScreenTitle>{t('handoff.reveal.title', { name: custodian.name })}</ScreenTitle>
      <div className="look-away" data-testid="look-away">
        <p className="big-line">{t('handoff.reveal.lookAway', { name: custodian.name })}</p>
        <p>{t(custodian.medium === 'paper' ? 'handoff.reveal.textPaper' : 'handoff.reveal.text', { name: custodian.name })}</p>
      </div>
      <BagSerialField value={bag.value} onChange={bag.set} testId="handoff-bag-serial" label={t('bag.handoff.shard', { name: custodian.name })} />
      {error ? <ErrorPanel title={t('handoff.reveal.failed')} error={error.info} testId="handoff-error" focus /> : null}
      <div className="actions">
        <button type="button" className="button" disabled={busy || bag.blocked} onClick={() => void reveal()} data-testid="handoff-reveal">
          {t('handoff.reveal.button', { name: custodian.name })}
        </button>
        <button type="button" className="button secondary" onClick={back} data-testid="handoff-back">
          {t('handoff.back')}
        </button>
      </div>
    </>
  );
}

/** USB: the custodian's drive is chosen; main encrypts the shard to their key, writes it and reads it back. */
function HandoffUsb({ custodian, back, setStatus, setHandoff }: OneProps) {
  const drives = useUsbDrives();
  const write = useAction();
  const drive = drives.chosen;
  const bag = useBagSerial();
  const t = useT();
  const go = async (): Promise<void> => {
    if (drive === undefined) return;
    const view = await write.run(() => ask('ceremony:handoff', { custodianId: custodian.id, drive: driveRequest(drive), ...bag.request }));
    if (view === undefined) return;
    setHandoff(view, false);
    setStatus(view.status);
  };
  return (
    <>
      <ScreenTitle>{t('handoff.usb.title', { name: custodian.name })}</ScreenTitle>
      <p className="lead">{t('handoff.usb.lead', { name: custodian.name, protection: protectionName(custodian) })}</p>
      <UsbDrivePicker who={custodian.name} drives={drives} />
      <BagSerialField value={bag.value} onChange={bag.set} testId="handoff-bag-serial" label={t('bag.handoff.drive', { name: custodian.name })} />
      {write.error ? <ErrorPanel title={t('handoff.usb.failed')} error={write.error.info} testId="handoff-error" focus /> : null}
      <div className="actions">
        <button type="button" className="button" disabled={write.busy || drive === undefined || bag.blocked} onClick={() => void go()} data-testid="handoff-write">
          {write.busy ? t('handoff.usb.writing') : t('handoff.usb.button', { name: custodian.name })}
        </button>
        <button type="button" className="button secondary" onClick={back} data-testid="handoff-back">
          {t('handoff.back')}
        </button>
      </div>
    </>
  );
}

/**
 * A token: the custodian types their PIN; main logs in, stores the shard on the token as a private object and reads it
 * back, in one request. Nothing secret is on screen. A failure (wrong PIN, locked, token pulled out or full, a
 * mechanism missing) changes nothing: the custodian is still waiting and can try again.
 */
function HandoffToken({ custodian, back, status, setStatus, setHandoff }: OneProps) {
  const { busy, error, run } = useAction();
  const pin = usePin();
  const token = custodianToken(status, custodian);
  const bag = useBagSerial();
  const t = useT();
  const go = async (): Promise<void> => {
    const typed = pin.take();
    const view = await run(() => ask('ceremony:handoff', { custodianId: custodian.id, pin: typed, ...bag.request }));
    if (view === undefined) return;
    setHandoff(view, false);
    setStatus(view.status);
  };
  return (
    <>
      <ScreenTitle>{t('handoff.token.title', { name: custodian.name })}</ScreenTitle>
      <p className="lead">{t('handoff.token.lead', { name: custodian.name, token })}</p>
      <form
        className="panel pin-panel"
        data-testid="handoff-token-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (pin.ready && !busy && !bag.blocked) void go();
        }}
      >
        <PinField whose={custodian.name} token={token} value={pin.value} onChange={pin.set} testId="handoff-pin" autoFocus disabled={busy} />
        <BagSerialField value={bag.value} onChange={bag.set} testId="handoff-bag-serial" label={t('bag.handoff.token', { name: custodian.name })} disabled={busy} />
        {busy ? (
          <p role="status" className="token-progress" data-testid="handoff-progress">
            {t('handoff.token.progress')}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="button" disabled={busy || !pin.ready || bag.blocked} data-testid="handoff-token">
            {busy ? t('handoff.token.storing') : t('handoff.token.button', { name: custodian.name })}
          </button>
          <button type="button" className="button secondary" disabled={busy} onClick={back} data-testid="handoff-back">
            {t('handoff.back')}
          </button>
        </div>
      </form>
      {error ? (
        <ErrorPanel title={t('handoff.token.failed')} error={error.info} testId="handoff-error" focus>
          <PinErrorNote error={error} testId="handoff-error-note" />
          <p className="muted">{t('handoff.token.nothing', { name: custodian.name })}</p>
        </ErrorPanel>
      ) : null}
    </>
  );
}
