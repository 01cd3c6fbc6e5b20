/**
 * "Sign with a quorum" (issue 17.5): the coordinator's laptop. It holds no share. It cites the key ceremony's sealed
 * transcript, records the message (its hash is read aloud), takes each signer's commitment code, shows the request
 * code, takes each signature-share code, combines and verifies the signature, and seals; a witness signs off the
 * message, the signature and the seal when the signing names witnesses. The steps are the signing kind's catalogue.
 */
import { useCallback, useEffect, useState } from 'react';
import { SIGNING_CEREMONY } from '../../core/ceremony-kinds/signing';
import type { ResponseOf } from '../../electron/ipc/contract';
import { navigate } from '../app/routes';
import { QrCode } from '../ceremony/parts/QrCode';
import { ErrorPanel } from '../components/ErrorPanel';
import { FinalHashInput } from '../components/FinalHashInput';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle, Shell } from '../components/Shell';
import { SpokenWords } from '../components/SpokenWords';
import type { ChosenFile } from '../components/ChooseFileButton';
import { SaveTranscript, WitnessFilesChooser, WitnessKeyAct } from './files';
import { ScanOrType, Steps, groups, useMain, useWords, type W } from './parts';

type Status = NonNullable<ResponseOf<'signing:status'>>;

function currentStep(s: Status | null): string | null {
  if (s === null || s.pendingSignOff === 'plan') return 'plan';
  if (s.step === 'sealed' || s.step === 'aborted') return null;
  if (s.step === 'signature') return s.pendingSignOff === 'signature' ? 'aggregate' : 'seal';
  if (s.requestQr === null) return 'commit';
  return s.answered.length < s.committed.length ? 'sign-share' : 'aggregate';
}

