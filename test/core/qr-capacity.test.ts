/**
 * qrVersionFor computes the version of keyshard's alphanumeric UR text from the standard's capacities (core/qr/
 * capacity.ts) instead of building the symbol. These checks hold it to the version `qrcode` itself picks when it builds
 * the symbol, the one every drawn code has: at both sides of every version's capacity at every level (a wrong table
 * entry moves a boundary and fails here), for real UR frames, and for texts whose digit runs make `qrcode` leave one
 * alphanumeric segment (those must take the slow path). Seeded, so a failure names a reproducible text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import QRCode from 'qrcode';
import { alphanumericVersionFor, plainAlphanumericText, qrSizeOf } from '../../core/qr/capacity';
import { createQrMatrix, planQrFrames, qrVersionFor, type AnimatedQrPlan, type QrErrorCorrectionLevel } from '../../core/qr/index';
import { seededBytes, seededRng, type Rng } from '../helpers/prng';

const LEVELS: readonly QrErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SYMBOLS = ' $%*+-./:';

/** The version `qrcode` builds for the text, or undefined when it refuses it as too long. */
function libraryVersion(text: string, errorCorrectionLevel: QrErrorCorrectionLevel): number | undefined {
  try {
    return QRCode.create(text, { errorCorrectionLevel }).version;
  } catch {
    return undefined;
  }
}

function pick(rng: Rng, from: string): string {
  return from[Math.floor(rng() * from.length)]!;
}

function digits(rng: Rng, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += pick(rng, '0123456789');
  return s;
}

/** Random alphanumeric text of `length` (>= 2): letters, symbols, digit runs of 1..12 apart, a letter at each end. */
function plainText(rng: Rng, length: number): string {
  let s = '';
  while (s.length < length) {
    const r = rng();
    // A letter after each digit run, so that runs never join into a longer one.
    s += r < 0.8 ? pick(rng, LETTERS) : r < 0.9 ? pick(rng, SYMBOLS) : digits(rng, 1 + Math.floor(rng() * 12)) + pick(rng, LETTERS);
  }
  return pick(rng, LETTERS) + s.slice(1, length - 1) + pick(rng, LETTERS);
}

/** Largest length version `version` holds at the level, from the computation under test. */
function capacityOf(version: number, level: QrErrorCorrectionLevel): number {
  let n = 0;
  while ((alphanumericVersionFor(n + 1, level) ?? 41) <= version) n++;
  return n;
}

describe('QR version from capacities (no symbol built)', () => {
  it('matches the alphanumeric capacities the standard lists at versions 1 and 40', () => {
    const expected: Record<QrErrorCorrectionLevel, [number, number]> = { L: [25, 4296], M: [20, 3391], Q: [16, 2420], H: [10, 1852] };
    for (const level of LEVELS) {
      assert.deepEqual([capacityOf(1, level), capacityOf(40, level)], expected[level], `level ${level}`);
    }
    assert.equal(qrSizeOf(1), 21);
    assert.equal(qrSizeOf(40), 177);
  });

  it("agrees with qrcode's version just at and just past every version's capacity, at every level", () => {
    const rng = seededRng(15_001);
    for (const level of LEVELS) {
      for (let version = 1; version <= 40; version++) {
        const capacity = capacityOf(version, level);
        for (const [length, want] of [[capacity, version], [capacity + 1, version === 40 ? undefined : version + 1]] as const) {
          const text = plainText(rng, length);
          assert.ok(plainAlphanumericText(text), `${text} takes the computed path`);
          const computed = qrVersionFor(text, level);
          assert.equal(computed, want, `${length} characters at ${level}`);
          assert.equal(computed, libraryVersion(text, level), `${length} characters at ${level}: ${text}`);
        }
      }
    }
  });

  it("agrees with qrcode's version for real UR frames: single codes, animated parts, the longest part number", () => {
    const rng = seededRng(15_002);
    for (let i = 0; i < 40; i++) {
      const length = 1 + Math.floor(rng() * 3000);
      const level = LEVELS[i % 4]!;
      const plan = planQrFrames(seededBytes(15_100 + i, length), { errorCorrectionLevel: level, maxSingleVersion: 1 + Math.floor(rng() * 40) });
      const texts =
        plan.kind === 'single'
          ? [plan.text]
          : [plan.part(1), plan.part(plan.partCount + 1 + Math.floor(rng() * 1000)), plan.part(0xffff_ffff)];
      for (const text of texts) {
        assert.ok(plainAlphanumericText(text), `UR text takes the computed path: ${text.slice(0, 40)}`);
        assert.equal(qrVersionFor(text, level), libraryVersion(text, level), `${text.length} characters at ${level}`);
      }
      if (plan.kind === 'single') assert.equal(plan.version, createQrMatrix(plan.text, { errorCorrectionLevel: level }).version);
      else assert.equal((plan as AnimatedQrPlan).frameVersion, createQrMatrix(plan.part(1), { errorCorrectionLevel: level }).version);
    }
  });

  it('leaves digit runs a numeric segment could win to qrcode, and agrees either way, near capacities', () => {
    const rng = seededRng(15_003);
    for (let run = 1; run <= 16; run++) {
      for (const where of ['start', 'inside', 'end'] as const) {
        for (let k = 0; k < 4; k++) {
          const level = LEVELS[Math.floor(rng() * 4)]!;
          const version = 1 + Math.floor(rng() * 40);
          const length = Math.max(run + 4, capacityOf(version, level) + Math.floor(rng() * 3) - 1);
          const rest = plainText(rng, length - run);
          const cut = where === 'start' ? 0 : where === 'end' ? rest.length : 1 + Math.floor(rng() * (rest.length - 1));
          const text = rest.slice(0, cut) + digits(rng, run) + rest.slice(cut);
          const limit = where === 'inside' ? 12 : 6;
          // plainText may put digits next to the run; only a run at the limit or under is certain to be plain.
          if (run <= limit && !/\d/.test(text[cut - 1] ?? '') && !/\d/.test(text[cut + run] ?? '')) {
            assert.ok(plainAlphanumericText(text), `${run} digits ${where}`);
          }
          if (run > limit) assert.equal(plainAlphanumericText(text), false, `${run} digits ${where}`);
          assert.equal(qrVersionFor(text, level), libraryVersion(text, level), `${run} digits ${where}, ${text.length} characters at ${level}`);
        }
      }
    }
  });

  it("asks qrcode for text outside the alphanumeric set or of digits only, and gets qrcode's answer", () => {
    for (const text of ['ur:bytes/lowercase', 'UR:BYTES/Ä', '123', '1'.repeat(7089), '1'.repeat(7090), 'A\nB', 'A'.repeat(4297)]) {
      assert.equal(plainAlphanumericText(text), text === 'A'.repeat(4297));
      for (const level of LEVELS) assert.equal(qrVersionFor(text, level), libraryVersion(text, level), `${text.slice(0, 12)} at ${level}`);
    }
  });
});
