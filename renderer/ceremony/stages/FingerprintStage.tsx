import { ScreenTitle } from '../../components/Shell';
import type { StageProps } from '../context';
import { Fingerprint } from '../parts/Fingerprint';
import { SignOffPanel } from '../parts/SignOffPanel';

/** The fingerprint, large, for witnesses to read aloud group by group and sign. */
export function FingerprintStage(props: StageProps) {
  const { status, results } = props;
  const fp = status.fingerprint ?? results.secret?.fingerprint ?? null;
  const s = results.secret;
  return (
    <>
      <ScreenTitle>Read the fingerprint aloud</ScreenTitle>
      <p className="lead">
        The secret exists now, in this machine&apos;s memory only. One person reads the fingerprint aloud, group by group; every witness checks
        it on the screen and writes it on the paper record. It identifies the secret and reveals nothing of it.
      </p>
      {fp ? <Fingerprint display={fp.display} hex={fp.hex} /> : null}
      {s?.publicKey ? (
        <p className="mono small-print" data-testid="public-key">
          Public key: {s.publicKey}
        </p>
      ) : null}
      {s?.xpub ? (
        <p className="mono small-print" data-testid="xpub">
          Extended public key: {s.xpub}
        </p>
      ) : null}
      <SignOffPanel {...props} continueLabel="Continue to the split" />
    </>
  );
}
