/**
 * Recovery driven only through the IPC handlers: shards go in one at a time (texts, typed words, QR parts, protected
 * files), each answered at once with accepted / duplicate / rejected and progress per group; recovery:finish compares
 * fingerprints and answers with the public identity only; the secret leaves main only through recovery:export.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { protectEnvelopeText } from '../../electron/services/protection/index';
import { allZero, cleanTemps, custodianKeys, tempDir, type Keys } from '../services/ceremony-harness';
import { animatedParts, slip39Backup, vssBackup } from '../services/recovery-fixtures';
import { ipcRig, type IpcRig } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

/** Every answer except recovery:export must be free of the secret and of the shards' words and texts. */
function assertNothingSecret(rig: IpcRig, needles: readonly string[]): void {
  const answers = rig.calls.filter((c) => c.channel !== 'recovery:export');
  assert.ok(answers.length >= 4, `${answers.length} answers`);
  for (const c of answers) for (const n of needles) assert.ok(!c.json.toLowerCase().includes(n.toLowerCase()), `${c.channel} answered with secret material`);
}

describe('recovery over IPC: SLIP-39', () => {
  it('texts, typed words with a wrong word, QR parts and protected files; duplicates, wrong ceremony, progress per group; match; secret only on export; clear zeroizes', async () => {
    const b = slip39Backup(2, [
      { threshold: 2, count: 3 },
      { threshold: 2, count: 3 },
    ]);
    const other = slip39Backup(2, [
      { threshold: 2, count: 3 },
      { threshold: 2, count: 3 },
    ]);
    const rig = ipcRig();
    const started = await rig.call('recovery:start', { expectedFingerprint: b.fingerprint });
    assert.equal(started.phase, 'collecting');
    assert.equal(started.expected?.fingerprint.hex, b.fingerprint);

    // Group 1, member 1: its shard text.
    const one = await rig.call('recovery:add-shard', { text: b.texts[0]![0]! });
    assert.equal(one.outcome, 'accepted');
    assert.deepEqual(one.progress.sentences, ['Group 1: 1 more needed (1 of 2 in hand).', 'Group 2: no shards yet.']);
    assert.equal(one.progress.canFinish, false);

    // The same shard again (as its QR parts): a duplicate, nothing changes.
    const dup = await rig.call('recovery:add-shard', { urParts: animatedParts(b.binaries[0]![0]!) });
    assert.equal(dup.outcome, 'duplicate');
    assert.equal(dup.progress.shards, 1);

    // Another ceremony's shard: rejected, with the reason.
    const foreign = await rig.call('recovery:add-shard', { text: other.texts[0]![1]! });
    assert.equal(foreign.outcome, 'rejected');
    assert.equal(foreign.outcome === 'rejected' && foreign.error.code, 'SHARES_MISMATCH');
    assert.equal(foreign.progress.shards, 1);

    // Group 1, member 2, typed with word 4 misspelt: rejected with position and suggestion; then typed right.
    const words = b.mnemonics[0]![1]!.split(' ');
    const wrong = words.map((w, i) => (i === 3 ? `${w}q` : w)).join(' ');
    const typo = await rig.call('recovery:add-shard', { text: wrong });
    assert.equal(typo.outcome, 'rejected');
    assert.ok(typo.outcome === 'rejected', 'typo rejected');
    assert.equal(typo.error.code, 'SLIP39_WORD');
    assert.equal(typo.error.details?.['position'], 4);
    assert.equal(typo.error.details?.['suggestion'], words[3]);
    assert.equal(typo.progress.shards, 1, 'a rejected share changes nothing in hand');
    const typed = await rig.call('recovery:add-shard', { text: words.join('\n').toUpperCase() });
    assert.equal(typed.outcome, 'accepted');
    assert.equal(typed.outcome === 'accepted' && typed.shard.source, 'mnemonic');
    assert.deepEqual(typed.progress.sentences, ['Group 1: complete (2 of 2 in hand).', 'Group 2: no shards yet.']);
    assert.match(typed.progress.summary, /1 more group needed/);

    // Below threshold: finish refuses and keeps what is in hand.
    const early = await rig.raw('recovery:finish');
    assert.equal(!early.ok && early.error.code, 'BELOW_THRESHOLD');
    assert.equal((await rig.call('recovery:status')).shards.length, 2);

    // Group 2 from protected files: one age (sent as base64), one OpenPGP (text); a wrong key is refused.
    const ageFile = (await protectEnvelopeText(b.texts[1]![0]!, { kind: 'age', recipient: k.age.recipient })).data as string;
    const pgpFile = (await protectEnvelopeText(b.texts[1]![2]!, { kind: 'openpgp', publicKeyArmored: k.pgp.publicKeyArmored })).data as string;
    const wrongKey = await rig.call('recovery:add-shard', { file: { text: pgpFile }, openingKey: { kind: 'age', identity: k.age.identity } });
    assert.equal(wrongKey.outcome === 'rejected' && wrongKey.error.code, 'ENVELOPE_DECRYPT');
    const g2a = await rig.call('recovery:add-shard', { file: { base64: Buffer.from(ageFile).toString('base64') }, openingKey: { kind: 'age', identity: k.age.identity } });
    assert.equal(g2a.outcome, 'accepted');
    assert.deepEqual(g2a.progress.sentences, ['Group 1: complete (2 of 2 in hand).', 'Group 2: 1 more needed (1 of 2 in hand).']);
    const g2b = await rig.call('recovery:add-shard', { file: { text: pgpFile }, openingKey: { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored } });
    assert.equal(g2b.outcome, 'accepted');
    assert.equal(g2b.progress.canFinish, true);

    const done = await rig.call('recovery:finish');
    assert.equal(done.verdict, 'verified');
    assert.equal(done.recovered.fingerprint.hex, b.fingerprint);
    assert.equal(done.shardsUsed, 4);
    assert.equal((await rig.call('recovery:status')).phase, 'recovered');

    // The secret crosses only on explicit request.
    const refused = await rig.raw('recovery:export', { kind: 'display' });
    assert.equal(!refused.ok && refused.error.code, 'INVALID_ARGUMENT');
    const shown = await rig.call('recovery:export', { kind: 'display', reveal: true });
    assert.equal(shown.kind === 'display' && shown.secretHex, b.secretHex);
    const path = await rig.choose('export-file', join(tempDir('recovery-ipc-export'), 'seed.asc'));
    const file = await rig.call('recovery:export', { kind: 'encrypted-file', path, recipient: { kind: 'openpgp', publicKeyArmored: k.pgp.publicKeyArmored } });
    assert.equal(file.kind === 'encrypted-file' && file.protection, 'openpgp');
    assert.match(readFileSync(path, 'utf8'), /^-----BEGIN PGP MESSAGE-----/);

    const needles = [b.secretHex, ...b.texts.flat().map((t) => t.slice(40, 70)), ...b.mnemonics.flat().map((m) => m.split(' ').slice(4, 7).join(' '))];
    assertNothingSecret(rig, needles);

    const cleared = await rig.call('recovery:clear');
    assert.equal(cleared.buffers, 1, 'the recovered secret (the shares were wiped when combined)');
    assert.ok(rig.recoveryBuffers.length >= 5, `${rig.recoveryBuffers.length} buffers`);
    for (const x of rig.recoveryBuffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
    assert.equal((await rig.call('recovery:status')).phase, 'idle');
  });

  it('a fingerprint mismatch is an answer (not an error): no identity is exportable and every buffer is zeroed', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const other = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const rig = ipcRig();
    await rig.call('recovery:start', { expectedFingerprint: other.fingerprint });
    // Typed words carry no fingerprint: they are accepted, and only the combination shows they are of another key.
    for (const m of b.mnemonics[0]!.slice(0, 2)) assert.equal((await rig.call('recovery:add-shard', { text: m })).outcome, 'accepted');
    const done = await rig.call('recovery:finish');
    assert.equal(done.verdict, 'mismatch');
    assert.equal(done.exportable, false);
    assert.equal(done.recovered.fingerprint.hex, b.fingerprint);
    const status = await rig.call('recovery:status');
    assert.equal(status.phase, 'failed');
    assert.equal(status.result?.verdict, 'mismatch');
    const exp = await rig.raw('recovery:export', { kind: 'display', reveal: true });
    assert.equal(!exp.ok && exp.error.code, 'RECOVERY_STATE');
    for (const x of rig.recoveryBuffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
    assertNothingSecret(rig, [b.secretHex, ...b.mnemonics[0]!.map((m) => m.split(' ').slice(4, 7).join(' '))]);
  });

  it('clear in the middle zeroizes the shares in hand', async () => {
    const b = slip39Backup(1, [{ threshold: 3, count: 5 }]);
    const rig = ipcRig();
    await rig.call('recovery:start');
    await rig.call('recovery:add-shard', { text: b.texts[0]![4]! });
    await rig.call('recovery:add-shard', { text: b.mnemonics[0]![2]! });
    assert.equal(rig.recoveryBuffers.length, 2);
    assert.ok(rig.recoveryBuffers.every((x) => !allZero(x.bytes)), 'the shares are held in main');
    assert.equal((await rig.call('recovery:clear')).buffers, 2);
    for (const x of rig.recoveryBuffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
  });
});

describe('recovery over IPC: verifiable shares', () => {
  it('recovers a FROST group key from shard texts and QR parts; the public key and fingerprint match', async () => {
    const b = vssBackup(2, 3);
    const rig = ipcRig();
    await rig.call('recovery:start', { expectedFingerprint: b.fingerprint });
    const first = await rig.call('recovery:add-shard', { urParts: animatedParts(b.binaries[2]!) });
    assert.equal(first.outcome === 'accepted' && first.shard.signer, 3);
    assert.deepEqual(first.progress.sentences, ['Shares: 1 more needed (1 of 2 in hand).']);
    const second = await rig.call('recovery:add-shard', { text: b.texts[0]! });
    assert.equal(second.progress.canFinish, true);
    const done = await rig.call('recovery:finish');
    assert.equal(done.verdict, 'verified');
    assert.deepEqual([done.recovered.scheme, done.recovered.kind, done.recovered.publicKey], ['vss', 'ed25519', b.commitments[0]]);
    assertNothingSecret(rig, [b.secretHex, ...b.signingShares]);
    await rig.call('recovery:clear');
    for (const x of rig.recoveryBuffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
  });
});
