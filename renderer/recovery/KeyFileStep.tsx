/**
 * The key that opens a protected shard file: the custodian's age identity file, or their OpenPGP private key file and
 * its passphrase. Used by the "Shard file" tab (file content sent to main) and the "USB drive" tab (main reads the file
 * from the drive). The key file's text stays here only until main has answered; a wrong key is cleared so the right one
 * can follow, anything else ends the step.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { FilePicker } from '../components/FilePicker';
import { useI18n } from '../i18n';
import type { SubmitResult } from './outcome';
import { classifyKeyFile, MAX_KEY_FILE_BYTES, protectionName } from './shardFile';

export type FileOpeningKey = { readonly kind: 'age'; readonly identity: string } | { readonly kind: 'openpgp'; readonly privateKeyArmored: string; readonly passphrase?: string };

interface Props {
  /** The shard file's name, for the heading. */
  readonly fileName: string;
  readonly protection: 'age' | 'openpgp';
  readonly busy: boolean;
  /** Sends the shard with this key to main; resolves with main's answer. */
  readonly onOpen: (key: FileOpeningKey) => Promise<SubmitResult>;
  /** Main has answered (accepted, duplicate, or refused for another reason than the key). */
  readonly onDone: () => void;
  readonly onCancel: () => void;
  readonly cancelLabel: string;
  /** Where a key file of the wrong kind is explained. */
  readonly problemTestId?: string;
}

export function KeyFileStep({ fileName, protection, busy, onOpen, onDone, onCancel, cancelLabel, problemTestId = 'file-problem' }: Props) {
  const [key, setKey] = useState<{ name: string; text: string } | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const passId = useId();
  const { t, rich } = useI18n();
  const ref = useRef<HTMLElement>(null);
  // The step that just opened takes the focus (it may have opened below the fold).
  useEffect(() => ref.current?.focus(), []);

  const chooseKey = async (file: File): Promise<void> => {
    setProblem(null);
    if (file.size > MAX_KEY_FILE_BYTES) {
      setKey(null);
      setProblem({ code: 'ENVELOPE_DECRYPT', message: t('keyFile.tooLarge', { name: file.name }), todo: t('keyFile.tooLarge.todo') });
      return;
    }
    const text = await file.text();
    const kind = classifyKeyFile(text);
    const wanted = protection === 'age' ? 'age-identity' : 'openpgp-private';
    if (kind !== wanted) {
      setKey(null);
      const isPublic = kind === 'openpgp-public' || kind === 'age-recipient';
      setProblem({
        code: 'ENVELOPE_DECRYPT',
        message: t(isPublic ? 'keyFile.public' : protection === 'age' ? 'keyFile.notAge' : 'keyFile.notPgp', { name: file.name }),
        todo: t(protection === 'age' ? 'keyFile.todoAge' : 'keyFile.todoPgp', { file: fileName }),
      });
      return;
    }
    setKey({ name: file.name, text });
  };

  const open = async (): Promise<void> => {
    if (key === null) return;
    const openingKey: FileOpeningKey =
      protection === 'age'
        ? { kind: 'age', identity: key.text }
        : passphrase === ''
          ? { kind: 'openpgp', privateKeyArmored: key.text }
          : { kind: 'openpgp', privateKeyArmored: key.text, passphrase };
    const result = await onOpen(openingKey);
    // A wrong key may be followed by the right one; anything else is done with this file and key.
    setKey(null);
    setPassphrase('');
    if (result.outcome === 'rejected' && result.error.code === 'ENVELOPE_DECRYPT') return;
    onDone();
  };

  return (
    <section className="panel key-step" data-testid="key-step" data-protection={protection} tabIndex={-1} ref={ref}>
      <h3>
        {rich('keyFile.protected', { file: <span data-wrap-anywhere>{fileName}</span>, protection: protectionName(protection) })}
      </h3>
      <p>{t(protection === 'age' ? 'keyFile.nextAge' : 'keyFile.nextPgp')}</p>
      {problem ? <ErrorPanel title={t('keyFile.problem')} error={problem} testId={problemTestId} focus /> : null}
      <div className="actions top">
        <FilePicker label={t(key ? 'keyFile.another' : 'keyFile.choose')} accept=".txt,.key,.asc,.gpg" onFile={(f) => void chooseKey(f)} testId="key-file" variant={key ? 'secondary' : 'primary'} />
        {key ? (
          <span data-testid="key-chosen">
            {rich('keyFile.chosen', { name: <strong>{key.name}</strong> })}
          </span>
        ) : null}
      </div>
      {protection === 'openpgp' ? (
        <div className="field">
          <label htmlFor={passId}>{t('keyFile.passphrase')}</label>
          <input id={passId} type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} data-testid="key-passphrase" />
        </div>
      ) : null}
      <div className="actions">
        <button type="button" className="button" disabled={key === null || busy} onClick={() => void open()} data-testid="open-shard-file">
          {t('keyFile.open')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel} data-testid="cancel-shard-file">
          {cancelLabel}
        </button>
      </div>
    </section>
  );
}
