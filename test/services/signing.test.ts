// The signing services (electron/services/signing) and the custody check (electron/services/custody), as main runs
// them: a coordinator and two signers exchange only QR texts; the signature verifies with plain noble; a replayed
// commitment and a second signature with the same nonces are refused; the transcripts verify, a changed one fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { checkCustodyTranscript } from '../../core/custody/transcript';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { checkSigningTranscript } from '../../core/signing/index';
import { serializeTranscript, softwareEd25519Signer, verifyTranscriptText, type VerifyOk } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { planQrFrames, planTexts } from '../../core/qr/index';
import { spokenText } from '../../core/read-aloud';
import { runCustodyCheck } from '../../electron/services/custody/index';
import { createDrillSession } from '../../electron/services/custody/drill';
import { createSignerSession, createSigningCoordinator } from '../../electron/services/signing/index';
import { custodyCeremony } from '../helpers/custody-fixture';
import { throwsCode } from '../core/vss-helpers';

const clock = () => new Date('2026-12-07T14:00:00.000Z');
const random = (n: number) => new Uint8Array(randomBytes(n));
const message = new TextEncoder().encode('keyshard');

function keyCeremony(suite: 'ed25519' | 'secp256k1', seed: number) {
  const kc = custodyCeremony(suite, seed);
  return { kc, text: serializeTranscript(kc.file), shards: kc.shards.map((b) => envelopeToText(decodeEnvelope(b))) };
}

async function rejects(p: Promise<unknown> | (() => unknown), code: string) {
  await assert.rejects(async () => (typeof p === 'function' ? p() : p), (e: { code?: string }) => e.code === code);
}

