/**
 * Does the time of keyshard's secret-share arithmetic depend on secret values? A dudect-style test (Reparaz, Balasch,
 * Verbauwhede, "Dude, is my code constant time?", 2017): measure many calls with inputs from two classes - class 0 a
 * FIXED secret (zero, the value most likely to take a shortcut), class 1 RANDOM secrets - interleaved in random order,
 * and compare the two timing distributions with Welch's t-test. Measurements are also cropped at several upper
 * percentiles (as dudect does), because a leak can hide under the long tail of interrupts and GC pauses; the largest
 * |t| over the uncropped and cropped tests is the verdict:
 *   |t| < 4.5   no evidence of leakage after N measurements
 *   |t| >= 4.5  the timing depends on the secret (dudect's threshold; > 10 is beyond doubt)
 *
 * Targets: core/gf256.ts mul (secret operand) and inv, and core/shamir.ts interpolate (secret share bytes, public x).
 * Controls, which MUST be flagged, show the test can see a leak at this resolution: an early-exit multiply (stops when
 * the remaining multiplier bits are zero), core's multiply plus a single branch on the secret's low bit (the smallest
 * leak: one mispredicted jump), an inverse that returns early for 0, and interpolation built on the early-exit multiply.
 *
 * Each measurement times a batch of calls (process.hrtime.bigint resolution and overhead are far above one call)
 * on inputs of one class; secrets come from node:crypto. Not part of the test run (timing on a shared machine is a
 * statistic, not a pass/fail); run it on a quiet machine:
 *
 *   node --import tsx bench/ct.bench.ts [measurements per target, default 200000]
 *
 * Exit code 1 if a target (not a control) shows |t| >= 4.5 or a control does not; 0 otherwise.
 */
import { randomBytes } from 'node:crypto';
import { inv, mul } from '../core/gf256';
import { interpolate, type RawShare } from '../core/shamir';

const MEASUREMENTS = Number(process.argv[2] ?? 200_000);
const THRESHOLD = 4.5;
/** Upper percentiles at which measurements are cropped (dudect uses 1 - 0.5^(10(i+1)/100), 100 of them; a few suffice). */
const CROP_PERCENTILES = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999];

// ---------------------------------------------------------------------------------------------------------------------
// Welch's t-test, accumulated online (Welford), one per crop level

class Welch {
  private n = [0, 0];
  private mean = [0, 0];
  private m2 = [0, 0];

  push(cls: 0 | 1, x: number): void {
    const n = ++this.n[cls]!;
    const d = x - this.mean[cls]!;
    this.mean[cls]! += d / n;
    this.m2[cls]! += d * (x - this.mean[cls]!);
  }

  t(): number {
    const [n0, n1] = this.n as [number, number];
    if (n0 < 2 || n1 < 2) return 0;
    const v0 = this.m2[0]! / (n0 - 1);
    const v1 = this.m2[1]! / (n1 - 1);
    const se = Math.sqrt(v0 / n0 + v1 / n1);
    return se === 0 ? 0 : (this.mean[0]! - this.mean[1]!) / se;
  }

