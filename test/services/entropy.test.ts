import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import {
  diceBits,
  gatherEntropy,
  mixEntropy,
  parseDiceRolls,
  rollsForBits,
  type EntropyInput,
} from '../../electron/services/entropy/index';

const fixed = (fill: number) => (n: number) => new Uint8Array(n).fill(fill);

function isError(code: string, check?: (e: KeyshardError) => void): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError);
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  };
}

describe('entropy: dice', () => {
  it('states how many rolls give how many bits', () => {
    assert.equal(diceBits(1), 2);
    assert.equal(diceBits(50), 129);
    assert.equal(diceBits(99), 255);
    assert.equal(diceBits(100), 258);
    assert.equal(rollsForBits(128), 50);
    assert.equal(rollsForBits(256), 100);
    for (let bits = 1; bits <= 512; bits++) {
      const n = rollsForBits(bits);
      assert.ok(diceBits(n) >= bits && (n === 1 || diceBits(n - 1) < bits), `${bits} bits: ${n} rolls`);
    }
  });

  it('reads digits 1-6 with spaces and line breaks between them', () => {
    assert.deepEqual([...parseDiceRolls('1 2 3\n4\t5 6\r\n61')], [0, 1, 2, 3, 4, 5, 5, 0]);
  });

  it('refuses any other character, naming its position, and refuses no rolls at all', () => {
    for (const [text, position] of [['1230', 4], ['7', 1], ['12,3', 3], ['1 2 x', 5], ['٣', 1]] as const) {
      assert.throws(() => parseDiceRolls(text), isError('INVALID_ARGUMENT', (e) => {
        assert.equal(e.details?.['position'], position);
        assert.match(e.message, /digits 1 to 6/);
      }));
    }
    assert.throws(() => parseDiceRolls('  \n'), isError('INVALID_ARGUMENT'));
  });
});

describe('entropy: mixing', () => {
  const inputs = (): EntropyInput[] => [
    { name: 'os-csprng', bytes: new Uint8Array(32).fill(1) },
    { name: 'pkcs11-rng', bytes: new Uint8Array(32).fill(2) },
    { name: 'dice-5-rolls', bytes: Uint8Array.of(0, 1, 2, 3, 4) },
  ];

  it('is HKDF-SHA256 over length-prefixed named sources (recomputed here from the documented construction)', () => {
    const ikm: number[] = [];
    for (const i of inputs()) {
      const name = utf8ToBytes(i.name);
      ikm.push(0, name.length, ...name, 0, 0, 0, i.bytes.length, ...i.bytes);
    }
    const info = [...utf8ToBytes('keyshard/entropy/v1 output'), 0, 0, 0, 48, 0, 3];
    const expected = hkdf(sha256, Uint8Array.from(ikm), utf8ToBytes('keyshard/entropy/v1 salt'), Uint8Array.from(info), 48);
    assert.equal(bytesToHex(mixEntropy(inputs(), 48)), bytesToHex(expected));
  });

  it('gives exactly the bytes asked for, deterministically', () => {
    for (const n of [1, 16, 32, 48, 80, 255 * 32]) {
      const a = mixEntropy(inputs(), n);
      assert.equal(a.length, n);
      assert.deepEqual(a, mixEntropy(inputs(), n));
    }
    // A different length is a different output, not a prefix of a longer one.
    assert.notEqual(bytesToHex(mixEntropy(inputs(), 32)), bytesToHex(mixEntropy(inputs(), 48).subarray(0, 32)));
  });

  it('changes when any single source changes in any single bit, or is left out, renamed or reordered', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.nat(),
        (sources, which, bit) => {
          const named = sources.map((bytes, i) => ({ name: ['os-csprng', 'pkcs11-rng', 'dice-9-rolls'][i]!, bytes }));
          const base = bytesToHex(mixEntropy(named, 32));
          const i = which % named.length;
          const flipped = named.map((s, j) => {
            if (j !== i) return s;
            const b = Uint8Array.from(s.bytes);
            const k = bit % (b.length * 8);
            b[k >> 3] = (b[k >> 3] as number) ^ (1 << (k & 7));
            return { name: s.name, bytes: b };
          });
          assert.notEqual(bytesToHex(mixEntropy(flipped, 32)), base);
          if (named.length > 1) {
            assert.notEqual(bytesToHex(mixEntropy(named.filter((_, j) => j !== i), 32)), base);
            assert.notEqual(bytesToHex(mixEntropy([...named].reverse(), 32)), base);
          }
          assert.notEqual(bytesToHex(mixEntropy(named.map((s, j) => (j === i ? { name: 'other-source', bytes: s.bytes } : s)), 32)), base);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps source boundaries apart: moving a byte from one source to the next changes the output', () => {
    const a = mixEntropy([{ name: 'os-csprng', bytes: Uint8Array.of(1, 2) }, { name: 'dice-1-rolls', bytes: Uint8Array.of(3) }], 32);
    const b = mixEntropy([{ name: 'os-csprng', bytes: Uint8Array.of(1) }, { name: 'dice-1-rolls', bytes: Uint8Array.of(2, 3) }], 32);
    assert.notDeepEqual(a, b);
  });

  it('refuses duplicate or value-like names and empty sources', () => {
    assert.throws(() => mixEntropy([{ name: 'os-csprng', bytes: Uint8Array.of(1) }, { name: 'os-csprng', bytes: Uint8Array.of(2) }], 32), isError('INVALID_ARGUMENT'));
    assert.throws(() => mixEntropy([{ name: 'deadbeefdeadbeefdeadbeef', bytes: Uint8Array.of(1) }], 32), isError('INVALID_ARGUMENT'));
    assert.throws(() => mixEntropy([{ name: 'os-csprng', bytes: new Uint8Array(0) }], 32), isError('ENTROPY_SOURCE'));
    assert.throws(() => mixEntropy([], 32), isError('INVALID_ARGUMENT'));
    assert.throws(() => mixEntropy([{ name: 'os-csprng', bytes: Uint8Array.of(1) }], 255 * 32 + 1), isError('INVALID_ARGUMENT'));
  });
});

