import { useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { entropySourceName } from '../../../core/step-names';
import { useI18n } from '../../i18n';
import { ask } from '../api';
import type { StageProps } from '../context';
import { entropyTokenOf, names } from '../names';
import { EntropySources, initialSources, sourcesReady, sourcesRequest, type SourcesValue } from '../parts/EntropySources';
import { secretBitsOf } from '../secretSize';
import { SignOffPanel } from '../parts/SignOffPanel';
import { useAction } from '../useAction';
import { PinErrorNote } from '../parts/PinErrorNote';
import { sourceText } from './GenerateStage';

/** Entropy: which sources are mixed into the secret. Nothing secret leaves main; dice rolls are never echoed back. */
export function EntropyStage(props: StageProps) {
  const { status, plan, results, setStatus, remember } = props;
  // The entropy token main fixed at start (from its status, so a reloaded window still knows it).
  const entropyToken = entropyTokenOf(status);
  const [sources, setSources] = useState<SourcesValue>(() => initialSources(entropyToken));
  const { busy, error, run } = useAction();
  const gathered = status.lastStep === 'entropy';
  const gather = async (): Promise<void> => {
    const request = sourcesRequest(sources);
    // The token PIN leaves the page's state as it is sent.
    setSources((s) => ({ ...s, pin: '' }));
    const r = await run(() => ask('ceremony:gather-entropy', request));
    if (r === undefined) return;
    remember({ entropy: r });
    setStatus(r.status);
  };
  const bad = !sourcesReady(sources);
  const { t, lang } = useI18n();
  // English keeps the generate screen's words; German takes the catalogue's source names.
  const source = (x: string): string => (lang === 'en' ? sourceText(x) : entropySourceName(x, lang));
  return (
    <>
      <ScreenTitle>{t('entropy.title')}</ScreenTitle>
      <p className="lead">{t('entropy.lead')}</p>
      {gathered ? (
        <>
          {results.entropy ? (
            <p className="ok-item" data-testid="entropy-gathered">
              {results.entropy.diceRolls > 0
                ? t('entropy.gatheredDice', { sources: names(results.entropy.sources.map(source)), rolls: results.entropy.diceRolls, bits: results.entropy.diceBits })
                : t('entropy.gathered', { sources: names(results.entropy.sources.map(source)) })}
            </p>
          ) : null}
          <SignOffPanel {...props} continueLabel={t('entropy.continue')} />
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void gather();
          }}
        >
          <EntropySources value={sources} onChange={setSources} secretBits={secretBitsOf(plan)} disabled={busy} {...(entropyToken ? { entropyToken } : {})} />
          {busy && sources.useHsm ? (
            <p role="status" className="token-progress" data-testid="entropy-progress">
              {t('entropy.drawing')}
            </p>
          ) : null}
          {error ? (
            <ErrorPanel title={t('entropy.failed')} error={error.info} testId="entropy-error" focus>
              <PinErrorNote error={error} testId="entropy-error-note" />
            </ErrorPanel>
          ) : null}
          {/* Gather is in the first view (e2e screen checks); after a failure the error panel above it comes first. */}
          <div className="actions">
            <button type="submit" className="button" disabled={busy || bad} data-testid="entropy-gather" data-primary={error ? undefined : ''}>
              {busy ? t('entropy.gathering') : t('entropy.gather')}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
