import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slip39Commands } from '../../electron/cli/commands/slip39';
import { runCommands, type CliRun } from '../helpers/cli';
import { decodeShare } from '../../core/slip39/index';
import { loadVectors } from '../core/slip39-helpers';
import { hexToBytes } from '@noble/hashes/utils.js';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
/** slip39 combine's JSON for a secret: the secret and the fingerprint of its BIP-32 root. */
function combined(secretHex: string): { secretHex: string; fingerprint: string } {
  return { secretHex, fingerprint: fingerprintOf(seedIdentity(hexToBytes(secretHex))).hex };
}


type Run = CliRun;

const cli = (argv: string[], stdin = ''): Promise<Run> => runCommands(slip39Commands, argv, stdin);

const SECRET = '00112233445566778899aabbccddeeff';
const SECRET32 = 'ff'.repeat(4) + '0123456789abcdef'.repeat(3) + '00'.repeat(4);

function parseSplit(r: Run): { threshold: number; mnemonics: string[] }[] {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const json = JSON.parse(r.stdout) as { groups: { threshold: number; mnemonics: string[] }[]; fingerprint: string };
  assert.deepEqual(Object.keys(json), ['groups', 'fingerprint']);
  assert.match(json.fingerprint, /^[0-9a-f]{64}$/);
  for (const g of json.groups) {
    assert.deepEqual(Object.keys(g), ['threshold', 'mnemonics']);
    assert.equal(typeof g.threshold, 'number');
    for (const m of g.mnemonics) assert.match(m, /^[a-z]+( [a-z]+)+$/);
  }
  return json.groups;
}

function parseError(r: Run): { code: string; message: string } {
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, '');
  return (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
}

