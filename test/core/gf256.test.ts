import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { add, addScaledInto, div, inv, mul, square } from '../../core/gf256';

/** Textbook reference built in the test: exp/log tables of generator 3 modulo 0x11b (fine here: nothing is secret). */
function referenceTables(): { exp: number[]; log: number[] } {
  const exp = new Array<number>(255);
  const log = new Array<number>(256).fill(-1);
  let x = 1;
  for (let i = 0; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= x << 1; // multiply by (x + 1), i.e. by 3
    if (x & 0x100) x ^= 0x11b;
  }
  return { exp, log };
}
const { exp, log } = referenceTables();
const refMul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : exp[(log[a]! + log[b]!) % 255]!);
const refInv = (a: number): number => exp[(255 - log[a]!) % 255]!;

const byte = fc.integer({ min: 0, max: 255 });
const nonzero = fc.integer({ min: 1, max: 255 });

describe('GF(256) reference tables', () => {
  it('3 generates the whole multiplicative group (so the reference is sound)', () => {
    assert.equal(new Set(exp).size, 255);
    assert.ok(!exp.includes(0));
  });
});

describe('GF(256) agrees with the table-based reference', () => {
  it('mul on all 65536 pairs', () => {
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) assert.equal(mul(a, b), refMul(a, b), `${a}*${b}`);
  });
  it('inv of every nonzero element, and a * inv(a) = 1', () => {
    for (let a = 1; a < 256; a++) {
      assert.equal(inv(a), refInv(a), `inv ${a}`);
      assert.equal(mul(a, inv(a)), 1, `a*inv(a) ${a}`);
    }
    assert.equal(inv(0), 0);
  });
  it('known products from FIPS-197 (0x57 * 0x83 = 0xc1, 0x57 * 0x13 = 0xfe)', () => {
    assert.equal(mul(0x57, 0x83), 0xc1);
    assert.equal(mul(0x57, 0x13), 0xfe);
  });
});

describe('GF(256) field axioms (fast-check)', () => {
  it('addition: commutative, associative, 0 identity, self-inverse', () => {
    fc.assert(
      fc.property(byte, byte, byte, (a, b, c) => {
        assert.equal(add(a, b), add(b, a));
        assert.equal(add(add(a, b), c), add(a, add(b, c)));
        assert.equal(add(a, 0), a);
        assert.equal(add(a, a), 0);
      }),
      { numRuns: 2000 },
    );
  });
  it('multiplication: commutative, associative, 1 identity, 0 absorbing, distributive over addition', () => {
    fc.assert(
      fc.property(byte, byte, byte, (a, b, c) => {
        assert.equal(mul(a, b), mul(b, a));
        assert.equal(mul(mul(a, b), c), mul(a, mul(b, c)));
        assert.equal(mul(a, 1), a);
        assert.equal(mul(a, 0), 0);
        assert.equal(mul(a, add(b, c)), add(mul(a, b), mul(a, c)));
        assert.ok(mul(a, b) >= 0 && mul(a, b) <= 255);
      }),
      { numRuns: 2000 },
    );
  });
  it('division undoes multiplication; square is a*a; no zero divisors', () => {
    fc.assert(
      fc.property(byte, nonzero, nonzero, (a, b, c) => {
        assert.equal(div(mul(a, b), b), a);
        assert.equal(square(a), mul(a, a));
        assert.notEqual(mul(b, c), 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('addScaledInto', () => {
  it('adds c * v to acc element-wise', () => {
    fc.assert(
      fc.property(byte, fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 1 << 30 }), (c, v, seed) => {
        const acc = v.map((x, i) => (x * 31 + i + seed) & 0xff);
        const expected = acc.map((x, i) => x ^ refMul(c, v[i]!));
        addScaledInto(acc, c, v);
        assert.deepEqual(acc, expected);
      }),
      { numRuns: 300 },
    );
  });
  it('refuses vectors of different lengths', () => {
    assert.throws(() => addScaledInto(new Uint8Array(2), 3, new Uint8Array(3)), RangeError);
  });
});
