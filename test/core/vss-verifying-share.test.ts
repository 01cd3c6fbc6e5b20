/**
 * The verifying share from the commitments alone (issue 16.3: confirmation names a FROST share without arithmetic on
 * its secret) equals G·signingShare, as verifyShare computes it, for every share of deals in all three suites.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { dealShares, verifyShare, verifyingShareFromCommitments } from '../../core/vss/index';
import { SUITES, seededRandom, throwsCode } from './vss-helpers';

describe('verifying share from the commitments', () => {
  for (const suite of SUITES) {
    it(`${suite}: equals verifyShare's G·share for every share, thresholds 2 to 4`, () => {
      for (const threshold of [2, 3, 4]) {
        const deal = dealShares({ ciphersuite: suite, threshold, shares: 5, random: seededRandom(threshold * 7) });
        for (const share of deal.shares) {
          const want = bytesToHex(verifyShare(suite, threshold, deal.commitments, share));
          assert.equal(bytesToHex(verifyingShareFromCommitments(suite, threshold, deal.commitments, share.identifier)), want);
        }
      }
    });
  }

  it('refuses a zero identifier and commitments of the wrong count', () => {
    const deal = dealShares({ ciphersuite: 'ed25519', threshold: 3, shares: 4, random: seededRandom(1) });
    throwsCode(() => verifyingShareFromCommitments('ed25519', 3, deal.commitments, new Uint8Array(32)), 'INVALID_ARGUMENT');
    throwsCode(() => verifyingShareFromCommitments('ed25519', 3, deal.commitments.slice(0, 2), deal.shares[0]!.identifier), 'INVALID_ARGUMENT');
  });
});
