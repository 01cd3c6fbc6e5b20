import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { ask } from '../api';
import type { StageProps } from '../context';
import { custodianName, names } from '../names';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';

const ITEM_TEXT: Readonly<Record<string, string>> = {
  'master-secret': 'the master secret',
  'shard-buffers': 'every shard',
};

/**
 * Destroy: main overwrites every secret buffer with zeros. Before that, the screen names what will be gone and what
 * is left, and the person ticks that they understand; main refuses ceremony:destroy without that confirmation.
 */
export function DestroyStage(props: StageProps) {
  const { plan, status, results, setStatus, remember } = props;
  const { busy, error, run } = useAction();
  const [understood, setUnderstood] = useState(false);
  const done = status.lastStep === 'destroy';
  const destroy = async (): Promise<void> => {
    if (!understood) return;
    const r = await run(() => ask('ceremony:destroy', { confirmed: true }));
    if (r === undefined) return;
    remember({ destroy: r });
    setStatus(r.status);
  };
  const d = results.destroy;
  const holders = names(plan.custodians.map((c) => custodianName(plan, c.id)));
  return (
    <>
      <ScreenTitle>{done ? 'The secret is destroyed' : 'Destroy the secret'}</ScreenTitle>
      {done ? (
        <>
          <div className="summary-ok" data-testid="destroyed" data-buffers={d?.buffers ?? ''}>
            {/* How many buffers main zeroed is for the test and the transcript, not for the people in the room. */}
            <h2>✓ The secret was wiped from this computer&apos;s memory.</h2>
            {d && d.items.length > 0 ? <p data-testid="destroyed-items">Wiped: {d.items.map((i) => ITEM_TEXT[i] ?? i).join(', ')}.</p> : null}
            <p>From now on the secret exists only as the shards the custodians hold. This computer cannot make it again.</p>
          </div>
          <SignOffPanel {...props} continueLabel="Continue to seal the transcript" />
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void destroy();
          }}
        >
          <div className="panel destroy-warning" data-testid="destroy-warning">
            <p>
              <strong>This wipes the master secret and every shard from this computer&apos;s memory.</strong> After this, only the custodians&apos;
              shards can rebuild the key ({holders} hold them). keyshard cannot make it again, and this cannot be undone.
            </p>
            <label className="checkbox">
              <input type="checkbox" checked={understood} disabled={busy} onChange={(e) => setUnderstood(e.currentTarget.checked)} data-testid="destroy-understood" />
              {"I understand: after this, only the custodians' shards can rebuild the key."}
            </label>
          </div>
          {error ? <ErrorPanel title="The secret was not destroyed" error={error.info} testId="destroy-error" focus /> : null}
          <div className="actions">
            <button type="submit" className="button danger-solid" disabled={busy || !understood} data-testid="destroy">
              {busy ? 'Destroying…' : "Destroy the secret in this computer's memory"}
            </button>
            {understood ? null : (
              <p className="muted" data-testid="destroy-hint">
                Tick the box above to destroy.
              </p>
            )}
          </div>
        </form>
      )}
    </>
  );
}
