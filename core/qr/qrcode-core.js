// Runtime seam for the pure part of `qrcode` (no fs, no canvas); its types live in ./qrcode-core.d.ts.
export { create } from 'qrcode/lib/core/qrcode.js';
