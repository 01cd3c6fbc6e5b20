// The recovery verdict says how it knows (issue 11, point 11): verified only against something held apart from the
// shards (typed fingerprint, typed final hash, a pinned witness key's sign-off); an unsigned transcript or the shards'
// own fingerprint gives 'unverified', and a token import is refused then.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { KeyshardError } from '../../core/errors';
import { fingerprintOf, keyIdentity } from '../../core/fingerprint';
import { witnessKeyFingerprint } from '../../core/recovery-trust';
import { decodeShare } from '../../core/slip39/index';
import { appendEntry, createTranscript, serializeTranscript, signEntry, verifyTranscriptText, type Transcript } from '../../core/transcript';
import { createRecoveryService, type AddShardResponse, type RecoveryService } from '../../electron/services/recovery/index';
import { alice, bob, steppingClock, witnessEntry } from '../core/transcript-fixture';
import { slip39Backup, type Slip39Backup } from './recovery-fixtures';

function isError(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  };
}

function accepted(r: AddShardResponse): void {
  assert.equal(r.outcome, 'accepted', r.outcome === 'rejected' ? `${r.error.code}: ${r.error.message}` : r.outcome);
}

/** A SLIP-39 backup of a P-256 key (token-importable), and its key fingerprint. */
function p256Backup(): { backup: Slip39Backup; fingerprint: string } {
  const key = p256.utils.randomSecretKey();
  const fingerprint = fingerprintOf(keyIdentity('p256', p256.getPublicKey(key, true))).hex;
  return { backup: slip39Backup(1, [{ threshold: 2, count: 3 }], key), fingerprint };
}

/**
 * A transcript anyone could write for these shards: plan, generate, split, seal, chained but signed by nobody, or
 * with `signers` signing the split and the seal (keys of their own, listed in the plan of the same file). `end`:
 * 'abort' ends it with an abort after the split instead of the seal, 'cut' ends it after the split's sign-offs.
 */
async function madeUpTranscript(b: Slip39Backup, fingerprint: string, signers: readonly (typeof alice)[] = [], end: 'seal' | 'abort' | 'cut' = 'seal'): Promise<string> {
  let t: Transcript = createTranscript(b.ceremonyId, steppingClock());
  t = appendEntry(t, 'plan', { label: 'Made up', scheme: 'slip39', ...(signers.length > 0 ? { witnessKeys: signers.map(witnessEntry) } : {}) });
  t = appendEntry(t, 'generate', { kind: 'p256', fingerprint });
  t = appendEntry(t, 'split', { scheme: 'slip39', fingerprint, identifier: decodeShare(b.mnemonics[0]![0]!).identifier, shareCount: 3 });
  const split = t.entries.length;
  for (const w of signers) t = await signEntry(t, split, w);
  if (end === 'abort') t = appendEntry(t, 'abort', { reason: 'a custodian was not there; redone with a new key', afterStep: 'split' });
  if (end !== 'seal') return serializeTranscript(t);
  t = appendEntry(t, 'seal', { fingerprint });
  const seal = t.entries.length;
  for (const w of signers) t = await signEntry(t, seal, w);
  return serializeTranscript(t);
}

async function recoverWith(service: RecoveryService, b: Slip39Backup): Promise<Awaited<ReturnType<RecoveryService['finish']>>> {
  accepted(await service.addShard({ text: b.mnemonics[0]![0]! }));
  accepted(await service.addShard({ text: b.mnemonics[0]![2]! }));
  return service.finish();
}

const importRequest = { kind: 'hsm-import', token: { label: 'vault' }, pin: '123456', keyLabel: 'recovered' } as const;

