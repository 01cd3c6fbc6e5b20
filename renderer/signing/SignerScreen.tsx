/**
 * "Be a signer" (issue 17.5): a signer's laptop in a threshold signing. The custodian loads their own shard (typed
 * from paper, scanned, or read by main off their USB stick or token: the share stays in main for the round), shows a
 * commitment code, scans the coordinator's request, reads the message and its hash, and signs once: the one-time
 * nonces are erased, and main refuses a second signature with them (FROST_NONCE_USED).
 * Only public codes are shown; the shard stays in main until "Clear".
 */
import { useEffect, useState } from 'react';
import { SIGNING_CEREMONY } from '../../core/ceremony-kinds/signing';
import type { ResponseOf } from '../../electron/ipc/contract';
import { navigate } from '../app/routes';
import { QrCode } from '../ceremony/parts/QrCode';
import { ErrorPanel } from '../components/ErrorPanel';
import { ScreenTitle, Shell } from '../components/Shell';
import { SpokenWords } from '../components/SpokenWords';
import { DeviceShardInput, type DeviceShardRequest, ShardSourceToggles, rejected, useShardSource } from '../components/ShardSource';
import { CameraInput } from '../recovery/CameraInput';
import type { ShardProblem, SubmitResult } from '../recovery/outcome';
import { ScanOrType, Steps, groups, useMain, useWords, type W } from './parts';

type Status = ResponseOf<'signer:status'>;

const STEP_OF: Readonly<Record<Status['step'], string>> = { empty: 'commit', ready: 'commit', committed: 'request', request: 'sign-share', signed: 'sign-share' };

/** A public code with its text beside it (to type on the other laptop when no camera is at hand). */
function CodeWithText({ frames, label, testId }: { frames: readonly string[]; label: string; testId: string }) {
  return (
    <div>
      <QrCode frames={frames} label={label} testId={`${testId}-qr`} />
      <details data-testid={`${testId}-text`}>
        <summary>{label}</summary>
        <p className="mono wrap">{frames.join(' ')}</p>
      </details>
    </div>
  );
}

