// The signing and custody-check ceremony kinds' transcripts (core/signing, core/custody/transcript): a round made
// from a key ceremony's shards is recorded, verifies, is sealed, and its signature checks with plain noble verifiers;
// no nonce or share is in it; a re-chained forgery or a changed byte fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { checkKindContent } from '../../core/kind-content';
import { checkCustody, custodyReceipt } from '../../core/custody/index';
import { checkCustodyTranscript, custodyCheckTranscript } from '../../core/custody/transcript';
import { decodeEnvelope } from '../../core/envelope';
import { checkSigningTranscript, citeKeyCeremony, signerKeyOfEnvelope, signingTranscript } from '../../core/signing/index';
import { appendEntry, createTranscript, serializeTranscript, softwareEd25519Signer, verifyTranscriptText, type VerifyOk } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { createSigningPackage, frostAggregate, frostCommit, frostSignShare } from '../../core/vss/index';
import { requestDigest, requestOfPackage, encodeSigningMessage } from '../../core/vss/sign-messages';
import { custodyCeremony } from '../helpers/custody-fixture';
import { seededRandom, throwsCode } from './vss-helpers';

const clock = () => new Date('2026-12-07T12:00:00.000Z');
const witness = () => softwareEd25519Signer('wendy', seededRandom(99)(32));

async function signedRound(suite: 'ed25519' | 'secp256k1', seed: number) {
  const kc = custodyCeremony(suite, seed);
  const [a, , c] = kc.shards.map((s) => signerKeyOfEnvelope(decodeEnvelope(s)));
  const random = seededRandom(seed + 1);
  const message = new TextEncoder().encode('keyshard');
  const na = frostCommit(a!.key, random);
  const nc = frostCommit(c!.key, random);
  const pkg = createSigningPackage({ ciphersuite: suite, threshold: 2, commitments: a!.key.commitments, message, signers: [na.commitment, nc.commitment] });
  const digest = requestDigest(encodeSigningMessage(requestOfPackage(pkg)));
  const shares = [frostSignShare(a!.key, na, pkg), frostSignShare(c!.key, nc, pkg)];
  const signature = frostAggregate(pkg, shares);
  const keyCeremony = citeKeyCeremony(kc.transcript, a!.key.commitments[0]);
  const w = witness();
  const t = await signingTranscript({
    ceremonyId: `${kc.ceremonyId}-sign-1`,
    clock,
    plan: { label: 'Sign keyshard', keyCeremony, ciphersuite: suite, threshold: 2, message, witnessIds: ['wendy'], witnessKeys: [{ id: 'wendy', algorithm: 'ed25519', publicKey: bytesToHex(w.publicKey) }] },
    commitments: [{ commitment: na.commitment, custodianId: 'alice' }, { commitment: nc.commitment, custodianId: 'carol' }],
    pkg,
    requestDigest: digest,
    signature,
    witness: w,
  });
  return { kc, text: serializeTranscript(t), signature, message, secrets: [a!.key.share.signingShare, c!.key.share.signingShare, ...shares.map((s) => s.share)], groupKey: a!.key.commitments[0]! };
}

