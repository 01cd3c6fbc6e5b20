/**
 * Recovery from shard files on custodians' drives, read by main itself: a temp folder stands in for the stick's mount
 * point and a fake lister lists it. Only a listed mount point and only shard-named plain files are read; a file that
 * changed on the stick is caught by the AEAD tag; files of a real ceremony's USB handoff (named after the custodian)
 * are found when the transcript names the custodians.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { generateAgeIdentity, protectEnvelopeText } from '../../electron/services/protection/index';
import { MAX_LISTED_SHARD_FILES } from '../../electron/services/recovery/drive-files';
import { createRecoveryService, type AddShardResponse, type RecoveryService } from '../../electron/services/recovery/index';
import { shardFileName } from '../../electron/services/usb/shard-files';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { allZero, cleanTemps, custodianKeys, rig as ceremonyRig, runCeremony, shown, slip39Plan, tempDir, trackingStore, type Keys } from './ceremony-harness';
import { slip39Backup } from './recovery-fixtures';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

function driveAt(mountPoint: string, label = 'BOB-STICK'): RemovableDrive {
  return { device: 'sdb1', label, mountPoint, sizeBytes: 8_000_000_000, freeBytes: 7_000_000_000, readOnly: false, fsType: 'vfat', transport: 'usb' };
}

function service(drives: RemovableDrive[]): { service: RecoveryService; buffers: { label: string; bytes: Uint8Array }[] } {
  const { store, buffers } = trackingStore();
  return { service: createRecoveryService({ secrets: store, listDrives: async () => drives }), buffers };
}

function accepted(r: AddShardResponse): Extract<AddShardResponse, { outcome: 'accepted' }> {
  assert.equal(r.outcome, 'accepted', r.outcome === 'rejected' ? `${r.error.code}: ${r.error.message}` : r.outcome);
  return r as Extract<AddShardResponse, { outcome: 'accepted' }>;
}

function rejected(r: AddShardResponse, code: string): Extract<AddShardResponse, { outcome: 'rejected' }> {
  assert.equal(r.outcome, 'rejected', `expected ${code}, got ${r.outcome}`);
  const x = r as Extract<AddShardResponse, { outcome: 'rejected' }>;
  assert.equal(x.error.code, code, x.error.message);
  return x;
}

/** Flips one base64 character in the middle of an armored file's body (the ciphertext). */
function tamper(armored: string): string {
  const lines = armored.split('\n');
  const i = Math.floor(lines.length / 2);
  const line = lines[i]!;
  const j = Math.floor(line.length / 2);
  lines[i] = `${line.slice(0, j)}${line[j] === 'A' ? 'B' : 'A'}${line.slice(j + 1)}`;
  return lines.join('\n');
}

