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
  if (custodian === undefined) return <p className="notice">Custodian {custodianId} is not in this plan.</p>;
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
      <ScreenTitle>{custodian.name}&apos;s shard</ScreenTitle>
      <p className="lead">
        {paper
          ? 'Print your paper backup, check that the words on paper match the screen, and fold it along the line.'
          : view.shards.some((s) => s.words)
            ? 'Scan the code with your device, or write the words down in order.'
            : 'Scan the code with your device, or write the shard text down exactly, group by group.'}{' '}
        Then hide the shard: you will prove you hold it.
      </p>
      <div className="actions top">
        <button type="button" className={paper ? 'button' : 'button secondary'} disabled={printing.busy} onClick={() => void print()} data-testid="print-backup" data-primary={paper ? '' : undefined}>
          Print the paper backup
        </button>
        <button type="button" className={paper ? 'button secondary' : 'button'} onClick={() => setHandoff(null, false)} data-testid="hide-shard" data-primary={paper ? undefined : ''}>
          Hide the shard and confirm
        </button>
      </div>
      {printing.error ? <ErrorPanel title="The paper backup was not printed" error={printing.error.info} testId="print-error" focus /> : null}
      {view.shards.map((s, i) => (
        <section className="shard-panel" key={i} data-testid="shard-panel">
          {view.shards.length > 1 ? <h2>Shard {i + 1} of {view.shards.length}</h2> : null}
          <div className="shard-layout">
            <div className="shard-words-wrap">
              {s.words ? <ShardWords words={s.words} testId={i === 0 ? 'shard-words' : `shard-words-${i + 1}`} /> : <ShardText text={s.paperText} testId={i === 0 ? 'shard-text' : `shard-text-${i + 1}`} />}
            </div>
            <QrCode frames={s.qr.frames} label={`${custodian.name}'s shard`} testId={i === 0 ? 'shard-qr' : `shard-qr-${i + 1}`} />
          </div>
        </section>
      ))}
      <PaperBackup view={view} plan={plan} ceremonyId={status.ceremonyId ?? ''} />
    </>
  );
}

const METHOD_TEXT: Readonly<Record<ConfirmMethod, string>> = {
  'type-back': 'Type the shard back',
  'scan-qr': 'Scan the QR code back with the camera',
  'read-back-usb': 'Read the file back from the drive',
  'read-back-pkcs11': 'Read the shard back from the token',
};

/** The screen's title: what this confirmation is, in words that claim no more than it shows. */
function confirmTitle(c: Custodian): string {
  if (c.medium === 'usb') return `Check ${c.name}'s file on the drive`;
  if (c.medium === 'pkcs11') return `${c.name} unlocks their token`;
  return `${c.name} proves they hold their shard`;
}

/**
 * What the custodian does and what it shows. Only their own act (giving the shard back, their PIN on their token)
 * proves possession; keyshard reading back what it wrote checks the write (core CONFIRMATION_PROVES).
 */
function confirmLead(c: Custodian): string {
  if (c.medium === 'usb') {
    return `keyshard reads back the file it wrote to ${c.name}'s drive and compares it byte for byte. This checks the write; it does not show that ${c.name} can open the file (only their own key does). Then ${c.name} takes the drive and keeps it.`;
  }
  if (c.medium === 'pkcs11') {
    return `${c.name} types their token's PIN; keyshard reads the shard back and compares it with what it stored. The read-back checks the write; the PIN shows ${c.name} can open the token. Then ${c.name} keeps the token.`;
  }
  return `The shard is hidden. ${c.name} gives it back from their own copy, which proves they hold it; keyshard compares it with the shard it handed over.`;
}

interface FormProps extends Props {
  readonly custodian: Custodian;
  readonly view: HandoffView | null;
}

