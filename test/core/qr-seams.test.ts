/**
 * core/qr reaches @ngraveio/bc-ur and qrcode's core through two tiny seams (core/qr/bc-ur.js, core/qr/qrcode-core.js)
 * whose hand-written declarations keep Node types out of core's purity check. This file pins those declarations to
 * the real packages: the assignments below fail `tsc -p tsconfig.json` if the real API drifts from what core assumes,
 * and the runtime checks prove the seams hand out the packages' own objects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as realUr from '@ngraveio/bc-ur';
import QRCode from 'qrcode';
import * as seamUr from '../../core/qr/bc-ur';
import * as seamQr from '../../core/qr/qrcode-core';

// Compile-time: the real exports must satisfy the seam declarations.
const urTypesAgree: { UR: typeof seamUr.UR; UREncoder: typeof seamUr.UREncoder; URDecoder: typeof seamUr.URDecoder } = realUr;
const qrTypesAgree: typeof seamQr.create = QRCode.create;

describe('vendor seams of core/qr', () => {
  it('bc-ur seam re-exports the package\'s own classes', () => {
    assert.equal(seamUr.UR, realUr.UR);
    assert.equal(seamUr.UREncoder, realUr.UREncoder);
    assert.equal(seamUr.URDecoder, realUr.URDecoder);
    assert.equal(urTypesAgree.UR, realUr.UR);
  });

  it('qrcode seam builds the same symbol as the package entry point', () => {
    const ours = seamQr.create('UR:BYTES/TEST', { errorCorrectionLevel: 'Q' });
    const theirs = qrTypesAgree('UR:BYTES/TEST', { errorCorrectionLevel: 'Q' });
    assert.equal(ours.version, theirs.version);
    assert.deepEqual(Array.from(ours.modules.data, Boolean), Array.from(theirs.modules.data, Boolean));
    assert.throws(() => seamQr.create('A'.repeat(5000)), /too big/);
  });
});
