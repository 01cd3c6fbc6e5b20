/** Envelopes for the HSM tests: a real 2-of-3 P-256 VSS deal wrapped in shard envelopes (core/envelope.ts). */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { hexToBytes } from '@noble/hashes/utils.js';
import { EnvelopeScheme, encodeVssPayload, newCeremonyId } from '../../core/envelope';
import type { Envelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import type { KeyshardErrorCode } from '../../core/errors';
import { dealShares, groupFingerprint } from '../../core/vss/index';
import type { VssDeal } from '../../core/vss/index';

export const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export interface Dealt {
  readonly deal: VssDeal;
  readonly ceremonyId: Uint8Array;
  readonly envelopes: Envelope[];
}

/** A fresh 2-of-3 (or t-of-n) P-256 deal and one envelope per custodian. */
export function dealEnvelopes(threshold = 2, count = 3, names: readonly string[] = ['Alice', 'Bob', 'Carol', 'Dan', 'Erin']): Dealt {
  const deal = dealShares({ ciphersuite: 'p256', threshold, shares: count, random });
  const ceremonyId = newCeremonyId(random);
  const fingerprint = hexToBytes(groupFingerprint('p256', deal.groupPublicKey).hex);
  const envelopes = deal.shares.map((share, i) => ({
    scheme: EnvelopeScheme.vssP256,
    ceremonyId,
    custodianIndex: i,
    custodianLabel: names[i] ?? `Custodian ${i}`,
    groupFingerprint: fingerprint,
    payload: encodeVssPayload(EnvelopeScheme.vssP256, {
      threshold,
      shareCount: count,
      identifier: share.identifier,
      signingShare: share.signingShare,
      commitments: deal.commitments,
    }),
  }));
  return { deal, ceremonyId, envelopes };
}

/** Awaits a promise that must reject with a KeyshardError of this code; returns the error. */
export async function rejectsCode(p: Promise<unknown>, code: KeyshardErrorCode): Promise<KeyshardError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/** The whole error as a person or a log would see it. */
export function errorText(e: KeyshardError): string {
  return `${e.message} ${JSON.stringify(e.details ?? {})} ${JSON.stringify(e)}`;
}
