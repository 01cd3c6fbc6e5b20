import { SpokenWords } from '../components/SpokenWords';
import { useT } from '../i18n';
import type { FingerprintView } from './api';

interface Props {
  readonly fingerprint: FingerprintView;
  readonly testId: string;
  readonly size?: 'large' | 'normal';
  /** Inside a sentence: the display form and the words on one line, without the 64 digits. */
  readonly compact?: boolean;
}

/**
 * A key fingerprint in its display form (the first 128 bits as eight groups of four, as read aloud at the ceremony),
 * with the full 64 digits underneath for whoever compares them all, and always its words to read aloud (issue 14.2:
 * everywhere a fingerprint is shown, also inside a sentence).
 */
export function Fingerprint({ fingerprint, testId, size = 'normal', compact = false }: Props) {
  const t = useT();
  return (
    <span className={`rfp ${size}${compact ? ' compact' : ''}`} data-testid={testId} data-hex={fingerprint.hex}>
      <span className="rfp-display mono" data-testid={`${testId}-display`} aria-label={t('fingerprint.aria', { display: fingerprint.display })}>
        {fingerprint.display}
      </span>
      {compact ? null : <span className="rfp-hex mono">{fingerprint.hex.replace(/(.{8})(?=.)/g, '$1 ')}</span>}
      {compact ? ' ' : null}
      <SpokenWords hex={fingerprint.hex} testId={`${testId}-words`} what={t('fingerprint.what')} layout={compact ? 'inline' : 'row'} />
    </span>
  );
}

/** The display form of a full or display-form fingerprint someone typed: "ABCD 1234 …" (32 digits). */
export function displayOf(hex: string): string {
  return (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ');
}
