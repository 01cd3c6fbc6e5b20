import { useEffect, useId, useRef, useState } from 'react';
import { CONFIRMATION_METHODS } from '../../../core/ceremony';
import type { Custodian } from '../../../core/policy';
import { ErrorPanel } from '../../components/ErrorPanel';
import { SecretBanner } from '../../components/SecretBanner';
import { ScreenTitle } from '../../components/Shell';
import { ask, numberList, type ConfirmMethod, type HandoffView, type ShardResponse } from '../api';
import type { StageProps } from '../context';
import { custodianOf, custodianToken, protectionName } from '../names';
import { PaperBackup } from '../parts/PaperBackup';
import { QrCode } from '../parts/QrCode';
import { ScanBack } from '../parts/ScanBack';
import { driveRequest, UsbDrivePicker, useUsbDrives } from '../parts/UsbDrivePicker';
import { ShardText, ShardWords } from '../parts/ShardWords';
import { ShardTextEntry } from '../parts/ShardTextEntry';
import { WordEntry } from '../parts/WordEntry';
import { wordsPerShare } from '../secretSize';
import { SignOffPanel } from '../parts/SignOffPanel';
import { ExceptionPanel } from '../parts/ExceptionPanel';
import { signOffSatisfied } from '../stage';
import { useAction } from '../useAction';
import { PinField, tokenName, usePin } from '../../devices';
import { PinErrorNote } from '../parts/PinErrorNote';
import { useI18n, useT, type T } from '../../i18n';
import { deviationCause } from '../deviationWords';

interface Props extends StageProps {
  readonly custodianId: string;
}

/**
 * After a handoff: the custodian's shard on screen (only after they pressed "Show"), their paper backup, and then the
 * proof that they hold it. Only main's answer to ceremony:confirm marks them done.
 */
export function ConfirmStage(props: Props) {
  const { plan, custodianId, handoff, revealed } = props;
  const custodian = custodianOf(plan, custodianId);
  const t = useT();
  if (custodian === undefined) return <p className="notice">{t('confirm.unknownCustodian', { id: custodianId })}</p>;
  const view = handoff?.custodianId === custodianId ? handoff : null;
  if (view !== null && revealed && view.shards.length > 0) return <ShardDisplay {...props} custodian={custodian} view={view} />;
  return <ConfirmForm {...props} custodian={custodian} view={view} />;
}

interface DisplayProps extends Props {
  readonly custodian: Custodian;
  readonly view: HandoffView;
}

/** SECRET: the shard as words (or text) and QR code, and the print-only paper backup. */
function ShardDisplay({ custodian, view, plan, status, setStatus, setHandoff }: DisplayProps) {
  const paper = custodian.medium === 'paper';
  const printing = useAction();
  const t = useT();
  // Main is asked before each print: the first is part of the handoff; another one repeats it (a second paper copy),
  // so main refuses it until the step-repeated exception is recorded. The shard is hidden for that form (a witness
  // comes to the screen to sign), which the confirm form shows; then "Show the shard again" and print.
  const print = async (): Promise<void> => {
    const s = await printing.run(() => ask('ceremony:print-paper', { custodianId: custodian.id }));
    if (s !== undefined) {
      setStatus(s);
      window.print();
      return;
    }
    const now = await ask('ceremony:status').catch(() => undefined);
    if (now?.exceptionNeeded?.deviation === 'step-repeated' && now.exceptionNeeded.custodianId === custodian.id) {
      setStatus(now);
      setHandoff(null, false);
    }
  };
  return (
    <>
      <SecretBanner custodian={custodian.name} />
      <ScreenTitle>{t('shard.title', { name: custodian.name })}</ScreenTitle>
      <p className="lead">
        {paper ? t('shard.leadPaper') : view.shards.some((s) => s.words) ? t('shard.leadWords') : t('shard.leadText')} {t('shard.leadThen')}
      </p>
      <div className="actions top">
        <button type="button" className={paper ? 'button' : 'button secondary'} disabled={printing.busy} onClick={() => void print()} data-testid="print-backup" data-primary={paper ? '' : undefined}>
          {t('shard.print')}
        </button>
        <button type="button" className={paper ? 'button secondary' : 'button'} onClick={() => setHandoff(null, false)} data-testid="hide-shard" data-primary={paper ? undefined : ''}>
          {t('shard.hide')}
        </button>
      </div>
      {printing.error ? <ErrorPanel title={t('shard.printFailed')} error={printing.error.info} testId="print-error" focus /> : null}
      {view.shards.map((s, i) => (
        <section className="shard-panel" key={i} data-testid="shard-panel">
          {view.shards.length > 1 ? <h2>{t('shard.nOfM', { n: i + 1, count: view.shards.length })}</h2> : null}
          <div className="shard-layout">
            <div className="shard-words-wrap">
              {s.words ? <ShardWords words={s.words} testId={i === 0 ? 'shard-words' : `shard-words-${i + 1}`} /> : <ShardText text={s.paperText} testId={i === 0 ? 'shard-text' : `shard-text-${i + 1}`} />}
            </div>
            <QrCode frames={s.qr.frames} label={t('shard.qrLabel', { name: custodian.name })} testId={i === 0 ? 'shard-qr' : `shard-qr-${i + 1}`} />
          </div>
        </section>
      ))}
      <PaperBackup view={view} plan={plan} ceremonyId={status.ceremonyId ?? ''} />
    </>
  );
}

