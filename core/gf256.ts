/**
 * Constant-time arithmetic in GF(2^8) with the Rijndael polynomial x^8 + x^4 + x^3 + x + 1 (0x11b), the field SLIP-39
 * uses. Share values are secret, so nothing here indexes a table by a value or branches on one: multiplication is
 * shift-and-mask over all 8 bits, and inversion is exponentiation by a fixed (public) exponent.
 * Elements are numbers 0..255; callers pass bytes.
 */

/** Addition and subtraction are the same in characteristic 2: XOR. */
export function add(a: number, b: number): number {
  return (a ^ b) & 0xff;
}

/** a * b mod 0x11b, always 8 rounds, no data-dependent branch or lookup. */
export function mul(a: number, b: number): number {
  let x = a & 0xff;
  let y = b & 0xff;
  let product = 0;
  for (let i = 0; i < 8; i++) {
    // -(bit) is 0 or all ones: a mask instead of an `if`.
    product ^= -(y & 1) & x;
    const carry = -((x >> 7) & 1) & 0x1b;
    x = ((x << 1) & 0xff) ^ carry;
    y >>= 1;
  }
  return product & 0xff;
}

/** a^2. */
export function square(a: number): number {
  return mul(a, a);
}

/**
 * Multiplicative inverse as a^254 (a^255 = 1 for a != 0). The exponent is a constant, so the sequence of operations
 * is the same for every input. inv(0) is 0 by this formula; callers must not divide by zero (x-coordinates are
 * distinct and public, so they never do).
 */
export function inv(a: number): number {
  // 254 = 0b11111110: square-and-multiply over a fixed bit pattern.
  const a2 = square(a); // a^2
  const a3 = mul(a2, a); // a^3
  const a6 = square(a3); // a^6
  const a12 = square(a6); // a^12
  const a15 = mul(a12, a3); // a^15
  const a30 = square(a15); // a^30
  const a60 = square(a30); // a^60
  const a63 = mul(a60, a3); // a^63
  const a126 = square(a63); // a^126
  const a127 = mul(a126, a); // a^127
  return square(a127); // a^254
}

/** a / b. b must be nonzero (it is always a public difference of distinct x-coordinates here). */
export function div(a: number, b: number): number {
  return mul(a, inv(b));
}

/** acc[i] ^= c * v[i] for every i: the inner step of Lagrange interpolation over byte vectors. */
export function addScaledInto(acc: Uint8Array, c: number, v: Uint8Array): void {
  if (acc.length !== v.length) throw new RangeError('addScaledInto: vectors differ in length');
  for (let i = 0; i < v.length; i++) acc[i] = acc[i]! ^ mul(c, v[i]!);
}
