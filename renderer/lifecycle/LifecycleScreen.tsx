/**
 * Refresh, repair and SLIP-39 extension, from the start screen (issue 17.2-17.4): one screen for the three ceremony
 * kinds, driven by main's lifecycle:* status (extend:*, shaped the same, for an extension). The steps listed are the kind's catalogue (core/ceremony-kinds), numbered as in its printed
 * script. Shares go to main only (typed shard text, or a code scanned with the recovery screens' camera input); a new
 * share comes back only for the custodian being handed it, and is dropped here once they confirmed it.
 */
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { numberedSteps } from '../../core/ceremony-kinds/derive';
import { REFRESH_CEREMONY } from '../../core/ceremony-kinds/refresh';
import { REPAIR_CEREMONY } from '../../core/ceremony-kinds/repair';
import { EXTEND_CEREMONY } from '../../core/ceremony-kinds/extend';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { invoke } from '../../electron/ipc/client';
import type { ChannelName } from '../../electron/ipc/channels';
import { checkpointName } from '../../core/step-names';
import { navigate } from '../app/routes';
import { QrCode } from '../ceremony/parts/QrCode';
import { ChooseFileButton } from '../components/ChooseFileButton';
import { ErrorPanel } from '../components/ErrorPanel';
import { ExtensionFiles, type ExtensionFile, extensionsRequest } from '../components/ExtensionFiles';
import { FilePicker } from '../components/FilePicker';
import { FinalHashInput } from '../components/FinalHashInput';
import type { ErrorInfo } from '../components/errors';
import { ScreenTitle, Shell } from '../components/Shell';
import { SpokenWords } from '../components/SpokenWords';
import { StepList } from '../components/StepList';
import { useLanguage } from '../i18n';
import { CameraInput } from '../recovery/CameraInput';
import { DeviceShardInput, type DeviceShardRequest, ShardSourceToggles, useShardSource } from '../components/ShardSource';
import type { SubmitResult } from '../recovery/outcome';
import { lifecycleWord, type LifecycleWordKey } from './words';
import { stepLabel } from '../i18n/steps';
import './lifecycle.css';

type Kind = 'refresh' | 'repair' | 'extend';
/** lifecycle:status, or extend:status with its own kind. */
type Status = Omit<ResponseOf<'lifecycle:status'>, 'kind'> & { readonly kind: Kind | null };
type HandoffView = ResponseOf<'lifecycle:handoff'>;

const groups = (hex: string): string => hex.match(/.{1,4}/g)?.join(' ') ?? hex;

/** "1 Alice" lines to custodians; a line that is not "number name" is reported by its line number. */
function parseCustodians(text: string): { id: string; name: string; number: number }[] | { problem: number } {
  const out: { id: string; name: string; number: number }[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const m = /^(\d{1,3})\s+(.{1,64})$/.exec(line);
    if (m === null) return { problem: i + 1 };
    const number = Number(m[1]);
    out.push({ id: `custodian-${number}`, name: m[2]!.trim(), number });
  }
  return out;
}

