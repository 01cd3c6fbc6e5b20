/**
 * Incremental verification (core/transcript.ts): a transcript built by appendEntry/signEntry resumes a passed
 * verification and checks only the entries added since. Its results are those of a whole verification of the same
 * entries read from outside, signature checks grow with the new sign-offs only, and nothing read from outside (JSON,
 * a resumed file) is ever taken as verified.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hexToBytes } from '@noble/hashes/utils.js';
import { appendEntry, createTranscript, resumeTranscript, signEntry, verifyTranscript, verifyWitnessSignature, witnessSignatureChecks, type Transcript } from '../../core/transcript';
import { alice, bob, steppingClock, witnessEntry } from './transcript-fixture';

/** Witness signature checks made while `f` runs. */
async function countVerifies<T>(f: () => Promise<T> | T): Promise<{ value: T; verifies: number }> {
  const before = witnessSignatureChecks();
  const value = await f();
  return { value, verifies: witnessSignatureChecks() - before };
}

const fromOutside = (t: Transcript): unknown => JSON.parse(JSON.stringify(t)) as unknown;

async function ceremony(steps: number): Promise<Transcript[]> {
  let t = createTranscript('incremental-1', steppingClock());
  t = appendEntry(t, 'plan', { witnessKeys: [witnessEntry(alice), witnessEntry(bob)], n: 0 });
  const versions = [t];
  for (let i = 0; i < steps; i++) {
    t = appendEntry(t, 'step', { i });
    versions.push(t);
    t = await signEntry(t, t.entries.length, alice);
    t = await signEntry(t, t.entries.length - 1, bob);
    versions.push(t);
  }
  return versions;
}

describe('transcript: incremental verification', () => {
  it('gives the same result as a whole verification of the same entries, at every version', async () => {
    for (const t of await ceremony(6)) {
      const whole = verifyTranscript(fromOutside(t));
      assert.equal(whole.ok, true);
      assert.deepEqual(verifyTranscript(t), whole);
      assert.deepEqual(verifyTranscript(t), whole, 'a second, cached verification differs');
    }
  });

  it('checks only the new sign-offs: signing after each step costs a fixed number of signature checks', async () => {
    const { value: versions, verifies } = await countVerifies(() => ceremony(20));
    // Per step two sign-offs: each signEntry checks its own new signature, and the next signEntry checks the one
    // before (resuming). A whole re-verification at every signature would be 2 + 4 + ... + 80 = 1,640 more.
    assert.ok(verifies <= 4 * 20 + 2, `${verifies} signature checks for 40 sign-offs`);
    const last = versions[versions.length - 1]!;
    const again = await countVerifies(() => verifyTranscript(last));
    assert.ok(again.verifies <= 1, `re-verifying a verified transcript checked ${again.verifies} signatures`);
    const outside = await countVerifies(() => verifyTranscript(fromOutside(last)));
    assert.equal(outside.verifies, 40, 'a transcript read from outside is verified whole');
  });

  it('never trusts what came from outside: a changed copy or a resumed changed file fails whole', async () => {
    const versions = await ceremony(3);
    const last = versions[versions.length - 1]!;
    assert.equal(verifyTranscript(last).ok, true);
    const changed = fromOutside(last) as { entries: { data: { signature?: string } }[] };
    const sig = changed.entries[3]!.data.signature!;
    changed.entries[3]!.data.signature = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    const r = verifyTranscript(changed);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? 0 : r.firstBadSeq, 4);
    // Resumed from the changed file (parse keeps no verified state): its later signing refuses.
    const resumed = resumeTranscript(changed as unknown as Transcript, steppingClock());
    assert.equal(verifyTranscript(resumed).ok, false);
    await assert.rejects(signEntry(appendEntry(resumed, 'step', { i: 9 }), resumed.entries.length + 1, alice), { code: 'TRANSCRIPT_TAMPERED' });
  });

  it('a signature kept as verified answers only for its exact bytes', async () => {
    const versions = await ceremony(1);
    const last = versions[versions.length - 1]!;
    const signoff = last.entries[2]!.data as { target: { hash: string }; signature: string };
    const hash = hexToBytes(signoff.target.hash);
    const sig = hexToBytes(signoff.signature);
    assert.equal(verifyWitnessSignature('ed25519', alice.publicKey, hash, sig), true);
    assert.equal(verifyWitnessSignature('ed25519', alice.publicKey, hash, sig), true, 'asked again');
    const flipped = sig.slice();
    flipped[10] = flipped[10]! ^ 1;
    assert.equal(verifyWitnessSignature('ed25519', alice.publicKey, hash, flipped), false, 'another signature');
    assert.equal(verifyWitnessSignature('ed25519', bob.publicKey, hash, sig), false, 'another key');
    const otherHash = hash.slice();
    otherHash[0] = otherHash[0]! ^ 1;
    assert.equal(verifyWitnessSignature('ed25519', alice.publicKey, otherHash, sig), false, 'another hash');
  });
});
