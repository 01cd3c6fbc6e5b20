/**
 * Shared by the recovery tests (not a test file itself): SLIP-39 backups and FROST deals wrapped in shard envelopes the
 * way a ceremony wraps them (ceremony id, custodian label, the group fingerprint), made straight from core so each
 * test is fast and knows the secret it should get back.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeEnvelope, encodeEnvelope, encodeSlip39Payload, encodeVssPayload, envelopeToText, EnvelopeScheme, vssScheme, wipeEnvelope } from '../../core/envelope';
import { bip39Identity } from '../../core/bip39';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { planQrFrames, planTexts } from '../../core/qr/index';
import { splitMasterSecret } from '../../core/slip39/index';
import { combineShares, dealShares, groupFingerprint } from '../../core/vss/index';
import { nodePbkdf2 } from './ceremony-harness';

export { nodePbkdf2 };

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export interface Slip39Backup {
  readonly secretHex: string;
  readonly fingerprint: string;
  readonly ceremonyId: string;
  /** mnemonics[group][member] */
  readonly mnemonics: string[][];
  /** envelope texts (KS1...), same layout */
  readonly texts: string[][];
  /** envelope binaries, same layout (for QR) */
  readonly binaries: Uint8Array[][];
}

/** A SLIP-39 backup of a fresh 32-byte seed in envelopes of one ceremony (iteration exponent 0 unless given). */
export function slip39Backup(
  groupThreshold: number,
  groups: { threshold: number; count: number }[],
  seed: Uint8Array = random(32),
  options: { readonly iterationExponent?: number; readonly bip39Wallet?: boolean } = {},
): Slip39Backup {
  const secretHex = bytesToHex(seed);
  // A BIP-39 wallet split by its entropy carries the wallet's fingerprint, as the app's import records it.
  const fingerprint = options.bip39Wallet === true ? bip39Identity(seed).fingerprint : fingerprintOf(seedIdentity(seed)).hex;
  const ceremonyId = random(16);
  const mnemonics = splitMasterSecret(Uint8Array.from(seed), { groupThreshold, groups, random, pbkdf2: nodePbkdf2, iterationExponent: options.iterationExponent ?? 0 });
  let custodian = 0;
  const binaries = mnemonics.map((g, gi) =>
    g.map((m, mi) =>
      encodeEnvelope({
        scheme: EnvelopeScheme.slip39,
        ceremonyId,
        custodianIndex: custodian++,
        custodianLabel: `Custodian ${gi + 1}-${mi + 1}`,
        groupFingerprint: Uint8Array.from(Buffer.from(fingerprint, 'hex')),
        payload: encodeSlip39Payload(m),
      }),
    ),
  );
  const texts = binaries.map((g) => g.map(textOf));
  return { secretHex, fingerprint, ceremonyId: bytesToHex(ceremonyId), mnemonics, texts, binaries };
}

function textOf(binary: Uint8Array): string {
  const env = decodeEnvelope(binary);
  try {
    return envelopeToText(env);
  } finally {
    wipeEnvelope(env);
  }
}

export interface VssBackup {
  readonly secretHex: string;
  readonly fingerprint: string;
  readonly ceremonyId: string;
  readonly commitments: string[];
  readonly texts: string[];
  readonly binaries: Uint8Array[];
  readonly signingShares: string[];
}

/** A FROST ed25519 t-of-n deal in envelopes of one ceremony. */
export function vssBackup(threshold: number, shares: number): VssBackup {
  const deal = dealShares({ ciphersuite: 'ed25519', threshold, shares, random });
  const fingerprint = groupFingerprint('ed25519', deal.groupPublicKey).hex;
  const ceremonyId = random(16);
  const binaries = deal.shares.map((s, i) =>
    encodeEnvelope({
      scheme: vssScheme('ed25519'),
      ceremonyId,
      custodianIndex: i,
      custodianLabel: `Signer ${i + 1}`,
      groupFingerprint: Uint8Array.from(Buffer.from(fingerprint, 'hex')),
      payload: encodeVssPayload(vssScheme('ed25519'), { threshold, shareCount: shares, identifier: s.identifier, signingShare: s.signingShare, commitments: deal.commitments }),
    }),
  );
  // The group secret is the polynomial at 0: recovered here from a quorum so the test knows what to expect.
  const { secret } = combineShares({ ciphersuite: 'ed25519', threshold, shares: deal.shares.slice(0, threshold), commitments: deal.commitments });
  return {
    secretHex: bytesToHex(secret),
    fingerprint,
    ceremonyId: bytesToHex(ceremonyId),
    commitments: deal.commitments.map((c) => bytesToHex(c)),
    texts: binaries.map(textOf),
    binaries,
    signingShares: deal.shares.map((s) => bytesToHex(s.signingShare)),
  };
}

/** The QR texts of an envelope, forced into an animated (multi-part) code. */
export function animatedParts(binary: Uint8Array): string[] {
  const plan = planQrFrames(binary, { maxSingleVersion: 1, fragmentLength: 40 });
  if (plan.kind !== 'animated') throw new Error('expected an animated plan');
  return planTexts(plan);
}

/** The single QR text of an envelope. */
export function singleQr(binary: Uint8Array): string {
  const plan = planQrFrames(binary);
  if (plan.kind !== 'single') throw new Error('expected a single code');
  return plan.text;
}
