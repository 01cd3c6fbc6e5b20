/**
 * "Check a custodian's shard" (issue 17.1): one custodian's shard (typed, scanned, or read by main off their USB stick
 * or token and held there until the check) against the key ceremony's sealed transcript alone (no other shard, no
 * key rebuilt); a witness signs the receipt, and the check is recorded as a sealed transcript of
 * its own citing the key ceremony's final hash. The verdict says where its certainty comes from (trust rules).
 */
import { useEffect, useState } from 'react';
import { CUSTODY_CHECK_CEREMONY } from '../../core/ceremony-kinds/custody-check';
import { invoke } from '../../electron/ipc/client';
import type { ResponseOf } from '../../electron/ipc/contract';
import { navigate } from '../app/routes';
import { ErrorPanel } from '../components/ErrorPanel';
import { ExtensionFiles, type ExtensionFile, extensionsRequest } from '../components/ExtensionFiles';
import { FilePicker } from '../components/FilePicker';
import { FinalHashInput } from '../components/FinalHashInput';
import { ScreenTitle, Shell } from '../components/Shell';
import { SpokenWords } from '../components/SpokenWords';
import { DeviceShardInput, type DeviceShardRequest, ShardSourceToggles, rejected, useShardSource } from '../components/ShardSource';
import { CameraInput } from '../recovery/CameraInput';
import type { ShardProblem, SubmitResult } from '../recovery/outcome';
import { SaveTranscript, WitnessKeyAct } from './files';
import { Steps, groups, useMain, useWords } from './parts';

type Result = ResponseOf<'custody:check'>;
type Held = ResponseOf<'custody:read-shard'>;

