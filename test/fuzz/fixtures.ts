/**
 * Shared by the fuzz files (not a test file itself): valid inputs of every kind, made once from fixed seeds, that the
 * fuzzers damage. The secret each set recovers is kept so a property can tell "the right secret" from "a wrong one".
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodeEnvelope, encodeSlip39Payload, encodeVssPayload, envelopeToText, vssScheme, EnvelopeScheme, type Envelope } from '../../core/envelope';
import { splitMasterSecret } from '../../core/slip39/index';
import { sha256 } from '@noble/hashes/sha2.js';
import { dealShares, type Ciphersuite, type VssDeal } from '../../core/vss/index';
import { nodePbkdf2, seededRandom } from '../core/slip39-helpers';

export const CEREMONY_ID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** SLIP-39: one group 2-of-3 plus, for the two-level case, a 2-of-2 group threshold over 2-of-3 and 1-of-1. */
export const SLIP39_SECRET = seededRandom(1601)(16);
export const SLIP39_SIMPLE: string[] = splitMasterSecret(SLIP39_SECRET, {
  groupThreshold: 1,
  groups: [{ threshold: 2, count: 3 }],
  iterationExponent: 0,
  random: seededRandom(1602),
  pbkdf2: nodePbkdf2,
})[0]!;
export const SLIP39_TWO_LEVEL: string[][] = splitMasterSecret(SLIP39_SECRET, {
  groupThreshold: 2,
  groups: [
    { threshold: 2, count: 3 },
    { threshold: 1, count: 1 },
  ],
  iterationExponent: 0,
  random: seededRandom(1603),
  pbkdf2: nodePbkdf2,
});
export const SLIP39_SECRET_HEX = bytesToHex(SLIP39_SECRET);

export interface VssSet {
  readonly ciphersuite: Ciphersuite;
  readonly deal: VssDeal;
  readonly secretHex: string;
}

function vssSet(ciphersuite: Ciphersuite, seed: number): VssSet {
  // A scalar below every suite's group order: the most significant byte zeroed (ed25519 is little-endian).
  const secret = seededRandom(seed)(32);
  secret[ciphersuite === 'ed25519' ? 31 : 0] = 0;
  const deal = dealShares({ ciphersuite, threshold: 2, shares: 3, secret, random: seededRandom(seed + 1) });
  return { ciphersuite, deal, secretHex: bytesToHex(secret) };
}

export const VSS_SETS: readonly VssSet[] = [vssSet('ed25519', 1611), vssSet('secp256k1', 1612), vssSet('p256', 1613)];

/** A SLIP-39 envelope around one of SLIP39_SIMPLE's mnemonics. */
export function slip39Envelope(index: number): Envelope {
  return {
    scheme: EnvelopeScheme.slip39,
    ceremonyId: CEREMONY_ID.slice(),
    custodianIndex: index,
    custodianLabel: `Custodian ${index + 1} - Zürich`,
    groupFingerprint: new Uint8Array(32).fill(7),
    payload: encodeSlip39Payload(SLIP39_SIMPLE[index]!),
  };
}

/** A VSS envelope around share `index` of `set`. */
export function vssEnvelope(set: VssSet, index: number): Envelope {
  const share = set.deal.shares[index]!;
  return {
    scheme: vssScheme(set.ciphersuite),
    ceremonyId: CEREMONY_ID.slice(),
    custodianIndex: index,
    custodianLabel: `Signer ${index + 1}`,
    groupFingerprint: sha256(set.deal.groupPublicKey),
    payload: encodeVssPayload(vssScheme(set.ciphersuite), {
      threshold: set.deal.threshold,
      shareCount: set.deal.shares.length,
      identifier: share.identifier,
      signingShare: share.signingShare,
      commitments: set.deal.commitments,
    }),
  };
}

/** Every valid envelope the fuzzers start from, as bytes and as text. */
export const VALID_ENVELOPES: readonly Envelope[] = [
  slip39Envelope(0),
  slip39Envelope(1),
  ...VSS_SETS.flatMap((s) => [vssEnvelope(s, 0), vssEnvelope(s, 2)]),
];
export const VALID_ENVELOPE_BYTES: readonly Uint8Array[] = VALID_ENVELOPES.map(encodeEnvelope);
export const VALID_ENVELOPE_TEXTS: readonly string[] = VALID_ENVELOPES.map((e) => envelopeToText(e));