export function LifecycleScreen({ kind }: { readonly kind: Kind }) {
  const lang = useLanguage();
  const w = useCallback((key: LifecycleWordKey, params?: Readonly<Record<string, string | number>>) => lifecycleWord(lang, key, params), [lang]);
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<{ title: string; info: ErrorInfo; focus?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<HandoffView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  /** One call to main: its status answer replaces the screen's; an error is shown under the step, nothing changes. */
  const run = useCallback(
    async <K extends ChannelName>(channel: K, request: RequestOf<K>, title: LifecycleWordKey = 'step.problem', refused?: (e: Refusal) => void): Promise<ResponseOf<K> | null> => {
      setBusy(true);
      setError(null);
      try {
        // An extension's service answers on extend:* with the same requests and answers as lifecycle:* (contract-extend.ts),
        // so the steps below name lifecycle:* channels and an extension's calls go to its own.
        const target = (kind === 'extend' ? channel.replace(/^lifecycle:/, 'extend:') : channel) as K;
        const r = await (invoke as (c: K, q: RequestOf<K>) => ReturnType<typeof invoke<K>>)(target, request);
        if (!r.ok) {
          // A device input that takes the refusal back keeps the focus where it puts it (a wrong PIN: the PIN field).
          setError({ title: w(title), info: { code: r.error.code, message: r.error.message, todo: w('error.todo') }, ...(refused === undefined ? {} : { focus: false }) });
          refused?.({ code: r.error.code, message: r.error.message });
          return null;
        }
        const value = r.value as ResponseOf<K>;
        const s = (value as { status?: unknown }).status;
        if (typeof s === 'object' && s !== null && 'transcriptPath' in s) setStatus(s as Status);
        else if (typeof value === 'object' && value !== null && 'transcriptPath' in value) setStatus(value as unknown as Status);
        return value;
      } finally {
        setBusy(false);
      }
    },
    [w, kind],
  );

  useEffect(() => {
    void run('lifecycle:status', undefined);
  }, [run]);

  const shownKind: Kind = status?.kind ?? kind;
  const catalogue = shownKind === 'refresh' ? REFRESH_CEREMONY : shownKind === 'repair' ? REPAIR_CEREMONY : EXTEND_CEREMONY;
  const steps = useMemo(
    () => numberedSteps(catalogue, { label: '', custodians: [], witnesses: (status?.witnessIds ?? []).map((id) => ({ id, name: id, organisation: '', observes: 'all' as const })) }),
    [catalogue, status?.witnessIds],
  );
  // The latest step main allows is where the ceremony is (an earlier step's record may be allowed again, as a retry).
  // While a witness signs off, nothing is allowed next: the step is the one whose record waits for the sign-off.
  const pending = status?.pendingSignOff?.checkpoint;
  // While a custodian still waits for their share, the handoff is the step, though the wipe is already allowed next.
  const handing = status?.next.includes('handoff') === true && status.custodians.some((c) => !c.confirmed) ? 'handoff' : undefined;
  // Likewise the quorum, while it has fewer shares than it needs (main refuses to make new shares until then).
  const gathering = status?.next.includes('quorum-share') === true && (status.quorumNeeded === null || status.quorum.length < status.quorumNeeded) ? 'quorum' : undefined;
  const currentStep =
    (pending === undefined ? undefined : steps.find((s) => s.step.records.some((r) => r.kind === pending))?.step.id) ??
    handing ??
    gathering ??
    [...steps].reverse().find((s) => s.step.records.some((r) => status?.next.includes(r.kind) ?? false))?.step.id ??
    (status?.active ? null : 'plan');

  const done = status?.status === 'sealed' ? steps.map((x) => x.step.id) : undefined;
  const stepList = (
    <StepList
      title={w('steps.title')}
      steps={steps.map(({ number, step }) => ({ id: step.id, label: stepLabel(lang, catalogue.id, step), number, perCustodian: step.perCustodian }))}
      current={status?.status === 'sealed' ? 'seal' : currentStep}
      {...(done === undefined ? {} : { done })}
      custodians={(status?.custodians ?? []).map((c) => ({ id: c.id, name: c.name, state: c.confirmed ? ('confirmed' as const) : c.handedOver ? ('handed-off' as const) : ('waiting' as const) }))}
      {...(status?.status === 'aborted' ? { ended: { kind: 'aborted' as const, note: w('aborted.title') } } : {})}
    />
  );

  const title = w(`${shownKind}.title`);
  const body =
    status === null ? null : status.status === null ? (
      <Setup
        kind={kind}
        w={w}
        busy={busy}
        onStart={(request) => ('kind' in request ? run('lifecycle:start', request, 'setup.problem') : run('extend:start', request, 'setup.problem'))}
        onWitnessFile={async (path) => (await run('lifecycle:load-witness-key', { path }, 'setup.witness.problem'))?.id ?? null}
      />
    ) : status.status === 'sealed' ? (
      <Sealed status={status} w={w} onDone={async () => (await run('lifecycle:close', undefined)) !== null && navigate('start')} />
    ) : status.status === 'aborted' ? (
      <section data-testid="lifecycle-aborted">
        <h2>{w('aborted.title')}</h2>
        <button type="button" className="button" data-primary onClick={async () => (await run('lifecycle:close', undefined)) !== null && navigate('start')}>
          {w('sealed.done')}
        </button>
      </section>
    ) : (
      <Running status={status} w={w} busy={busy} view={view} setView={setView} notice={notice} setNotice={setNotice} run={run} clearError={() => setError(null)} />
    );

  return (
    <Shell purpose={w('purpose')} steps={stepList}>
      <ScreenTitle>{title}</ScreenTitle>
      {status?.groupFingerprint ? (
        <p data-testid="lifecycle-fingerprint" data-must-see>
          {w('status.fingerprint')}: <strong className="mono">{status.groupFingerprint.display}</strong>{' '}
          {/* Its words for reading aloud, except while a new share is on screen: there the share must fit the view. */}
          {view === null ? <SpokenWords hex={status.groupFingerprint.hex} testId="lifecycle-fingerprint-words" what={w('status.fingerprint')} layout="inline" /> : null}
        </p>
      ) : null}
      {body}
      {error ? <ErrorPanel title={error.title} error={error.info} testId="lifecycle-error" focus={error.focus !== false} /> : null}
    </Shell>
  );
}

type W = (key: LifecycleWordKey, params?: Readonly<Record<string, string | number>>) => string;

interface SetupProps {
  kind: Kind;
  w: W;
  busy: boolean;
  onStart: (r: RequestOf<'lifecycle:start'> | RequestOf<'extend:start'>) => Promise<unknown>;
  /** Main loads the key file chosen in its own dialog and answers the witness id (null: not loaded, error shown). */
  onWitnessFile: (path: string) => Promise<string | null>;
}

function Setup({ kind, w, busy, onStart, onWitnessFile }: SetupProps) {
  const [label, setLabel] = useState(w(`${kind}.title`));
  const [group, setGroup] = useState('1');
  const [source, setSource] = useState<{ name: string; text: string } | null>(null);
  const [finalHash, setFinalHash] = useState('');
  const [curve, setCurve] = useState<'ed25519' | 'secp256k1' | 'p256'>('ed25519');
  const [custodians, setCustodians] = useState('');
  const [reshare, setReshare] = useState(false);
  const [newThreshold, setNewThreshold] = useState('');
  const [lost, setLost] = useState('');
  const [lostName, setLostName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [witnessIds, setWitnessIds] = useState<string[]>([]);
  // An extension's earlier extensions of the same backup: their members are taken, and may be in the quorum.
  const [earlier, setEarlier] = useState<ExtensionFile[]>([]);

  const start = async (): Promise<void> => {
    setProblem(null);
    if (source === null) return setProblem(w('setup.source'));
    let list: { id: string; name: string; number: number }[];
    if (kind === 'extend') {
      const parsed = parseCustodians(custodians);
      const g = Number(group);
      if ('problem' in parsed || parsed.length === 0 || parsed.some((c) => c.number > 16)) return setProblem(w('setup.members'));
      if (!Number.isInteger(g) || g < 1 || g > 16) return setProblem(w('setup.group'));
      const request = { label: label.trim() || w('extend.title'), sourceTranscript: source.text, group: g, custodians: parsed.map((c) => ({ ...c, id: `member-${c.number}` })) };
      await onStart({ ...request, ...(finalHash.trim() === '' ? {} : { finalHash: finalHash.trim() }), ...(earlier.length === 0 ? {} : { earlierExtensions: extensionsRequest(earlier) }), ...(witnessIds.length === 0 ? {} : { witnessIds }) });
      return;
    }
    if (kind === 'refresh') {
      const parsed = parseCustodians(custodians);
      if ('problem' in parsed || parsed.length === 0) return setProblem(w('setup.custodians'));
      list = parsed;
    } else {
      const number = Number(lost);
      if (!Number.isInteger(number) || number < 1 || number > 255 || lostName.trim() === '') return setProblem(w('setup.lost'));
      list = [{ id: `custodian-${number}`, name: lostName.trim().slice(0, 64), number }];
    }
    await onStart({
      kind,
      label: label.trim() || w(`${kind}.title`),
      sourceTranscript: source.text,
      ...(finalHash.trim() === '' ? {} : { finalHash: finalHash.trim() }),
      ciphersuite: curve,
      custodians: list,
      ...(kind === 'refresh' && reshare ? { reshare: true } : {}),
      ...(kind === 'refresh' && newThreshold.trim() !== '' ? { newThreshold: Number(newThreshold) } : {}),
      ...(witnessIds.length === 0 ? {} : { witnessIds }),
    });
  };

  return (
    <section data-testid="lifecycle-setup" className="lc-setup">
      <p className="lead">{w(`setup.lead.${kind}`)}</p>
      <div className="field">
        <label htmlFor="lc-label">{w('setup.label')}</label>
        <input id="lc-label" type="text" value={label} onChange={(e) => setLabel(e.currentTarget.value)} maxLength={200} data-testid="lifecycle-label" />
      </div>
      {/* An extension has no curve to choose: its group sits there, so the form keeps Start in the first view. */}
      {kind === 'extend' ? (
        <div className="field">
          <label htmlFor="lc-group">{w('setup.group')}</label>
          <input id="lc-group" type="text" inputMode="numeric" size={4} value={group} onChange={(e) => setGroup(e.currentTarget.value.replace(/\D/g, ''))} data-testid="lifecycle-group" />
        </div>
      ) : (
        <div className="field">
          <label htmlFor="lc-curve">{w('setup.curve')}</label>
          <select id="lc-curve" value={curve} onChange={(e) => setCurve(e.currentTarget.value as typeof curve)} data-testid="lifecycle-curve">
            <option value="ed25519">ed25519</option>
            <option value="secp256k1">secp256k1</option>
            <option value="p256">p256</option>
          </select>
        </div>
      )}
      <div className="field">
        <span className="label">{w(kind === 'extend' ? 'setup.source.extend' : 'setup.source')}</span>
        <FilePicker
          label={w('setup.source.choose')}
          accept=".json,application/json"
          testId="lifecycle-source"
          variant="secondary"
          onFile={async (file) => setSource({ name: file.name, text: await file.text() })}
        />
        {source ? <span data-testid="lifecycle-source-loaded"> {w('setup.source.loaded', { name: source.name })}</span> : null}
      </div>
      <div className="field">
        <label htmlFor="lc-final-hash">{w('setup.finalHash')}</label>
        <FinalHashInput id="lc-final-hash" value={finalHash} onChange={setFinalHash} testId="lifecycle-final-hash" />
      </div>
      {kind === 'extend' ? (
        <>
          <div className="field">
            <label htmlFor="lc-custodians">{w('setup.members')}</label>
            <textarea id="lc-custodians" rows={2} value={custodians} onChange={(e) => setCustodians(e.currentTarget.value)} spellCheck={false} data-testid="lifecycle-custodians" />
          </div>
          <ExtensionFiles files={earlier} setFiles={setEarlier} label={w('setup.extensions')} addLabel={w('setup.extension.add')} hashLabel={(name) => w('setup.extension.hash', { name })} testId="lifecycle-extension" labelClass="label" />
        </>
      ) : kind === 'refresh' ? (
        <>
          <div className="field">
            <label htmlFor="lc-custodians">{w('setup.custodians')}</label>
            <textarea id="lc-custodians" rows={3} value={custodians} onChange={(e) => setCustodians(e.currentTarget.value)} spellCheck={false} data-testid="lifecycle-custodians" />
          </div>
          <div>
            <div className="field">
              <label htmlFor="lc-threshold">{w('setup.newThreshold')}</label>
              <input id="lc-threshold" type="text" inputMode="numeric" size={4} value={newThreshold} onChange={(e) => setNewThreshold(e.currentTarget.value.replace(/\D/g, ''))} data-testid="lifecycle-new-threshold" />
            </div>
            <div className="field">
              <label className="checkbox">
                <input type="checkbox" checked={reshare} onChange={(e) => setReshare(e.currentTarget.checked)} data-testid="lifecycle-reshare" /> {w('setup.reshare')}
              </label>
            </div>
          </div>
        </>
      ) : (
        <>
          <div className="field">
            <label htmlFor="lc-lost">{w('setup.lost')}</label>
            <input id="lc-lost" type="text" inputMode="numeric" size={4} value={lost} onChange={(e) => setLost(e.currentTarget.value.replace(/\D/g, ''))} data-testid="lifecycle-lost" />
          </div>
          <div className="field">
            <label htmlFor="lc-lost-name">{w('setup.lostName')}</label>
            <input id="lc-lost-name" type="text" value={lostName} onChange={(e) => setLostName(e.currentTarget.value)} maxLength={64} data-testid="lifecycle-lost-name" />
          </div>
        </>
      )}
      {problem ? (
        <p className="problem" role="alert" data-testid="lifecycle-setup-problem">
          {problem}
        </p>
      ) : null}
      {/* The witnesses sit in the Start row: the whole form and Start stay in the first view of a laptop screen. */}
      <div className="actions">
        <ChooseFileButton
          purpose="witness-key"
          label={w('setup.witness.add')}
          variant="secondary"
          disabled={busy}
          testId="lifecycle-witness-file"
          onError={() => setProblem(w('setup.witness.problem'))}
          onChosen={async (file) => {
            const id = await onWitnessFile(file.path);
            if (id !== null && !witnessIds.includes(id)) setWitnessIds([...witnessIds, id]);
          }}
        />
        <span className="hint" data-testid="lifecycle-witnesses-loaded" data-count={witnessIds.length}>
          {witnessIds.length > 0 ? w('setup.witness.loaded', { ids: witnessIds.join(', ') }) : w('setup.witnesses')}
        </span>
        <button type="button" className="button" data-primary disabled={busy} onClick={() => void start()} data-testid="lifecycle-start">
          {w('setup.start')}
        </button>
      </div>
    </section>
  );
}

/** What main said when it refused a call (its code and message), for a part that reacts to the code. */
interface Refusal {
  readonly code: string;
  readonly message: string;
}

interface RunningProps {
  status: Status;
  w: W;
  busy: boolean;
  view: HandoffView | null;
  setView: (v: HandoffView | null) => void;
  notice: string | null;
  setNotice: (n: string | null) => void;
  run: <K extends ChannelName>(channel: K, request: RequestOf<K>, title?: LifecycleWordKey, refused?: (e: Refusal) => void) => Promise<ResponseOf<K> | null>;
  /** Drops the error panel (another witness was chosen to sign). */
  clearError: () => void;
}

function Running({ status, w, busy, view, setView, notice, setNotice, run, clearError }: RunningProps) {
  const [shard, setShard] = useState('');
  const [scan, setScan] = useState(false);
  // A helper's shard file on their stick, or their shard on their PKCS#11 token: main reads the device itself.
  const [source, setSource] = useShardSource();
  const usb = source === 'usb';
  const token = source === 'token';
  const [typed, setTyped] = useState('');
  const next = status.next;
  const ext = status.kind === 'extend';
  const abort = (
    <button type="button" className="button quiet" disabled={busy} onClick={() => void run('lifecycle:abort', { reason: w('abort.reason') })} data-testid="lifecycle-abort">
      {w('abort.button')}
    </button>
  );
  if (status.pendingSignOff !== null) return <SignOff checkpoint={status.pendingSignOff.checkpoint} witnessIds={status.witnessIds} w={w} busy={busy} run={run} abort={abort} clearError={clearError} />;
  // The latest step main allows is the one to show (an earlier step's record may be allowed again, as a retry).
  if (next.includes('airgap-check') && !next.includes('quorum-share')) {
    return (
      <section data-testid="lifecycle-airgap">
        <p>{w('airgap.lead')}</p>
        <div className="actions">
          <button type="button" className="button" data-primary disabled={busy} onClick={() => void run('lifecycle:check-airgap', undefined)} data-testid="lifecycle-check-airgap">
            {w('airgap.check')}
          </button>
          {abort}
        </div>
      </section>
    );
  }
  const quorumDone = status.quorumNeeded !== null && status.quorum.length >= status.quorumNeeded;
  if (next.includes('quorum-share') && !quorumDone) {
    const add = async (input: RequestOf<'lifecycle:add-share'>['input']): Promise<void> => {
      const r = await run('lifecycle:add-share', { input });
      if (r !== null) {
        setShard('');
        setNotice(w(ext ? 'quorum.added.extend' : 'quorum.added', { number: r.quorum[r.quorum.length - 1] ?? '' }));
      }
    };
    // A drive file or a token: main reads the device. The refusal's code goes back too: a wrong key for a protected
    // file keeps its key step open, a wrong PIN empties and focuses the PIN field.
    const deviceShare = async (request: DeviceShardRequest): Promise<SubmitResult> => {
      let refusal: Refusal = { code: 'INTERNAL', message: '' };
      const r = await run('lifecycle:add-share', { input: request }, undefined, (e) => (refusal = e));
      if (r === null) return { outcome: 'rejected', error: refusal };
      setNotice(w('quorum.added', { number: r.quorum[r.quorum.length - 1] ?? '' }));
      return { outcome: 'accepted' };
    };
    return (
      <section data-testid="lifecycle-quorum">
        <p>{w(ext ? 'quorum.lead.extend' : 'quorum.lead')}</p>
        <p data-testid="lifecycle-quorum-progress" data-must-see>
          {/* The key ceremony's transcript does not record a group's threshold: an earlier extension, or the first share, tells it. */}
          {ext && status.quorumNeeded === null ? w('quorum.progress.learned', { have: status.quorum.length }) : w('quorum.progress', { have: status.quorum.length, need: status.quorumNeeded ?? '?' })}
        </p>
        {notice ? (
          <p role="status" data-testid="lifecycle-notice">
            {notice}
          </p>
        ) : null}
        {usb || token ? (
          <DeviceShardInput source={source} busy={busy} onSubmit={deviceShare} />
        ) : scan ? (
          <CameraInput onShard={(text) => void add({ text })} />
        ) : (
          <div className="field">
            <label htmlFor="lc-shard">{w(ext ? 'quorum.text.extend' : 'quorum.text')}</label>
            <textarea id="lc-shard" rows={3} value={shard} onChange={(e) => setShard(e.currentTarget.value)} spellCheck={false} autoComplete="off" className="mono" data-testid="lifecycle-shard-text" />
          </div>
        )}
        <div className="actions">
          {scan || usb || token ? null : (
            <button type="button" className="button" data-primary disabled={busy || shard.trim() === ''} onClick={() => void add({ text: shard })} data-testid="lifecycle-add-share">
              {w('quorum.add')}
            </button>
          )}
          {usb || token ? null : (
            <button type="button" className="button secondary" onClick={() => setScan(!scan)} data-testid="lifecycle-scan-toggle">
              {w('quorum.scan')}
            </button>
          )}
          {/* An extension takes typed or scanned words (its service reads no drive and no token). */}
          {ext ? null : (
            <ShardSourceToggles
              source={source}
              onSource={(next) => {
                setSource(next);
                setScan(false);
              }}
              testId="lifecycle"
            />
          )}
          {abort}
        </div>
      </section>
    );
  }
  if ((next.includes('refresh') || next.includes('repair') || next.includes('extend')) && !next.includes('handoff')) {
    return (
      <section data-testid="lifecycle-make">
        <p data-testid="lifecycle-quorum-progress">{w('quorum.progress', { have: status.quorum.length, need: status.quorumNeeded ?? 0 })}</p>
        <p>{w('make.lead')}</p>
        <div className="actions">
          <button type="button" className="button" data-primary disabled={busy} onClick={() => void run('lifecycle:make', undefined)} data-testid="lifecycle-make-button">
            {w(`make.${status.kind ?? 'refresh'}`)}
          </button>
          {abort}
        </div>
      </section>
    );
  }
  const unconfirmed = status.custodians.filter((c) => !c.confirmed);
  if (unconfirmed.length > 0 && (next.includes('handoff') || next.includes('confirm'))) {
    if (view !== null) {
      return (
        <section data-testid="lifecycle-handoff">
          <h2>{w(ext ? 'handoff.heading.extend' : 'handoff.heading', { name: view.custodianName, number: view.number })}</h2>
          <div className="lc-handoff">
            <QrCode frames={view.qrFrames} label={w('handoff.qr', { name: view.custodianName })} testId="lifecycle-qr" />
            <div>
              <pre className="mono shard-text" data-testid="lifecycle-paper-text" data-must-see>
                {view.paperText}
              </pre>
              <div className="field">
                <label htmlFor="lc-type-back">{w('handoff.typeBack')}</label>
                <span className="hint">{w(ext ? 'handoff.paper.extend' : 'handoff.paper')}</span>
                <textarea id="lc-type-back" rows={2} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} spellCheck={false} autoComplete="off" className="mono" data-testid="lifecycle-type-back" />
              </div>
              <div className="actions">
                <button
                  type="button"
                  className="button"
                  data-primary
                  disabled={busy || typed.trim() === ''}
                  data-testid="lifecycle-confirm"
                  onClick={async () => {
                    const r = await run('lifecycle:confirm', { custodianId: view.custodianId, method: 'type-back', response: { text: typed } });
                    if (r !== null) {
                      setTyped('');
                      setView(null);
                    }
                  }}
                >
                  {w('handoff.confirm')}
                </button>
              </div>
            </div>
          </div>
        </section>
      );
    }
    return (
      <section data-testid="lifecycle-handoffs">
        <p>{w('handoff.lead')}</p>
        <ul className="plain">
          {status.custodians.map((c) =>
            c.confirmed ? (
              <li key={c.id} data-testid={`lifecycle-confirmed-${c.id}`}>
                ✓ {w('handoff.done', { name: c.name })}
              </li>
            ) : (
              <li key={c.id}>
                <button type="button" className="button" data-primary={c.id === unconfirmed[0]?.id ? true : undefined} disabled={busy} data-testid={`lifecycle-show-${c.id}`} onClick={async () => setView(await run('lifecycle:handoff', { custodianId: c.id }))}>
                  {w('handoff.show', { name: c.name })}
                </button>
              </li>
            ),
          )}
        </ul>
        <div className="actions">{abort}</div>
      </section>
    );
  }
  if (next.includes('destroy') && !next.includes('seal')) {
    return (
      <section data-testid="lifecycle-destroy">
        <p>{w(ext ? 'destroy.lead.extend' : 'destroy.lead')}</p>
        <div className="actions">
          <button type="button" className="button" data-primary disabled={busy} onClick={() => void run('lifecycle:destroy', undefined)} data-testid="lifecycle-destroy-button">
            {w('destroy.button')}
          </button>
        </div>
      </section>
    );
  }
  return (
    <section data-testid="lifecycle-seal">
      <p>{w('seal.lead')}</p>
      <div className="actions">
        <button type="button" className="button" data-primary disabled={busy || !next.includes('seal')} onClick={() => void run('lifecycle:seal', undefined)} data-testid="lifecycle-seal-button">
          {w('seal.button')}
        </button>
      </div>
    </section>
  );
}

/**
 * A catalogue checkpoint waits for one of the plan's witnesses: their key was loaded at the start (main keeps it
 * sealed); here they type its passphrase, which opens it for this one signature.
 */
function SignOff({ checkpoint, witnessIds, w, busy, run, abort, clearError }: { checkpoint: string; witnessIds: readonly string[]; w: W; busy: boolean; run: RunningProps['run']; abort: ReactNode; clearError: () => void }) {
  const lang = useLanguage();
  const [witnessId, setWitnessId] = useState(witnessIds[0] ?? '');
  const [passphrase, setPassphrase] = useState('');
  return (
    <section className="lc-signoff" data-testid="lifecycle-signoff" data-checkpoint={checkpoint}>
      <p data-testid="lifecycle-signoff-pending" data-must-see>
        {w('signoff.pending', { checkpoint: checkpointName(checkpoint, lang) })}
      </p>
      {witnessIds.length > 1 ? (
        <div className="field">
          <label htmlFor="lc-signoff-witness">{w('signoff.witness')}</label>
          <select id="lc-signoff-witness" value={witnessId} onChange={(e) => {
              // Another witness signs: the last one's refusal (their passphrase) is not about them.
              setWitnessId(e.currentTarget.value);
              setPassphrase('');
              clearError();
            }} data-testid="lifecycle-signoff-witness">
            {witnessIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="lc-signoff-passphrase">{w('signoff.passphrase')}</label>
        <input id="lc-signoff-passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} autoComplete="off" data-testid="lifecycle-signoff-passphrase" />
      </div>
      <div className="actions">
        <button
          type="button"
          className="button"
          data-primary
          disabled={busy || witnessId === '' || passphrase === ''}
          data-testid="lifecycle-signoff-sign"
          onClick={async () => {
            // The passphrase is dropped whatever main answered: a wrong one is typed again.
            const typed = passphrase;
            setPassphrase('');
            await run('lifecycle:sign-off', { witnessId, passphrase: typed });
          }}
        >
          {w('signoff.sign', { id: witnessId })}
        </button>
        {/* A witness who will not sign stops the ceremony here; the abort is recorded. */}
        {abort}
      </div>
    </section>
  );
}

function Sealed({ status, w, onDone }: { status: Status; w: W; onDone: () => Promise<unknown> }) {
  return (
    <section data-testid="lifecycle-sealed">
      <h2>{w(`sealed.title.${status.kind ?? 'refresh'}`)}</h2>
      <p>{w('sealed.lead')}</p>
      <p data-must-see>
        {w('sealed.finalHash')}:{' '}
        <strong className="mono" data-testid="lifecycle-final-hash-shown" data-hash={status.headHash ?? ''}>
          {groups(status.headHash ?? '')}
        </strong>
      </p>
      <SpokenWords hex={status.headHash ?? ''} testId="lifecycle-final-hash-words" what={w('sealed.finalHash')} />
      <p className="hint" data-testid="lifecycle-transcript-path">
        {w('sealed.path', { path: status.transcriptPath })}
      </p>
      <div className="actions">
        <button type="button" className="button" data-primary onClick={() => void onDone()} data-testid="lifecycle-done">
          {w('sealed.done')}
        </button>
      </div>
    </section>
  );
}
