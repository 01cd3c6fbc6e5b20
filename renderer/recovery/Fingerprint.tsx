import { SpokenWords } from '../components/SpokenWords';
import type { FingerprintView } from './api';

interface Props {
  readonly fingerprint: FingerprintView;
  readonly testId: string;
  readonly size?: 'large' | 'normal';
  /** Display form only (inside a sentence). */
  readonly compact?: boolean;
}

/**
 * A key fingerprint in its display form (the first 128 bits as eight groups of four, as read aloud at the ceremony),
 * with the full 64 digits underneath for whoever compares them all.
 */
export function Fingerprint({ fingerprint, testId, size = 'normal', compact = false }: Props) {
  return (
    <span className={`rfp ${size}${compact ? ' compact' : ''}`} data-testid={testId} data-hex={fingerprint.hex}>
      <span className="rfp-display mono" data-testid={`${testId}-display`} aria-label={`Fingerprint ${fingerprint.display}`}>
        {fingerprint.display}
      </span>
      {compact ? null : <span className="rfp-hex mono">{fingerprint.hex.replace(/(.{8})(?=.)/g, '$1 ')}</span>}
      {compact ? null : <SpokenWords hex={fingerprint.hex} testId={`${testId}-words`} what="Fingerprint" />}
    </span>
  );
}

/** The display form of a full or display-form fingerprint someone typed: "ABCD 1234 …" (32 digits). */
export function displayOf(hex: string): string {
  return (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ');
}
