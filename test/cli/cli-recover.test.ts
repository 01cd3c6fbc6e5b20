// `keyshard recover` (issue 12.3): shard files or a folder back to the key, with a verdict that says how it knows.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spokenText } from '../../core/read-aloud';
import { recoverCommands } from '../../electron/cli/commands/recover';
import { runCommands } from '../helpers/cli';
import { slip39Backup, vssBackup } from '../services/recovery-fixtures';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-recover-'));
  temps.push(d);
  return d;
}
const cli = (argv: string[]) => runCommands(recoverCommands, ['recover', ...argv]);
const errorOf = (r: { code: number; stdout: string; stderr: string }) => {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  return (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
};

describe('keyshard recover', () => {
  // Two groups, any one complete group recovers: group 1 needs 2 of 3.
  const backup = slip39Backup(1, [{ threshold: 2, count: 3 }, { threshold: 1, count: 1 }]);
  const dir = tempDir();
  const files = backup.texts[0]!.map((t, i) => {
    const f = join(dir, `c${i}.ks`);
    writeFileSync(f, `${t}\n`);
    return f;
  });

  it('verified against a fingerprint typed from paper; unverified against the shards alone; the secret only on request', async () => {
    const typed = await cli(['--fingerprint', backup.fingerprint.slice(0, 32).toUpperCase().replace(/(.{4})/g, '$1 '), '--json', files[0]!, files[2]!]);
    assert.equal(typed.code, 0, typed.stderr);
    const out = JSON.parse(typed.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['scheme', 'fingerprint', 'fingerprintWords', 'verified', 'source', 'xpub']);
    assert.deepEqual(
      { ...out, xpub: undefined },
      { scheme: 'slip39', fingerprint: backup.fingerprint, fingerprintWords: spokenText(backup.fingerprint), verified: true, source: 'fingerprint', xpub: undefined },
    );
    // The fingerprint typed as its words to read aloud verifies alike.
    const byWords = await cli(['--fingerprint', spokenText(backup.fingerprint).toUpperCase(), '--json', files[0]!, files[2]!]);
    assert.equal(byWords.code, 0, byWords.stderr);
    assert.equal((JSON.parse(byWords.stdout) as { verified: boolean }).verified, true);
    assert.match(String(out['xpub']), /^xpub/);
    assert.ok(!typed.stdout.includes(backup.secretHex));

    const alone = JSON.parse((await cli(['--json', files[1]!, files[2]!])).stdout) as Record<string, unknown>;
    assert.equal(alone['verified'], false);
    assert.equal(alone['source'], 'shards');
    const text = await cli([files[1]!, files[2]!]);
    assert.match(text.stdout, /UNVERIFIED/);

    const revealed = JSON.parse((await cli(['--reveal', '--json', files[0]!, files[1]!])).stdout) as { secretHex: string };
    assert.equal(revealed.secretHex, backup.secretHex);
  });

  it('reads every shard file of a folder, and says how many more of which group are missing', async () => {
    const folder = join(tempDir(), 'stick');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.ks'), backup.texts[0]![0]!);
    writeFileSync(join(folder, 'notes.md'), 'not a shard');
    const short = errorOf(await cli(['--json', folder]));
    assert.equal(short.code, 'BELOW_THRESHOLD');
    assert.match(short.message, /Group 1 needs 1 more share \(1 of 2 in hand\)/);
    writeFileSync(join(folder, 'b.txt'), backup.texts[0]![1]!);
    const r = await cli(['--fingerprint', backup.fingerprint, '--json', folder]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).verified, true);
  });

  it('a key that is not the expected one exits 1 with FINGERPRINT_MISMATCH and prints and writes nothing', async () => {
    const other = slip39Backup(1, [{ threshold: 1, count: 1 }]);
    const out = join(tempDir(), 'secret.hex');
    const e = errorOf(await cli(['--fingerprint', other.fingerprint, '--out', out, '--json', files[0]!, files[1]!]));
    assert.equal(e.code, 'FINGERPRINT_MISMATCH');
    assert.throws(() => statSync(out));
  });

  it('--out writes the secret to a new file only the owner can read, and never replaces one', async () => {
    const out = join(tempDir(), 'secret.hex');
    const r = await cli(['--fingerprint', backup.fingerprint, '--out', out, '--json', files[0]!, files[1]!]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), `${backup.secretHex}\n`);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.ok(!r.stdout.includes(backup.secretHex));
    assert.equal(errorOf(await cli(['--out', out, '--json', files[0]!, files[1]!])).code, 'FILE_EXISTS');
    const both = await cli(['--out', join(dir, 'x'), '--reveal', files[0]!, files[1]!]);
    assert.equal(both.code, 2);
  });

  it('shards of two ceremonies are refused, naming the file', async () => {
    const other = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const f = join(tempDir(), 'other.ks');
    writeFileSync(f, other.texts[0]![0]!);
    const e = errorOf(await cli(['--json', files[0]!, f]));
    assert.equal(e.code, 'SHARES_MISMATCH');
    assert.ok(e.message.includes(f));
  });

  it('recovers signer shares with their group public key', async () => {
    const deal = vssBackup(2, 3);
    const d = tempDir();
    const paths = deal.texts.map((t, i) => {
      const f = join(d, `s${i}.ks`);
      writeFileSync(f, t);
      return f;
    });
    const r = await cli(['--fingerprint', deal.fingerprint, '--reveal', '--json', paths[2]!, paths[0]!]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { scheme: string; verified: boolean; groupPublicKey: string; secretHex: string };
    assert.equal(out.scheme, 'vss-ed25519');
    assert.equal(out.verified, true);
    assert.equal(out.secretHex, deal.secretHex);
    assert.deepEqual(Object.keys(out), ['scheme', 'fingerprint', 'fingerprintWords', 'verified', 'source', 'groupPublicKey', 'secretHex']);
    assert.equal(errorOf(await cli(['--json', paths[1]!])).code, 'BELOW_THRESHOLD');
  });

  it('usage: --final-hash without a transcript, both --fingerprint and --transcript', async () => {
    assert.equal((await cli(['--final-hash', 'ab'.repeat(32), files[0]!])).code, 2);
    assert.equal((await cli(['--fingerprint', backup.fingerprint, '--transcript', join(dir, 't.json'), files[0]!])).code, 2);
  });
});
