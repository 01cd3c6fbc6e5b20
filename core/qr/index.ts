/**
 * QR framing for shard envelopes: payload bytes -> one `UR:BYTES/...` code or an animated fountain-coded sequence
 * (framing.ts), scanned texts -> payload bytes (assembler.ts), and the module matrix / SVG for drawing (matrix.ts, svg.ts).
 * PNG output lives in electron/services/qr-image.ts (it needs Node's zlib through qrcode's PNG writer).
 */
import type { QrFramePlan } from './framing';

export {
  planQrFrames,
  QR_UR_TYPE,
  DEFAULT_FRAGMENT_LENGTH,
  DEFAULT_MAX_SINGLE_VERSION,
  MAX_QR_PAYLOAD_BYTES,
  type QrFrameOptions,
  type QrFramePlan,
  type SingleQrPlan,
  type AnimatedQrPlan,
} from './framing';
export {
  createQrAssembler,
  type QrAssembler,
  type QrAssemblerOptions,
  type QrProgress,
  type QrReceiveResult,
  type QrReceiveStatus,
} from './assembler';
export {
  createQrMatrix,
  qrVersionFor,
  DEFAULT_ERROR_CORRECTION_LEVEL,
  QR_ERROR_CORRECTION_LEVELS,
  type QrErrorCorrectionLevel,
  type QrMatrix,
  type QrMatrixOptions,
} from './matrix';
export { qrToSvg, matrixToSvg, type QrSvgOptions } from './svg';

/** Every text a plan needs shown at least once: the single code, or plain parts 1..partCount (e.g. for a printed grid). */
export function planTexts(plan: QrFramePlan): string[] {
  return plan.kind === 'single' ? [plan.text] : plan.parts(plan.partCount);
}