export function CustodyCheckScreen() {
  const w = useWords();
  const main = useMain(w);
  const [source, setSource] = useState<{ name: string; text: string } | null>(null);
  const [finalHash, setFinalHash] = useState('');
  const [shard, setShard] = useState('');
  const [camera, setCamera] = useState(false);
  // Typed or scanned, or read by main off the custodian's stick or token: then main holds it (`held`) for the check.
  const [shardSource, setShardSource] = useShardSource();
  const [held, setHeld] = useState<Held | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  // A shard main read and holds for this check is wiped when the screen is left without checking it.
  useEffect(() => () => void invoke('custody:clear-shard', undefined).catch(() => undefined), []);
  // Share extensions of the ceremony, each with the final hash typed from its own paper record (issue 17).
  const [extensions, setExtensions] = useState<ExtensionFile[]>([]);

  const check = async (act?: { keyFilePath: string; passphrase: string }, scanned?: string): Promise<boolean> => {
    if (source === null) return false;
    const fromHeld = scanned === undefined && shardSource !== 'typed';
    let refusal = '';
    const r = await main.call('custody:check', {
      transcriptText: source.text,
      ...(finalHash.trim() === '' ? {} : { finalHash: finalHash.trim() }),
      shard: fromHeld ? { held: true } : { text: scanned ?? shard },
      ...(act === undefined ? {} : { witness: act }),
      ...(extensions.length === 0 ? {} : { extensions: extensionsRequest(extensions) }),
    }, (e) => (refusal = e.code), true);
    // Main takes the held shard once the witness's key opened (a refused key file or passphrase leaves it held); any
    // later refusal wiped it, so the custodian's device is read again.
    if (r === null && fromHeld && !/^(WITNESS_|FILE_|INVALID_ARGUMENT$)/.test(refusal)) setHeld(null);
    if (r === null) return false;
    setShard('');
    setHeld(null);
    setResult(r);
    return true;
  };

  // Main reads the device and holds the shard; its refusal goes back to the input (a wrong PIN empties the PIN field).
  const readDevice = async (request: DeviceShardRequest): Promise<SubmitResult> => {
    let refusal: ShardProblem | null = null;
    setHeld(null);
    const r = await main.call('custody:read-shard', request, (e) => (refusal = e));
    if (r === null) return rejected(refusal);
    setHeld(r);
    return { outcome: 'accepted' };
  };
  const chooseSource = (next: typeof shardSource): void => {
    setShardSource(next);
    setCamera(false);
    setHeld(null);
    void main.call('custody:clear-shard', undefined);
  };

  return (
    <Shell purpose={w('purpose.custody')} steps={<Steps kind={CUSTODY_CHECK_CEREMONY} current={result === null ? 'check' : null} witnessIds={['witness']} w={w} testId="custody-steps" />}>
      <ScreenTitle>{w('custody.check.title')}</ScreenTitle>
      {result === null ? (
        <section data-testid="custody-setup">
          <p>
            {w('custody.lead')}{' '}
            {/* One start card for custody: the quorum drill is the other way to check it. */}
            <button type="button" className="button secondary" data-testid="custody-to-drill" onClick={() => navigate('drill')}>
              {w('custody.toDrill')}
            </button>
          </p>
          {/* The shard on the left, the witness's act beside it: the check button stays in a laptop's first view. */}
          <div className="scan-layout">
            <div>
              <div className="field">
                <span>{w('setup.source')}</span>{' '}
                <FilePicker label={w('setup.source.choose')} accept=".json,application/json" testId="custody-source" variant="secondary" onFile={async (f) => setSource({ name: f.name, text: await f.text() })} />
                {source ? <span data-testid="custody-source-loaded"> {w('setup.source.loaded', { name: source.name })}</span> : null}
              </div>
              <label className="stacked">
                {w('setup.finalHash')}
                <FinalHashInput value={finalHash} onChange={setFinalHash} testId="custody-final-hash" />
              </label>
              <ExtensionFiles files={extensions} setFiles={setExtensions} label={w('custody.extensions')} addLabel={w('custody.extension.add')} hashLabel={(name) => w('custody.extension.hash', { name })} testId="custody-extension" />
              {shardSource !== 'typed' ? (
                <>
                  {held === null ? null : (
                    <p className="notice" role="status" data-testid="custody-held">
                      {w(held.source === 'usb' ? 'custody.held.usb' : 'custody.held.token', { custodian: held.custodianLabel, n: held.custodianIndex + 1 })}
                    </p>
                  )}
                  {/* Once a shard is held the witness's check is the next thing to do: the only primary (issue 14.5). */}
                  <DeviceShardInput source={shardSource} busy={main.busy} primary={held === null} onSubmit={readDevice} />
                </>
              ) : camera ? (
                <CameraInput onShard={(scanned) => void check(undefined, scanned)} />
              ) : (
                <label className="stacked">
                  {w('custody.shard')}
                  <textarea rows={3} value={shard} onChange={(e) => setShard(e.currentTarget.value)} spellCheck={false} autoComplete="off" className="mono" data-testid="custody-shard-text" />
                </label>
              )}
              <div className="actions">
                {shardSource !== 'typed' ? null : (
                  <button type="button" className="button secondary" data-testid="custody-camera-toggle" onClick={() => setCamera(!camera)}>
                    {camera ? w('scan.typed') : w('scan.camera')}
                  </button>
                )}
                <ShardSourceToggles source={shardSource} onSource={chooseSource} testId="custody" />
              </div>
            </div>
            <div>
              <h2>{w('custody.witness')}</h2>
              <WitnessKeyAct w={w} busy={main.busy || source === null || (shardSource === 'typed' ? shard.trim() === '' : held === null)} label={w('custody.check')} testId="custody-witness" onAct={(act) => check(act)} />
            </div>
          </div>
        </section>
      ) : (
        <section data-testid="custody-result" data-result={result.result}>
          <p data-must-see className={result.result === 'verified' ? 'verdict ok' : 'verdict warn'} data-testid="custody-verdict">
            {result.result === 'verified' ? w('custody.result.verified', { custodian: result.custodianId }) : w('custody.result.unverified')}
          </p>
          {result.extension === null ? null : (
            <p data-testid="custody-extension-result">{w('custody.result.extension', { ceremony: result.extension.ceremonyId, member: result.extension.member, group: result.extension.group })}</p>
          )}
          <p>
            {w('custody.shardFingerprint')}: <span className="mono">{groups(result.shardFingerprint.slice(0, 32).toUpperCase())}</span>{' '}
            <SpokenWords hex={result.shardFingerprint} testId="custody-shard-fingerprint-words" what={w('custody.shardFingerprint')} layout="inline" />
          </p>
          <p data-testid="custody-signed">{result.signedBy === null ? w('custody.unsigned') : w('custody.signedBy', { witness: result.signedBy })}</p>
          <p data-must-see>
            {w('sealed.finalHash')}: <strong className="mono" data-testid="custody-final-hash-shown">{groups(result.finalHash)}</strong>
          </p>
          <SpokenWords hex={result.finalHash} testId="custody-final-hash-words" what={w('sealed.finalHash')} />
          <SaveTranscript
            w={w}
            testId="custody-save"
            suggestedName={`custody-check-${result.custodianId}.json`}
            onSave={(path) => main.call('custody:save-transcript', { path })}
            leave={(primary) => (
              <button type="button" className={primary ? 'button' : 'button secondary'} data-primary={primary ? true : undefined} data-testid="custody-done" onClick={() => navigate('start')}>
                {w('done')}
              </button>
            )}
          />
        </section>
      )}
      {main.error ? <ErrorPanel title={main.error.title} error={main.error.info} testId="custody-error" focus={main.error.focus} /> : null}
    </Shell>
  );
}
