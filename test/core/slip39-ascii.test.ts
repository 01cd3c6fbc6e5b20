/**
 * SLIP-39 mnemonics held as bytes (issue 16.3: main makes no string of a share). The byte forms give exactly the
 * string forms' shares and secrets, on the official vectors and on splits, and report the same typed errors.
 */
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import {
  combineAsciiMnemonicsAsync,
  decodeShare,
  decodeShareAscii,
  encodeShare,
  encodeShareAscii,
  splitMasterSecretAsciiAsync,
  splitMasterSecretAsync,
  type Pbkdf2Async,
} from '../../core/slip39/index';
import { loadVectors, seededRandom, toHex } from './slip39-helpers';

const asyncPbkdf2: Pbkdf2Async = (c) =>
  new Promise((resolve, reject) => pbkdf2(c.password, c.salt, c.iterations, c.dkLen, 'sha256', (e, key) => (e ? reject(e) : resolve(new Uint8Array(key)))));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    assert.ok(e instanceof KeyshardError, String(e));
    return e.code;
  }
};

describe('SLIP-39 mnemonics as bytes', () => {
  it('every official vector: the byte decoder gives the string decoder\'s share or its error code, and re-encodes to the same bytes', () => {
    let decoded = 0;
    for (const [, mnemonics] of loadVectors()) {
      for (const m of mnemonics) {
        const want = codeOf(() => decodeShare(m));
        assert.equal(codeOf(() => decodeShareAscii(ascii(m))), want, m.slice(0, 20));
        if (want !== undefined) continue;
        const share = decodeShareAscii(ascii(m));
        assert.deepEqual(share, decodeShare(m));
        assert.deepEqual(encodeShareAscii(share), ascii(encodeShare(share)));
        decoded++;
      }
    }
    assert.ok(decoded > 50, `${decoded} shares decoded`);
  });

  it('splits give the string split\'s mnemonics for the same randomness, and recombine to the secret', async () => {
    for (const [seed, length] of [[1, 16], [2, 32]] as const) {
      const secret = seededRandom(seed + 100)(length);
      const options = { groupThreshold: 2, groups: [{ threshold: 2, count: 3 }, { threshold: 1, count: 1 }, { threshold: 3, count: 5 }], pbkdf2: asyncPbkdf2 };
      const strings = await splitMasterSecretAsync(secret, { ...options, random: seededRandom(seed) });
      const bytes = await splitMasterSecretAsciiAsync(secret, { ...options, random: seededRandom(seed) });
      assert.deepEqual(bytes.map((g) => g.map((m) => new TextDecoder().decode(m))), strings);
      const quorum = [bytes[0]![2]!, bytes[1]![0]!, bytes[0]![0]!];
      let exponent = -1;
      const got = await combineAsciiMnemonicsAsync(quorum, asyncPbkdf2, (e) => void (exponent = e));
      assert.equal(toHex(got), toHex(secret));
      assert.equal(exponent, 1);
    }
  });

  it('errors: an unknown word by its position (no hint), a changed word fails the checksum, too few shares', async () => {
    const share = encodeShareAscii(decodeShare(loadVectors()[0]![1][0]!));
    const unknown = share.slice();
    unknown.set(ascii('zz'), unknown.indexOf(0x20) + 1); // word 2 starts with 'zz': not a word
    assert.throws(() => decodeShareAscii(unknown, 3), (e: KeyshardError) => e.code === 'SLIP39_WORD' && e.details?.['position'] === 2 && e.details?.['share'] === 3 && !('suggestion' in (e.details ?? {})));
    const text = new TextDecoder().decode(share).split(' ');
    text[5] = text[5] === 'academic' ? 'acid' : 'academic';
    assert.equal(codeOf(() => decodeShareAscii(ascii(text.join(' ')))), 'SLIP39_CHECKSUM');
    assert.equal(codeOf(() => decodeShareAscii(ascii('academic acid'))), 'SLIP39_LENGTH');
    assert.equal(codeOf(() => decodeShareAscii(new Uint8Array(0))), 'SLIP39_WORD');
    const secret = seededRandom(9)(16);
    const groups = await splitMasterSecretAsciiAsync(secret, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], pbkdf2: asyncPbkdf2, random: seededRandom(9) });
    await assert.rejects(combineAsciiMnemonicsAsync([groups[0]![1]!], asyncPbkdf2), (e: KeyshardError) => e.code === 'BELOW_THRESHOLD');
  });
});