describe('keyshard slip39 split / combine', () => {
  it('split then combine round-trips, with exactly the JSON shapes of the contract', async () => {
    const groups = parseSplit(
      await cli(['slip39', 'split', '--secret-hex', SECRET, '--group-threshold', '2', '--group', '2/3', '--group', '3/5', '--group', '1/1', '--json']),
    );
    assert.deepEqual(groups.map((g) => [g.threshold, g.mnemonics.length]), [[2, 3], [3, 5], [1, 1]]);
    const first = decodeShare(groups[0]!.mnemonics[0]!);
    assert.equal(first.extendable, true); // default: current revision
    assert.equal(first.iterationExponent, 1); // default: as Trezor
    const stdin = [groups[1]!.mnemonics[4], groups[2]!.mnemonics[0], groups[1]!.mnemonics[0], groups[1]!.mnemonics[2]].join('\n');
    const r = await cli(['slip39', 'combine', '--json'], stdin);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), combined(SECRET));
  });

  it('takes --flag=value forms, --no-extendable, and a passphrase that begins with a dash', async () => {
    const groups = parseSplit(
      await cli(['slip39', 'split', `--secret-hex=${SECRET32}`, '--group-threshold=1', '--group=2/3', '--passphrase=-x y', '--iteration-exponent=0', '--no-extendable', '--json']),
    );
    const share = decodeShare(groups[0]!.mnemonics[0]!);
    assert.equal(share.extendable, false);
    assert.equal(share.iterationExponent, 0);
    assert.equal(groups[0]!.mnemonics[0]!.split(' ').length, 33);
    const stdin = `${groups[0]!.mnemonics[0]}\n${groups[0]!.mnemonics[2]}\n`;
    assert.deepEqual(JSON.parse((await cli(['slip39', 'combine', '--passphrase', '-x y', '--json'], stdin)).stdout), combined(SECRET32));
    assert.deepEqual(JSON.parse((await cli(['slip39', 'combine', '--passphrase=-x y', '--json'], stdin)).stdout), combined(SECRET32));
    const wrong = JSON.parse((await cli(['slip39', 'combine', '--json'], stdin)).stdout) as { secretHex: string };
    assert.notEqual(wrong.secretHex, SECRET32);
    assert.equal(wrong.secretHex.length, SECRET32.length);
  });

  it('a passphrase may even look like a flag', async () => {
    const groups = parseSplit(await cli(['slip39', 'split', '--secret-hex', SECRET, '--group', '1/1', '--passphrase', '--json', '--json']));
    const r = await cli(['slip39', 'combine', '--passphrase', '--json', '--json'], groups[0]!.mnemonics[0]!);
    assert.deepEqual(JSON.parse(r.stdout), combined(SECRET));
  });

  it('reads the secret from stdin (one line of hex) when --secret-hex is absent', async () => {
    const groups = parseSplit(await cli(['slip39', 'split', '--group-threshold', '1', '--group', '2/2', '--json'], `\n  ${SECRET.toUpperCase()}  \n`));
    const r = await cli(['slip39', 'combine', '--json'], groups[0]!.mnemonics.join('\n'));
    assert.deepEqual(JSON.parse(r.stdout), combined(SECRET));
  });

  it('combine ignores blank lines and tolerates surrounding spaces and case', async () => {
    const groups = parseSplit(await cli(['slip39', 'split', '--secret-hex', SECRET, '--group', '2/3', '--json']));
    const stdin = `\n\n   ${groups[0]!.mnemonics[1]!.toUpperCase()}   \r\n\n\t${groups[0]!.mnemonics[0]}\n\n`;
    assert.deepEqual(JSON.parse((await cli(['slip39', 'combine', '--json'], stdin)).stdout), combined(SECRET));
  });

  it('combines every valid official vector (passphrase TREZOR)', async () => {
    for (const [description, mnemonics, secretHex] of loadVectors()) {
      if (secretHex === '') continue;
      const r = await cli(['slip39', 'combine', '--passphrase', 'TREZOR', '--json'], mnemonics.join('\n'));
      assert.equal(r.code, 0, `${description}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout), combined(secretHex), description);
    }
  });

  it('an invalid vector gives a typed error on stderr and a non-zero exit', async () => {
    const vectors = loadVectors();
    const checksum = vectors[1]!; // "2. Mnemonic with invalid checksum"
    const json = await cli(['slip39', 'combine', '--passphrase', 'TREZOR', '--json'], checksum[1].join('\n'));
    assert.equal(json.code, 1);
    assert.equal(parseError(json).code, 'SLIP39_CHECKSUM');
    const human = await cli(['slip39', 'combine', '--passphrase', 'TREZOR'], vectors[4]![1].join('\n')); // 5: too few shares
    assert.equal(human.code, 1);
    assert.match(human.stderr, /^keyshard: BELOW_THRESHOLD: .*needs 1 more share/);
    for (const word of vectors[4]![1][0]!.split(' ').slice(0, 4)) assert.ok(!human.stderr.includes(`${word} `), 'no words echoed');
  });

  it('prints a readable form without --json', async () => {
    const split = await cli(['slip39', 'split', '--secret-hex', SECRET, '--group-threshold', '1', '--group', '2/3']);
    assert.equal(split.code, 0);
    assert.match(split.stdout, /any 1 of 1 group/);
    assert.match(split.stdout, /Group 1: any 2 of 3 share/);
    const lines = split.stdout.split('\n').filter((l) => /^ {2}\d\. /.test(l)).map((l) => l.replace(/^ {2}\d\. /, ''));
    assert.equal(lines.length, 3);
    const combine = await cli(['slip39', 'combine'], lines.slice(0, 2).join('\n'));
    assert.equal(combine.code, 0);
    assert.match(combine.stdout, new RegExp(`Recovered master secret \\(16 bytes, hex\\):\\n${SECRET}\\n`));
  });

  it('--help explains each command', async () => {
    for (const action of ['split', 'combine']) {
      const r = await cli(['slip39', action, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: keyshard slip39 ${action}`));
      assert.match(r.stdout, /--passphrase/);
    }
    const overview = await cli(['slip39', '--help']);
    assert.match(overview.stdout, /slip39 split/);
    assert.match(overview.stdout, /slip39 combine/);
  });

  it('refuses bad arguments with typed errors and the right exit codes', async () => {
    const cases: [string[], string, string, number][] = [
      [['slip39', 'split', '--secret-hex', SECRET, '--json'], '', 'INVALID_ARGUMENT', 2],
      [['slip39', 'split', '--secret-hex', SECRET, '--group', '2of3', '--json'], '', 'INVALID_ARGUMENT', 2],
      [['slip39', 'split', '--secret-hex', SECRET, '--group', '2/3', '--group', '2/3', '--json'], '', 'INVALID_ARGUMENT', 2], // GT required with 2 groups
      [['slip39', 'split', '--secret-hex', SECRET, '--group-threshold', '3', '--group', '2/3', '--group', '2/3', '--json'], '', 'SLIP39_PARAMETERS', 1],
      [['slip39', 'split', '--secret-hex', SECRET, '--group', '1/3', '--json'], '', 'SLIP39_PARAMETERS', 1],
      [['slip39', 'split', '--secret-hex', 'zz' + SECRET, '--group', '2/3', '--json'], '', 'INVALID_HEX', 1],
      [['slip39', 'split', '--secret-hex', SECRET.slice(2), '--group', '2/3', '--json'], '', 'SECRET_LENGTH', 1],
      [['slip39', 'split', '--group', '2/3', '--json'], '', 'INVALID_ARGUMENT', 2],
      [['slip39', 'split', '--secret-hex', SECRET, '--group', '2/3', '--iteration-exponent', '16', '--json'], '', 'INVALID_ARGUMENT', 2],
      [['slip39', 'split', '--secret-hex', SECRET, '--group', '2/3', '--passphrase', 'caf\u00e9', '--json'], '', 'INVALID_ARGUMENT', 1],
      [['slip39', 'combine', '--json'], '\n \n', 'INVALID_ARGUMENT', 2],
      [['slip39', 'combine', '--json'], 'academic acid acne', 'SLIP39_LENGTH', 1],
    ];
    for (const [argv, stdin, code, exit] of cases) {
      const r = await cli(argv, stdin);
      assert.equal(r.code, exit, `${argv.join(' ')}: ${r.stderr}`);
      const e = parseError(r);
      assert.equal(e.code, code, argv.join(' '));
      assert.ok(!e.message.includes(SECRET.slice(2, 12)), 'secret echoed');
      assert.ok(!e.message.includes('caf\u00e9'), 'passphrase echoed');
    }
  });
});
