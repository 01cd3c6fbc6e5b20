/**
 * The lifecycle part of `keyshard demo --lifecycle`: a throwaway ed25519 verifiable deal is refreshed, one refreshed
 * share is "lost" and repaired by a quorum, and a quorum of refreshed shares (the repaired one among them) signs the
 * message "keyshard" by FROST, each signer in turn through commit / request / sign-share / aggregate. Everything it
 * returns is throwaway demo material, written to summary.json so that an outside checker can verify the signature,
 * recombine the new shares to the group key, and see that old and new shares do not mix.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/curves/utils.js';
import { KeyshardError } from '../../core/errors';
import type { RandomSource } from '../../core/random';
import {
  type SignerKey,
  type VssShare,
  createSigningPackage,
  dealShares,
  frostAggregate,
  frostCommit,
  frostSignShare,
  refreshShares,
  repairShare,
  verifySignature,
} from '../../core/vss/index';

export interface LifecycleSummary {
  readonly ciphersuite: 'ed25519';
  readonly groupPublicKey: string;
  readonly oldShares: { identifier: string; signingShare: string }[];
  readonly newShares: { identifier: string; signingShare: string }[];
  readonly repaired: { identifier: string; signingShare: string };
  readonly message: string;
  readonly signature: string;
}

/** What the demo tells the person watching, step by step. */
export interface LifecycleSteps {
  threshold: number;
  shares: number;
  lostIndex: number;
  helpers: number[];
  signers: number[];
}

export const LIFECYCLE_THRESHOLD = 3;
export const LIFECYCLE_SHARES = 5;
export const LIFECYCLE_MESSAGE = 'keyshard';

const json = (s: VssShare) => ({ identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) });

export function runLifecycleDemo(random: RandomSource, print: (line: string) => void = () => {}): LifecycleSummary {
  const ciphersuite = 'ed25519' as const;
  const t = LIFECYCLE_THRESHOLD;
  const deal = dealShares({ ciphersuite, threshold: t, shares: LIFECYCLE_SHARES, random });
  print(`Lifecycle: dealt a throwaway ${t}-of-${LIFECYCLE_SHARES} ed25519 verifiable key (group key ${bytesToHex(deal.groupPublicKey)}).`);
  const next = refreshShares({ ciphersuite, threshold: t, commitments: deal.commitments, shares: deal.shares, random });
  if (!equalBytes(next.groupPublicKey, deal.groupPublicKey)) throw new KeyshardError('INTERNAL', 'The refresh changed the group key. The demo stops here; please report this.');
  print('Lifecycle: refreshed all 5 shares (same group key, new commitments); the old shares no longer combine with the new ones.');
  // Custodian 2 loses their refreshed share; custodians 3, 4 and 5 rebuild it.
  const lost = next.shares[1]!;
  const repaired = repairShare({ ciphersuite, threshold: t, commitments: next.commitments, helpers: next.shares.slice(2, 2 + t), lostIdentifier: lost.identifier, random });
  if (!equalBytes(repaired.signingShare, lost.signingShare)) throw new KeyshardError('INTERNAL', 'The repaired share is not the lost one. The demo stops here; please report this.');
  print('Lifecycle: custodian 2 lost their new share; custodians 3, 4 and 5 repaired it without reassembling the key; it matches the commitments.');
  // Custodians 1, 2 (with the repaired share) and 4 sign, each as a separate signer.
  const keys: SignerKey[] = [next.shares[0]!, repaired, next.shares[3]!].map((share) => ({ ciphersuite, threshold: t, commitments: next.commitments, share }));
  const message = new TextEncoder().encode(LIFECYCLE_MESSAGE);
  const nonces = keys.map((k) => frostCommit(k, random));
  const pkg = createSigningPackage({ ciphersuite, threshold: t, commitments: next.commitments, message, signers: nonces.map((n) => n.commitment) });
  const sigShares = keys.map((k, i) => frostSignShare(k, nonces[i]!, pkg));
  const signature = frostAggregate(pkg, sigShares);
  if (!verifySignature(ciphersuite, signature, message, deal.groupPublicKey)) throw new KeyshardError('INTERNAL', 'The FROST signature does not verify. The demo stops here; please report this.');
  print(`Lifecycle: custodians 1, 2 and 4 signed "${LIFECYCLE_MESSAGE}" by FROST with their refreshed shares (the key never reassembled); the signature verifies as plain Ed25519.`);
  const summary: LifecycleSummary = {
    ciphersuite,
    groupPublicKey: bytesToHex(deal.groupPublicKey),
    oldShares: deal.shares.map(json),
    newShares: next.shares.map(json),
    repaired: json(repaired),
    message: bytesToHex(message),
    signature: bytesToHex(signature),
  };
  for (const s of [...deal.shares, ...next.shares, repaired]) s.signingShare.fill(0);
  return summary;
}
