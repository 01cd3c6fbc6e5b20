// Robust input and output (issue 12.8): bounded input refused at once, a closed pipe and a full disk as typed errors,
// a folder that cannot be written with its own code; never a stack trace.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { commands } from '../../electron/cli/commands/index';
import { MAX_INPUT_BYTES } from '../../electron/cli/io';
import { runCommands } from '../helpers/cli';
import { binPath, ensureCliBundle } from '../helpers/cli-bundle';

before(ensureCliBundle);
const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const STACK = /\n\s+at |node:internal|Error:/;

function errorJson(stderr: string): { code: string; message: string } {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${stderr}`);
  return (JSON.parse(lines[0]!) as { error: { code: string; message: string } }).error;
}

/** Mostly real-looking garbage words (close to SLIP-39 words, so hints would be searched), `lines` lines, ~1 MB. */
function badMnemonics(lines: number, bytes = 1_000_000): string {
  const words = ['academix', 'acidd', 'theorx', 'abandom', 'helo', 'wiskey', 'qqqqq', 'zebraa', 'academic', 'acid'];
  const perLine = Math.floor(bytes / lines);
  const out: string[] = [];
  let seed = 7;
  for (let i = 0; i < lines; i++) {
    let line = '';
    while (line.length < perLine) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      line += `${words[seed % words.length]} `;
    }
    out.push(line.trim());
  }
  return out.join('\n').padEnd(bytes, ' acid').slice(0, bytes);
}

describe('bounded input', () => {
  it('1 MB of bad mnemonics is refused in well under 2 s, as many short lines or as few long ones', async () => {
    for (const lines of [40_000, 256, 16]) {
      const text = badMnemonics(lines);
      assert.ok(text.length > 900_000 && text.length <= MAX_INPUT_BYTES);
      const start = performance.now();
      const r = await runCommands(commands, ['slip39', 'combine', '--json'], text);
      const ms = performance.now() - start;
      assert.equal(r.code, 1);
      // More lines than a backup has shares are refused before any is decoded; fewer are each checked.
      assert.match(errorJson(r.stderr).code, lines > 256 ? /^INVALID_ARGUMENT$/ : /^SLIP39_/);
      assert.ok(ms < 2000, `${lines} lines took ${ms.toFixed(0)} ms`);
    }
  });

  it('more than 1 MiB on standard input is INPUT_TOO_LARGE from the installed command, for every command that reads it', () => {
    const big = Buffer.alloc(MAX_INPUT_BYTES + 4096, 0x61);
    for (const argv of [['slip39', 'combine', '--json'], ['vss', 'combine', '--json'], ['vss', 'deal', '--ciphersuite', 'p256', '--threshold', '2', '--shares', '2', '--json']]) {
      const r = spawnSync(process.execPath, [binPath, ...argv], { input: big, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(errorJson(r.stderr).code, 'INPUT_TOO_LARGE');
    }
  });
});

describe('files named on the command line', () => {
  it('/dev/zero, a FIFO with no writer and a huge file are refused at once, not read forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyshard-io-'));
    temps.push(dir);
    const fifo = join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const huge = join(dir, 'huge.ks');
    writeFileSync(huge, Buffer.alloc(MAX_INPUT_BYTES + 1, 0x41));
    const cases: [string, string][] = [['/dev/zero', 'FILE_NOT_REGULAR'], [fifo, 'FILE_NOT_REGULAR'], [huge, 'FILE_TOO_LARGE'], [join(dir, 'missing'), 'FILE_NOT_FOUND']];
    for (const [file, code] of cases) {
      for (const argv of [
        ['hsm', 'store', '--module', '/nonexistent/libpkcs11.so', '--token', 't', '--pin-env', 'PIN', '--file', file, '--json'],
        ['shard', 'open', '--json', file],
        ['recover', '--json', file],
      ]) {
        const start = performance.now();
        const r = await runCommands(commands, argv);
        assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stderr}`);
        assert.equal(errorJson(r.stderr).code, code, argv.join(' '));
        assert.ok(performance.now() - start < 5000, `${argv.join(' ')} took too long`);
      }
    }
  });
});

describe('output that cannot be written', () => {
  it('a closed pipe is OUTPUT_CLOSED on stderr with exit 1, not a stack trace', async () => {
    const child = spawn(process.execPath, [binPath, 'vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '3', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close the reading end before the command has started: its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1, stderr);
    assert.equal(errorJson(stderr).code, 'OUTPUT_CLOSED');
    assert.doesNotMatch(stderr, STACK);
  });

  it('a full disk behind a redirect is DISK_FULL, in text and in JSON', () => {
    for (const json of [false, true]) {
      const full = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [binPath, '--help', ...(json ? ['--json'] : [])], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 1, r.stderr);
        if (json) assert.equal(errorJson(r.stderr).code, 'DISK_FULL');
        else assert.match(r.stderr, /^keyshard: DISK_FULL: .*\n$/);
        assert.doesNotMatch(r.stderr, STACK);
      } finally {
        closeSync(full);
      }
    }
  });

  it('a full disk under --out is DISK_FULL (a 16 KiB tmpfs, filled)', (t) => {
    const mnt = mkdtempSync(join(tmpdir(), 'keyshard-full-'));
    temps.push(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt]).status !== 0) {
      t.skip('mounting a small tmpfs needs root; the /dev/full test above covers output to a full disk');
      return;
    }
    try {
      spawnSync('dd', ['if=/dev/zero', `of=${join(mnt, 'fill')}`, 'bs=1k', 'count=15']);
      const r = spawnSync(process.execPath, [binPath, 'vss', 'deal', '--ciphersuite', 'ed25519', '--threshold', '2', '--shares', '20', '--out', join(mnt, 'deal'), '--json'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(errorJson(r.stderr).code, 'DISK_FULL');
      assert.doesNotMatch(r.stderr, STACK);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('a folder that cannot be written is FOLDER_NOT_WRITABLE, not INTERNAL', () => {
    // /sys refuses new entries even to root (the tests may run as root, for whom permissions do not apply).
    const r = spawnSync(process.execPath, [binPath, 'demo', '--out', '/sys/keyshard-test-out', '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(errorJson(r.stderr).code, 'FOLDER_NOT_WRITABLE');
  });
});
