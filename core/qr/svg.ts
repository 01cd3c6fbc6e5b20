/**
 * QR code as an SVG string, for the printable paper backup (inlined in the page) and anywhere a crisp, scalable
 * image is wanted. Pure string building: no DOM.
 *
 * One <path> draws every dark module, one horizontal run per subpath, so a version-20 code stays a few KB and
 * scales without seams between modules (shape-rendering="crispEdges" keeps edges sharp at any zoom or print dpi).
 */
import { KeyshardError } from '../errors';
import { createQrMatrix, type QrErrorCorrectionLevel, type QrMatrix } from './matrix';

export interface QrSvgOptions {
  errorCorrectionLevel?: QrErrorCorrectionLevel;
  /** Quiet zone in modules on each side. The QR standard asks for 4; scanners struggle below 2. */
  margin?: number;
  /** Rendered width/height attribute, e.g. '60mm' or '320'. Without it the SVG fills its container (viewBox only). */
  size?: string;
  dark?: string;
  light?: string;
  /** Accessible name (<title>), e.g. "Shard 2 of 5, Alice". Escaped here; do not put secrets in it. */
  title?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function qrToSvg(text: string, options: QrSvgOptions = {}): string {
  const matrix = createQrMatrix(text, options.errorCorrectionLevel === undefined ? {} : { errorCorrectionLevel: options.errorCorrectionLevel });
  return matrixToSvg(matrix, options);
}

export function matrixToSvg(matrix: QrMatrix, options: Omit<QrSvgOptions, 'errorCorrectionLevel'> = {}): string {
  const margin = options.margin ?? 4;
  if (!Number.isInteger(margin) || margin < 0 || margin > 64) {
    throw new KeyshardError('INVALID_ARGUMENT', 'QR margin must be a whole number of modules from 0 to 64 (4 is standard).', { margin });
  }
  const dark = colour(options.dark ?? '#000000', 'dark');
  const light = colour(options.light ?? '#ffffff', 'light');
  const side = matrix.size + 2 * margin;

  const runs: string[] = [];
  for (let row = 0; row < matrix.size; row++) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.isDark(row, col)) col++;
      const len = col - start;
      runs.push(`M${start + margin} ${row + margin}h${len}v1h-${len}z`);
    }
  }

  const sizeAttrs = options.size === undefined ? '' : ` width="${escapeXml(checkSize(options.size))}" height="${escapeXml(options.size)}"`;
  const title = options.title === undefined ? '' : `<title>${escapeXml(options.title)}</title>`;
  return (
    `<svg xmlns="${SVG_NS}" viewBox="0 0 ${side} ${side}"${sizeAttrs} shape-rendering="crispEdges" role="img">` +
    title +
    `<rect width="${side}" height="${side}" fill="${light}"/>` +
    `<path fill="${dark}" d="${runs.join('')}"/>` +
    `</svg>`
  );
}

function colour(value: string, which: string): string {
  // Hex colours only: enough for print and screen, and nothing that could break out of an attribute.
  if (!/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(value)) {
    throw new KeyshardError('INVALID_ARGUMENT', `QR ${which} colour must be a hex colour like #000000.`, { which });
  }
  return value;
}

function checkSize(value: string): string {
  if (!/^\d+(?:\.\d+)?(?:px|mm|cm|in|pt|%)?$/.test(value)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'QR size must be a number with an optional unit, like 320 or 60mm.');
  }
  return value;
}

function escapeXml(s: string): string {
  // XML 1.0 forbids most control characters even when escaped; drop them.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
