/**
 * The zxing-wasm adapter of the scan pipeline frees what each decoder call leaves in the module: the pixel buffer it
 * copied in, and the result vector zxing returns (an embind handle that garbage collection does not free; left
 * undeleted, a scanner's memory grew with every frame). Checked with a stand-in module that counts both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zxingImageDecoder, type ZxingReaderModuleLike } from '../../core/qr/scan-pipeline-zxing';

function fakeModule(results: { isValid: boolean; text: string }[], failOnGet = false) {
  const live = { buffers: 0, vectors: 0 };
  const corner = { x: 1, y: 2 };
  const module: ZxingReaderModuleLike = {
    HEAPU8: new Uint8Array(1 << 16),
    _malloc: () => {
      live.buffers++;
      return 1024;
    },
    _free: () => {
      live.buffers--;
    },
    readBarcodesFromPixmap: () => {
      live.vectors++;
      return {
        size: () => results.length,
        get: (i: number) => {
          if (failOnGet) throw new Error('embind: bad index');
          return { ...results[i]!, position: { topLeft: corner, topRight: corner, bottomRight: corner, bottomLeft: corner } };
        },
        delete: () => {
          live.vectors--;
        },
      };
    },
  };
  return { module, live };
}

const image = { data: new Uint8Array(32 * 32), width: 32, height: 32 };
const hints = { binarizer: 'local', tryHarder: true } as const;

test('each decoder call deletes the result vector and frees its pixels, whether it reads a code or not', () => {
  for (const results of [[], [{ isValid: false, text: 'x' }], [{ isValid: true, text: 'UR:BYTES/ABC' }]]) {
    const { module, live } = fakeModule(results);
    const decode = zxingImageDecoder(module);
    for (let i = 0; i < 5; i++) decode(image, hints);
    assert.deepEqual(live, { buffers: 0, vectors: 0 }, `after 5 calls with ${results.length} result(s)`);
  }
});

test('a valid result is returned before its vector is deleted, and a failing read still deletes it', () => {
  const { module, live } = fakeModule([{ isValid: true, text: 'UR:BYTES/ABC' }]);
  assert.equal(zxingImageDecoder(module)(image, hints)?.text, 'UR:BYTES/ABC');
  const failing = fakeModule([{ isValid: true, text: 'UR:BYTES/ABC' }], true);
  assert.throws(() => zxingImageDecoder(failing.module)(image, hints), /bad index/);
  assert.deepEqual([live, failing.live], [{ buffers: 0, vectors: 0 }, { buffers: 0, vectors: 0 }]);
});
