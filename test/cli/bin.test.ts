// The installed `keyshard` command itself (bin/keyshard.mjs running the bundle npm install built), as a script or a
// person runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { binPath as bin, ensureCliBundle, repoRoot } from '../helpers/cli-bundle';
import { hexToBytes } from '@noble/hashes/utils.js';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
/** slip39 combine's JSON for a secret: the secret and the fingerprint of its BIP-32 root. */
function combined(secretHex: string): { secretHex: string; fingerprint: string } {
  return { secretHex, fingerprint: fingerprintOf(seedIdentity(hexToBytes(secretHex))).hex };
}


before(ensureCliBundle);
// Official SLIP-39 vectors, trezor/python-shamir-mnemonic (see ../shared/slip39/README.md).
const vectors = JSON.parse(readFileSync(new URL('../../../shared/slip39/vectors.json', import.meta.url), 'utf8')) as [string, string[], string, string][];

function keyshard(args: string[], stdin = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the keyshard binary', () => {
  it('runs a bundle built ahead of time: no TypeScript compiled at run time, tsx only a dev dependency', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    assert.match(pkg.scripts['prepare'] ?? '', /build-cli\.mjs/, 'npm install / npm ci build the bundle');
    assert.equal(pkg.dependencies['tsx'], undefined);
    assert.ok(pkg.devDependencies['tsx'] !== undefined);
    const files = [join(repoRoot, 'bin/keyshard.mjs'), join(repoRoot, 'out/cli/keyshard.mjs'), ...readdirSync(join(repoRoot, 'out/cli/chunks')).map((f) => join(repoRoot, 'out/cli/chunks', f))];
    for (const f of files) assert.doesNotMatch(readFileSync(f, 'utf8'), /from ["']tsx|import\(["']tsx|["']tsx\/esm/, f);
    // Run with no loader at all (the test runner's --import tsx is not passed on, and NODE_OPTIONS is cleared).
    const env = { ...process.env, NODE_OPTIONS: '' };
    const r = spawnSync(process.execPath, [bin, 'vss', 'deal', '--ciphersuite', 'p256', '--threshold', '2', '--shares', '2', '--json'], { encoding: 'utf8', timeout: 60_000, env });
    assert.equal(r.status, 0, r.stderr);
  });

  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const r = keyshard(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `keyshard ${version}\n`);
    assert.deepEqual(JSON.parse(keyshard(['--version', '--json']).stdout), { version });
  });

  it('lists every command group in --help', () => {
    const r = keyshard(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['slip39 split', 'slip39 combine', 'vss deal', 'vss verify-share', 'vss combine', 'transcript verify']) {
      assert.match(r.stdout, new RegExp(c), c);
    }
  });

  it('combines official vectors (128-bit, extendable 256-bit) and refuses an invalid one with its code', () => {
    for (const n of [4, 45]) {
      const [name, mnemonics, secret] = vectors[n - 1]!;
      const r = keyshard(['slip39', 'combine', '--passphrase', 'TREZOR', '--json'], mnemonics.join('\n'));
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout), combined(secret));
    }
    const [, bad] = vectors[1]!; // 2. Mnemonic with invalid checksum
    const r = keyshard(['slip39', 'combine', '--passphrase=TREZOR', '--json'], bad.join('\n'));
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, 'SLIP39_CHECKSUM');
  });

  it('splits a secret read from stdin and combines a quorum of the result back', () => {
    const secret = '6f1a6a0a2b7c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccd';
    const split = keyshard(['slip39', 'split', '--group-threshold', '2', '--group', '2/3', '--group', '1/1', '--passphrase', '-dash', '--json'], `${secret}\n`);
    assert.equal(split.code, 0, split.stderr);
    const groups = (JSON.parse(split.stdout) as { groups: { threshold: number; mnemonics: string[] }[] }).groups;
    assert.deepEqual(groups.map((g) => [g.threshold, g.mnemonics.length]), [[2, 3], [1, 1]]);
    const quorum = [groups[0]!.mnemonics[2]!, groups[0]!.mnemonics[0]!, groups[1]!.mnemonics[0]!];
    const joined = keyshard(['slip39', 'combine', '--passphrase', '-dash', '--json'], quorum.join('\n'));
    assert.equal(joined.code, 0, joined.stderr);
    assert.deepEqual(JSON.parse(joined.stdout), combined(secret));
    const short = keyshard(['slip39', 'combine', '--passphrase', '-dash', '--json'], quorum.slice(0, 2).join('\n'));
    assert.equal((JSON.parse(short.stderr) as { error: { code: string } }).error.code, 'BELOW_THRESHOLD');
  });

  it('deals verifiable shares whose quorum recombines to the given secret', () => {
    const secret = '7b1c33d3f5291d85de664833beb1ad469f7fb6025a0ec78b3a790c6e13a98304'; // RFC 9591 ed25519 group secret
    const deal = keyshard(['vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '3', '--secret-hex', secret, '--json']);
    assert.equal(deal.code, 0, deal.stderr);
    const d = JSON.parse(deal.stdout) as { commitments: string[]; shares: unknown[]; groupPublicKey: string };
    assert.equal(d.groupPublicKey, '15d21ccd7ee42959562fc8aa63224c8851fb3ec85a3faf66040d380fb9738673');
    const combined = keyshard(['vss', 'combine', '--json'], JSON.stringify({ ciphersuite: 'ed25519', threshold: 2, commitments: d.commitments, shares: d.shares.slice(1) }));
    assert.equal(combined.code, 0, combined.stderr);
    assert.equal((JSON.parse(combined.stdout) as { secretHex: string }).secretHex, secret);
  });

  it('exits 2 with a usage message for an unknown command', () => {
    const r = keyshard(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /INVALID_ARGUMENT/);
  });
});
