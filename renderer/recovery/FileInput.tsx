/**
 * Shards from files: a shard file as keyshard wrote it for a custodian - its text form (KS1...), or protected with age
 * or OpenPGP, in which case the custodian's key file (and an OpenPGP passphrase, if any) opens it. Main opens and checks
 * the shard; the file contents are dropped from this screen as soon as main has answered.
 */
import { useId, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { FilePicker } from '../components/FilePicker';
import type { ShardRequest } from './api';
import type { ShardOrigin, SubmitResult } from './outcome';
import { classifyKeyFile, classifyShardFile, MAX_KEY_FILE_BYTES, MAX_SHARD_FILE_BYTES, protectionName, type ShardFileKind } from './shardFile';

interface Props {
  readonly onSubmit: (request: ShardRequest, origin: ShardOrigin) => Promise<SubmitResult>;
  readonly busy: boolean;
}

type Protected = Extract<ShardFileKind, { kind: 'age' | 'openpgp' }>;

interface KeyFile {
  readonly name: string;
  readonly text: string;
}

const TOO_LARGE: ErrorInfo = {
  code: 'ENVELOPE_FORMAT',
  message: 'This file is far larger than a shard file (a few kilobytes at most).',
  todo: "Choose the custodian's shard file (.txt, .age or .asc) from their USB drive.",
};

export function FileInput({ onSubmit, busy }: Props) {
  const [shard, setShard] = useState<{ name: string; file: Protected } | null>(null);
  const [key, setKey] = useState<KeyFile | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const passId = useId();

  const reset = (): void => {
    setShard(null);
    setKey(null);
    setPassphrase('');
  };

  const chooseShard = async (file: File): Promise<void> => {
    setProblem(null);
    setKey(null);
    setPassphrase('');
    if (file.size > MAX_SHARD_FILE_BYTES) {
      setShard(null);
      setProblem(TOO_LARGE);
      return;
    }
    const kind = classifyShardFile(new Uint8Array(await file.arrayBuffer()));
    if (kind.kind === 'unknown') {
      setShard(null);
      setProblem({
        code: 'ENVELOPE_FORMAT',
        message: `${file.name} is not a keyshard shard file: it neither starts with KS1 nor is it an age or OpenPGP file.`,
        todo: "Choose the custodian's shard file (.txt, .age or .asc) from their USB drive, or type the words of their paper copy.",
      });
      return;
    }
    if (kind.kind === 'envelope') {
      setShard(null);
      await onSubmit({ text: kind.text }, { kind: 'file', protection: 'none' });
      return;
    }
    setShard({ name: file.name, file: kind });
  };

  const chooseKey = async (file: File): Promise<void> => {
    setProblem(null);
    if (shard === null) return;
    if (file.size > MAX_KEY_FILE_BYTES) {
      setKey(null);
      setProblem({ code: 'ENVELOPE_DECRYPT', message: `${file.name} is far larger than a key file.`, todo: "Choose the custodian's own key file." });
      return;
    }
    const text = await file.text();
    const kind = classifyKeyFile(text);
    const wanted = shard.file.kind === 'age' ? 'age-identity' : 'openpgp-private';
    if (kind !== wanted) {
      setKey(null);
      const isPublic = kind === 'openpgp-public' || kind === 'age-recipient';
      setProblem({
        code: 'ENVELOPE_DECRYPT',
        message: isPublic
          ? `${file.name} is a public key: it can lock a file but not open it.`
          : `${file.name} is not ${shard.file.kind === 'age' ? 'an age identity (a line starting AGE-SECRET-KEY-1)' : 'an OpenPGP private key (-----BEGIN PGP PRIVATE KEY BLOCK-----)'}.`,
        todo: `Choose the custodian's ${shard.file.kind === 'age' ? 'age identity file' : 'OpenPGP private key file'}: the ${protectionName(shard.file.kind)} key that opens ${shard.name}.`,
      });
      return;
    }
    setKey({ name: file.name, text });
  };

  const open = async (): Promise<void> => {
    if (shard === null || key === null) return;
    const openingKey =
      shard.file.kind === 'age'
        ? ({ kind: 'age', identity: key.text } as const)
        : passphrase === ''
          ? ({ kind: 'openpgp', privateKeyArmored: key.text } as const)
          : ({ kind: 'openpgp', privateKeyArmored: key.text, passphrase } as const);
    const result = await onSubmit({ file: shard.file.content, openingKey }, { kind: 'file', protection: shard.file.kind });
    // A wrong key may be followed by the right one; anything else is done with these files.
    if (result.outcome === 'rejected' && result.error.code === 'ENVELOPE_DECRYPT') {
      setKey(null);
      setPassphrase('');
      return;
    }
    reset();
  };

  return (
    <div className="file-input" data-testid="file-input">
      <p className="muted">
        A shard file from a custodian&apos;s USB drive: its text form (starting KS1), or a file protected with age or
        OpenPGP. A protected file also needs the custodian&apos;s key file.
      </p>
      <div className="actions top">
        <FilePicker label="Choose the shard file" accept=".txt,.age,.asc,.gpg,.pgp,text/plain" onFile={(f) => void chooseShard(f)} testId="shard-file" />
      </div>
      {problem ? <ErrorPanel title="This file cannot be used" error={problem} testId="file-problem" focus /> : null}
      {shard ? (
        <section className="panel key-step" data-testid="key-step" data-protection={shard.file.kind}>
          <h3>
            {shard.name}: protected with {protectionName(shard.file.kind)}
          </h3>
          <p>
            Next: choose the custodian&apos;s {shard.file.kind === 'age' ? 'age identity file (AGE-SECRET-KEY-1…)' : 'OpenPGP private key file'} that
            opens it.
          </p>
          <div className="actions top">
            <FilePicker label={key ? 'Choose another key file' : 'Choose the key file'} accept=".txt,.key,.asc,.gpg" onFile={(f) => void chooseKey(f)} testId="key-file" variant={key ? 'secondary' : 'primary'} />
            {key ? (
              <span data-testid="key-chosen">
                Key: <strong>{key.name}</strong>
              </span>
            ) : null}
          </div>
          {shard.file.kind === 'openpgp' ? (
            <div className="field">
              <label htmlFor={passId}>Passphrase of the OpenPGP key (if it has one)</label>
              <input
                id={passId}
                type="password"
                autoComplete="off"
                value={passphrase}
                onChange={(e) => setPassphrase(e.currentTarget.value)}
                data-testid="key-passphrase"
              />
            </div>
          ) : null}
          <div className="actions">
            <button type="button" className="button" disabled={key === null || busy} onClick={() => void open()} data-testid="open-shard-file">
              Open and check this shard
            </button>
            <button type="button" className="button secondary" onClick={reset} data-testid="cancel-shard-file">
              Choose another shard file
            </button>
          </div>
        </section>
      ) : null}
    </div>
  );
}
