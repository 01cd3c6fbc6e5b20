/**
 * Where the recovered secret goes - only where the person chooses: on this screen (after an explicit "show the secret",
 * under the secret banner, never to the clipboard), into a file encrypted to an age recipient or an OpenPGP public
 * key, or into a PKCS#11 token (P-256 / secp256k1 keys, imported non-extractable; see HsmImport). "Done" wipes the key
 * in main and leaves.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { IpcCallError } from '../../electron/ipc/client';
import { ChooseFileButton, type ChosenFile } from '../components/ChooseFileButton';
import { FilePicker } from '../components/FilePicker';
import { useI18n, useT } from '../i18n';
import { recoveryApi, type ExportRecipient, type ExportResponse, type FinishResponse } from './api';
import { Fingerprint } from './Fingerprint';
import { HsmImport, importRefusal } from './HsmImport';
import { problemInfo } from './problems';
import { SecretWords } from './SecretWords';
import { classifyKeyFile } from './shardFile';

interface Props {
  readonly fingerprintHex: string;
  /** What was recovered: only EC keys can go into a token. */
  readonly kind: FinishResponse['recovered']['kind'];
  /** Main's word that the key is verified (against the paper record or a pinned witness key): only then into a token. */
  readonly tokenImport: boolean;
  readonly onDone: () => void;
  /** The person confirmed and main sent the secret: the result screen shows it at the top. */
  readonly onShow: (secret: ShownSecret) => void;
  /** The secret is on the screen: "Hide the secret" is then the one primary action, not "Done". */
  readonly secretShown?: boolean;
}

type Choice = 'none' | 'display' | 'file' | 'hsm';
export type ShownSecret = Extract<ExportResponse, { kind: 'display' }>;
type Saved = Extract<ExportResponse, { kind: 'encrypted-file' }>;

export function ExportPanel({ fingerprintHex, kind, tokenImport, onDone, onShow, secretShown = false }: Props) {
  const [choice, setChoice] = useState<Choice>('none');
  const t = useT();
  const refusal = importRefusal(kind) ?? (tokenImport ? null : t('export.tokenNeedsVerified'));
  return (
    <section className="panel export-panel" aria-labelledby="export-title" data-testid="export-panel">
      <h2 id="export-title">{t('export.title')}</h2>
      <p>{t('export.lead')}</p>
      <div className="export-choices" role="group" aria-label={t('export.choices')}>
        <button type="button" className={choice === 'display' ? 'choice small selected' : 'choice small'} aria-pressed={choice === 'display'} onClick={() => setChoice('display')} data-testid="export-display">
          <span className="choice-title">{t('export.display')}</span>
          <span className="choice-text">{t('export.display.text')}</span>
        </button>
        <button type="button" className={choice === 'file' ? 'choice small selected' : 'choice small'} aria-pressed={choice === 'file'} onClick={() => setChoice('file')} data-testid="export-file">
          <span className="choice-title">{t('export.file')}</span>
          <span className="choice-text">{t('export.file.text')}</span>
        </button>
        {refusal === null ? (
          <button type="button" className={choice === 'hsm' ? 'choice small selected' : 'choice small'} aria-pressed={choice === 'hsm'} onClick={() => setChoice('hsm')} data-testid="export-hsm">
            <span className="choice-title">{t('export.hsm')}</span>
            <span className="choice-text">{t('export.hsm.text')}</span>
          </button>
        ) : (
          <div className="choice small disabled" aria-disabled="true" data-testid="export-hsm" data-refused="true">
            <span className="choice-title">{t('export.hsm')}</span>
            <span className="choice-text">{refusal}</span>
          </div>
        )}
      </div>
      {choice === 'display' ? (
        <ConfirmShow
          onShow={(secret) => {
            setChoice('none');
            onShow(secret);
          }}
          onCancel={() => setChoice('none')}
        />
      ) : null}
      {choice === 'file' ? <SaveEncrypted fingerprintHex={fingerprintHex} /> : null}
      {choice === 'hsm' ? <HsmImport fingerprintHex={fingerprintHex} /> : null}
      <div className="actions done-row">
        <span>{t('export.whenDone')}</span>
        {/* The one primary action, unless the secret is shown (Hide is) or a file or token export has its own. */}
        <button type="button" className={secretShown || choice === 'file' || choice === 'hsm' ? 'button secondary' : 'button'} onClick={onDone} data-testid="recovery-done">
          {t('export.done')}
        </button>
      </div>
    </section>
  );
}