describe('signing service: coordinator and two signers by QR texts', () => {
  for (const suite of ['ed25519', 'secp256k1'] as const) {
    it(`${suite}: witnessed round, plain verify, nonce reuse and replays refused, transcript verifies`, async () => {
      const { kc, text, shards } = keyCeremony(suite, suite === 'ed25519' ? 71 : 72);
      const wendy = softwareEd25519Signer('wendy', random(32));
      const coordinator = createSigningCoordinator({ clock });
      coordinator.start({ transcriptText: text, finalHash: kc.transcript.headHash, message, label: 'Sign keyshard', witnesses: [{ id: 'wendy', algorithm: 'ed25519', publicKey: bytesToHex(wendy.publicKey) }] });
      // The message is a checkpoint: nothing moves on before the witness signs it off.
      assert.equal(coordinator.status()!.pendingSignOff, 'plan');
      const alice = createSignerSession({ random });
      const carol = createSignerSession({ random });
      alice.loadShard({ text: shards[0]! });
      // Carol's shard scanned from its QR code (UR parts), as a camera gives it.
      carol.loadShard({ urParts: planTexts(planQrFrames(kc.shards[2]!)) });
      const ca = alice.commit().commitmentQr!;
      const cc = carol.commit().commitmentQr!;
      throwsCode(() => coordinator.addCommitment(ca), 'CEREMONY_TRANSITION');
      await coordinator.signOff(wendy);
      coordinator.addCommitment(ca);
      throwsCode(() => coordinator.addCommitment(ca), 'DUPLICATE_SHARE');
      throwsCode(() => coordinator.addCommitment(['UR:BYTES/NOTACODE']), 'QR_FORMAT');
      coordinator.addCommitment(cc);
      const requestQr = coordinator.makeRequest().requestQr!;
      // A signer reads the message and its hash before signing.
      assert.equal(alice.readRequest([...requestQr]).request!.messageText, 'keyshard');
      assert.equal(carol.readRequest([...requestQr]).request!.messageHash, coordinator.status()!.messageHash);
      const sa = alice.sign().shareQr!;
      // A second round with the same nonce state is refused.
      throwsCode(() => alice.sign(), 'FROST_NONCE_USED');
      alice.readRequest([...requestQr]);
      throwsCode(() => alice.sign(), 'FROST_NONCE_USED');
      const sc = carol.sign().shareQr!;
      throwsCode(() => coordinator.addShare(ca), 'QR_MISMATCH');
      coordinator.addShare(sa);
      throwsCode(() => coordinator.addShare(sa), 'DUPLICATE_SHARE');
      coordinator.addShare(sc);
      const st = coordinator.aggregate();
      const sig = hexToBytes(st.signature!);
      const key = hexToBytes(st.verifyingKey!);
      assert.equal(suite === 'ed25519' ? ed25519.verify(sig, message, key) : schnorr.verify(sig, message, key), true);
      await coordinator.signOff(wendy);
      coordinator.seal();
      const sealed = await coordinator.signOff(wendy);
      assert.equal(sealed.step, 'sealed');
      const t = coordinator.transcriptText();
      const v = verifyTranscriptText(t, { expectedHeadHash: sealed.finalHash! });
      assert.ok(v.ok);
      assert.equal(transcriptEnd(v).status, 'sealed');
      assert.ok(checkKindSteps(v.entries).ok);
      assert.equal(checkSigningTranscript(v)!.signature, st.signature);
      assert.ok(!t.includes(bytesToHex(decodeEnvelope(kc.shards[0]!).payload.slice(-64))), 'no share material');
      // Tampered: one changed character of the signature.
      assert.equal(verifyTranscriptText(t.replace(st.signature!, st.signature!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')))).ok, false);
      // A replayed commitment in the next signing on this laptop is refused.
      coordinator.start({ transcriptText: text, message, label: 'Again' });
      throwsCode(() => coordinator.addCommitment(cc), 'FROST_COMMITMENT');
      alice.clear();
      assert.equal(alice.status().loaded, false);
    });
  }

  it('refuses a shard of another key, a SLIP-39 shard, and a request without this signer', () => {
    const a = keyCeremony('ed25519', 73);
    const b = keyCeremony('ed25519', 74);
    const coordinator = createSigningCoordinator({ clock });
    coordinator.start({ transcriptText: a.text, message, label: 'x' });
    const stranger = createSignerSession({ random });
    stranger.loadShard({ text: b.shards[0]! });
    throwsCode(() => coordinator.addCommitment(stranger.commit().commitmentQr!), 'FROST_COMMITMENT');
    const slip = custodyCeremony('slip39', 75);
    throwsCode(() => stranger.loadShard({ text: envelopeToText(decodeEnvelope(slip.shards[0]!)) }), 'VSS_CIPHERSUITE');
    const s1 = createSignerSession({ random });
    const s2 = createSignerSession({ random });
    const s3 = createSignerSession({ random });
    [s1, s2, s3].forEach((s, i) => s.loadShard({ text: a.shards[i]! }));
    coordinator.addCommitment(s1.commit().commitmentQr!);
    coordinator.addCommitment(s2.commit().commitmentQr!);
    const req = coordinator.makeRequest().requestQr!;
    s3.commit();
    throwsCode(() => s3.readRequest([...req]), 'FROST_COMMITMENT');
  });
});

describe('custody check service', () => {
  it("checks one custodian's scanned shard and records a sealed custody-check transcript the witness signed", async () => {
    const { kc, text, shards } = keyCeremony('ed25519', 76);
    const wendy = softwareEd25519Signer('wendy', random(32));
    const r = await runCustodyCheck({ transcriptText: text, finalHash: kc.transcript.headHash, shard: { text: shards[1]! }, witness: wendy }, clock);
    assert.equal(r.receipt.result, 'verified');
    assert.equal(r.signed!.witness.id, 'wendy');
    const v = verifyTranscriptText(r.transcriptText, { expectedHeadHash: r.finalHash });
    assert.ok(v.ok);
    assert.equal(transcriptEnd(v).status, 'sealed');
    assert.equal(checkCustodyTranscript(v as VerifyOk)!.receiptSignedBy, 'wendy');
    await rejects(runCustodyCheck({ transcriptText: text, finalHash: '00'.repeat(32), shard: { text: shards[1]! } }, clock), 'FINAL_HASH_MISMATCH');
  });
});

describe('final hash typed as its 20 words to read aloud (issue 14.2)', () => {
  it('the coordinator, the custody check and the drill take the words; a wrong word is refused by position', async () => {
    const { kc, text, shards } = keyCeremony('ed25519', 77);
    const words = spokenText(kc.transcript.headHash);
    const coordinator = createSigningCoordinator({ clock });
    coordinator.start({ transcriptText: text, finalHash: words, message, label: 'Sign keyshard' });
    assert.equal(coordinator.status()!.keyCeremony.finalHash, kc.transcript.headHash);
    const wrong = words.split(' ');
    wrong[2] = 'zzzz';
    await rejects(() => createSigningCoordinator({ clock }).start({ transcriptText: text, finalHash: wrong.join(' '), message, label: 'x' }), 'READ_ALOUD_WORD');
    assert.throws(
      () => createSigningCoordinator({ clock }).start({ transcriptText: text, finalHash: wrong.join(' '), message, label: 'x' }),
      (e: { details?: { positions?: number[] } }) => JSON.stringify(e.details?.positions) === '[3]',
    );
    // Words of another transcript's hash: well-formed, so refused as not this transcript's end.
    const other = keyCeremony('ed25519', 78);
    await rejects(() => createSigningCoordinator({ clock }).start({ transcriptText: text, finalHash: spokenText(other.kc.transcript.headHash), message, label: 'x' }), 'TRANSCRIPT_TAMPERED');
    const r = await runCustodyCheck({ transcriptText: text, finalHash: words, shard: { text: shards[1]! } }, clock);
    assert.equal(r.receipt.result, 'verified');
    const drill = createDrillSession({ clock });
    assert.equal(drill.start({ transcriptText: text, finalHash: words }).result, 'verified');
    await rejects(() => createDrillSession({ clock }).start({ transcriptText: text, finalHash: wrong.join(' ') }), 'READ_ALOUD_WORD');
  });
});