describe('recovery verdict: how it knows', () => {
  it('a made-up unsigned transcript: unverified (not green), and HSM import is refused', async () => {
    const { backup, fingerprint } = p256Backup();
    const service = createRecoveryService();
    const st = await service.start({ transcriptText: await madeUpTranscript(backup, fingerprint) });
    assert.equal(st.expected?.source, 'transcript-unsigned');
    assert.equal(st.expected?.verified, false);
    const done = await recoverWith(service, backup);
    assert.equal(done.verdict, 'unverified');
    assert.equal(done.source, 'transcript-unsigned');
    assert.equal(done.tokenImport, false);
    assert.equal(done.exportable, true);
    assert.match(done.message, /^Unverified: .*nothing you hold apart from the shards confirms.*type the fingerprint or the final hash from the paper record/);
    assert.doesNotMatch(done.message, /ceremony's key/);
    // Refused before any token is looked for (there is no token service here at all).
    await assert.rejects(service.export(importRequest), isError('RECOVERY_UNVERIFIED'));
    await service.shutdown();
  });

  it("shards only: unverified, source 'shards'; with nothing at all to compare: unverified too", async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const service = createRecoveryService();
    await service.start();
    accepted(await service.addShard({ text: b.texts[0]![0]! }));
    assert.equal((await service.status()).expected?.source, 'shards');
    accepted(await service.addShard({ text: b.texts[0]![1]! }));
    const done = await service.finish();
    assert.equal(done.verdict, 'unverified');
    assert.equal(done.source, 'shards');
    await assert.rejects(service.export(importRequest), isError('RECOVERY_UNVERIFIED'));

    await service.start();
    const words = await recoverWith(service, b);
    assert.equal(words.verdict, 'unverified');
    assert.equal(words.source, 'shards');
    assert.equal(words.expected, null);
    await service.shutdown();
  });

  it('a typed fingerprint (with spaces, or the short form read aloud): verified', async () => {
    const { backup, fingerprint } = p256Backup();
    const service = createRecoveryService();
    await service.start({ expectedFingerprint: fingerprint.toUpperCase().match(/.{4}/g)!.join(' '), secretKind: 'p256' });
    const done = await recoverWith(service, backup);
    assert.equal(done.verdict, 'verified');
    assert.equal(done.source, 'fingerprint');
    assert.equal(done.tokenImport, true);
    assert.match(done.message, /^Verified: this is the ceremony's key/);
    // Past the trust check: the import now fails only for want of a token service.
    await assert.rejects(service.export(importRequest), isError('HSM_MODULE'));

    await service.start({ expectedFingerprint: fingerprint.slice(0, 32), secretKind: 'p256' });
    assert.equal((await recoverWith(service, backup)).verdict, 'verified');
    await service.shutdown();
  });

  it("the transcript with the right final hash: verified 'final-hash'; a wrong one: FINAL_HASH_MISMATCH", async () => {
    const { backup, fingerprint } = p256Backup();
    const text = await madeUpTranscript(backup, fingerprint);
    const v = verifyTranscriptText(text);
    assert.ok(v.ok);
    const service = createRecoveryService();
    await service.start({ transcriptText: text, finalHash: v.headHash.toUpperCase().match(/.{16}/g)!.join(' ') });
    const done = await recoverWith(service, backup);
    assert.equal(done.verdict, 'verified');
    assert.equal(done.source, 'final-hash');

    await assert.rejects(service.start({ transcriptText: text, finalHash: v.entries[2]!.hash }), isError('FINAL_HASH_MISMATCH'));
    await assert.rejects(service.start({ transcriptText: text, finalHash: '12'.repeat(32) }), isError('FINAL_HASH_MISMATCH'));
    await assert.rejects(service.start({ finalHash: v.headHash }), isError('INVALID_ARGUMENT'));
    await service.shutdown();
  });

  it("a witness key pinned by fingerprint signed the split: verified 'witness-keys'; a key not pinned: unverified", async () => {
    const { backup, fingerprint } = p256Backup();
    const text = await madeUpTranscript(backup, fingerprint, [alice]);
    const service = createRecoveryService();
    const st = await service.start({ transcriptText: text, witnessKeys: [witnessKeyFingerprint('ed25519', alice.publicKey)] });
    assert.equal(st.expected?.source, 'witness-keys');
    assert.deepEqual(st.expected?.signoffs.map((s) => [s.witnessId, s.pinned, s.step]), [['alice', true, 'split'], ['alice', true, 'seal']]);
    const done = await recoverWith(service, backup);
    assert.equal(done.verdict, 'verified');
    assert.equal(done.source, 'witness-keys');
    // Review M1: which ceremony the pinned witness signed, to compare with the paper record.
    assert.equal(done.expected?.ceremony?.id, backup.ceremonyId);
    assert.equal(done.expected?.ceremony?.label, 'Made up');
    assert.match(done.expected?.ceremony?.sealedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.ok(done.message.includes(`pinned witness alice signed off this key`), done.message);
    assert.ok(done.message.includes(`ceremony "Made up" (id ${backup.ceremonyId}), sealed `), done.message);
    assert.match(done.message, /Compare the ceremony id, label and date with the paper record/);

    const other = await service.start({ transcriptText: text, witnessKeys: [witnessKeyFingerprint('ed25519', bob.publicKey)] });
    assert.equal(other.expected?.source, 'transcript-unsigned');
    assert.deepEqual(other.expected?.unmatchedPins, [witnessKeyFingerprint('ed25519', bob.publicKey)]);
    const unpinned = await recoverWith(service, backup);
    assert.equal(unpinned.verdict, 'unverified');
    await assert.rejects(service.export(importRequest), isError('RECOVERY_UNVERIFIED'));
    await service.shutdown();
  });

  it('review H2: pinned witnesses signed the split of a ceremony that was then aborted, or whose file ends before the seal: unverified, no token import', async () => {
    const { backup, fingerprint } = p256Backup();
    const pins = [witnessKeyFingerprint('ed25519', alice.publicKey), witnessKeyFingerprint('ed25519', bob.publicKey)];
    const service = createRecoveryService();
    for (const end of ['abort', 'cut'] as const) {
      const text = await madeUpTranscript(backup, fingerprint, [alice, bob], end);
      const v = verifyTranscriptText(text);
      assert.ok(v.ok);
      const st = await service.start({ transcriptText: text, witnessKeys: pins });
      assert.equal(st.expected?.source, 'transcript-unfinished', end);
      assert.equal(st.expected?.verified, false);
      assert.equal(st.expected?.sealed, false);
      assert.match(st.expected?.statusWhy ?? '', end === 'abort' ? /was aborted/ : /before its seal/);
      const done = await recoverWith(service, backup);
      assert.equal(done.verdict, 'unverified', end);
      assert.equal(done.tokenImport, false);
      assert.match(done.message, /aborted or unfinished ceremony/);
      await assert.rejects(service.export(importRequest), isError('RECOVERY_UNVERIFIED'));
      // A final hash typed from the abort screen does not make it verified either.
      const typed = await service.start({ transcriptText: text, finalHash: v.ok ? v.headHash : '' });
      assert.equal(typed.expected?.source, 'transcript-unfinished');
    }
    await service.shutdown();
  });
});
