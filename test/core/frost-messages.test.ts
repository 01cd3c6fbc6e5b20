// The FROST signing messages carried by QR (core/vss/sign-messages.ts): a whole round through encode -> UR framing ->
// assembler -> decode, with the signature checked by noble's plain verifiers; bad and hostile input only QR_FORMAT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { createQrAssembler, planQrFrames, planTexts } from '../../core/qr/index';
import { MAX_SCANNED_PAYLOAD_BYTES } from '../../core/qr/limits';
import { type SigningCiphersuite, type SignerKey, createSigningPackage, dealShares, frostAggregate, frostCommit, frostSignShare } from '../../core/vss/index';
import {
  MAX_SIGNING_MESSAGE_ENCODED_BYTES,
  type SigningMessage,
  decodeSigningMessage,
  encodeSigningMessage,
  packageForSigner,
  requestDigest,
  requestOfPackage,
} from '../../core/vss/sign-messages';
import { isKeyshardError } from '../../core/errors';
import { seededRandom, throwsCode } from './vss-helpers';

function viaQr(bytes: Uint8Array): Uint8Array {
  const a = createQrAssembler();
  for (const t of planTexts(planQrFrames(bytes))) a.receive(t);
  return a.result();
}

function keysOf(ciphersuite: SigningCiphersuite, seed: number): SignerKey[] {
  const deal = dealShares({ ciphersuite, threshold: 2, shares: 3, random: seededRandom(seed) });
  return deal.shares.map((share) => ({ ciphersuite, threshold: 2, commitments: deal.commitments, share }));
}

describe('FROST signing messages by QR', () => {
  for (const suite of ['ed25519', 'secp256k1'] as const) {
    it(`${suite}: commitment, request and signature share survive QR framing; the signature verifies with plain noble`, () => {
      const random = seededRandom(7);
      const [a, , c] = keysOf(suite, 1);
      const message = new TextEncoder().encode('keyshard');
      const na = frostCommit(a!, random);
      const nc = frostCommit(c!, random);
      const commitments = [na, nc].map((n) => decodeSigningMessage(viaQr(encodeSigningMessage({ type: 'commitment', ciphersuite: suite, groupPublicKey: a!.commitments[0]!, commitment: n.commitment }))));
      const pkg = createSigningPackage({ ciphersuite: suite, threshold: 2, commitments: a!.commitments, message, signers: commitments.map((m) => (m as Extract<SigningMessage, { type: 'commitment' }>).commitment) });
      const reqBytes = encodeSigningMessage(requestOfPackage(pkg));
      const scanned = viaQr(reqBytes);
      const request = decodeSigningMessage(scanned);
      assert.equal(request.type, 'request');
      const digest = requestDigest(scanned);
      const shares = ([[a!, na], [c!, nc]] as const).map(([k, n]) => {
        const s = frostSignShare(k, n, packageForSigner(request as Extract<SigningMessage, { type: 'request' }>, k));
        const m = decodeSigningMessage(viaQr(encodeSigningMessage({ type: 'signature-share', ciphersuite: suite, groupPublicKey: k.commitments[0]!, requestDigest: digest, signatureShare: s })));
        assert.equal(m.type, 'signature-share');
        assert.deepEqual((m as Extract<SigningMessage, { type: 'signature-share' }>).requestDigest, requestDigest(reqBytes));
        return (m as Extract<SigningMessage, { type: 'signature-share' }>).signatureShare;
      });
      const sig = frostAggregate(pkg, shares);
      const gk = a!.commitments[0]!;
      assert.equal(suite === 'ed25519' ? ed25519.verify(sig, message, gk) : schnorr.verify(sig, message, gk.slice(1)), true);
    });
  }

  it('a request for another key, or another threshold, is refused on the signer laptop', () => {
    const [a] = keysOf('ed25519', 2);
    const [b] = keysOf('ed25519', 3);
    const random = seededRandom(4);
    const pkg = createSigningPackage({ ciphersuite: 'ed25519', threshold: 2, commitments: b!.commitments, message: new Uint8Array([1]), signers: [frostCommit(b!, random).commitment, frostCommit(keysOf('ed25519', 3)[1]!, random).commitment] });
    throwsCode(() => packageForSigner(requestOfPackage(pkg), a!), 'FROST_COMMITMENT');
    throwsCode(() => packageForSigner({ ...requestOfPackage(pkg), threshold: 3 }, b!), 'FROST_COMMITMENT');
  });

  it('the largest request fits what a scan accepts', () => {
    assert.ok(MAX_SIGNING_MESSAGE_ENCODED_BYTES <= MAX_SCANNED_PAYLOAD_BYTES, `${MAX_SIGNING_MESSAGE_ENCODED_BYTES} > ${MAX_SCANNED_PAYLOAD_BYTES}`);
  });

  it('every truncation, extension and single-bit flip of a request gives a message or QR_FORMAT, nothing else', () => {
    const random = seededRandom(9);
    const keys = keysOf('secp256k1', 5);
    const pkg = createSigningPackage({ ciphersuite: 'secp256k1', threshold: 2, commitments: keys[0]!.commitments, message: new Uint8Array(40).fill(7), signers: keys.slice(0, 2).map((k) => frostCommit(k, random).commitment) });
    const good = encodeSigningMessage(requestOfPackage(pkg));
    const only = (bytes: Uint8Array) => {
      try {
        decodeSigningMessage(bytes);
      } catch (e) {
        assert.ok(isKeyshardError(e) && e.code === 'QR_FORMAT', String(e));
        assert.ok(!e.message.includes('07070707'));
      }
    };
    for (let n = 0; n < good.length; n++) throwsCode(() => decodeSigningMessage(good.slice(0, n)), 'QR_FORMAT');
    throwsCode(() => decodeSigningMessage(Uint8Array.from([...good, 0])), 'QR_FORMAT');
    for (let i = 0; i < good.length * 8; i += 3) {
      const bad = Uint8Array.from(good);
      bad[i >> 3]! ^= 1 << (i & 7);
      only(bad);
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 9000 }), (bytes) => only(bytes)), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => only(Uint8Array.from([0x4b, 0x53, 0x46, 0x52, 1, 2, 1, ...tail]))), { numRuns: 300 });
  });
});
