/**
 * QR symbol construction for keyshard: text in, module matrix out. The matrix is what every drawing path consumes —
 * the SVG for paper backups (./svg.ts), the renderer's canvas, and the fake-camera video writer in e2e tests — so they
 * all show exactly the same symbol that `qrcode`'s PNG writer produces for the same text and level.
 */
import { KeyshardError } from '../errors';
import { alphanumericVersionFor, plainAlphanumericText } from './capacity';
import { create } from './qrcode-core';

export type QrErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

export const QR_ERROR_CORRECTION_LEVELS: readonly QrErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];

/** M restores ~15% damaged modules: enough for a screen or a clean printout, and a third denser than Q. */
export const DEFAULT_ERROR_CORRECTION_LEVEL: QrErrorCorrectionLevel = 'M';

export interface QrMatrix {
  /** Modules per side, without the quiet zone (17 + 4 * version). */
  readonly size: number;
  /** QR version 1..40. */
  readonly version: number;
  readonly errorCorrectionLevel: QrErrorCorrectionLevel;
  /** Row-major, size * size entries: 1 = dark module, 0 = light. A fresh array the caller may keep. */
  readonly modules: Uint8Array;
  isDark(row: number, col: number): boolean;
}

export interface QrMatrixOptions {
  errorCorrectionLevel?: QrErrorCorrectionLevel;
}

export function checkErrorCorrectionLevel(level: unknown): QrErrorCorrectionLevel {
  if (typeof level === 'string' && (QR_ERROR_CORRECTION_LEVELS as readonly string[]).includes(level)) {
    return level as QrErrorCorrectionLevel;
  }
  throw new KeyshardError('INVALID_ARGUMENT', 'QR error-correction level must be one of L, M, Q or H.', {
    allowed: QR_ERROR_CORRECTION_LEVELS,
  });
}

/**
 * The smallest QR symbol holding `text` at the level. Throws INVALID_ARGUMENT when even version 40 is too small,
 * so callers decide about splitting before they get here (see planQrFrames).
 */
export function createQrMatrix(text: string, options: QrMatrixOptions = {}): QrMatrix {
  const errorCorrectionLevel = checkErrorCorrectionLevel(options.errorCorrectionLevel ?? DEFAULT_ERROR_CORRECTION_LEVEL);
  if (typeof text !== 'string' || text.length === 0) {
    throw new KeyshardError('INVALID_ARGUMENT', 'A QR code needs some text to hold; got an empty value.');
  }
  let symbol;
  try {
    symbol = create(text, { errorCorrectionLevel });
  } catch {
    // qrcode's only failure for valid text is "too big"; its message would not help a person, ours does.
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `The text is too long for one QR code at error-correction level ${errorCorrectionLevel} (${text.length} characters). ` +
        'Split it with planQrFrames, which uses an animated multi-part code for large payloads.',
      { length: text.length, errorCorrectionLevel },
    );
  }
  const size = symbol.modules.size;
  // Normalise to 0/1 and detach from qrcode's object, whose arrays it may reuse.
  const modules = new Uint8Array(size * size);
  for (let i = 0; i < modules.length; i++) modules[i] = symbol.modules.data[i] ? 1 : 0;
  return {
    size,
    version: symbol.version,
    errorCorrectionLevel,
    modules,
    isDark(row: number, col: number): boolean {
      if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= size || col >= size) return false;
      return modules[row * size + col] === 1;
    },
  };
}

/** The QR version `text` needs at the level, or undefined when it does not fit in any version (1..40). */
export function qrVersionFor(text: string, errorCorrectionLevel: QrErrorCorrectionLevel = DEFAULT_ERROR_CORRECTION_LEVEL): number | undefined {
  checkErrorCorrectionLevel(errorCorrectionLevel);
  // Keyshard's UR text: computed from the capacities (./capacity.ts) rather than by building a symbol and its masks.
  if (typeof text === 'string' && plainAlphanumericText(text)) return alphanumericVersionFor(text.length, errorCorrectionLevel);
  // No QR code holds more than 7089 characters (digits only, 40-L); skip qrcode's segment search for hopeless text.
  if (text.length > 7089) return undefined;
  try {
    return create(text, { errorCorrectionLevel }).version;
  } catch {
    return undefined;
  }
}