  count(): number {
    return this.n[0]! + this.n[1]!;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Targets

interface Target {
  readonly name: string;
  /** A control is leaky on purpose: the test must flag it. */
  readonly control: boolean;
  /** Calls per measurement. */
  readonly batch: number;
  /** Secret inputs for one measurement of the class. */
  prepare(cls: 0 | 1): unknown;
  /** Runs `batch` calls on the prepared inputs; returns something that depends on every result (so none is optimized away). */
  run(input: unknown): number;
}

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** The early-exit multiply a careless implementation would write: its loop count is the multiplier's bit length. */
function leakyMul(a: number, b: number): number {
  let x = a & 0xff;
  let y = b & 0xff;
  let product = 0;
  while (y !== 0) {
    if (y & 1) product ^= x;
    x = ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
    y >>= 1;
  }
  return product;
}

/** The subtlest control: core's multiply plus ONE branch on the secret's low bit (a mispredicted jump, no more). */
function oneBranchMul(a: number, b: number): number {
  const p = mul(a, b);
  if (b & 1) return p ^ 0x100;
  return p;
}

function leakyInv(a: number): number {
  if (a === 0) return 0;
  return inv(a);
}

/**
 * Bytes of a batch: all zero for the fixed class, random for the random class. Every batch is allocated the same way
 * whatever its class (a zero-filled array, then filled), so memory layout cannot tell the classes apart; only values do.
 */
function secretBytes(cls: 0 | 1, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const fill = random(n);
  if (cls === 1) out.set(fill);
  return out;
}

function byteTarget(name: string, control: boolean, op: (a: number, b: number) => number): Target {
  const batch = 64;
  const publicOperand = random(batch);
  return {
    name,
    control,
    batch,
    prepare: (cls) => secretBytes(cls, batch),
    run(input) {
      const s = input as Uint8Array;
      let acc = 0;
      for (let i = 0; i < batch; i++) acc ^= op(publicOperand[i]! | 1, s[i]!);
      return acc;
    },
  };
}

function invTarget(name: string, control: boolean, op: (a: number) => number): Target {
  const batch = 16;
  return {
    name,
    control,
    batch,
    prepare: (cls) => secretBytes(cls, batch),
    run(input) {
      const s = input as Uint8Array;
      let acc = 0;
      for (let i = 0; i < batch; i++) acc ^= op(s[i]!);
      return acc;
    },
  };
}

/** Interpolation at x = 255 (the SLIP-39 secret index) of 3 shares of 32 bytes at public x = 0, 1, 2. */
function interpolationTarget(name: string, control: boolean, interp: (shares: readonly RawShare[], x: number) => Uint8Array): Target {
  const length = 32;
  return {
    name,
    control,
    batch: 1,
    prepare: (cls) => [0, 1, 2].map((x) => ({ x, value: secretBytes(cls, length) })),
    run(input) {
      const out = interp(input as RawShare[], 255);
      return out[0]! ^ out[length - 1]!;
    },
  };
}

/** core/shamir.ts's interpolate, with the early-exit multiply: the control for interpolation. */
function leakyInterpolate(shares: readonly RawShare[], x: number): Uint8Array {
  const result = new Uint8Array(shares[0]!.value.length);
  for (const share of shares) {
    let numerator = 1;
    let denominator = 1;
    for (const other of shares) {
      if (other === share) continue;
      numerator = mul(numerator, x ^ other.x);
      denominator = mul(denominator, share.x ^ other.x);
    }
    const basis = mul(numerator, inv(denominator));
    for (let i = 0; i < result.length; i++) result[i] = result[i]! ^ leakyMul(basis, share.value[i]!);
  }
  return result;
}

const TARGETS: Target[] = [
  byteTarget('gf256.mul (secret operand)', false, mul),
  invTarget('gf256.inv', false, inv),
  interpolationTarget('shamir.interpolate (secret share bytes)', false, interpolate),
  byteTarget('control: early-exit multiply', true, leakyMul),
  byteTarget('control: one branch on the secret low bit', true, oneBranchMul),
  invTarget('control: inverse returning early for 0', true, leakyInv),
  interpolationTarget('control: interpolation with early-exit multiply', true, leakyInterpolate),
];

// ---------------------------------------------------------------------------------------------------------------------
// Measuring

interface Verdict {
  name: string;
  control: boolean;
  measurements: number;
  maxAbsT: number;
  at: string;
  leaks: boolean;
}

function measure(target: Target): Verdict {
  // Classes in random order, inputs prepared before timing starts, so neither shows up in the measured interval.
  const classes = random(MEASUREMENTS).map((b) => b & 1) as Uint8Array;
  const inputs = Array.from(classes, (c) => target.prepare(c as 0 | 1));
  const times = new Float64Array(MEASUREMENTS);
  let sink = 0;
  // Warm-up: let the JIT settle on both classes before anything is recorded.
  for (let i = 0; i < Math.min(20_000, MEASUREMENTS); i++) sink ^= target.run(inputs[i]);
  for (let i = 0; i < MEASUREMENTS; i++) {
    const input = inputs[i];
    const t0 = process.hrtime.bigint();
    sink ^= target.run(input);
    const t1 = process.hrtime.bigint();
    times[i] = Number(t1 - t0);
  }
  if (sink === 0x1234_5678) console.log('');

  const sorted = Float64Array.from(times).sort();
  const cuts = CROP_PERCENTILES.map((p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
  const tests = [new Welch(), ...cuts.map(() => new Welch())];
  for (let i = 0; i < MEASUREMENTS; i++) {
    const cls = classes[i] as 0 | 1;
    const x = times[i]!;
    tests[0]!.push(cls, x);
    cuts.forEach((cut, j) => {
      if (x <= cut) tests[j + 1]!.push(cls, x);
    });
  }
  let maxAbsT = 0;
  let at = 'uncropped';
  tests.forEach((w, j) => {
    const t = Math.abs(w.t());
    if (t > maxAbsT) {
      maxAbsT = t;
      at = j === 0 ? 'uncropped' : `below the ${CROP_PERCENTILES[j - 1]! * 100}th percentile (${w.count()} measurements)`;
    }
  });
  return { name: target.name, control: target.control, measurements: MEASUREMENTS, maxAbsT, at, leaks: maxAbsT >= THRESHOLD };
}

const verdicts: Verdict[] = [];
for (const target of TARGETS) {
  const v = measure(target);
  verdicts.push(v);
  const word = v.leaks ? (v.control ? 'leak detected (as it must be: the test can see a leak)' : 'LEAK: timing depends on the secret') : v.control ? 'NOT DETECTED: the test is too weak at this N' : 'no evidence of leakage';
  console.log(`${v.name.padEnd(50)} |t| = ${v.maxAbsT.toFixed(2).padStart(8)}  (${v.at}; ${v.measurements} measurements x ${target.batch} calls)  ${word}`);
}

const badTargets = verdicts.filter((v) => !v.control && v.leaks);
const blindControls = verdicts.filter((v) => v.control && !v.leaks);
console.log(
  `\nverdict: ${badTargets.length === 0 ? `no evidence of leakage in ${verdicts.filter((v) => !v.control).length} targets (|t| < ${THRESHOLD})` : `${badTargets.length} target(s) leak`}; ` +
    `${blindControls.length === 0 ? 'every control was detected' : `${blindControls.length} control(s) NOT detected: rerun with more measurements on a quieter machine`}`,
);
process.exit(badTargets.length === 0 && blindControls.length === 0 ? 0 : 1);
