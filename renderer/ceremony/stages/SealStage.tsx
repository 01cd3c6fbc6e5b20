import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { ask } from '../api';
import type { StageProps } from '../context';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';

/** Seal: main closes the transcript; a witness signs the seal, and then the final hash is known. */
export function SealStage(props: StageProps) {
  const { status, setStatus, remember } = props;
  const { busy, error, run } = useAction();
  const sealedStep = status.lastStep === 'seal';
  const seal = async (): Promise<void> => {
    const r = await run(() => ask('ceremony:seal'));
    if (r === undefined) return;
    remember({ seal: r });
    setStatus(r.status);
  };
  return (
    <>
      <ScreenTitle>Seal the transcript</ScreenTitle>
      {sealedStep ? (
        <>
          <p className="lead">The seal is recorded. Once a witness signs it, no step can be added and the final hash is shown, to be written on paper.</p>
          <SignOffPanel {...props} continueLabel="Show the final hash" />
        </>
      ) : (
        <>
          <p className="lead">
            Sealing closes the ceremony&apos;s record: nothing can be added after it. The transcript holds every step, its time, and the
            witnesses&apos; signatures, and nothing secret.
          </p>
          {error ? <ErrorPanel title="The transcript was not sealed" error={error.info} testId="seal-error" focus /> : null}
          <div className="actions">
            <button type="button" className="button" disabled={busy} onClick={() => void seal()} data-testid="seal">
              {busy ? 'Sealing…' : 'Seal the transcript'}
            </button>
          </div>
        </>
      )}
    </>
  );
}