export function SigningScreen() {
  const w = useWords();
  const main = useMain(w);
  const [status, setStatus] = useState<Status | null>(null);
  const [loaded, setLoaded] = useState(false);
  const apply = useCallback((s: Status | null) => s !== null && (setStatus(s), true), []);

  useEffect(() => {
    void main.call('signing:status', undefined).then((s) => {
      // A sealed or aborted signing from before is not shown again: the screen starts a new one.
      if (s !== null && s.step !== 'sealed' && s.step !== 'aborted') setStatus(s);
      setLoaded(true);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <Shell purpose={w('purpose.sign')} steps={<Steps kind={SIGNING_CEREMONY} current={currentStep(status)} witnessIds={status?.witnessIds ?? []} w={w} testId="signing-steps" />}>
      <ScreenTitle>{w('sign.title')}</ScreenTitle>
      {/* Under the title, in the first view: on a step with the live camera, below it was off screen (QR_MISMATCH).
          The request step shows it in its scan column instead: under the title it pushed the request code out of view. */}
      {status !== null && errorInScanColumn(status) ? null : <MainError main={main} />}
      {status === null ? (
        loaded ? <Setup w={w} busy={main.busy} onStart={async (r) => apply(await main.call('signing:start', r))} /> : null
      ) : (
        <Running status={status} w={w} main={main} apply={apply} />
      )}
    </Shell>
  );
}

function Setup({ w, busy, onStart }: { w: W; busy: boolean; onStart: (r: { transcriptText: string; finalHash?: string; message: { text: string }; label: string; witnessKeyPaths: string[] }) => Promise<boolean> }) {
  const [source, setSource] = useState<{ name: string; text: string } | null>(null);
  const [witnesses, setWitnesses] = useState<ChosenFile[]>([]);
  const [finalHash, setFinalHash] = useState('');
  const [message, setMessage] = useState('');
  const [label, setLabel] = useState('');
  return (
    <section data-testid="signing-setup">
      {/* The key ceremony on the left, what is signed and by whom on the right: Start stays in a laptop's first view. */}
      <div className="scan-layout">
        <div>
          <div className="field">
            <span className="label">{w('setup.source')}</span>
            <FilePicker label={w('setup.source.choose')} accept=".json,application/json" testId="signing-source" variant="secondary" onFile={async (f) => setSource({ name: f.name, text: await f.text() })} />
            {source ? <span data-testid="signing-source-loaded"> {w('setup.source.loaded', { name: source.name })}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="signing-final-hash">{w('setup.finalHash')}</label>
            <FinalHashInput id="signing-final-hash" value={finalHash} onChange={setFinalHash} testId="signing-final-hash" />
          </div>
          <WitnessFilesChooser w={w} files={witnesses} onChange={setWitnesses} testId="signing-witness-file" loadedTestId="signing-witnesses-loaded" />
        </div>
        <div>
          <div className="field">
            <label htmlFor="signing-label">{w('setup.label')}</label>
            <input id="signing-label" type="text" value={label} onChange={(e) => setLabel(e.currentTarget.value)} maxLength={200} data-testid="signing-label" />
          </div>
          <div className="field">
            <label htmlFor="signing-message">{w('setup.message')}</label>
            <textarea id="signing-message" rows={3} value={message} onChange={(e) => setMessage(e.currentTarget.value)} maxLength={1024} data-testid="signing-message" />
          </div>
          <div className="actions">
            <button
              type="button"
              className="button"
              data-primary
              disabled={busy || source === null || message === ''}
              data-testid="signing-start"
              onClick={() =>
                void onStart({
                  transcriptText: source!.text,
                  ...(finalHash.trim() === '' ? {} : { finalHash: finalHash.trim() }),
                  message: { text: message },
                  label: label.trim() === '' ? w('sign.title') : label.trim(),
                  witnessKeyPaths: witnesses.map((x) => x.path),
                })
              }
            >
              {w('setup.start')}
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}

function MainError({ main }: { main: ReturnType<typeof useMain> }) {
  return main.error ? <ErrorPanel title={main.error.title} error={main.error.info} testId="signing-error" focus /> : null;
}

/** The request step (signature shares coming in): its error belongs beside the camera, next to the request code. */
function errorInScanColumn(s: Status): boolean {
  return s.step !== 'sealed' && s.step !== 'aborted' && s.pendingSignOff === null && s.requestQr !== null && s.signature === null;
}

type RunningProps = { status: Status; w: W; main: ReturnType<typeof useMain>; apply: (s: Status | null) => boolean };

/** The step under way, with "Abort the signing" under it until the signing is sealed or aborted (the abort is recorded). */
function Running(p: RunningProps) {
  const { status: s, w, main, apply } = p;
  if (s.step === 'sealed' || s.step === 'aborted') return <Ended {...p} />;
  return (
    <>
      <Step {...p} />
      <div className="actions">
        <button type="button" className="button quiet" disabled={main.busy} data-testid="signing-abort" onClick={async () => apply(await main.call('signing:abort', { reason: w('abort.reason') }))}>
          {w('abort.button')}
        </button>
      </div>
    </>
  );
}

/** Sealed or aborted: the final hash (sealed) and the transcript saved through main's save dialog. */
function Ended({ status: s, w, main }: RunningProps) {
  const sealed = s.step === 'sealed';
  const save = (
    <SaveTranscript
      w={w}
      testId="signing-save"
      suggestedName={`${s.ceremonyId}.json`}
      onSave={(path) => main.call('signing:save-transcript', { path })}
      leave={(primary) => (
        <button type="button" className={primary ? 'button' : 'button secondary'} data-primary={primary ? true : undefined} data-testid="signing-done" onClick={() => navigate('start')}>
          {w('done')}
        </button>
      )}
    />
  );
  if (!sealed) {
    return (
      <section data-testid="signing-aborted">
        <h2>{w('aborted.title')}</h2>
        <p>{w('aborted.lead')}</p>
        {save}
      </section>
    );
  }
  return (
    <section data-testid="signing-sealed">
      <h2>{w('sealed.title')}</h2>
      <p>{w('sealed.lead')}</p>
      <p data-must-see>
        {w('sealed.finalHash')}:{' '}
        <strong className="mono" data-testid="signing-final-hash-shown">
          {groups(s.finalHash ?? '')}
        </strong>
      </p>
      <SpokenWords hex={s.finalHash ?? ''} testId="signing-final-hash-words" what={w('sealed.finalHash')} />
      <p className="mono wrap" data-testid="signing-signature">
        {w('signature.value')}: {s.signature}
      </p>
      {save}
    </section>
  );
}

function Step({ status: s, w, main, apply }: RunningProps) {
  const facts = (
    <dl className="facts" data-testid="signing-facts">
      <dt>{w('status.fingerprint')}</dt>
      <dd>
        <span className="mono" data-testid="signing-fingerprint">
          {groups(s.groupFingerprint.slice(0, 32).toUpperCase())}
        </span>{' '}
        <SpokenWords hex={s.groupFingerprint} testId="signing-fingerprint-words" what={w('status.fingerprint')} layout="inline" />
      </dd>
      <dt>{w('status.message')}</dt>
      <dd data-testid="signing-message-shown">{s.messageText ?? groups(s.messageHex)}</dd>
      <dt>{w('status.messageHash')}</dt>
      <dd data-must-see>
        <span className="mono" data-testid="signing-message-hash">
          {groups(s.messageHash.slice(0, 32).toUpperCase())}
        </span>{' '}
        <SpokenWords hex={s.messageHash} testId="signing-message-hash-words" what={w('status.messageHash')} layout="inline" />
      </dd>
    </dl>
  );
  if (s.pendingSignOff !== null) {
    const what = s.pendingSignOff === 'plan' ? w('status.message') : s.pendingSignOff === 'signature' ? w('signature.value') : w('sealed.finalHash');
    return (
      <>
        {facts}
        <section data-testid="signing-signoff" data-checkpoint={s.pendingSignOff}>
          <p>{w('signoff.lead', { what })}</p>
          {s.signature !== null ? (
            <p className="mono wrap" data-testid="signing-signoff-signature">
              {w('signature.value')}: {s.signature}
            </p>
          ) : null}
          <WitnessKeyAct w={w} busy={main.busy} label={w('signoff.sign')} testId="signing-witness" onAct={async (act) => apply(await main.call('signing:sign-off', act))} />
        </section>
      </>
    );
  }
  if (s.requestQr === null) {
    return (
      <>
        {facts}
        <section data-testid="signing-commitments">
          <p>{w('commit.lead')}</p>
          <p data-testid="signing-commit-progress" data-must-see>
            {w('commit.progress', { have: s.committed.length, need: s.threshold })}
          </p>
          <ScanOrType w={w} busy={main.busy} subject="commitment" testId="signing-commitment" primary={s.committed.length < s.threshold} onCode={async (texts) => apply(await main.call('signing:add-commitment', { urParts: texts }))} />
          <div className="actions">
            <button
              type="button"
              className="button"
              data-primary={s.committed.length >= s.threshold ? true : undefined}
              disabled={main.busy || s.committed.length < s.threshold}
              data-testid="signing-make-request"
              onClick={async () => apply(await main.call('signing:make-request', undefined))}
            >
              {w('request.make')}
            </button>
          </div>
        </section>
      </>
    );
  }
  if (s.signature === null) {
    const all = s.answered.length >= s.committed.length;
    return (
      <section data-testid="signing-request">
        <p>{w('request.lead')}</p>
        <div className="scan-layout">
          <div>
            <QrCode frames={s.requestQr} label={w('request.qr')} testId="signing-request-qr" />
            <details data-testid="signing-request-text">
              <summary>{w('scan.text')}</summary>
              <p className="mono wrap">{s.requestQr.join(' ')}</p>
            </details>
          </div>
          <div>
            {/* The signers' laptops show the same hash and words: compared aloud before anyone signs. */}
            <p data-must-see>
              <span className="mono" data-testid="signing-message-hash">
                {groups(s.messageHash.slice(0, 32).toUpperCase())}
              </span>{' '}
              <SpokenWords hex={s.messageHash} testId="signing-message-hash-words" what={w('status.messageHash')} layout="inline" />
            </p>
            <MainError main={main} />
            <p data-testid="signing-shares-progress">{w('shares.progress', { have: s.answered.length, need: s.committed.length })}</p>
            {all ? null : <ScanOrType w={w} busy={main.busy} subject="signatureShare" testId="signing-share" onCode={async (texts) => apply(await main.call('signing:add-share', { urParts: texts }))} />}
            <div className="actions">
              <button type="button" className="button" data-primary={all ? true : undefined} disabled={main.busy || !all} data-testid="signing-aggregate" onClick={async () => apply(await main.call('signing:aggregate', undefined))}>
                {w('aggregate')}
              </button>
            </div>
          </div>
        </div>
      </section>
    );
  }
  return (
    <section data-testid="signing-signature-step">
      <p data-testid="signing-verified">{w('signature.lead')}</p>
      <p className="mono wrap" data-testid="signing-signature">
        {w('signature.value')}: {s.signature}
      </p>
      <p className="mono wrap">
        {w('signature.key')}: {s.verifyingKey}
      </p>
      <div className="actions">
        <button type="button" className="button" data-primary disabled={main.busy} data-testid="signing-seal" onClick={async () => apply(await main.call('signing:seal', undefined))}>
          {w('seal')}
        </button>
      </div>
    </section>
  );
}
