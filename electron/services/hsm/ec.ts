/** EC encodings at the PKCS#11 boundary: named-curve parameters and the DER-wrapped CKA_EC_POINT. */
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { KeyshardError } from '../../../core/errors';

export type TokenCurve = 'p256' | 'secp256k1';

/** CKA_EC_PARAMS: the DER OID of each named curve. */
export const EC_PARAMS: Record<TokenCurve, Uint8Array> = {
  // 1.2.840.10045.3.1.7 (prime256v1 / secp256r1)
  p256: Uint8Array.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]),
  // 1.3.132.0.10
  secp256k1: Uint8Array.from([0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]),
};

export function curveOfParams(params: Uint8Array | undefined | null): TokenCurve | undefined {
  if (params == null) return undefined;
  for (const [name, der] of Object.entries(EC_PARAMS) as [TokenCurve, Uint8Array][]) {
    if (der.length === params.length && der.every((b, i) => params[i] === b)) return name;
  }
  return undefined;
}

export function curveImpl(curve: TokenCurve): typeof p256 | typeof secp256k1 {
  return curve === 'p256' ? p256 : secp256k1;
}

/**
 * The 65-byte uncompressed point from CKA_EC_POINT. PKCS#11 says it is a DER OCTET STRING (04 41 04 X Y); some
 * modules return the raw point. Either is accepted, and the point must lie on the curve.
 */
export function pointFromEcPoint(value: Uint8Array, curve: TokenCurve): Uint8Array {
  let raw = value;
  if (value.length === 67 && value[0] === 0x04 && value[1] === 0x41) raw = value.subarray(2);
  try {
    return curveImpl(curve).Point.fromBytes(raw).toBytes(false);
  } catch {
    throw new KeyshardError('HSM_MODULE', 'The token returned a public key that is not a valid EC point. Use another token, or report this module.');
  }
}

/** CKA_EC_POINT for a public key object: DER OCTET STRING around the uncompressed point. */
export function ecPointAttribute(point65: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + point65.length);
  out[0] = 0x04;
  out[1] = point65.length;
  out.set(point65, 2);
  return out;
}
