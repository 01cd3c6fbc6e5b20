// Secrets never only as flags (issue 12.4): prompts at a terminal (tested through a pseudo-terminal), secrets from
// files and environment variables, and a secret made by split itself shown only by its fingerprint.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hexToBytes } from '@noble/hashes/utils.js';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { slip39Commands } from '../../electron/cli/commands/slip39';
import { vssCommands } from '../../electron/cli/commands/vss';
import { runCommands } from '../helpers/cli';
import { binPath, ensureCliBundle } from '../helpers/cli-bundle';
import { runInPty } from '../helpers/pty';

before(ensureCliBundle);
const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-prompts-'));
  temps.push(d);
  return d;
}

const SECRET = '8f2e55a1c3d4b6079e1f2a3b4c5d6e7f';
const fingerprintOfHex = (hex: string) => fingerprintOf(seedIdentity(hexToBytes(hex))).hex;
const slip39 = (argv: string[], stdin = '') => runCommands(slip39Commands, argv, stdin);

async function split(argv: string[], stdin = ''): Promise<{ groups: { mnemonics: string[] }[]; fingerprint: string; secretHex?: string }> {
  const r = await slip39(['slip39', 'split', ...argv, '--json'], stdin);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { groups: { mnemonics: string[] }[]; fingerprint: string; secretHex?: string };
}

/** The last JSON object line a terminal showed. */
function lastJson(output: string): Record<string, unknown> {
  const line = output.split(/\r?\n/).reverse().find((l) => l.trim().startsWith('{'));
  assert.ok(line !== undefined, `no JSON in: ${output}`);
  return JSON.parse(line.trim()) as Record<string, unknown>;
}

describe('prompts at a terminal (through a pseudo-terminal)', () => {
  it('slip39 combine asks for each share word by word, hidden, completing words and showing progress per group', async () => {
    const backup = await split(['--secret-hex', SECRET, '--group', '2/3']);
    const [m1, m2] = [backup.groups[0]!.mnemonics[0]!.split(' '), backup.groups[0]!.mnemonics[2]!.split(' ')];
    const steps: [string, string][] = [['Words per share, 20 or 33 \\[20\\]: ', '\r']];
    // Share 1: each word by its first four letters (SLIP-39 words are unique in them), ended by a space.
    m1.forEach((w, i) => steps.push([`Share 1, word ${i + 1} of 20: `, `${w.slice(0, 4)} `]));
    steps.push(['Group 1: 1 of 2 shares', '']);
    // Share 2: whole words ended by Enter, with one typo that is refused and typed again.
    m2.forEach((w, i) => {
      if (i === 2) {
        steps.push([`Share 2, word 3 of 20: `, 'qqqq\r']);
        steps.push(['is not the start of any SLIP-39 word', '']);
      }
      steps.push([`Share 2, word ${i + 1} of 20: `, `${w}\r`]);
    });
    steps.push(['Passphrase \\(not shown; Enter for none\\): ', '\r']);
    const r = runInPty([process.execPath, binPath, 'slip39', 'combine', '--json'], steps);
    assert.equal(r.steps, steps.length, r.output);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(lastJson(r.output), { secretHex: SECRET, fingerprint: fingerprintOfHex(SECRET) });
    assert.match(r.output, /Share 1 accepted\./);
    assert.match(r.output, /Group 1: 2 of 2 shares, complete/);
    // Nothing typed was shown: every answer to a word prompt shows only a dot per letter, then " ok" or the problem.
    const answers = [...r.output.matchAll(/Share \d, word \d+ of 20: ([^\r\n]*)/g)].map((m) => m[1]!);
    assert.equal(answers.length, 41, r.output);
    for (const a of answers) assert.match(a, /^\.+ (ok|is not the start of any SLIP-39 word; type this word again\.)$/);
    // Nor anywhere else: no two words of a share side by side. (A single word is no test: SLIP-39's list holds words
    // such as "type" and "group" that the prompts' own sentences use, so a share holding one would fail at random.)
    const shown = r.output.replace(/\{.*\}/, '').toLowerCase();
    for (const m of [m1, m2]) {
      for (let i = 1; i < m.length; i++) assert.ok(!shown.includes(`${m[i - 1]} ${m[i]}`), `words ${i} and ${i + 1} of a share were shown`);
    }
  });

  it('slip39 split asks for the secret and a passphrase (twice) without showing them, and Ctrl-C cancels', async () => {
    const r = runInPty([process.execPath, binPath, 'slip39', 'split', '--group', '2/3', '--json'], [
      ['Master secret \\(hex, not shown\\): ', `${SECRET}\r`],
      ['Passphrase \\(not shown; Enter for none\\): ', 'pass one\r'],
      ['The same passphrase again: ', 'pass two\r'],
      ['The two passphrases differ; type it again\\.', ''],
      ['Passphrase \\(not shown; Enter for none\\): ', 'pass one\r'],
      ['The same passphrase again: ', 'pass one\r'],
    ]);
    assert.equal(r.code, 0, r.output);
    assert.equal(r.steps, 6, r.output);
    assert.ok(!r.output.includes(SECRET.slice(0, 8)), 'the secret was shown');
    assert.ok(!r.output.includes('pass one'), 'the passphrase was shown');
    const out = lastJson(r.output) as { fingerprint: string; groups: { mnemonics: string[] }[] };
    assert.equal(out.fingerprint, fingerprintOfHex(SECRET));
    // The passphrase typed at the prompt is the one the shares need.
    process.env['KEYSHARD_TEST_PASSPHRASE'] = 'pass one';
    try {
      const back = await slip39(['slip39', 'combine', '--passphrase-env', 'KEYSHARD_TEST_PASSPHRASE', '--json'], out.groups[0]!.mnemonics.slice(0, 2).join('\n'));
      assert.equal(JSON.parse(back.stdout).secretHex, SECRET);
    } finally {
      delete process.env['KEYSHARD_TEST_PASSPHRASE'];
    }

    const cancelled = runInPty([process.execPath, binPath, 'slip39', 'split', '--group', '2/3'], [['Master secret', 'ab\u0003']]);
    assert.equal(cancelled.code, 1, cancelled.output);
    assert.match(cancelled.output, /Cancelled at the prompt; nothing was done\./);
  });
});

