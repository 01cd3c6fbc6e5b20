/**
 * Smaller base-point tables in a short CLI run. @noble/curves builds a wNAF table of a curve's base point on its first
 * multiplication (window 6: for a secret, a blinded table of 2^5 points per window), which pays off over many
 * multiplications in a long-lived process, not in one `keyshard demo`.
 *
 * - secp256k1: the demo makes one public key (the seed's BIP-32 identity), so building the table was nearly all of that
 *   step: ~45-75 ms of CPU against ~6 ms for the library's table-less fixed-window multiplication (measured at load ~20).
 * - Ed25519: the demo makes a few dozen signatures and checks (two per witness sign-off, the keys, FROST). A window of 4
 *   builds 8 points per window instead of 32 and costs a few more additions per multiplication: a fresh process making
 *   two keys and 22 signatures with their checks took 123-145 ms of CPU instead of 157-170 ms (6 alternating runs each,
 *   load ~25); windows 5 and 8 were no better, 1 (no table) worse.
 *
 * Only the speed changes: the same constant-time, blinded multiplication, the same keys and signatures.
 * Electron's main process keeps the library's defaults.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

let done = false;

/** Smaller base-point tables for the rest of this process (idempotent). */
export function useOneShotCurveTables(): void {
  if (done) return;
  done = true;
  // Window 1 is the library's table-less path (as for an ECDH peer's key), still constant-time and blinded.
  secp256k1.Point.BASE.precompute(1);
  // Lazy, as the library's own: the table is built on the first multiplication.
  ed25519.Point.BASE.precompute(4);
}
