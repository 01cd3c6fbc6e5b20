import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { useT } from '../../i18n';
import { ask } from '../api';
import type { StageProps } from '../context';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';

/** Seal: main closes the transcript; a witness signs the seal, and then the final hash is known. */
export function SealStage(props: StageProps) {
  const { status, setStatus, remember } = props;
  const { busy, error, run } = useAction();
  const t = useT();
  const sealedStep = status.lastStep === 'seal';
  const seal = async (): Promise<void> => {
    const r = await run(() => ask('ceremony:seal'));
    if (r === undefined) return;
    remember({ seal: r });
    setStatus(r.status);
  };
  return (
    <>
      <ScreenTitle>{t('seal.title')}</ScreenTitle>
      {sealedStep ? (
        <>
          <p className="lead">{t('seal.recorded')}</p>
          <SignOffPanel {...props} continueLabel={t('seal.showHash')} />
        </>
      ) : (
        <>
          <p className="lead">{t('seal.lead')}</p>
          {error ? <ErrorPanel title={t('seal.failed')} error={error.info} testId="seal-error" focus /> : null}
          <div className="actions">
            <button type="button" className="button" disabled={busy} onClick={() => void seal()} data-testid="seal">
              {busy ? t('seal.sealing') : t('seal.button')}
            </button>
          </div>
        </>
      )}
    </>
  );
}