function ConfirmForm(props: FormProps) {
  const { custodian, view, plan, status, setStatus, setHandoff } = props;
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
      <ScreenTitle>{confirmTitle(custodian)}</ScreenTitle>
      <p className="lead" data-testid="confirm-lead">
        {confirmLead(custodian)}
      </p>
      {handoffSignOff ? <SignOffPanel {...props} continueLabel={`Continue: ${custodian.name} proves they hold it`} /> : null}
      {/* While a rewrite's exception waits, the form comes first (the file it would replace is not shown). */}
      {files.length > 0 && needed?.deviation !== 'step-repeated' ? (
        <section className="panel" data-testid="usb-written">
          <h2>Where the file was written</h2>
          <ul>
            {files.map((f) => (
              <li key={f.index} data-testid="usb-file">
                <span className="mono">{f.location}</span> · {f.bytes} bytes, encrypted ({f.protection})
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view?.token ? (
        <section className="panel" data-testid="token-written">
          <h2>Where the shard was stored</h2>
          <p>
            Token {view.token.tokenLabel} (serial {view.token.tokenSerial}), private object <span className="mono">{view.token.objectLabel}</span>, {view.token.bytes} bytes.
          </p>
        </section>
      ) : null}

      {needed === null && methods.length > 1 ? (
        <fieldset className="method-choice" aria-labelledby={groupId}>
          <legend id={groupId}>How {custodian.name} proves it</legend>
          <div className="choice-row">
            {methods.map((m) => (
              <label key={m} className="checkbox">
                <input type="radio" name="confirm-method" checked={method === m} onChange={() => setMethod(m)} data-testid={`method-${m}`} />
                {METHOD_TEXT[m]}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      {error && needed === null ? (
        <ErrorPanel
          title={method === 'read-back-pkcs11' ? 'The shard could not be read back from the token' : method === 'read-back-usb' ? 'The file could not be read back' : 'The shard given back does not match'}
          error={error.info}
          testId="confirm-error"
          focus
        >
          <PinErrorNote error={error} testId="confirm-error-note" />
        </ErrorPanel>
      ) : null}

      {/* The deviation is recorded before a second try; what was typed stays in the boxes, the differing ones flagged. */}
      {needed !== null ? (
        <ExceptionPanel needed={needed} cause={needed.deviation === 'step-repeated' ? needed.what : error?.info.message} plan={plan} setStatus={setStatus} />
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
              {shards > 1 ? <h2>Shard {k + 1} of {shards}</h2> : null}
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
              {busy ? 'Comparing…' : 'Confirm'}
            </button>
          </div>
        </form>
      ) : null}

      {needed === null && method === 'scan-qr' ? (
        <section className="scan-confirm">
          {scanned.length < shards ? (
            <>
              {shards > 1 ? <h2>Shard {scanned.length + 1} of {shards}</h2> : null}
              <ScanBack
                key={scanned.length}
                what={`${custodian.name}'s QR code`}
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
                {busy ? 'Comparing with the shard handed over…' : 'Every code was read.'}
              </p>
              <button type="button" className="button secondary" disabled={busy} onClick={() => setScanned([])} data-testid="scan-again">
                Scan again
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
            {busy ? 'Reading back…' : 'Read the file back and compare'}
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
            hint={<>{custodian.name} types the PIN again: keyshard logs in, reads the shard back and compares it with what it stored. The PIN is not kept.</>}
          />
          {busy ? (
            <p role="status" className="token-progress" data-testid="confirm-progress">
              Reading the shard back from the token…
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="button" disabled={busy || !pin.ready} data-testid="confirm-readback">
              {busy ? 'Reading back…' : 'Read the shard back from the token'}
            </button>
          </div>
        </form>
      ) : null}

      {onScreen ? (
        <div className="actions quiet-actions">
          <button type="button" className="button secondary small" disabled={again.busy} onClick={() => void showAgain()} data-testid="show-again">
            Show {custodian.name}&apos;s shard again
          </button>
        </div>
      ) : null}
      {again.error ? <ErrorPanel title="The shard could not be shown again" error={again.error.info} testId="show-again-error" /> : null}
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
      <h2 id="usb-rewrite-title">Write {custodian.name}&apos;s file again</h2>
      <p>
        {afterRead
          ? `The file on ${custodian.name}'s drive cannot be read back as it was written.`
          : `keyshard holds no file it wrote for ${custodian.name} in this session (its last write failed, or it was never written here).`}{' '}
        Plug in {custodian.name}&apos;s drive and choose it: keyshard writes the same shard, encrypted to their {protectionName(custodian)} key, and
        reads it back. Writing it again repeats the handoff (the stick written first may still hold a copy): the reason is typed and a witness
        signs the exception first.
      </p>
      <UsbDrivePicker who={custodian.name} drives={drives} />
      {write.error ? <ErrorPanel title="The shard file was not written" error={write.error.info} testId="rewrite-error" focus /> : null}
      <div className="actions">
        <button type="button" className="button" disabled={write.busy || drive === undefined} onClick={() => void go()} data-testid="rewrite-write">
          {write.busy ? 'Writing…' : 'Write the file again'}
        </button>
      </div>
    </section>
  );
}