describe('entropy: gathering from the sources', () => {
  it('is deterministic given injected sources; each source changes the output; only names and counts come back', async () => {
    const hsm = async (n: number) => new Uint8Array(n).fill(9);
    const one = await gatherEntropy({ length: 64, diceRolls: '6 6 6 1', useHsm: true }, { os: fixed(5), hsm });
    const two = await gatherEntropy({ length: 64, diceRolls: '6 6 6 1', useHsm: true }, { os: fixed(5), hsm });
    assert.deepEqual(one.bytes, two.bytes);
    assert.equal(one.bytes.length, 64);
    assert.deepEqual(one.sources, ['os-csprng', 'pkcs11-rng', 'dice-4-rolls']);
    assert.equal(one.diceRolls, 4);
    assert.equal(one.diceBits, 10);
    const variants = [
      await gatherEntropy({ length: 64, diceRolls: '6 6 6 1', useHsm: true }, { os: fixed(6), hsm }),
      await gatherEntropy({ length: 64, diceRolls: '6 6 6 1', useHsm: true }, { os: fixed(5), hsm: async (n) => new Uint8Array(n).fill(8) }),
      await gatherEntropy({ length: 64, diceRolls: '6 6 6 2', useHsm: true }, { os: fixed(5), hsm }),
      await gatherEntropy({ length: 64, diceRolls: '6 6 6', useHsm: true }, { os: fixed(5), hsm }),
      await gatherEntropy({ length: 64, diceRolls: '6 6 6 1' }, { os: fixed(5), hsm }),
      await gatherEntropy({ length: 64, useHsm: true }, { os: fixed(5), hsm }),
    ];
    for (const v of variants) assert.notDeepEqual(v.bytes, one.bytes);
    // What a caller may record: names and counts only.
    const { bytes: _bytes, ...publicPart } = one;
    const text = JSON.stringify(publicPart);
    assert.ok(!text.includes('0505'), 'no OS bytes');
    assert.ok(!text.includes('0909'), 'no HSM bytes');
    assert.ok(!text.includes('6 6 6'), 'no dice values');
  });

  it('wipes what the sources returned', async () => {
    const drawn: Uint8Array[] = [];
    const os = (n: number) => {
      const b = new Uint8Array(n).fill(3);
      drawn.push(b);
      return b;
    };
    const hsm = async (n: number) => {
      const b = new Uint8Array(n).fill(4);
      drawn.push(b);
      return b;
    };
    await gatherEntropy({ length: 32, useHsm: true, diceRolls: '12' }, { os, hsm });
    assert.equal(drawn.length, 2);
    for (const b of drawn) assert.ok(b.every((x) => x === 0));
  });

  it('reports a missing, failing, short or stuck HSM as ENTROPY_SOURCE, and wipes the OS bytes already drawn', async () => {
    const drawn: Uint8Array[] = [];
    const os = (n: number) => {
      const b = new Uint8Array(n).fill(3);
      drawn.push(b);
      return b;
    };
    await assert.rejects(gatherEntropy({ length: 32, useHsm: true }, { os }), isError('ENTROPY_SOURCE', (e) => assert.match(e.message, /No HSM/)));
    await assert.rejects(gatherEntropy({ length: 32, useHsm: true }, { os, hsm: async () => { throw new Error('CKR_DEVICE_REMOVED'); } }), isError('ENTROPY_SOURCE'));
    await assert.rejects(gatherEntropy({ length: 32, useHsm: true }, { os, hsm: async () => new Uint8Array(8).fill(1) }), isError('ENTROPY_SOURCE'));
    await assert.rejects(gatherEntropy({ length: 32, useHsm: true }, { os, hsm: async (n) => new Uint8Array(n) }), isError('ENTROPY_SOURCE', (e) => assert.match(e.message, /only zero/)));
    await assert.rejects(gatherEntropy({ length: 32 }, { os: (n) => new Uint8Array(n) }), isError('ENTROPY_SOURCE'));
    await assert.rejects(gatherEntropy({ length: 32, diceRolls: '129' }, { os }), isError('INVALID_ARGUMENT'));
    for (const b of drawn) assert.ok(b.every((x) => x === 0));
  });
});