describe('signing ceremony transcript', () => {
  for (const suite of ['ed25519', 'secp256k1'] as const) {
    it(`${suite}: verifies, is sealed, cites the key ceremony, and its signature checks with plain noble`, async () => {
      const r = await signedRound(suite, suite === 'ed25519' ? 10 : 20);
      const v = verifyTranscriptText(r.text);
      assert.ok(v.ok, v.ok ? '' : v.reason);
      assert.equal(transcriptEnd(v).status, 'sealed');
      const s = checkSigningTranscript(v)!;
      assert.equal(s.keyCeremony.finalHash, r.kc.transcript.headHash);
      assert.equal(s.groupPublicKey, bytesToHex(r.groupKey));
      assert.equal(s.signers.length, 2);
      const sig = hexToBytes(s.signature);
      const msg = hexToBytes(s.message);
      assert.equal(suite === 'ed25519' ? ed25519.verify(sig, msg, r.groupKey) : schnorr.verify(sig, msg, r.groupKey.slice(1)), true);
      for (const secret of r.secrets) assert.ok(!r.text.includes(bytesToHex(secret)), 'a share is in the transcript');
      assert.ok(!/nonce/i.test(r.text));
    });
  }

  it('a changed byte fails the chain; a re-chained transcript with another signature fails the kind check', async () => {
    const r = await signedRound('ed25519', 30);
    const sigHex = bytesToHex(r.signature);
    const changed = r.text.replace(sigHex, sigHex.slice(0, -2) + (sigHex.endsWith('00') ? '01' : '00'));
    const broken = verifyTranscriptText(changed);
    assert.equal(broken.ok, false);
    // A forger rebuilds the chain (no witness) around a wrong signature: the chain holds, the kind check does not.
    const v = verifyTranscriptText(r.text) as VerifyOk;
    let t = createTranscript(v.ceremonyId, clock);
    for (const e of v.entries) {
      if (e.kind === 'signoff') continue;
      const data = e.kind === 'plan' ? { ...(e.data as object), witnessIds: [], signOffs: {}, witnessKeys: undefined } : e.kind === 'signature' ? { ...(e.data as object), signature: bytesToHex(new Uint8Array(64).fill(1)) } : e.data;
      t = appendEntry(t, e.kind, JSON.parse(JSON.stringify(data)));
    }
    const forged = verifyTranscriptText(serializeTranscript(t));
    assert.ok(forged.ok);
    throwsCode(() => checkSigningTranscript(forged as VerifyOk), 'FROST_SIGNATURE');
    // transcript verify's per-kind content check names the signature entry.
    const content = checkKindContent('signing', forged as VerifyOk);
    assert.equal(content.ok, false);
    assert.equal(content.ok ? 0 : (forged as VerifyOk).entries[content.firstBadSeq - 1]!.kind, 'signature');
    assert.equal(checkKindContent('signing', verifyTranscriptText(r.text) as VerifyOk).ok, true);
  });

  it('refuses to cite a key ceremony of another key, or of SLIP-39 shards', () => {
    const kc = custodyCeremony('ed25519', 40);
    throwsCode(() => citeKeyCeremony(kc.transcript, new Uint8Array(32).fill(9)), 'FROST_COMMITMENT');
    throwsCode(() => citeKeyCeremony(custodyCeremony('slip39', 41).transcript), 'TRANSCRIPT_FORMAT');
    throwsCode(() => signerKeyOfEnvelope(decodeEnvelope(custodyCeremony('slip39', 42).shards[0]!)), 'VSS_CIPHERSUITE');
  });
});

describe('custody-check ceremony transcript', () => {
  it("records one custodian's check citing the key ceremony; the witness's receipt holds; sealed; tampering fails", async () => {
    const kc = custodyCeremony('ed25519', 50);
    const receipt = custodyReceipt(checkCustody(kc.transcript, decodeEnvelope(kc.shards[1]!), { finalHash: kc.transcript.headHash }), clock());
    const { transcript, signed } = await custodyCheckTranscript({ ceremonyId: `${kc.ceremonyId}-custody-bob`, clock, label: 'Custody check: bob', receipt, witness: witness() });
    assert.ok(signed);
    const text = serializeTranscript(transcript);
    const v = verifyTranscriptText(text);
    assert.ok(v.ok);
    assert.equal(transcriptEnd(v).status, 'sealed');
    const s = checkCustodyTranscript(v)!;
    assert.deepEqual([s.custodianId, s.result, s.receiptSignedBy, s.keyCeremony.finalHash], ['bob', 'verified', 'wendy', kc.transcript.headHash]);
    assert.equal(verifyTranscriptText(text.replace('"verified"', '"unverifiedx"')).ok, false);
  });
});
