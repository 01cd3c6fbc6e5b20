/**
 * secp256k1 without a base-point table in a short CLI run. @noble/curves builds a window-6 wNAF table of a curve's base
 * point on its first multiplication (for a secret, a blinded one of 65 windows x 32 points), which pays off over many
 * multiplications in a long-lived process. `keyshard demo` makes one secp256k1 public key (the seed's BIP-32
 * identity), so building the table was nearly all of that step: ~45-75 ms of CPU against ~6 ms for the library's
 * table-less fixed-window multiplication (measured at load ~20).
 *
 * Only the speed changes: the same constant-time, blinded multiplication, the same keys. Ed25519 keeps the library's
 * table (a demo makes dozens of signatures and checks; window 4 instead of 6 was not clearly cheaper over a whole run).
 * Electron's main process keeps the library's defaults.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';

let done = false;

/** Table-less secp256k1 base multiplications for the rest of this process (idempotent). */
export function useOneShotCurveTables(): void {
  if (done) return;
  done = true;
  // Window 1 is the library's table-less path (as for an ECDH peer's key), still constant-time and blinded.
  secp256k1.Point.BASE.precompute(1);
}