export function SignerScreen() {
  const w = useWords();
  const main = useMain(w);
  const [s, setS] = useState<Status | null>(null);
  useEffect(() => {
    void main.call('signer:status', undefined).then(setS);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const apply = (next: Status | null): boolean => next !== null && (setS(next), true);
  return (
    <Shell purpose={w('purpose.signer')} steps={<Steps kind={SIGNING_CEREMONY} current={s === null ? null : STEP_OF[s.step]} witnessIds={[]} w={w} testId="signer-steps" />}>
      <ScreenTitle>{w('signer.title')}</ScreenTitle>
      {s === null ? null : <Body s={s} w={w} main={main} apply={apply} />}
      {main.error ? <ErrorPanel title={main.error.title} error={main.error.info} testId="signer-error" focus={main.error.focus} /> : null}
    </Shell>
  );
}

function Body({ s, w, main, apply }: { s: Status; w: W; main: ReturnType<typeof useMain>; apply: (s: Status | null) => boolean }) {
  const [text, setText] = useState('');
  const [camera, setCamera] = useState(false);
  const [source, setSource] = useShardSource();
  if (s.step === 'empty') {
    const load = async (input: { text: string }): Promise<void> => {
      if (apply(await main.call('signer:load-shard', input))) setText('');
    };
    // Main reads the device and keeps the share; its refusal goes back to the input (a wrong PIN empties the PIN field).
    const loadDevice = async (request: DeviceShardRequest): Promise<SubmitResult> => {
      let refusal: ShardProblem | null = null;
      return apply(await main.call('signer:load-shard', request, (e) => (refusal = e))) ? { outcome: 'accepted' } : rejected(refusal);
    };
    return (
      <section data-testid="signer-load">
        <p>{w('signer.load.lead')}</p>
        {source !== 'typed' ? (
          <DeviceShardInput source={source} busy={main.busy} onSubmit={loadDevice} />
        ) : camera ? (
          <CameraInput onShard={(scanned) => void load({ text: scanned })} />
        ) : (
          <label>
            {w('signer.load.text')}
            <textarea rows={4} value={text} onChange={(e) => setText(e.currentTarget.value)} spellCheck={false} autoComplete="off" className="mono" data-testid="signer-shard-text" />
          </label>
        )}
        <div className="actions">
          {camera || source !== 'typed' ? null : (
            <button type="button" className="button" data-primary disabled={main.busy || text.trim() === ''} data-testid="signer-load-shard" onClick={() => void load({ text })}>
              {w('signer.load')}
            </button>
          )}
          {source !== 'typed' ? null : (
            <button type="button" className="button secondary" data-testid="signer-camera-toggle" onClick={() => setCamera(!camera)}>
              {camera ? w('scan.typed') : w('scan.camera')}
            </button>
          )}
          <ShardSourceToggles
            source={source}
            onSource={(next) => {
              setSource(next);
              setCamera(false);
            }}
            testId="signer"
          />
        </div>
      </section>
    );
  }
  const loaded = (
    <p data-testid="signer-loaded">{w('signer.loaded', { label: s.label ?? '', fingerprint: groups((s.groupFingerprint ?? '').slice(0, 16).toUpperCase()) })}</p>
  );
  const clear = (
    <button type="button" className="button secondary" data-testid="signer-clear" onClick={async () => apply(await main.call('signer:clear', undefined)) && navigate('start')}>
      {w('signer.clear')}
    </button>
  );
  if (s.step === 'ready') {
    return (
      <section data-testid="signer-ready">
        {loaded}
        <div className="actions">
          <button type="button" className="button" data-primary disabled={main.busy} data-testid="signer-commit" onClick={async () => apply(await main.call('signer:commit', undefined))}>
            {w('signer.commit')}
          </button>
          {clear}
        </div>
      </section>
    );
  }
  if (s.step === 'committed') {
    return (
      <section data-testid="signer-committed">
        <p>{w('signer.commit.lead')}</p>
        <div className="scan-layout">
          <CodeWithText frames={s.commitmentQr ?? []} label={w('signer.commit.qr')} testId="signer-commitment" />
          <div>
            <p>{w('signer.request.lead')}</p>
            <ScanOrType w={w} busy={main.busy} subject="request" testId="signer-request" onCode={async (texts) => apply(await main.call('signer:read-request', { urParts: texts }))} />
          </div>
        </div>
      </section>
    );
  }
  if (s.step === 'request' && s.request !== null) {
    return (
      <section data-testid="signer-request-read">
        <dl className="facts">
          <dt>{w('status.message')}</dt>
          <dd data-testid="signer-message">{s.request.messageText ?? groups(s.request.messageHex)}</dd>
          <dt>{w('status.messageHash')}</dt>
          <dd data-must-see>
            <span className="mono" data-testid="signer-message-hash">
              {groups(s.request.messageHash.slice(0, 32).toUpperCase())}
            </span>{' '}
            <SpokenWords hex={s.request.messageHash} testId="signer-message-hash-words" what={w('status.messageHash')} layout="inline" />
          </dd>
        </dl>
        <p>{w('signer.check')}</p>
        <div className="actions">
          <button type="button" className="button" data-primary disabled={main.busy} data-testid="signer-sign" onClick={async () => apply(await main.call('signer:sign', undefined))}>
            {w('signer.sign')}
          </button>
          {clear}
        </div>
      </section>
    );
  }
  return (
    <section data-testid="signer-signed">
      <p>{w('signer.share.lead')}</p>
      <div className="scan-layout">
      <CodeWithText frames={s.shareQr ?? []} label={w('signer.share.qr')} testId="signer-share" />
      <div className="actions">
        <button type="button" className="button secondary" disabled={main.busy} data-testid="signer-sign-again" onClick={async () => apply(await main.call('signer:sign', undefined))}>
          {w('signer.sign')}
        </button>
        <button type="button" className="button" data-primary disabled={main.busy} data-testid="signer-commit-again" onClick={async () => apply(await main.call('signer:commit', undefined))}>
          {w('signer.commit')}
        </button>
        {clear}
      </div>
      </div>
    </section>
  );
}
