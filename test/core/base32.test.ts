import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBase32, encodeBase32 } from '../../core/base32';

/** Decodes and asserts success, for tests that only feed valid text. */
function decodeOk(text: string): { bytes: Uint8Array; canonical: boolean; danglingCharacters: boolean } {
  const r = decodeBase32(text);
  if ('badIndex' in r) throw new Error(`unexpected bad character at ${r.badIndex}`);
  return r;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('base32 (RFC 4648, no padding)', () => {
  // RFC 4648 section 10 test vectors, padding removed.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];

  it('matches the RFC 4648 test vectors both ways', () => {
    for (const [plain, encoded] of vectors) {
      assert.equal(encodeBase32(utf8(plain)), encoded);
      const d = decodeOk(encoded);
      assert.deepEqual(d.bytes, utf8(plain));
      assert.equal(d.canonical, true);
    }
  });

  it('agrees with coreutils base32 on random bytes (an independent implementation)', () => {
    const samples = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 80 }), { numRuns: 20, seed: 7 });
    for (const bytes of samples) {
      const r = spawnSync('base32', ['-w', '0'], { input: bytes });
      assert.equal(r.status, 0, 'coreutils base32 must run');
      assert.equal(encodeBase32(bytes), r.stdout.toString('ascii').replace(/=+$/, ''));
    }
  });

  it('round-trips any bytes, in upper and lower case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase32(bytes);
        assert.match(text, /^[A-Z2-7]*$/);
        assert.deepEqual(decodeOk(text).bytes, bytes);
        const lower = decodeOk(text.toLowerCase());
        assert.deepEqual(lower.bytes, bytes);
        assert.equal(lower.canonical, true);
      }),
      { numRuns: 300 },
    );
  });

  it('reports the first character outside the alphabet', () => {
    for (const bad of ['0', '1', '8', '9', '=', ' ', '@', '[', '`', '{', 'é', '\u0141', '\u0161']) {
      const text = `MZXW${bad}6YQ`;
      const r = decodeBase32(text);
      assert.ok('badIndex' in r, `"${bad}" must be rejected`);
      assert.equal(r.badIndex, 4);
    }
  });

  it('flags lengths no byte count gives and non-zero unused bits as non-canonical', () => {
    const dangling = decodeOk('MZXW6YQA'.slice(0, 3)); // 3 characters: 15 bits, no length encodes to that
    assert.equal(dangling.danglingCharacters, true);
    assert.equal(dangling.canonical, false);
    const unusedBits = decodeOk('MZ'); // 'f' is MY: Z sets an unused low bit
    assert.deepEqual(unusedBits.bytes, utf8('f'));
    assert.equal(unusedBits.canonical, false);
    assert.equal(unusedBits.danglingCharacters, false);
  });
});
