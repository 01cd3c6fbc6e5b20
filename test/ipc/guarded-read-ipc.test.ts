/**
 * Reads by a path from the window answer at once, whatever the path names: ceremony:load-witness-key with a FIFO that
 * nobody writes to (before the guarded reader, main waited on it for good - and with it every later call, quitting
 * included), with /dev/zero (gigabytes), with a link and with an oversized file: each is a typed error, fast; a good
 * key file still loads.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { IpcResult } from '../../electron/ipc/result';
import { cleanTemps } from '../services/ceremony-harness';
import { ipcRig } from './ipc-harness';

const fifos: string[] = [];

after(() => {
  // Should a read still wait on a FIFO (the bug), give it its end of file so this process can exit.
  for (const path of fifos) {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // nobody waiting
    }
  }
  cleanTemps();
});

/** The answer, or 'hung' when none came within `ms`. */
async function within<T>(answer: Promise<T>, ms = 5000): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([answer, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(r: IpcResult<unknown> | 'hung'): string {
  assert.notEqual(r, 'hung', 'main did not answer: the read is stuck');
  if (r === 'hung') return 'hung';
  assert.equal(r.ok, false, 'the path was read as a key file');
  return r.ok ? 'ok' : r.error.code;
}

describe('witness key file by path over IPC', () => {
  it('answers a FIFO, /dev/zero, a link and an oversized file with a typed error at once; a good key file still loads', async () => {
    const rig = ipcRig();
    const fifo = join(rig.root, 'wendy-key.json');
    execFileSync('mkfifo', [fifo]);
    fifos.push(fifo);
    const started = performance.now();
    assert.equal(codeOf(await within(rig.raw('ceremony:load-witness-key', { path: await rig.choose('witness-key', fifo) }))), 'FILE_NOT_REGULAR');
    assert.ok(performance.now() - started < 3000, `the FIFO took ${Math.round(performance.now() - started)} ms`);
    assert.equal(codeOf(await within(rig.raw('ceremony:load-witness-key', { path: await rig.choose('witness-key', '/dev/zero') }))), 'FILE_NOT_REGULAR');
    const good = rig.witnessKeyFile('wendy');
    const link = join(rig.root, 'link-key.json');
    symlinkSync(good, link);
    assert.equal(codeOf(await within(rig.raw('ceremony:load-witness-key', { path: await rig.choose('witness-key', link) }))), 'FILE_LINK');
    const big = join(rig.root, 'big-key.json');
    writeFileSync(big, ' '.repeat(1024 * 1024));
    assert.equal(codeOf(await within(rig.raw('ceremony:load-witness-key', { path: await rig.choose('witness-key', big) }))), 'FILE_TOO_LARGE');
    // The service was not left waiting: the next call is served, and the real key file loads.
    const loaded = await within(rig.raw('ceremony:load-witness-key', { path: good }));
    assert.notEqual(loaded, 'hung');
    assert.equal(loaded !== 'hung' && loaded.ok, true, JSON.stringify(loaded));
    await rig.host.shutdown();
  });
});
