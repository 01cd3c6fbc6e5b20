// RFC 9591 Appendix E vectors (../shared/rfc9591/, from ZcashFoundation/frost via paulmillr/noble-curves):
// dealing the published polynomial must give the published shares and group key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { p256_FROST } from '@noble/curves/nist.js';
import { secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { dealWithPolynomial } from '../../core/vss/deal';
import { combineShares, publicKeyOf, verifyShare } from '../../core/vss/index';
import type { VssShare } from '../../core/vss/index';
import { SUITES, loadVector, throwsCode } from './vss-helpers';

const FROST = { ed25519: ed25519_FROST, secp256k1: secp256k1_FROST, p256: p256_FROST } as const;

describe('vss: RFC 9591 vectors', () => {
  for (const suite of SUITES) {
    describe(suite, () => {
      const v = loadVector(suite);
      const threshold = Number(v.config.MIN_PARTICIPANTS);
      const max = Number(v.config.MAX_PARTICIPANTS);
      const coefficients = [v.inputs.group_secret_key, ...v.inputs.share_polynomial_coefficients].map((h) => hexToBytes(h));
      const vectorShares: VssShare[] = v.inputs.participant_shares.map((p) => ({
        identifier: hexToBytes(FROST[suite].Identifier.fromNumber(p.identifier)),
        signingShare: hexToBytes(p.participant_share),
      }));

      it('the vector is the 2-of-3 one we expect', () => {
        assert.equal(threshold, 2);
        assert.equal(max, 3);
        assert.equal(coefficients.length, threshold);
        assert.equal(vectorShares.length, 3);
      });

      const deal = dealWithPolynomial(suite, coefficients, max);

      it('dealing group_secret_key with share_polynomial_coefficients reproduces participant_shares', () => {
        assert.equal(deal.shares.length, v.inputs.participant_shares.length);
        v.inputs.participant_shares.forEach((p, i) => {
          const s = deal.shares[i]!;
          assert.equal(bytesToHex(s.signingShare), p.participant_share, `share ${p.identifier}`);
          assert.equal(bytesToHex(s.identifier), FROST[suite].Identifier.fromNumber(p.identifier));
        });
      });

      it('and the group public key verifying_key_key (= commitments[0] = publicKeyOf(secret))', () => {
        assert.equal(bytesToHex(deal.groupPublicKey), v.inputs.verifying_key_key);
        assert.equal(bytesToHex(deal.commitments[0]!), v.inputs.verifying_key_key);
        assert.equal(bytesToHex(publicKeyOf(suite, hexToBytes(v.inputs.group_secret_key))), v.inputs.verifying_key_key);
      });

      it('each vector share verifies against the commitments', () => {
        for (const s of vectorShares) assert.equal(verifyShare(suite, threshold, deal.commitments, s).length, deal.groupPublicKey.length);
      });

      it('a vector share with one bit flipped does not', () => {
        for (const s of vectorShares) {
          const bad = { identifier: s.identifier, signingShare: Uint8Array.from(s.signingShare) };
          bad.signingShare[suite === 'ed25519' ? 0 : 31]! ^= 0x01;
          throwsCode(() => verifyShare(suite, threshold, deal.commitments, bad), 'VSS_SHARE_INVALID');
        }
      });

      it('any 2 vector shares combine to group_secret_key, with and without commitments', () => {
        for (const [a, b] of [[0, 1], [0, 2], [1, 2], [2, 0]] as const) {
          for (const commitments of [deal.commitments, undefined]) {
            const r = combineShares({ ciphersuite: suite, threshold, shares: [vectorShares[a]!, vectorShares[b]!], commitments });
            assert.equal(bytesToHex(r.secret), v.inputs.group_secret_key, `shares ${a + 1},${b + 1}`);
            assert.equal(bytesToHex(r.groupPublicKey), v.inputs.verifying_key_key);
          }
        }
        const all = combineShares({ ciphersuite: suite, threshold, shares: vectorShares });
        assert.equal(bytesToHex(all.secret), v.inputs.group_secret_key);
      });

      it('final_output.sig verifies under the group key with noble, and not under another message', () => {
        const sig = hexToBytes(v.final_output.sig);
        const msg = hexToBytes(v.inputs.message);
        assert.equal(FROST[suite].verify(sig, msg, deal.groupPublicKey), true);
        assert.equal(FROST[suite].verify(sig, new Uint8Array([...msg, 0]), deal.groupPublicKey), false);
        // FROST(Ed25519, SHA-512) signatures are plain RFC 8032 signatures.
        if (suite === 'ed25519') assert.equal(ed25519.verify(sig, msg, deal.groupPublicKey), true);
      });
    });
  }
});
