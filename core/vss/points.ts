/**
 * The few group operations on public points that refresh, repair and signing need beyond noble's FROST object:
 * adding commitment lists and evaluating them at an identifier (a verifying share, G·f(id) = Σ C_j·id^j).
 * Only public values pass through here; secret scalars use the suite's basePointTimes (constant-time).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Ciphersuite } from './ciphersuites';

interface P {
  add(other: P): P;
  multiply(s: bigint): P;
  multiplyUnsafe(s: bigint): P;
  toBytes(): Uint8Array;
  is0(): boolean;
}
interface PCons {
  fromBytes(bytes: Uint8Array): P;
  readonly ZERO: P;
}

const POINTS: Record<Ciphersuite, PCons> = {
  ed25519: ed25519.Point as unknown as PCons,
  secp256k1: secp256k1.Point as unknown as PCons,
  p256: p256.Point as unknown as PCons,
};

/** a + b, element-wise (undefined stands for the identity, e.g. the zero constant term); the longer list's extra points are kept (a zero-constant polynomial of higher degree). */
export function addCommitments(ciphersuite: Ciphersuite, a: readonly (Uint8Array | undefined)[], b: readonly (Uint8Array | undefined)[]): Uint8Array[] {
  const Point = POINTS[ciphersuite];
  const n = Math.max(a.length, b.length);
  const out: Uint8Array[] = [];
  for (let j = 0; j < n; j++) {
    const x = a[j] === undefined ? Point.ZERO : Point.fromBytes(a[j]!);
    const y = b[j] === undefined ? Point.ZERO : Point.fromBytes(b[j]!);
    out.push(x.add(y).toBytes());
  }
  return out;
}

/** Σ_j commitments[j]·id^j: the public verifying share of identifier `id` (public inputs only: variable-time is fine). */
export function evaluateCommitments(ciphersuite: Ciphersuite, commitments: readonly Uint8Array[], id: bigint, mod: (x: bigint) => bigint): Uint8Array {
  const Point = POINTS[ciphersuite];
  let acc = Point.ZERO;
  let power = 1n;
  for (const c of commitments) {
    acc = acc.add(Point.fromBytes(c).multiplyUnsafe(power));
    power = mod(power * id);
  }
  return acc.toBytes();
}
