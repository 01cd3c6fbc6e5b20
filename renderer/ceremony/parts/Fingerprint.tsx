import { SpokenWords } from '../../components/SpokenWords';
import { useT } from '../../i18n';

interface Props {
  /** "ABCD EF01 ..." (eight groups of four). */
  readonly display: string;
  readonly hex: string;
  readonly testId?: string;
  /** Shown under the groups: the full 64-digit value, small. */
  readonly showHex?: boolean;
}

/**
 * The fingerprint as witnesses read it aloud: eight numbered groups of four characters, large, in two rows. Public:
 * it identifies the secret without revealing it.
 */
export function Fingerprint({ display, hex, testId = 'fingerprint', showHex = true }: Props) {
  const groups = display.split(/\s+/).filter(Boolean);
  const t = useT();
  return (
    <figure className="fingerprint" data-testid={testId} data-hex={hex} data-display={display} aria-label={t('fingerprint.aria', { display })}>
      <ol className="fingerprint-groups">
        {groups.map((g, i) => (
          <li key={i}>
            <span className="fingerprint-n" aria-hidden="true">
              {i + 1}
            </span>
            <span className="fingerprint-g">{g}</span>
          </li>
        ))}
      </ol>
      <SpokenWords hex={hex} testId={`${testId}-words`} what={t('fingerprint.what')} layout="column" />
      {showHex ? (
        <figcaption className="mono fingerprint-hex">
          {t('fingerprint.full')} <span data-testid={`${testId}-hex`}>{hex}</span>
        </figcaption>
      ) : null}
    </figure>
  );
}
