import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { ask } from '../api';
import type { StageProps } from '../context';
import { countDice, EntropySources, sourcesRequest, type SourcesValue } from '../parts/EntropySources';
import { secretBitsOf } from '../secretSize';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';

/** Entropy: which sources are mixed into the secret. Nothing secret leaves main; dice rolls are never echoed back. */
export function EntropyStage(props: StageProps) {
  const { status, plan, setStatus, remember } = props;
  const [sources, setSources] = useState<SourcesValue>({ dice: '', useHsm: false });
  const { busy, error, run } = useAction();
  const gathered = status.lastStep === 'entropy';
  const gather = async (): Promise<void> => {
    const r = await run(() => ask('ceremony:gather-entropy', sourcesRequest(sources)));
    if (r === undefined) return;
    remember({ entropy: r });
    setStatus(r.status);
  };
  const bad = countDice(sources.dice).bad !== null;
  return (
    <>
      <ScreenTitle>Entropy</ScreenTitle>
      <p className="lead">The secret is made from random numbers. Choose what is mixed in, then gather.</p>
      {gathered ? (
        <SignOffPanel {...props} continueLabel="Continue to generate" />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void gather();
          }}
        >
          <EntropySources value={sources} onChange={setSources} secretBits={secretBitsOf(plan)} />
          {error ? <ErrorPanel title="The entropy was not gathered" error={error.info} testId="entropy-error" focus /> : null}
          <div className="actions">
            <button type="submit" className="button" disabled={busy || bad} data-testid="entropy-gather">
              {busy ? 'Gathering…' : 'Gather entropy'}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
