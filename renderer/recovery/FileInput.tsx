/**
 * Shards from files: a shard file as keyshard wrote it for a custodian - its text form (KS1...), or protected with age
 * or OpenPGP, in which case the custodian's key file (and an OpenPGP passphrase, if any) opens it. Main opens and checks
 * the shard; the file contents are dropped from this screen as soon as main has answered.
 */
import { useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { FilePicker } from '../components/FilePicker';
import { useT } from '../i18n';
import type { ShardRequest } from './api';
import { KeyFileStep } from './KeyFileStep';
import type { ShardOrigin, SubmitResult } from './outcome';
import { classifyShardFile, MAX_SHARD_FILE_BYTES, type ShardFileKind } from './shardFile';

interface Props {
  readonly onSubmit: (request: ShardRequest, origin: ShardOrigin) => Promise<SubmitResult>;
  readonly busy: boolean;
}

type Protected = Extract<ShardFileKind, { kind: 'age' | 'openpgp' }>;

export function FileInput({ onSubmit, busy }: Props) {
  const [shard, setShard] = useState<{ name: string; file: Protected; round: number } | null>(null);
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const t = useT();

  const chooseShard = async (file: File): Promise<void> => {
    setProblem(null);
    if (file.size > MAX_SHARD_FILE_BYTES) {
      setShard(null);
      setProblem({ code: 'ENVELOPE_FORMAT', message: t('file.tooLarge'), todo: t('file.tooLarge.todo') });
      return;
    }
    const kind = classifyShardFile(new Uint8Array(await file.arrayBuffer()));
    if (kind.kind === 'unknown') {
      setShard(null);
      setProblem({
        code: 'ENVELOPE_FORMAT',
        message: t('file.notShard', { name: file.name }),
        todo: t('file.notShard.todo'),
      });
      return;
    }
    if (kind.kind === 'envelope') {
      setShard(null);
      await onSubmit({ text: kind.text }, { kind: 'file', protection: 'none' });
      return;
    }
    setShard((old) => ({ name: file.name, file: kind, round: (old?.round ?? 0) + 1 }));
  };

  return (
    <div className="file-input" data-testid="file-input">
      <p className="muted">{t('file.lead')}</p>
      {/* Once a protected file waits for its key, choosing the key is the one primary action. */}
      <div className="actions top">
        <FilePicker label={t('file.choose')} accept=".txt,.age,.asc,.gpg,.pgp,text/plain" onFile={(f) => void chooseShard(f)} testId="shard-file" variant={shard ? 'secondary' : 'primary'} />
      </div>
      {problem ? <ErrorPanel title={t('file.problem')} error={problem} testId="file-problem" focus /> : null}
      {shard ? (
        <KeyFileStep
          key={shard.round}
          fileName={shard.name}
          protection={shard.file.kind}
          busy={busy}
          onOpen={(openingKey) => onSubmit({ file: shard.file.content, openingKey }, { kind: 'file', protection: shard.file.kind })}
          onDone={() => setShard(null)}
          onCancel={() => setShard(null)}
          cancelLabel={t('file.another')}
        />
      ) : null}
    </div>
  );
}
