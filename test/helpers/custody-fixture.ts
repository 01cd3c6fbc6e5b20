/** A finished ceremony made by hand for custody tests: its verified transcript and each custodian's shard envelope. */
import assert from 'node:assert/strict';
import { bytesToHex } from '@noble/hashes/utils.js';
import { shardFingerprint } from '../../core/custody/index';
import { decodeEnvelope, encodeEnvelope } from '../../core/envelope';
import { EnvelopeScheme, encodeSlip39Payload, encodeVssPayload, vssScheme } from '../../core/envelope-payload';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { decodeShare, splitMasterSecret } from '../../core/slip39/index';
import { appendEntry, createTranscript, verifyTranscript, type Transcript, type VerifyOk } from '../../core/transcript';
import { dealShares, groupFingerprint, type Ciphersuite } from '../../core/vss/index';
import { nodePbkdf2, seededRandom } from '../core/slip39-helpers';

export const CUSTODIANS = ['alice', 'bob', 'carol'];
const clock = (() => {
  let t = Date.parse('2026-01-01T10:00:00.000Z');
  return () => new Date((t += 1000));
})();

export interface CustodyCeremony {
  readonly ceremonyId: string;
  /** One envelope per custodian (binary), in plan order. */
  readonly shards: Uint8Array[];
  readonly transcript: VerifyOk;
  /** The same transcript as written (serializeTranscript it for a file). */
  readonly file: Transcript;
  /** The key fingerprint the split recorded. */
  readonly fingerprint: string;
}

function wrap(scheme: EnvelopeScheme, ceremonyId: Uint8Array, index: number, fingerprint: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeEnvelope({ scheme, ceremonyId, custodianIndex: index, custodianLabel: CUSTODIANS[index]!, groupFingerprint: fingerprint, payload });
}

/** A finished ceremony's transcript (no witnesses: the seal needs no sign-off) and the custodians' shards. */
export function custodyCeremony(kind: 'slip39' | Ciphersuite, seed: number, o: { fingerprints?: boolean; seal?: boolean; iterationExponent?: number } = {}): CustodyCeremony {
  const random = seededRandom(seed);
  const id = random(16);
  const ceremonyId = bytesToHex(id);
  let payloads: Uint8Array[];
  let scheme: EnvelopeScheme;
  let fingerprint: string;
  let split: Record<string, unknown>;
  let refs: Record<string, unknown>[];
  if (kind === 'slip39') {
    const secret = random(16);
    const groups = splitMasterSecret(secret, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], random, iterationExponent: o.iterationExponent ?? 0, pbkdf2: nodePbkdf2 });
    fingerprint = fingerprintOf(seedIdentity(secret)).hex;
    payloads = groups[0]!.map((m) => encodeSlip39Payload(m));
    scheme = EnvelopeScheme.slip39;
    split = { scheme: 'slip39', fingerprint, shareCount: 3, identifier: decodeShare(groups[0]![0]!).identifier };
    refs = [0, 1, 2].map((member) => ({ group: 0, member }));
  } else {
    const deal = dealShares({ ciphersuite: kind, threshold: 2, shares: 3, random });
    fingerprint = groupFingerprint(kind, deal.groupPublicKey).hex;
    scheme = vssScheme(kind);
    payloads = deal.shares.map((s) => encodeVssPayload(scheme, { threshold: 2, shareCount: 3, identifier: s.identifier, signingShare: s.signingShare, commitments: deal.commitments }));
    split = { scheme: 'vss', fingerprint, shareCount: 3, commitments: deal.commitments.map((c) => bytesToHex(c)) };
    refs = [1, 2, 3].map((signer) => ({ signer }));
  }
  const shards = payloads.map((p, i) => wrap(scheme, id, i, Uint8Array.from(Buffer.from(fingerprint, 'hex')), p));
  let t = createTranscript(ceremonyId, clock);
  t = appendEntry(t, 'plan', { custodianIds: CUSTODIANS, witnessIds: [], scheme: kind === 'slip39' ? 'slip39' : 'vss' });
  t = appendEntry(t, 'split', split);
  CUSTODIANS.forEach((custodianId, i) => {
    const prints = o.fingerprints === false ? {} : { shardFingerprints: [shardFingerprint(decodeEnvelope(shards[i]!))] };
    t = appendEntry(t, 'handoff', { custodianId, medium: 'paper', protection: 'none', shares: [refs[i]!], ...prints });
  });
  if (o.seal !== false) t = appendEntry(t, 'seal', {});
  const v = verifyTranscript(t);
  assert.ok(v.ok);
  return { ceremonyId, shards, transcript: v as VerifyOk, file: t, fingerprint };
}

