import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { utf8Decode, utf8Encode } from '../../core/utf8';

/** The platform's strict decoder is the oracle: undefined where it throws. */
function oracleDecode(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

describe('strict UTF-8', () => {
  it('encodes like TextEncoder for any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        assert.deepEqual(utf8Encode(s), new TextEncoder().encode(s));
        assert.equal(utf8Decode(new TextEncoder().encode(s)), s);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses lone surrogates when encoding', () => {
    for (const s of ['\ud800', 'a\udc00', '\udbff\udbff', 'x\ud83d']) assert.equal(utf8Encode(s), undefined);
    assert.deepEqual(utf8Encode('\ud83d\ude00'), Uint8Array.of(0xf0, 0x9f, 0x98, 0x80));
  });

  it('decodes exactly what a strict decoder accepts, for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        assert.equal(utf8Decode(bytes), oracleDecode(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects overlong forms, surrogates, values above U+10FFFF and cut sequences', () => {
    for (const bad of [
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xf0, 0x80, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xe2, 0x82],
      [0x80],
      [0xc3],
    ]) {
      assert.equal(utf8Decode(Uint8Array.from(bad)), undefined, `accepted ${bad}`);
    }
  });
});
