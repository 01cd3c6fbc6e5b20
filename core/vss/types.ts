import type { Ciphersuite } from './ciphersuites';

/** One signer's share: its identifier and signing share, both scalars serialized as the suite does (RFC 9591). */
export interface VssShare {
  identifier: Uint8Array;
  signingShare: Uint8Array;
}

/** Everything a trusted dealer produces. All but `shares` is public. */
export interface VssDeal {
  ciphersuite: Ciphersuite;
  threshold: number;
  /** The group's public key; equal to `commitments[0]`. */
  groupPublicKey: Uint8Array;
  /** Feldman commitments G·a_j to the polynomial's coefficients, `threshold` of them (RFC 9591 Appendix C.2). */
  commitments: Uint8Array[];
  /** Shares for identifiers 1..N, in that order. Secret: zero them when handed out. */
  shares: VssShare[];
}
