import { ScreenTitle } from '../../components/Shell';
import { useT } from '../../i18n';
import type { StageProps } from '../context';
import { Fingerprint } from '../parts/Fingerprint';
import { SignOffPanel } from '../parts/SignOffPanel';

/** The fingerprint, large, for witnesses to read aloud group by group and sign. */
export function FingerprintStage(props: StageProps) {
  const { status, results } = props;
  const fp = status.fingerprint ?? results.secret?.fingerprint ?? null;
  const s = results.secret;
  const t = useT();
  return (
    <>
      <ScreenTitle>{t('fingerprint.title')}</ScreenTitle>
      <p className="lead">{t('fingerprint.lead')}</p>
      {/* What the step asks to read aloud is in the first view (checked by the e2e screen checks), as is Sign. */}
      {fp ? (
        <div data-must-see>
          <Fingerprint display={fp.display} hex={fp.hex} />
        </div>
      ) : null}
      {/* The sign-off's own copy of the fingerprint is hidden here (fit.css): the large one is right above it. */}
      <div className="fingerprint-step-signoff">
        <SignOffPanel {...props} continueLabel={t('fingerprint.continue')} primary />
      </div>
      {/* Public keys are for the record, not read aloud: after the sign-off, so the form stays in the first view. */}
      {s?.publicKey ? (
        <p className="mono small-print" data-testid="public-key">
          {t('fingerprint.publicKey', { key: s.publicKey })}
        </p>
      ) : null}
      {s?.xpub ? (
        <p className="mono small-print" data-testid="xpub">
          {t('fingerprint.xpub', { key: s.xpub })}
        </p>
      ) : null}
    </>
  );
}
