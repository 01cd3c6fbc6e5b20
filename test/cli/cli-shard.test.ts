// `keyshard shard open` (issue 12.2): every shard file keyshard writes, opened with its custodian's key; public facts
// by default, the shard itself only with --reveal.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ageIdentityFile, generateAgeIdentity, generateOpenPgpKey, protectEnvelopeText } from '../../electron/services/protection/index';
import { shardCommands } from '../../electron/cli/commands/shard';
import { vssCommands } from '../../electron/cli/commands/vss';
import { runCommands } from '../helpers/cli';
import { slip39Backup, vssBackup } from '../services/recovery-fixtures';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-shard-'));
  temps.push(d);
  return d;
}

const cli = (argv: string[], stdin = '') => runCommands(shardCommands, argv, stdin);
const FACT_KEYS = ['ceremonyId', 'custodianIndex', 'label', 'scheme', 'fingerprint'];

describe('keyshard shard open', async () => {
  const backup = slip39Backup(1, [{ threshold: 2, count: 3 }]);
  const dir = tempDir();
  const age = await generateAgeIdentity();
  const pgp = await generateOpenPgpKey('Carol');
  const otherAge = await generateAgeIdentity();
  const files = {
    text: join(dir, 'alice.ks'),
    binary: join(dir, 'alice-binary.ks'),
    age: join(dir, 'bob.age'),
    pgp: join(dir, 'carol.asc'),
    ageKey: join(dir, 'bob-key.txt'),
    otherAgeKey: join(dir, 'other-key.txt'),
    pgpKey: join(dir, 'carol-key.asc'),
  };
  writeFileSync(files.text, `${backup.texts[0]![0]}\n`);
  writeFileSync(files.binary, backup.binaries[0]![0]!);
  writeFileSync(files.age, (await protectEnvelopeText(backup.texts[0]![1]!, { kind: 'age', recipient: age.recipient })).data);
  writeFileSync(files.pgp, (await protectEnvelopeText(backup.texts[0]![2]!, { kind: 'openpgp', publicKeyArmored: pgp.publicKeyArmored })).data);
  writeFileSync(files.ageKey, ageIdentityFile(age.identity, age.recipient));
  writeFileSync(files.otherAgeKey, ageIdentityFile(otherAge.identity, otherAge.recipient));
  writeFileSync(files.pgpKey, pgp.privateKeyArmored);
  const keys = ['--identity', files.otherAgeKey, '--identity', files.ageKey, '--gpg-key', files.pgpKey];

  it('prints the public facts of a KS1 text, a binary .ks, an .age and an .asc file, and nothing secret', async () => {
    const expected: [string, number][] = [[files.text, 0], [files.binary, 0], [files.age, 1], [files.pgp, 2]];
    for (const [file, index] of expected) {
      const r = await cli(['shard', 'open', ...keys, '--json', file]);
      assert.equal(r.code, 0, `${file}: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(out), FACT_KEYS);
      assert.deepEqual(out, { ceremonyId: backup.ceremonyId, custodianIndex: index, label: `Custodian 1-${index + 1}`, scheme: 'slip39', fingerprint: backup.fingerprint });
      for (const word of backup.mnemonics[0]![index]!.split(' ').slice(0, 5)) assert.ok(!r.stdout.includes(` ${word} `));
    }
  });

  it('prints the words only with --reveal', async () => {
    const r = await cli(['shard', 'open', ...keys, '--reveal', '--json', files.age]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { mnemonic: string }).mnemonic, backup.mnemonics[0]![1]);
    const text = await cli(['shard', 'open', files.text]);
    assert.match(text.stdout, /Shard of custodian #0 \(Custodian 1-1\), slip39, not encrypted/);
    assert.match(text.stdout, /add --reveal to print it/);
    assert.ok(!text.stdout.includes(backup.mnemonics[0]![0]!.split(' ').slice(0, 3).join(' ')));
  });

  it("a revealed signer share is accepted as it is by vss verify-share", async () => {
    const deal = vssBackup(2, 3);
    const file = join(dir, 'signer.ks');
    writeFileSync(file, deal.texts[1]!);
    const r = await cli(['shard', 'open', '--reveal', '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { scheme: string; share: { signingShare: string } };
    assert.equal(out.scheme, 'vss-ed25519');
    assert.equal(out.share.signingShare, deal.signingShares[1]);
    const v = await runCommands(vssCommands, ['vss', 'verify-share', '--json'], r.stdout);
    assert.equal(v.code, 0, v.stderr);
  });

  it('names what is missing or wrong, with typed errors', async () => {
    const cases: [string[], string][] = [
      [['shard', 'open', '--json', files.age], 'ENVELOPE_DECRYPT'], // no key
      [['shard', 'open', '--identity', files.otherAgeKey, '--json', files.age], 'ENVELOPE_DECRYPT'], // wrong key
      [['shard', 'open', '--json', files.pgp], 'ENVELOPE_DECRYPT'],
      [['shard', 'open', '--json', join(dir, 'missing.ks')], 'FILE_NOT_FOUND'],
      [['shard', 'open', '--json', files.ageKey], 'ENVELOPE_FORMAT'], // not a shard file
      [['shard', 'open', '--json', dir], 'FILE_NOT_REGULAR'],
    ];
    const damaged = join(dir, 'damaged.ks');
    const t = backup.texts[0]![0]!;
    writeFileSync(damaged, `${t.slice(0, 20)}${t[20] === 'A' ? 'B' : 'A'}${t.slice(21)}`);
    cases.push([['shard', 'open', '--json', damaged], 'ENVELOPE_CHECKSUM']);
    for (const [argv, code] of cases) {
      const r = await cli(argv);
      assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, code, argv.join(' '));
    }
    const usage = await cli(['shard', 'open', '--json']);
    assert.equal(usage.code, 2);
  });
});
