import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { ask } from '../api';
import type { StageProps } from '../context';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';

const ITEM_TEXT: Readonly<Record<string, string>> = {
  'master-secret': 'the secret',
  'shard-buffers': "every shard's buffer",
};

/** Destroy: main overwrites every secret buffer with zeros; the screen says so plainly, with the count. */
export function DestroyStage(props: StageProps) {
  const { status, results, setStatus, remember } = props;
  const { busy, error, run } = useAction();
  const done = status.lastStep === 'destroy';
  const destroy = async (): Promise<void> => {
    const r = await run(() => ask('ceremony:destroy'));
    if (r === undefined) return;
    remember({ destroy: r });
    setStatus(r.status);
  };
  const d = results.destroy;
  return (
    <>
      <ScreenTitle>{done ? 'The secret is destroyed' : 'Destroy the secret'}</ScreenTitle>
      {done ? (
        <>
          <div className="summary-ok" data-testid="destroyed" data-buffers={d?.buffers ?? ''}>
            <h2>
              ✓ The secret was wiped in keyshard&apos;s main process
              {d ? `: ${d.buffers} memory buffer${d.buffers === 1 ? ' was' : 's were'} overwritten with zeros.` : '.'}
            </h2>
            {d && d.items.length > 0 ? <p data-testid="destroyed-items">Wiped: {d.items.map((i) => ITEM_TEXT[i] ?? i).join(', ')}.</p> : null}
            <p>From now on the secret exists only as the shards the custodians hold. This machine cannot make it again.</p>
          </div>
          <SignOffPanel {...props} continueLabel="Continue to seal the transcript" />
        </>
      ) : (
        <>
          <p className="lead">
            keyshard overwrites the secret, every shard and the entropy in its memory with zeros. The custodians&apos; shards are the only copies
            left afterwards; this cannot be undone.
          </p>
          {error ? <ErrorPanel title="The secret was not destroyed" error={error.info} testId="destroy-error" focus /> : null}
          <div className="actions">
            <button type="button" className="button danger-solid" disabled={busy} onClick={() => void destroy()} data-testid="destroy">
              {busy ? 'Destroying…' : "Destroy the secret in this machine's memory"}
            </button>
          </div>
        </>
      )}
    </>
  );
}