/** Brings a part that just opened into view (focus on the part itself, not on a button Enter would press). */
function useFocusOnOpen<T extends HTMLElement>(): React.RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function ConfirmShow({ onShow, onCancel }: { onShow: (secret: ShownSecret) => void; onCancel: () => void }) {
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const ref = useFocusOnOpen<HTMLDivElement>();
  const t = useT();
  return (
    <div className="export-step warning-item critical" data-testid="show-secret-confirm" tabIndex={-1} ref={ref}>
      <span className="warning-kind">{t('export.beforeShow')}</span>
      <p>{t('export.beforeShow.text')}</p>
      {problem ? <ErrorPanel title={t('export.showFailed')} error={problem} testId="show-secret-error" /> : null}
      <div className="actions">
        <button
          type="button"
          className="button danger"
          data-testid="show-secret"
          onClick={() =>
            void recoveryApi.showSecret().then((r) => {
              if (r.ok && r.value.kind === 'display') onShow(r.value);
              else if (!r.ok) setProblem(problemInfo(r.error));
            })
          }
        >
          {t('export.showNow')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('export.cancel')}
        </button>
      </div>
    </div>
  );
}

/**
 * The secret on screen, at the top of the page under the secret banner: hexadecimal in groups of four, not selectable
 * and refused to the clipboard. "Hide the secret" drops it from this window.
 */
export function SecretView({ secret: first, onHide }: { secret: ShownSecret; onHide: () => void }) {
  // The person may ask for the seed's words in the other list; main answers with the secret again.
  const [secret, setSecret] = useState(first);
  const { t, rich } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const groups = secret.secretHex.toUpperCase().match(/.{1,4}/g) ?? [];
  return (
    <section className="secret-view" data-testid="secret-shown" aria-label={t('export.secretLabel')} tabIndex={-1} ref={ref}>
      <div className="secret-banner" role="status" data-testid="secret-banner">
        <span className="secret-icon" aria-hidden="true">
          ◉
        </span>
        <span>
          {t('export.onScreen')}
          <span className="secret-sub">{t('export.lookAway')}</span>
        </span>
      </div>
      <p>
        {rich('export.secretIs', {
          what: secret.secretKind === 'seed' ? t('export.seed') : t('export.privateKey', { kind: secret.secretKind }),
          bytes: secret.secretHex.length / 2,
          fingerprint: <Fingerprint fingerprint={secret.fingerprint} testId="secret-fingerprint" compact />,
        })}
      </p>
      <p
        className="secret-value mono"
        data-testid="secret-value"
        // Not for the clipboard: copying is refused on this element.
        onCopy={(e) => e.preventDefault()}
        onCut={(e) => e.preventDefault()}
        onContextMenu={(e) => e.preventDefault()}
      >
        {groups.map((g, i) => (
          <span key={i} className="secret-group">
            {g}
          </span>
        ))}
      </p>
      <SecretWords secret={secret} onChange={setSecret} />
      <div className="actions">
        <button type="button" className="button" data-testid="hide-secret" onClick={onHide}>
          {t('export.hide')}
        </button>
      </div>
    </section>
  );
}