describe('secrets from files, the environment and the CSPRNG', () => {
  it('split --generate prints the fingerprint, not the secret, unless --reveal', async () => {
    const made = await split(['--generate', '128', '--group', '2/3']);
    assert.equal(made.secretHex, undefined);
    const back = await slip39(['slip39', 'combine', '--json'], made.groups[0]!.mnemonics.slice(1).join('\n'));
    assert.equal(JSON.parse(back.stdout).fingerprint, made.fingerprint);
    const revealed = await split(['--generate', '256', '--group', '1/1', '--reveal']);
    assert.equal(revealed.secretHex?.length, 64);
    assert.equal(fingerprintOfHex(revealed.secretHex!), revealed.fingerprint);
    const text = await slip39(['slip39', 'split', '--generate', '128', '--group', '1/1']);
    assert.match(text.stdout, /Fingerprint: ([0-9A-F]{4} ){7}[0-9A-F]{4} \(of a fresh secret/);
    for (const bad of [['--generate', '100'], ['--generate', '128', '--secret-hex', SECRET], ['--secret-hex', SECRET, '--reveal']]) {
      assert.equal((await slip39(['slip39', 'split', '--group', '1/1', ...bad])).code, 2, bad.join(' '));
    }
  });

  it('--secret-file for split and vss deal, --passphrase-env for split and combine', async () => {
    const dir = tempDir();
    const file = join(dir, 'secret.hex');
    writeFileSync(file, `${SECRET}\n`);
    process.env['KEYSHARD_TEST_PASSPHRASE'] = 'correct horse';
    try {
      const made = await split(['--secret-file', file, '--group', '1/1', '--passphrase-env', 'KEYSHARD_TEST_PASSPHRASE']);
      const right = await slip39(['slip39', 'combine', '--passphrase-env', 'KEYSHARD_TEST_PASSPHRASE', '--json'], made.groups[0]!.mnemonics[0]!);
      assert.equal(JSON.parse(right.stdout).secretHex, SECRET);
      const none = await slip39(['slip39', 'combine', '--json'], made.groups[0]!.mnemonics[0]!);
      assert.notEqual(JSON.parse(none.stdout).secretHex, SECRET);
      assert.equal((await slip39(['slip39', 'combine', '--passphrase-env', 'KEYSHARD_TEST_UNSET_VAR', '--json'], made.groups[0]!.mnemonics[0]!)).code, 2);
    } finally {
      delete process.env['KEYSHARD_TEST_PASSPHRASE'];
    }
    const scalar = '7b1c33d3f5291d85de664833beb1ad469f7fb6025a0ec78b3a790c6e13a98304';
    const scalarFile = join(dir, 'scalar.hex');
    writeFileSync(scalarFile, `${scalar}\n`);
    const d = await runCommands(vssCommands, ['vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '2', '--secret-file', scalarFile, '--json']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).groupPublicKey, '15d21ccd7ee42959562fc8aa63224c8851fb3ec85a3faf66040d380fb9738673');
  });
});
