/** A sealed key ceremony of verifiable shares, written by hand for refresh and repair tests, and its deal. */
import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { envelopeFromText, envelopeToText } from '../../core/envelope';
import { decodeVssPayload, encodeVssPayload, vssScheme } from '../../core/envelope-payload';
import { appendEntry, createTranscript, serializeTranscript, verifyTranscript, type VerifyOk } from '../../core/transcript';
import type { JsonValue } from '../../core/canonical-json';
import { dealShares, groupFingerprint, type Ciphersuite, type VssDeal, type VssShare } from '../../core/vss/index';

export const nodeRandom = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));

export function tickingClock(start = '2026-06-01T10:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

export interface KeyCeremonyFixture {
  readonly deal: VssDeal;
  readonly verified: VerifyOk;
  readonly text: string;
}

/** What a test may change in the fixture's plan and handoffs (bags, who holds which signer). */
export interface KeyCeremonyOptions {
  /** The plan's custodian ids in plan order (default c1..cN). */
  readonly custodianIds?: readonly string[];
  /** More data on a custodian's handoff entry, e.g. `shares: [{ signer: 2 }]` and a `bagSerial`. */
  readonly handoff?: (custodianId: string) => Record<string, JsonValue>;
  /** Record the deal's own group fingerprint at generate and split (default a placeholder), so a recovery checks against it. */
  readonly realFingerprint?: boolean;
}

/** A 3-of-5 (by default) key ceremony without witnesses: sealed, its split recording the deal's commitments. */
export function vssKeyCeremony(ciphersuite: Ciphersuite = 'ed25519', threshold = 3, shares = 5, ceremonyId = 'key-ceremony-fixture', options: KeyCeremonyOptions = {}): KeyCeremonyFixture {
  const deal = dealShares({ ciphersuite, threshold, shares, random: nodeRandom });
  const ids = options.custodianIds ?? Array.from({ length: shares }, (_, i) => `c${i + 1}`);
  const fingerprint = options.realFingerprint === true ? groupFingerprint(ciphersuite, deal.groupPublicKey).hex : 'ab'.repeat(32);
  let t = createTranscript(ceremonyId, tickingClock());
  t = appendEntry(t, 'plan', { label: 'Signing key', scheme: 'vss', custodianIds: ids, witnessIds: [], signOffs: {} });
  t = appendEntry(t, 'airgap-check', { passed: true, interfacesUp: [] });
  t = appendEntry(t, 'entropy', { sources: ['os-csprng'] });
  t = appendEntry(t, 'generate', { fingerprint });
  t = appendEntry(t, 'split', { scheme: 'vss', fingerprint, shareCount: shares, commitments: deal.commitments.map((c) => bytesToHex(c)) });
  for (const id of ids) {
    t = appendEntry(t, 'handoff', { custodianId: id, medium: 'paper', ...(options.handoff?.(id) ?? {}) });
    t = appendEntry(t, 'confirm', { custodianId: id, method: 'type-back' });
  }
  t = appendEntry(t, 'test-recovery', { custodianIds: ids.slice(0, threshold), fingerprintMatch: true });
  t = appendEntry(t, 'destroy', { items: ['secret'] });
  t = appendEntry(t, 'seal', {});
  const verified = verifyTranscript(t);
  if (!verified.ok) throw new Error(verified.reason);
  return { deal, verified, text: serializeTranscript(t) };
}

/** A share as the shard text a custodian types back (KS1...), in an envelope of the given ceremony. */
export function shardText(deal: VssDeal, index: number, ceremonyId: Uint8Array = new Uint8Array(16).fill(1), custodianIndex = index): string {
  const share = deal.shares[index]!;
  const scheme = vssScheme(deal.ciphersuite);
  const payload = encodeVssPayload(scheme, { threshold: deal.threshold, shareCount: deal.shares.length, identifier: share.identifier, signingShare: share.signingShare, commitments: deal.commitments });
  const fingerprint = hexToBytes(groupFingerprint(deal.ciphersuite, deal.groupPublicKey).hex);
  return envelopeToText({ scheme, ceremonyId, custodianIndex, custodianLabel: `c${index + 1}`, groupFingerprint: fingerprint, payload });
}

/** The share an envelope text holds. */
export function shareOfText(text: string): VssShare {
  const e = envelopeFromText(text);
  const p = decodeVssPayload(e.scheme, e.payload);
  return { identifier: Uint8Array.from(p.identifier), signingShare: Uint8Array.from(p.signingShare) };
}
