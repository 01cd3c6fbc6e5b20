/**
 * The guarded reader (electron/services/fs/guarded-read.ts) on real files: a FIFO with nobody writing is refused at
 * once (it would hang a plain read for good), /dev/zero and a folder are not regular files, a link is refused even to
 * a good file, a file over the cap is refused (and one that claims size 0, as /proc files do, is read no further than
 * cap + 1 bytes), a normal file reads whole. And the USB read-back that uses it (readShards over nodeUsbFs): a FIFO
 * named like a shard file is a problem listed at once, not a hang.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { readGuarded, readGuardedText } from '../../electron/services/fs/guarded-read';
import { readShards } from '../../electron/services/usb/read';
import { cleanTemps, tempDir } from './ceremony-harness';

const fifos: string[] = [];

/** A FIFO nobody writes to. */
function fifo(dir: string, name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  fifos.push(path);
  return path;
}

after(() => {
  // Should a reader still wait on one (the bug this guards against), give it its end of file so the process can exit.
  for (const path of fifos) {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting: as it should be
    }
  }
  cleanTemps();
});

/** Resolves to the error, or fails the test if the read does not settle within `ms` (a hang). */
async function refusal(read: Promise<unknown>, ms = 5000): Promise<KeyshardError> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  try {
    const outcome = await Promise.race([read.then(() => 'read' as const, (e: unknown) => e), hung]);
    assert.notEqual(outcome, 'hung', `the read did not settle within ${ms} ms`);
    assert.notEqual(outcome, 'read', 'the read succeeded');
    assert.ok(outcome instanceof KeyshardError, String(outcome));
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** Bytes this process has read through read(2) and friends (/proc/self/io rchar). */
function bytesReadSoFar(): number {
  const m = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  assert.ok(m !== null, '/proc/self/io has no rchar line');
  return Number(m[1]);
}

const opts = (maxBytes: number) => ({ maxBytes, what: 'the test file' });

describe('guarded reader', () => {
  it('refuses a FIFO with nobody writing at once, without waiting for a writer', async () => {
    const dir = tempDir('guarded');
    const started = performance.now();
    const e = await refusal(readGuarded(fifo(dir, 'key.json'), opts(4096)));
    assert.equal(e.code, 'FILE_NOT_REGULAR');
    assert.match(e.message, /pipe \(FIFO\), not a plain file/);
    assert.ok(performance.now() - started < 2000, `took ${Math.round(performance.now() - started)} ms`);
  });

  it('refuses /dev/zero and a folder as not regular files, and a link even to a good file', async () => {
    const dir = tempDir('guarded');
    assert.equal((await refusal(readGuarded('/dev/zero', opts(4096)))).code, 'FILE_NOT_REGULAR');
    assert.equal((await refusal(readGuarded(dir, opts(4096)))).code, 'FILE_NOT_REGULAR');
    const good = join(dir, 'good.txt');
    writeFileSync(good, 'fine');
    symlinkSync(good, join(dir, 'link.txt'));
    const e = await refusal(readGuarded(join(dir, 'link.txt'), opts(4096)));
    assert.equal(e.code, 'FILE_LINK');
    assert.match(e.message, /never reads the test file through a link/);
    symlinkSync('/dev/zero', join(dir, 'zero.txt'));
    assert.equal((await refusal(readGuarded(join(dir, 'zero.txt'), opts(4096)))).code, 'FILE_LINK');
    const missing = await refusal(readGuarded(join(dir, 'absent.txt'), opts(4096)));
    assert.deepEqual([missing.code, missing.details?.['reason']], ['FILE_READ', 'not-found']);
  });

  it('reads a normal file whole, up to exactly the cap; one byte more is FILE_TOO_LARGE', async () => {
    const dir = tempDir('guarded');
    writeFileSync(join(dir, 'a.txt'), 'héllo');
    assert.equal(await readGuardedText(join(dir, 'a.txt'), opts(100)), 'héllo');
    const exact = new Uint8Array(200_000).fill(7);
    writeFileSync(join(dir, 'exact.bin'), exact);
    assert.deepEqual(await readGuarded(join(dir, 'exact.bin'), opts(200_000)), exact);
    writeFileSync(join(dir, 'over.bin'), new Uint8Array(200_001));
    const e = await refusal(readGuarded(join(dir, 'over.bin'), opts(200_000)));
    assert.equal(e.code, 'FILE_TOO_LARGE');
    assert.match(e.message, /larger than 195\.3 KiB/);
    writeFileSync(join(dir, 'empty.txt'), '');
    assert.equal((await readGuarded(join(dir, 'empty.txt'), opts(10))).length, 0);
  });

  it('reads no more than cap + 1 bytes of a file whose size says 0 (/proc/self/maps)', async () => {
    const whole = readFileSync('/proc/self/maps').length;
    assert.ok(whole > 20_000, `this process's map is only ${whole} bytes`);
    const before = bytesReadSoFar();
    const e = await refusal(readGuarded('/proc/self/maps', opts(1000)));
    const read = bytesReadSoFar() - before;
    assert.equal(e.code, 'FILE_TOO_LARGE');
    // rchar also counts this check's own read of /proc/self/io (a few hundred bytes).
    assert.ok(read <= 1001 + 2048, `read ${read} bytes of a ${whole}-byte file with a cap of 1000`);
  });

  it('USB read-back: a FIFO and a link to a device named like shard files are listed as problems at once', async () => {
    const drive = tempDir('guarded-drive');
    mkdirSync(drive, { recursive: true });
    const id = '0123456789abcdef0123456789abcdef';
    fifo(drive, `keyshard-${id}-c0.txt`);
    symlinkSync('/dev/zero', join(drive, `keyshard-${id}-c1.txt`));
    const read = readShards({ mountPoint: drive });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([read, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 5000)))]);
    clearTimeout(timer);
    assert.notEqual(outcome, 'hung', 'reading the drive hung on a FIFO');
    if (outcome === 'hung') return;
    assert.equal(outcome.shards.length, 0);
    assert.deepEqual(
      outcome.problems.map((p) => [p.file.slice(-6), p.code]),
      [
        ['c0.txt', 'FILE_NOT_REGULAR'],
        ['c1.txt', 'FILE_LINK'],
      ],
    );
  });
});
