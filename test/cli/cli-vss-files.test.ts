// Files a custodian can be handed (issue 12.6): vss deal --out DIR; the deal's JSON and each share file accepted as
// they are by vss combine and vss verify-share; the fingerprint and group key in every JSON output.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { vssCommands } from '../../electron/cli/commands/vss';
import { runCommands } from '../helpers/cli';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-vss-files-'));
  temps.push(d);
  return d;
}
const vss = (argv: string[], stdin = '') => runCommands(vssCommands, argv, stdin);
const errorCode = (stderr: string) => (JSON.parse(stderr) as { error: { code: string } }).error.code;

describe('vss files', () => {
  it("the deal's JSON goes into combine and verify-share as it is", async () => {
    const d = await vss(['vss', 'deal', '--ciphersuite', 'secp256k1', '--threshold', '2', '--shares', '3', '--json']);
    assert.equal(d.code, 0, d.stderr);
    const deal = JSON.parse(d.stdout) as { groupPublicKey: string; fingerprint: string };
    const c = await vss(['vss', 'combine', '--json'], d.stdout);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(Object.keys(JSON.parse(c.stdout)), ['secretHex', 'groupPublicKey', 'fingerprint']);
    assert.equal(JSON.parse(c.stdout).fingerprint, deal.fingerprint);
    const v = await vss(['vss', 'verify-share', '--json'], d.stdout);
    assert.equal(v.code, 0, v.stderr);
    const out = JSON.parse(v.stdout) as { valid: boolean; verifyingShares: string[]; groupPublicKey: string; fingerprint: string };
    assert.equal(out.verifyingShares.length, 3);
    assert.equal(out.groupPublicKey, deal.groupPublicKey);
    assert.equal(out.fingerprint, deal.fingerprint);

    // A group key in the input that is not the commitments' is caught, not passed over.
    const other = JSON.parse((await vss(['vss', 'deal', '--ciphersuite', 'secp256k1', '--threshold', '2', '--shares', '3', '--json'])).stdout) as { groupPublicKey: string };
    const forged = JSON.stringify({ ...JSON.parse(d.stdout), groupPublicKey: other.groupPublicKey });
    for (const action of ['combine', 'verify-share']) {
      const r = await vss(['vss', action, '--json'], forged);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(errorCode(r.stderr), 'VSS_COMMITMENT', action);
    }
  });

  it('--out DIR writes one private file per custodian and the public commitments, and prints no share', async () => {
    const dir = join(tempDir(), 'deal');
    const r = await vss(['vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '3', '--out', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { files: string[]; fingerprint: string; groupPublicKey: string; shares?: unknown };
    assert.equal(out.shares, undefined);
    assert.deepEqual(out.files, ['share-1.json', 'share-2.json', 'share-3.json', 'commitments.json']);
    assert.deepEqual(readdirSync(dir).sort(), [...out.files].sort());
    for (const f of out.files) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    const shares: { identifier: string; signingShare: string }[] = [];
    for (const f of out.files.slice(0, 3)) {
      const text = readFileSync(join(dir, f), 'utf8');
      const v = await vss(['vss', 'verify-share', '--json'], text);
      assert.equal(v.code, 0, `${f}: ${v.stderr}`);
      assert.equal(JSON.parse(v.stdout).fingerprint, out.fingerprint);
      shares.push((JSON.parse(text) as { share: { identifier: string; signingShare: string } }).share);
    }
    const commitments = JSON.parse(readFileSync(join(dir, 'commitments.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(commitments['fingerprint'], out.fingerprint);
    const c = await vss(['vss', 'combine', '--json'], JSON.stringify({ ...commitments, shares: [shares[2], shares[0]] }));
    assert.equal(c.code, 0, c.stderr);
    assert.equal(JSON.parse(c.stdout).groupPublicKey, out.groupPublicKey);

    // Never into a folder that holds files, never a file replaced; a folder that cannot be written has its own code.
    const again = await vss(['vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '3', '--out', dir, '--json']);
    assert.equal(errorCode(again.stderr), 'FILE_EXISTS');
    const blocked = await vss(['vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '3', '--out', '/sys/keyshard-deal', '--json']);
    assert.equal(errorCode(blocked.stderr), 'FOLDER_NOT_WRITABLE');
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const notDir = await vss(['vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '3', '--out', file, '--json']);
    assert.equal(notDir.code, 1);
  });
});