function SaveEncrypted({ fingerprintHex }: { fingerprintHex: string }) {
  const [kind, setKind] = useState<'age' | 'openpgp'>('age');
  const [ageRecipient, setAgeRecipient] = useState('');
  const [pgpKey, setPgpKey] = useState<{ name: string; text: string } | null>(null);
  // Where to save: a new file named in main's save dialog (main still refuses to replace any file: FILE_EXISTS).
  const [target, setTarget] = useState<ChosenFile | null>(null);
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [busy, setBusy] = useState(false);
  const kindName = useId();
  const recipientId = useId();
  const targetId = useId();
  const formRef = useFocusOnOpen<HTMLFormElement>();
  const { t, rich } = useI18n();
  const fileName = `keyshard-recovered-${fingerprintHex.slice(0, 8)}.${kind === 'age' ? 'age' : 'asc'}`;

  const chooseKey = async (file: File): Promise<void> => {
    setProblem(null);
    const text = file.size > 200_000 ? '' : await file.text();
    const k = classifyKeyFile(text);
    if (k !== 'openpgp-public') {
      setPgpKey(null);
      setProblem({
        code: 'INVALID_ARGUMENT',
        message: t(k === 'openpgp-private' ? 'export.privateGiven' : 'export.notPublic', { name: file.name }),
        todo: t('export.publicTodo'),
      });
      return;
    }
    setPgpKey({ name: file.name, text });
  };

  const save = async (): Promise<void> => {
    setProblem(null);
    const recipient: ExportRecipient | null =
      kind === 'age' ? (ageRecipient.trim() === '' ? null : { kind: 'age', recipient: ageRecipient.trim() }) : pgpKey ? { kind: 'openpgp', publicKeyArmored: pgpKey.text } : null;
    if (recipient === null) {
      setProblem({
        code: 'INVALID_ARGUMENT',
        message: t(kind === 'age' ? 'export.noAge' : 'export.noPgp'),
        todo: t(kind === 'age' ? 'export.noAge.todo' : 'export.noPgp.todo'),
      });
      return;
    }
    if (target === null) {
      setProblem({ code: 'INVALID_ARGUMENT', message: t('export.noPlace'), todo: t('export.noPlace.todo') });
      return;
    }
    setBusy(true);
    const r = await recoveryApi.saveEncrypted(target.path, recipient);
    setBusy(false);
    if (!r.ok) {
      setProblem(problemInfo(r.error, r.error.code === 'INVALID_ARGUMENT' ? t('export.fixNamed') : undefined));
      return;
    }
    if (r.value.kind === 'encrypted-file') setSaved(r.value);
  };

  if (saved) {
    return (
      <div className="export-step ok-item" data-testid="export-saved" data-path={saved.path} data-bytes={saved.bytes}>
        <p>
          <strong>{t('export.saved')}</strong>{' '}
          {rich('export.savedText', {
            path: saved.path,
            bytes: saved.bytes,
            protection: saved.protection === 'age' ? 'age' : 'OpenPGP',
            fingerprint: <Fingerprint fingerprint={saved.fingerprint} testId="saved-fingerprint" compact />,
          })}
        </p>
        <p>{t('export.savedNext')}</p>
      </div>
    );
  }
  return (
    <form
      className="export-step"
      tabIndex={-1}
      ref={formRef}
      data-testid="export-file-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend>{t('export.encryptFor')}</legend>
        <div className="choice-row">
          <label className="radio">
            <input type="radio" name={kindName} checked={kind === 'age'} onChange={() => setKind('age')} data-testid="export-kind-age" />
            {t('export.anAge')}
          </label>
          <label className="radio">
            <input type="radio" name={kindName} checked={kind === 'openpgp'} onChange={() => setKind('openpgp')} data-testid="export-kind-openpgp" />
            {t('export.aPgp')}
          </label>
        </div>
        {kind === 'age' ? (
          <div className="field">
            <label htmlFor={recipientId}>{t('export.ageRecipient')}</label>
            <span className="hint">{t('export.ageHint')}</span>
            <input
              id={recipientId}
              type="text"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              value={ageRecipient}
              onChange={(e) => {
                setAgeRecipient(e.currentTarget.value);
                setProblem(null);
              }}
              data-testid="export-age-recipient"
            />
          </div>
        ) : (
          <div className="field">
            <span className="label">{t('export.pgpKey')}</span>
            <FilePicker label={t(pgpKey ? 'export.pgpAnother' : 'export.pgpChoose')} accept=".asc,.gpg,.txt,.pub" onFile={(f) => void chooseKey(f)} testId="export-pgp-key" variant="secondary" />
            {pgpKey ? <span data-testid="export-pgp-chosen"> {pgpKey.name}</span> : null}
          </div>
        )}
      </fieldset>
      <div className="field">
        <span className="label" id={targetId}>
          {t('export.saveAs')}
        </span>
        <span className="hint">{t('export.saveAsHint')}</span>
        <div className="inline-form">
          <ChooseFileButton
            purpose="export-file"
            suggestedName={fileName}
            label={t(target === null ? 'export.choosePlace' : 'export.anotherPlace')}
            variant="secondary"
            onChosen={(file) => {
              setTarget(file);
              setProblem(null);
            }}
            onError={(e) => setProblem(problemInfo(e instanceof IpcCallError ? e : { code: 'INTERNAL', message: t('export.dialogFailed') }))}
            describedBy={targetId}
            testId="export-choose-path"
          />
          {target !== null ? (
            <span className="chosen-file" data-testid="export-path-chosen" data-path={target.path}>
              {target.name}
            </span>
          ) : null}
        </div>
      </div>
      {problem ? <ErrorPanel title={t('export.notSaved')} error={problem} testId="export-error" focus /> : null}
      <button type="submit" className="button" disabled={busy} data-testid="export-save">
        {t(busy ? 'export.encrypting' : 'export.save')}
      </button>
    </form>
  );
}