/** The screen's title: what this confirmation is, in words that claim no more than it shows. */
function confirmTitle(c: Custodian, t: T): string {
  if (c.medium === 'usb') return t('confirm.title.usb', { name: c.name });
  if (c.medium === 'pkcs11') return t('confirm.title.pkcs11', { name: c.name });
  return t('confirm.title', { name: c.name });
}

/**
 * What the custodian does and what it shows. Only their own act (giving the shard back, their PIN on their token)
 * proves possession; keyshard reading back what it wrote checks the write (core CONFIRMATION_PROVES).
 */
function confirmLead(c: Custodian, t: T): string {
  if (c.medium === 'usb') return t('confirm.lead.usb', { name: c.name });
  if (c.medium === 'pkcs11') return t('confirm.lead.pkcs11', { name: c.name });
  return t('confirm.lead', { name: c.name });
}

interface FormProps extends Props {
  readonly custodian: Custodian;
  readonly view: HandoffView | null;
}

function ConfirmForm(props: FormProps) {
  const { custodian, view, plan, status, setStatus, setHandoff } = props;
  const { t, rich, lang } = useI18n();
  // A plan whose handoffs are checkpoints (signOffs.handoff, e.g. a ceremony started elsewhere and resumed here): the
  // witnesses who watched sign the handoff, with the shard hidden, before the custodian proves they hold it.
  const so = status.signOff;
  const handoffSignOff = so !== null && so.checkpoint === 'handoff' && so.custodianId === custodian.id && !signOffSatisfied(so);
  const methods = (view?.confirmWith ?? CONFIRMATION_METHODS[custodian.medium]) as readonly ConfirmMethod[];
  // What the custodian has in hand decides the default: a paper to type from, or a code on their device to scan.
  const preferred: ConfirmMethod = custodian.medium === 'screen-qr' ? 'scan-qr' : custodian.medium === 'paper' ? 'type-back' : (methods[0] ?? 'type-back');
  const [method, setMethod] = useState<ConfirmMethod>(() => (methods.includes(preferred) ? preferred : (methods[0] ?? 'type-back')));
  const shards = custodian.shares.length;
  const [typed, setTyped] = useState<string[]>(() => Array.from({ length: shards }, () => ''));
  const [complete, setComplete] = useState<boolean[]>(() => Array.from({ length: shards }, () => false));
  const [scanned, setScanned] = useState<string[][]>([]);
  const [files, setFiles] = useState<HandoffView['files']>(view?.files ?? []);
  const { busy, error, run, clear } = useAction();
  const again = useAction();
  const pin = usePin();
  const token = view?.token ? tokenName({ label: view.token.tokenLabel, serial: view.token.tokenSerial }) : custodianToken(status, custodian);
  const groupId = useId();
  const slip39 = plan.scheme.type === 'slip39';
  const onScreen = custodian.medium === 'screen-qr' || custodian.medium === 'paper';

  // A reload loses the page's copy of the handoff; the USB file locations are asked again (they hold nothing secret).
  // Main may hold none (a rewrite failed, or none was written in this session): then the file is written again here.
  const [noFileInMain, setNoFileInMain] = useState(false);
  useEffect(() => {
    if (custodian.medium !== 'usb' || files.length > 0) return;
    void ask('ceremony:current-handoff').then(
      (v) => {
        const mine = v?.custodianId === custodian.id ? v.files : [];
        setFiles(mine);
        setNoFileInMain(mine.length === 0);
      },
      () => undefined,
    );
  }, [custodian.id, custodian.medium, files.length]);

  const confirm = async (responses?: ShardResponse[]): Promise<void> => {
    // The token PIN goes with this one request and leaves the page's state as it is sent.
    const typedPin = method === 'read-back-pkcs11' ? pin.take() : undefined;
    const r = await run(() =>
      ask('ceremony:confirm', { custodianId: custodian.id, method, ...(responses === undefined ? {} : { responses }), ...(typedPin === undefined ? {} : { pin: typedPin }) }),
    );
    if (r === undefined) {
      // A mismatch is a deviation main noted: the status it now gives asks for the exception before a second try.
      const s = await ask('ceremony:status').catch(() => undefined);
      if (s !== undefined) setStatus(s);
      return;
    }
    setHandoff(null, false);
    setStatus(r.status);
  };

  const typedResponses = (): ShardResponse[] => typed.map((t) => (slip39 ? { words: t } : { text: t }));
  const showAgain = async (): Promise<void> => {
    const v = await again.run(() => ask('ceremony:current-handoff'));
    if (v) setHandoff(v, true);
  };

  // The read-back found no file main wrote, or a file that differs: the custodian's file is written again first.
  const readBackFailed = error !== null && method === 'read-back-usb' && (error.info.code === 'USB_REMOVED' || error.info.code === 'USB_VERIFY');
  const offerRewrite = custodian.medium === 'usb' && (noFileInMain || readBackFailed);
  const rewritten = (v: HandoffView): void => {
    clear();
    setFiles(v.files);
    setNoFileInMain(false);
    setHandoff(v, false);
    setStatus(v.status);
  };
  const rewriteFailed = (): void => {
    // Main no longer trusts the file it wrote before (a failed rewrite drops it): nothing to read back until a write works.
    setFiles([]);
    setNoFileInMain(true);
  };

  const needed = status.exceptionNeeded?.custodianId === custodian.id ? status.exceptionNeeded : null;
  const details = error?.details ?? {};
  const badShard = typeof details['shard'] === 'number' ? (details['shard'] as number) : 1;
  const wordsDiffer = numberList(details['words']);
  const groupsDiffer = numberList(details['groups']);

  return (
    <>
      {onScreen ? <SecretBanner custodian={custodian.name} /> : null}
      <ScreenTitle>{confirmTitle(custodian, t)}</ScreenTitle>
      <p className="lead" data-testid="confirm-lead">
        {confirmLead(custodian, t)}
      </p>
      {handoffSignOff ? <SignOffPanel {...props} continueLabel={t('confirm.signOffContinue', { name: custodian.name })} /> : null}
      {/* While a rewrite's exception waits, the form comes first (the file it would replace is not shown). */}
      {files.length > 0 && needed?.deviation !== 'step-repeated' ? (
        <section className="panel" data-testid="usb-written">
          <h2>{t('confirm.usbWhere')}</h2>
          <ul>
            {files.map((f) => (
              <li key={f.index} data-testid="usb-file">
                <span className="mono">{f.location}</span> · {t('confirm.usbFile', { bytes: f.bytes, protection: f.protection })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view?.token ? (
        <section className="panel" data-testid="token-written">
          <h2>{t('confirm.tokenWhere')}</h2>
          <p>
            {rich('confirm.tokenStored', {
              label: view.token.tokenLabel,
              serial: view.token.tokenSerial,
              object: <span className="mono">{view.token.objectLabel}</span>,
              bytes: view.token.bytes,
            })}
          </p>
        </section>
      ) : null}

      {needed === null && methods.length > 1 ? (
        <fieldset className="method-choice" aria-labelledby={groupId}>
          <legend id={groupId}>{t('confirm.howLegend', { name: custodian.name })}</legend>
          <div className="choice-row">
            {methods.map((m) => (
              <label key={m} className="checkbox">
                <input type="radio" name="confirm-method" checked={method === m} onChange={() => setMethod(m)} data-testid={`method-${m}`} />
                {t(`confirm.method.${m}`)}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      {error && needed === null ? (
        <ErrorPanel
          title={method === 'read-back-pkcs11' ? t('confirm.failed.token') : method === 'read-back-usb' ? t('confirm.failed.usb') : t('confirm.failed')}
          error={error.info}
          testId="confirm-error"
          focus
        >
          <PinErrorNote error={error} testId="confirm-error-note" />
        </ErrorPanel>
      ) : null}

      {/* The deviation is recorded before a second try; what was typed stays in the boxes, the differing ones flagged. */}
      {needed !== null ? (
        <ExceptionPanel needed={needed} cause={needed.deviation === 'step-repeated' ? deviationCause(needed, plan, lang) : error?.info.message} plan={plan} setStatus={setStatus} />
      ) : null}

      {method === 'type-back' ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void confirm(typedResponses());
          }}
        >
          {typed.map((_, k) => (
            <section key={k} className="type-back" data-testid="type-back">
              {shards > 1 ? <h2>{t('shard.nOfM', { n: k + 1, count: shards })}</h2> : null}
              {slip39 ? (
                <WordEntry
                  count={wordsPerShare(plan)}
                  testId={k === 0 ? 'word' : `word-s${k + 1}`}
                  differs={badShard === k + 1 ? wordsDiffer : undefined}
                  autoFocus={k === 0}
                  onChange={(words, ok) => {
                    setTyped((t) => t.map((x, j) => (j === k ? words.join(' ') : x)));
                    setComplete((c) => c.map((x, j) => (j === k ? ok : x)));
                  }}
                />
              ) : (
                <ShardTextEntry
                  testId={k === 0 ? 'shard-text-entry' : `shard-text-entry-${k + 1}`}
                  differs={badShard === k + 1 ? groupsDiffer : undefined}
                  autoFocus={k === 0}
                  onChange={(text) => {
                    setTyped((t) => t.map((x, j) => (j === k ? text : x)));
                    setComplete((c) => c.map((x, j) => (j === k ? text.trim() !== '' : x)));
                  }}
                />
              )}
            </section>
          ))}
          <div className="actions">
            <button type="submit" className="button" disabled={busy || needed !== null || complete.some((c) => !c)} data-testid="confirm-submit">
              {busy ? t('confirm.comparing') : t('confirm.button')}
            </button>
          </div>
        </form>
      ) : null}

      {needed === null && method === 'scan-qr' ? (
        <section className="scan-confirm">
          {scanned.length < shards ? (
            <>
              {shards > 1 ? <h2>{t('shard.nOfM', { n: scanned.length + 1, count: shards })}</h2> : null}
              <ScanBack
                key={scanned.length}
                what={t('confirm.scanWhat', { name: custodian.name })}
                onComplete={(texts) => {
                  const all = [...scanned, texts];
                  setScanned(all);
                  if (all.length === shards) void confirm(all.map((qrTexts) => ({ qrTexts })));
                }}
              />
            </>
          ) : (
            <div className="actions">
              <p role="status" data-testid="scan-complete">
                {busy ? t('confirm.scanComparing') : t('confirm.scanComplete')}
              </p>
              <button type="button" className="button secondary" disabled={busy} onClick={() => setScanned([])} data-testid="scan-again">
                {t('confirm.scanAgain')}
              </button>
            </div>
          )}
        </section>
      ) : null}

      {/* While a rewrite's exception waits, its form is the one way on (and holds the one primary action). */}
      {offerRewrite && needed === null ? (
        <RewriteUsb custodian={custodian} afterRead={readBackFailed} onWritten={rewritten} onFailed={rewriteFailed} onStatus={setStatus} />
      ) : null}

      {method === 'read-back-usb' && !offerRewrite ? (
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={() => void confirm()} data-testid="confirm-readback">
            {busy ? t('confirm.readingBack') : t('confirm.readBackFile')}
          </button>
        </div>
      ) : null}

      {needed === null && method === 'read-back-pkcs11' ? (
        <form
          className="panel pin-panel"
          data-testid="confirm-token-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (pin.ready && !busy) void confirm();
          }}
        >
          <PinField
            whose={custodian.name}
            token={token}
            value={pin.value}
            onChange={pin.set}
            testId="confirm-pin"
            autoFocus
            disabled={busy}
            hint={t('confirm.pinHint', { name: custodian.name })}
          />
          {busy ? (
            <p role="status" className="token-progress" data-testid="confirm-progress">
              {t('confirm.tokenProgress')}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="button" disabled={busy || !pin.ready} data-testid="confirm-readback">
              {busy ? t('confirm.readingBack') : t('confirm.readBackToken')}
            </button>
          </div>
        </form>
      ) : null}

      {onScreen ? (
        <div className="actions quiet-actions">
          <button type="button" className="button secondary small" disabled={again.busy} onClick={() => void showAgain()} data-testid="show-again">
            {t('confirm.showAgain', { name: custodian.name })}
          </button>
        </div>
      ) : null}
      {again.error ? <ErrorPanel title={t('confirm.showAgainFailed')} error={again.error.info} testId="show-again-error" /> : null}
    </>
  );
}

/**
 * A USB custodian awaiting confirmation whose file main does not hold (a reload after a failed rewrite) or whose file
 * could not be read back as written: their drive is chosen again and the file written again (ceremony:handoff for the
 * custodian awaiting confirmation writes the same shard and records nothing new); then the normal read-back.
 */
function RewriteUsb({
  custodian,
  afterRead,
  onWritten,
  onFailed,
  onStatus,
}: {
  readonly custodian: Custodian;
  readonly afterRead: boolean;
  readonly onWritten: (v: HandoffView) => void;
  readonly onFailed: () => void;
  readonly onStatus: StageProps['setStatus'];
}) {
  const drives = useUsbDrives();
  const write = useAction();
  const drive = drives.chosen;
  const panel = useRef<HTMLElement>(null);
  const t = useT();
  // After a failed read-back the error above has the focus; the way out, below it, is scrolled into view as well.
  useEffect(() => {
    if (afterRead) panel.current?.scrollIntoView({ block: 'nearest' });
  }, [afterRead]);
  const go = async (): Promise<void> => {
    if (drive === undefined) return;
    const v = await write.run(() => ask('ceremony:handoff', { custodianId: custodian.id, drive: driveRequest(drive) }));
    if (v !== undefined) {
      onWritten(v);
      return;
    }
    // Writing again repeats the handoff: main asks for the step-repeated exception first and wrote nothing, so the
    // file it holds stays trusted; its status now brings the exception form.
    const s = await ask('ceremony:status').catch(() => undefined);
    if (s !== undefined) onStatus(s);
    if (s?.exceptionNeeded?.deviation === 'step-repeated' && s.exceptionNeeded.custodianId === custodian.id) write.clear();
    else onFailed();
  };
  return (
    <section ref={panel} className="panel usb-rewrite" data-testid="usb-rewrite" aria-labelledby="usb-rewrite-title">
      <h2 id="usb-rewrite-title">{t('confirm.rewrite.title', { name: custodian.name })}</h2>
      <p>
        {afterRead ? t('confirm.rewrite.afterRead', { name: custodian.name }) : t('confirm.rewrite.noFile', { name: custodian.name })}{' '}
        {t('confirm.rewrite.how', { name: custodian.name, protection: protectionName(custodian) })}
      </p>
      <UsbDrivePicker who={custodian.name} drives={drives} />
      {write.error ? <ErrorPanel title={t('confirm.rewrite.failed')} error={write.error.info} testId="rewrite-error" focus /> : null}
      <div className="actions">
        <button type="button" className="button" disabled={write.busy || drive === undefined} onClick={() => void go()} data-testid="rewrite-write">
          {write.busy ? t('confirm.rewrite.writing') : t('confirm.rewrite.button')}
        </button>
      </div>
    </section>
  );
}