describe('recovery from shard files on a drive', () => {
  it('lists only shard files of a listed drive, with problems; reads .txt without a key and age/OpenPGP with one; refuses a changed file and any path outside the listed drives', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const stick = tempDir('recovery-stick');
    const name = (i: number, ext: string) => shardFileName(b.ceremonyId, i, ext);
    const texts = b.texts[0]!;
    writeFileSync(join(stick, name(0, '.txt')), `${texts[0]!}\n`);
    const ageFile = (await protectEnvelopeText(texts[1]!, { kind: 'age', recipient: k.age.recipient })).data as string;
    writeFileSync(join(stick, name(1, '.age')), ageFile);
    const pgpFile = (await protectEnvelopeText(texts[2]!, { kind: 'openpgp', publicKeyArmored: k.pgp.publicKeyArmored })).data as string;
    writeFileSync(join(stick, name(2, '.asc')), pgpFile);
    // What must not be taken as a shard, or only as a problem:
    writeFileSync(join(stick, 'notes.txt'), texts[0]!); // not a shard name: never read
    writeFileSync(join(stick, `.keyshard-${b.ceremonyId}-c1.0123456789ab.tmp`), 'half');
    writeFileSync(join(stick, name(5, '.txt')), texts[0]!); // custodian 0's shard named for custodian 5
    writeFileSync(join(stick, name(6, '.age')), 'KS1 this is not encrypted'); // name says age, content says otherwise
    symlinkSync('/etc/hostname', join(stick, name(7, '.txt')));
    assert.equal(spawnSync('mkfifo', [join(stick, name(8, '.txt'))]).status, 0, 'mkfifo');
    mkdirSync(join(stick, 'sub'));
    writeFileSync(join(stick, 'sub', name(9, '.txt')), texts[0]!);

    const { service: s, buffers } = service([driveAt(stick)]);
    await s.start({ expectedFingerprint: b.fingerprint });
    const listed = await s.driveShards({ mountPoint: stick });
    assert.deepEqual(listed.drive, { mountPoint: stick, label: 'BOB-STICK' });
    // Listing reads no content (not even the unprotected file's): names and sizes only, so no label from the shard.
    // Whether a file holds what its name says is checked when it is added (below).
    assert.deepEqual(
      listed.files.map((f) => [f.file, f.protection, f.ceremonyId, f.custodianIndex, f.custodianLabel, f.ceremony, f.inHand, f.bytes]),
      [
        [name(0, '.txt'), 'none', b.ceremonyId, 0, null, 'unknown', false, texts[0]!.length + 1],
        [name(1, '.age'), 'age', b.ceremonyId, 1, null, 'unknown', false, ageFile.length],
        [name(2, '.asc'), 'openpgp', b.ceremonyId, 2, null, 'unknown', false, pgpFile.length],
        [name(5, '.txt'), 'none', b.ceremonyId, 5, null, 'unknown', false, texts[0]!.length],
        [name(6, '.age'), 'age', b.ceremonyId, 6, null, 'unknown', false, 'KS1 this is not encrypted'.length],
      ],
    );
    const problems = new Map(listed.problems.map((p) => [p.file, p]));
    assert.deepEqual([...problems.keys()].sort(), [`.keyshard-${b.ceremonyId}-c1.0123456789ab.tmp`, name(7, '.txt'), name(8, '.txt')].sort());
    assert.match(problems.get(name(7, '.txt'))!.message, /not a plain file/);
    assert.match(problems.get(name(8, '.txt'))!.message, /not a plain file/);
    // Nothing of a shard in the listing.
    const json = JSON.stringify(listed);
    for (const t of texts) assert.ok(!json.includes(t.slice(3, 40)), 'a shard text in the listing');

    // Only a mount point the lister lists, exactly: not its parent, not a folder in it, not "/".
    for (const mountPoint of [join(stick, '..'), join(stick, 'sub'), '/', `${stick}/`, '/etc']) {
      await assert.rejects(s.driveShards({ mountPoint }), (e: unknown) => e instanceof KeyshardError && e.code === 'USB_REMOVED');
      const r = rejected(await s.addShard({ driveFile: { mountPoint, file: mountPoint === join(stick, 'sub') ? name(9, '.txt') : 'hostname' } }), 'USB_REMOVED');
      assert.equal(r.progress.shards, 0);
    }
    // Only shard names, and only at the top level.
    for (const file of ['notes.txt', '../notes.txt', `sub/${name(9, '.txt')}`, name(9, '.txt').replace('.txt', '.exe')]) {
      const r = await s.addShard({ driveFile: { mountPoint: stick, file } });
      assert.equal(r.outcome, 'rejected', file);
      assert.ok(r.outcome === 'rejected' && ['INVALID_ARGUMENT', 'USB_REMOVED'].includes(r.error.code), `${file}: ${JSON.stringify(r)}`);
    }
    rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(7, '.txt') } }), 'USB_VERIFY'); // the link
    rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(8, '.txt') } }), 'USB_VERIFY'); // the FIFO: no hang
    // Renamed: another custodian's shard under this name (a shard of another holder: SHARES_MISMATCH, not a bad drive).
    const renamed = rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(5, '.txt') } }), 'SHARES_MISMATCH');
    assert.equal(renamed.error.details?.['reason'], 'name-mismatch');
    assert.match(renamed.error.message, /renamed or copied by hand/);
    rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(6, '.age') } }), 'ENVELOPE_FORMAT'); // name says age, content not

    // The unprotected file needs no key.
    const first = accepted(await s.addShard({ driveFile: { mountPoint: stick, file: name(0, '.txt') } }));
    assert.equal(first.shard.source, 'envelope');
    assert.equal(first.shard.custodianIndex, 0);
    const after1 = await s.driveShards({ mountPoint: stick });
    assert.deepEqual(after1.files.map((f) => [f.ceremony, f.inHand]), [['this', true], ['this', false], ['this', false], ['this', false], ['this', false]]);

    // The age file: no key, the wrong kind of key, another age identity - each refused, nothing changes.
    const noKey = rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(1, '.age') } }), 'ENVELOPE_DECRYPT');
    assert.equal(noKey.error.details?.['reason'], 'needs-key');
    rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(1, '.age') }, openingKey: { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored } }), 'ENVELOPE_DECRYPT');
    const stranger = await generateAgeIdentity();
    rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(1, '.age') }, openingKey: { kind: 'age', identity: stranger.identity } }), 'ENVELOPE_DECRYPT');

    // A file changed on the stick: the AEAD tag refuses it, the right key notwithstanding.
    writeFileSync(join(stick, name(1, '.age')), tamper(ageFile));
    const changed = rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(1, '.age') }, openingKey: { kind: 'age', identity: k.age.identity } }), 'ENVELOPE_DECRYPT');
    assert.equal(changed.progress.shards, 1);
    writeFileSync(join(stick, name(2, '.asc')), tamper(pgpFile));
    rejected(await s.addShard({ driveFile: { mountPoint: stick, file: name(2, '.asc') }, openingKey: { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored } }), 'ENVELOPE_DECRYPT');

    // The intact file opens with the custodian's key.
    writeFileSync(join(stick, name(1, '.age')), ageFile);
    const second = accepted(await s.addShard({ driveFile: { mountPoint: stick, file: name(1, '.age') }, openingKey: { kind: 'age', identity: k.age.identity } }));
    assert.equal(second.shard.source, 'protected-file');
    assert.equal(second.shard.custodianLabel, 'Custodian 1-2');
    assert.equal(second.progress.canFinish, true);
    // The same file again: a duplicate.
    assert.equal((await s.addShard({ driveFile: { mountPoint: stick, file: name(0, '.txt') } })).outcome, 'duplicate');
    const done = await s.finish();
    assert.equal(done.verdict, 'verified');
    const shown = await s.export({ kind: 'display', reveal: true });
    assert.equal(shown.kind === 'display' && shown.secretHex, b.secretHex);
    await s.clear();
    for (const x of buffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
  });

  it("reads the file a ceremony's USB handoff wrote; the transcript names its custodian; another ceremony's file is marked and refused", async () => {
    const plan = slip39Plan(k); // Bob's shard goes to his stick, encrypted to his age key
    const r = ceremonyRig();
    const run = await runCeremony(r, plan, k);
    await r.service.shutdown();
    const transcriptText = readFileSync(join(r.dir, 'transcript.json'), 'utf8');
    const ceremonyId = JSON.parse(transcriptText).ceremonyId as string;
    const bobFile = shardFileName(ceremonyId, 1, '.age');
    const other = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const otherFile = shardFileName(other.ceremonyId, 0, '.txt');
    writeFileSync(join(r.usbDir, otherFile), other.texts[0]![0]!);

    const { service: s } = service([driveAt(r.usbDir)]);
    // Before anything is known, the files are listed with what their names say.
    const before = await s.driveShards({ mountPoint: r.usbDir });
    assert.deepEqual(
      before.files.map((f) => [f.file, f.custodianId, f.ceremony]).sort(),
      [
        [bobFile, null, 'unknown'],
        [otherFile, null, 'unknown'],
      ].sort(),
    );

    await s.start({ transcriptText });
    const listed = await s.driveShards({ mountPoint: r.usbDir });
    assert.equal(listed.ceremonyId, ceremonyId);
    const byFile = new Map(listed.files.map((f) => [f.file, f]));
    assert.deepEqual([byFile.get(bobFile)?.custodianId, byFile.get(bobFile)?.custodianIndex, byFile.get(bobFile)?.ceremony], ['bob', 1, 'this']);
    // Another ceremony's file is not named after this ceremony's custodians.
    assert.deepEqual([byFile.get(otherFile)?.custodianId, byFile.get(otherFile)?.ceremony], [null, 'other']);
    rejected(await s.addShard({ driveFile: { mountPoint: r.usbDir, file: otherFile } }), 'SHARES_MISMATCH');
    const bob = accepted(await s.addShard({ driveFile: { mountPoint: r.usbDir, file: bobFile }, openingKey: { kind: 'age', identity: k.age.identity } }));
    assert.equal(bob.shard.custodianIndex, 1);
    assert.equal(bob.shard.custodianLabel, 'Bob');
    accepted(await s.addShard({ text: shown(run.views.get('alice')!.shards[0]!).envelopeText }));
    const done = await s.finish();
    assert.equal(done.verdict, 'unverified');
    assert.equal(done.expected?.source, 'transcript-unsigned');
    assert.equal(done.recovered.fingerprint.hex, run.generatedFingerprint);
    await s.clear();
  });
  it('looks at no more than MAX_LISTED_SHARD_FILES shard-named files of a stick, and says the rest were not looked at', async () => {
    const stick = tempDir('recovery-crowded');
    const ceremony = 'cd'.repeat(16);
    // More shard-named files than any real stick holds (other names are skipped without counting).
    for (let i = 0; i < MAX_LISTED_SHARD_FILES + 44; i++) writeFileSync(join(stick, shardFileName(ceremony, i, '.age')), 'x');
    for (let i = 0; i < 20; i++) writeFileSync(join(stick, `photo-${i}.jpg`), 'x');
    const { service: s } = service([driveAt(stick)]);
    await s.start({});
    const listed = await s.driveShards({ mountPoint: stick });
    assert.equal(listed.files.length, MAX_LISTED_SHARD_FILES);
    assert.deepEqual(
      listed.problems.map((p) => [p.file, p.code]),
      [['(files not looked at)', 'USB_VERIFY']],
    );
    assert.match(listed.problems[0]!.message, new RegExp(`more than ${MAX_LISTED_SHARD_FILES} files named like shard files.*the rest were not`));
    // Exactly the cap: every file listed, no such problem.
    const fits = tempDir('recovery-full');
    for (let i = 0; i < MAX_LISTED_SHARD_FILES; i++) writeFileSync(join(fits, shardFileName(ceremony, i, '.age')), 'x');
    const { service: t } = service([driveAt(fits)]);
    await t.start({});
    const all = await t.driveShards({ mountPoint: fits });
    assert.equal(all.files.length, MAX_LISTED_SHARD_FILES);
    assert.deepEqual(all.problems, []);
  });
});
