/**
 * "Quorum drill" (issue 17.1, reached from the start screen's "Check custody" card): a rehearsal of recovery. The key
 * ceremony's transcript is loaded, the quorum's shards go to main one by one (typed, scanned, or read by main off the
 * custodian's USB stick or token; each is checked against the record as it comes, so a wrong one is named at once),
 * then main rebuilds the key in memory, shows only its public fingerprint beside the recorded one, and wipes the key
 * and the shards; the witness signs the result, and the drill is a sealed transcript of its own. The window never
 * holds more than the shard being typed (none when main reads a device).
 */
import { useState } from 'react';
import { QUORUM_DRILL_CEREMONY } from '../../core/ceremony-kinds/quorum-drill';
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

type Status = ResponseOf<'custody:drill-start'>;
type Outcome = ResponseOf<'custody:drill-run'>;

export function DrillScreen() {
  const w = useWords();
  const main = useMain(w);
  const [source, setSource] = useState<{ name: string; text: string } | null>(null);
  const [finalHash, setFinalHash] = useState('');
  const [status, setStatus] = useState<Status | null>(null);
  const [shard, setShard] = useState('');
  const [camera, setCamera] = useState(false);
  // Typed or scanned, or read by main off the custodian's USB stick or token.
  const [shardSource, setShardSource] = useShardSource();
  const [passphrase, setPassphrase] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // Share extensions of the ceremony: their members' words can be in the quorum (issue 17).
  const [extensions, setExtensions] = useState<ExtensionFile[]>([]);

  const start = async () => {
    if (source === null) return;
    const s = await main.call('custody:drill-start', {
      transcriptText: source.text,
      ...(finalHash.trim() === '' ? {} : { finalHash: finalHash.trim() }),
      ...(extensions.length === 0 ? {} : { extensions: extensionsRequest(extensions) }),
    });
    if (s !== null) setStatus(s);
  };
  const add = async (text: string) => {
    const s = await main.call('custody:drill-add-shard', { text });
    // The typed text goes as soon as main has it (taken in or refused: a refused shard is typed again or replaced).
    setShard('');
    if (s !== null) setStatus(s);
  };
  // Main reads the device; its refusal goes back to the input (a wrong key keeps the key step, a wrong PIN the PIN field).
  const addDevice = async (request: DeviceShardRequest): Promise<SubmitResult> => {
    let refusal: ShardProblem | null = null;
    const s = await main.call('custody:drill-add-shard', request, (e) => (refusal = e));
    if (s === null) return rejected(refusal);
    setStatus(s);
    return { outcome: 'accepted' };
  };
  const run = async (act: { keyFilePath: string; passphrase: string }): Promise<boolean> => {
    const r = await main.call('custody:drill-run', { witness: act, ...(passphrase === '' ? {} : { passphrase }) });
    setPassphrase('');
    if (r === null) {
      // Refused: below the quorum or a wrong witness passphrase keeps the shards in main, a mismatch wipes them. Show
      // what main holds now, without hiding the refusal shown in the error panel.
      const now = await invoke('custody:drill-status', undefined).catch(() => null);
      if (now?.ok === true && now.value !== null) setStatus(now.value);
      return false;
    }
    setOutcome(r);
    return true;
  };

  const current = outcome !== null ? null : status === null ? 'plan' : 'drill';
  return (
    <Shell purpose={w('purpose.drill')} steps={<Steps kind={QUORUM_DRILL_CEREMONY} current={current} witnessIds={['witness']} w={w} testId="drill-steps" />}>
      <ScreenTitle>{w('drill.title')}</ScreenTitle>
      {status === null ? (
        <section data-testid="drill-setup">
          <p>
            {w('drill.lead')}{' '}
            <button type="button" className="button secondary" data-testid="drill-to-check" onClick={() => navigate('custody')}>
              {w('drill.toCheck')}
            </button>
          </p>
          <div className="field">
            <span>{w('setup.source')}</span>{' '}
            <FilePicker label={w('setup.source.choose')} accept=".json,application/json" testId="drill-source" variant="secondary" onFile={async (f) => setSource({ name: f.name, text: await f.text() })} />
            {source ? <span data-testid="drill-source-loaded"> {w('setup.source.loaded', { name: source.name })}</span> : null}
          </div>
          <label className="stacked">
            {w('setup.finalHash')}
            <FinalHashInput value={finalHash} onChange={setFinalHash} testId="drill-final-hash" />
          </label>
          <ExtensionFiles files={extensions} setFiles={setExtensions} label={w('custody.extensions')} addLabel={w('custody.extension.add')} hashLabel={(name) => w('custody.extension.hash', { name })} testId="drill-extension" />
          <div className="actions">
            <button type="button" className="button" data-primary disabled={main.busy || source === null} data-testid="drill-start" onClick={() => void start()}>
              {w('drill.start')}
            </button>
          </div>
        </section>
      ) : outcome === null ? (
        <section data-testid="drill-quorum" data-shards={status.shards.length}>
          <p data-must-see>
            {w('drill.expected')}: <strong className="mono" data-testid="drill-expected">{groups(status.expectedFingerprint.slice(0, 32).toUpperCase())}</strong>{' '}
            <SpokenWords hex={status.expectedFingerprint} testId="drill-expected-words" what={w('drill.expected')} layout="inline" />
          </p>
          {/* The shards on the left, the witness's act beside them: "Rebuild and compare" stays in a laptop's first view. */}
          <div className="scan-layout">
            <div>
              <h2>{w('drill.taken')}</h2>
              {status.shards.length === 0 ? (
                <p data-testid="drill-taken-none">{w('drill.none')}</p>
              ) : (
                <ul data-testid="drill-taken">
                  {status.shards.map((s) => (
                    <li key={s.shardFingerprint}>
                      {s.custodianId} <span className="mono">{groups(s.shardFingerprint.slice(0, 16).toUpperCase())}</span>
                    </li>
                  ))}
                </ul>
              )}
              {shardSource !== 'typed' ? (
                <DeviceShardInput source={shardSource} busy={main.busy} ceremonyId={status.ceremonyId} onSubmit={addDevice} />
              ) : camera ? (
                <CameraInput onShard={(scanned) => void add(scanned)} />
              ) : (
                <label className="stacked">
                  {w('drill.shard')}
                  <textarea rows={3} value={shard} onChange={(e) => setShard(e.currentTarget.value)} spellCheck={false} autoComplete="off" className="mono" data-testid="drill-shard-text" />
                </label>
              )}
              <div className="actions">
                {camera || shardSource !== 'typed' ? null : (
                  <button type="button" className="button secondary" disabled={main.busy || shard.trim() === ''} data-testid="drill-add" onClick={() => void add(shard)}>
                    {w('drill.add')}
                  </button>
                )}
                {shardSource !== 'typed' ? null : (
                  <button type="button" className="button secondary" data-testid="drill-camera-toggle" onClick={() => setCamera(!camera)}>
                    {camera ? w('scan.typed') : w('scan.camera')}
                  </button>
                )}
                <ShardSourceToggles
                  source={shardSource}
                  onSource={(next) => {
                    setShardSource(next);
                    setCamera(false);
                  }}
                  testId="drill"
                />
              </div>
            </div>
            <div>
              {status.scheme === 'slip39' ? (
                <div className="drill-passphrase">
                  <label className="stacked">
                    {w('drill.passphrase')}
                    <input type="password" className="passphrase-input" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} autoComplete="off" spellCheck={false} data-testid="drill-passphrase" />
                  </label>
                </div>
              ) : null}
              <h2>{w('drill.witness')}</h2>
              <WitnessKeyAct w={w} busy={main.busy || status.shards.length === 0} label={w('drill.run')} testId="drill-witness" onAct={run} />
            </div>
          </div>
        </section>
      ) : (
        <section data-testid="drill-result" data-result={outcome.result}>
          <p data-must-see className={outcome.result === 'verified' ? 'verdict ok' : 'verdict warn'} data-testid="drill-verdict">
            {outcome.result === 'verified' ? w('drill.result.verified') : w('drill.result.unverified')}
          </p>
          <p>
            {w('drill.fingerprint')}: <span className="mono" data-testid="drill-fingerprint">{groups(outcome.fingerprint.slice(0, 32).toUpperCase())}</span>{' '}
            <SpokenWords hex={outcome.fingerprint} testId="drill-fingerprint-words" what={w('drill.fingerprint')} layout="inline" />
          </p>
          <p>
            {w('drill.expected')}: <span className="mono">{groups(outcome.expectedFingerprint.slice(0, 32).toUpperCase())}</span>
          </p>
          <p data-testid="drill-signed">
            {w('drill.custodians', { custodians: outcome.custodians.join(', ') })} {outcome.signedBy === null ? w('custody.unsigned') : w('drill.signedBy', { witness: outcome.signedBy })}
          </p>
          <p data-must-see>
            {w('sealed.finalHash')}: <strong className="mono" data-testid="drill-final-hash-shown">{groups(outcome.finalHash)}</strong>
          </p>
          <SpokenWords hex={outcome.finalHash} testId="drill-final-hash-words" what={w('sealed.finalHash')} />
          <SaveTranscript
            w={w}
            testId="drill-save"
            suggestedName={`quorum-drill-${outcome.ceremonyId.slice(0, 12)}.json`}
            onSave={(path) => main.call('custody:save-transcript', { path })}
            leave={(primary) => (
              <button type="button" className={primary ? 'button' : 'button secondary'} data-primary={primary ? true : undefined} data-testid="drill-done" onClick={() => navigate('start')}>
                {w('done')}
              </button>
            )}
          />
        </section>
      )}
      {main.error ? <ErrorPanel title={main.error.title} error={main.error.info} testId="drill-error" focus={main.error.focus} /> : null}
    </Shell>
  );
}
