// `keyshard recover --bag` (issue 13.6): with a transcript that recorded each custodian's bag at the handoff, a shard is
// used only when its bag's serial is typed; a shard whose bag serial is missing or another is set aside and named.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { appendEntry, createTranscript, serializeTranscript } from '../../core/transcript';
import { recoverCommands } from '../../electron/cli/commands/recover';
import { runCommands } from '../helpers/cli';
import { slip39Backup } from '../services/recovery-fixtures';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
const cli = (argv: string[]) => runCommands(recoverCommands, ['recover', ...argv]);

describe('keyshard recover --bag', () => {
  // One group, 2 of 3: custodians c0, c1, c2 hold members 1, 2, 3 (custodian index = member).
  const backup = slip39Backup(1, [{ threshold: 2, count: 3 }]);
  const dir = mkdtempSync(join(tmpdir(), 'keyshard-recover-bags-'));
  temps.push(dir);
  const files = backup.texts[0]!.map((t, i) => {
    const f = join(dir, `c${i}.ks`);
    writeFileSync(f, `${t}\n`);
    return f;
  });
  const bags = ['BAG00001', 'BAG00002', 'BAG00003'];
  let t = createTranscript(backup.ceremonyId, () => new Date('2026-12-07T10:00:00.000Z'));
  t = appendEntry(t, 'plan', { label: 'bags', custodianIds: ['c0', 'c1', 'c2'], scheme: 'slip39' });
  t = appendEntry(t, 'split', { scheme: 'slip39', fingerprint: backup.fingerprint, shareCount: 3 });
  bags.forEach((bagSerial, i) => {
    t = appendEntry(t, 'handoff', { custodianId: `c${i}`, medium: 'paper', shares: [{ group: 0, member: i }], bagSerial });
  });
  const transcript = join(dir, 'transcript.json');
  writeFileSync(transcript, serializeTranscript(t));

  it('uses a shard only when its bag serial is typed (any case, spaces, dashes); a missing or other one stops that shard', async () => {
    const ok = await cli(['--transcript', transcript, '--bag', 'bag-0000 1', '--bag', 'BAG00003', '--json', files[0]!, files[2]!]);
    assert.equal(ok.code, 0, ok.stderr);
    const out = JSON.parse(ok.stdout) as { fingerprint: string; bags: { file: string; recorded: string; outcome: string }[]; skipped?: unknown };
    assert.equal(out.fingerprint, backup.fingerprint);
    assert.deepEqual(out.bags.map((b) => `${b.recorded} ${b.outcome}`), ['BAG00001 matched', 'BAG00003 matched']);
    assert.equal(out.skipped, undefined);

    // Bag 2's serial typed wrong: shard 2 is set aside (not used), so one shard is too few.
    const wrong = await cli(['--transcript', transcript, '--bag', 'BAG00001', '--bag', 'BAG00009', '--json', files[0]!, files[1]!]);
    assert.equal(wrong.code, 1);
    const e = (JSON.parse(wrong.stderr) as { error: { code: string; message: string } }).error;
    assert.equal(e.code, 'BELOW_THRESHOLD', e.message);

    // With three shards, the one from the mistyped bag is named and the two others recover the key.
    const two = await cli(['--transcript', transcript, '--bag', 'BAG00001', '--bag', 'BAG00009', '--bag', 'BAG00003', files[0]!, files[1]!, files[2]!]);
    assert.equal(two.code, 0, two.stderr);
    assert.match(two.stdout, /Set aside: .*c1\.ks \(BAG_SERIAL_MISMATCH\)/);
    assert.match(two.stdout, /recorded as BAG0 0002, not among the serials typed; .*c1\.ks NOT used/);

    // No serial at all: nothing is used.
    const none = await cli(['--transcript', transcript, '--json', files[0]!, files[1]!]);
    assert.equal(none.code, 1);
    const n = (JSON.parse(none.stderr) as { error: { code: string; message: string } }).error;
    assert.equal(n.code, 'BAG_SERIAL_NEEDED');
    assert.match(n.message, /--bag SERIAL/);
  });
});
