/**
 * Exporting a recovered secret never replaces a file, not even one that appears between the check and the write:
 * the file is created exclusively (a hard link from a temporary file; O_EXCL where the file system has no links).
 * The race is made deterministic by an injected file system that puts a file at the target at the worst moment.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { writeNewFile } from '../../electron/services/recovery/export';
import { nodeExclusiveFs, type ExclusiveFs } from '../../electron/services/transcript-store/atomic-write';
import { cleanTemps, tempDir } from './ceremony-harness';

after(cleanTemps);

const SECRET_FILE = new TextEncoder().encode('-----BEGIN AGE ENCRYPTED FILE-----\nexported\n-----END AGE ENCRYPTED FILE-----\n');
const THEIRS = 'a file someone else put there\n';

function isExists(e: unknown): boolean {
  return e instanceof KeyshardError && e.code === 'FILE_EXISTS' && e.details?.['reason'] === 'exists';
}

describe('recovery export: a new file only', () => {
  it('writes the file (0600) when nothing is there, and leaves no temporary file', async () => {
    const dir = tempDir('export');
    const target = join(dir, 'secret.age');
    await writeNewFile(target, SECRET_FILE);
    assert.deepEqual(new Uint8Array(readFileSync(target)), SECRET_FILE);
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['secret.age']);
  });

  it('refuses a file that is already there', async () => {
    const dir = tempDir('export');
    const target = join(dir, 'secret.age');
    writeFileSync(target, THEIRS);
    await assert.rejects(writeNewFile(target, SECRET_FILE), isExists);
    assert.equal(readFileSync(target, 'utf8'), THEIRS);
  });

  it('a file that appears after the check and before the file is put in place is not replaced', async () => {
    const dir = tempDir('export');
    const target = join(dir, 'secret.age');
    let raced = 0;
    // The temporary file is written and synced; just before it takes its name, someone creates that name.
    const racing: ExclusiveFs = {
      ...nodeExclusiveFs,
      link: async (from, to) => {
        writeFileSync(to, THEIRS);
        raced++;
        return nodeExclusiveFs.link(from, to);
      },
      rename: async (from, to) => {
        writeFileSync(to, THEIRS);
        raced++;
        return nodeExclusiveFs.rename(from, to);
      },
    };
    await assert.rejects(writeNewFile(target, SECRET_FILE, racing), isExists);
    assert.equal(raced, 1, 'the race happened');
    assert.equal(readFileSync(target, 'utf8'), THEIRS, 'the file that appeared is untouched');
    assert.deepEqual(readdirSync(dir), ['secret.age'], 'no temporary file is left behind');
  });

  it('on a file system without hard links (FAT sticks) the file is created with O_EXCL: a racing file is not replaced either', async () => {
    const dir = tempDir('export');
    const target = join(dir, 'secret.age');
    const noLinks = (race: boolean): ExclusiveFs => ({
      ...nodeExclusiveFs,
      link: async () => {
        throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
      },
      open: async (path, flags, mode) => {
        if (race && path === target) writeFileSync(target, THEIRS);
        return nodeExclusiveFs.open(path, flags, mode);
      },
    });
    await assert.rejects(writeNewFile(target, SECRET_FILE, noLinks(true)), isExists);
    assert.equal(readFileSync(target, 'utf8'), THEIRS);
    assert.deepEqual(readdirSync(dir), ['secret.age']);
    // Without a race the fallback writes the file.
    const other = join(dir, 'other.age');
    const fs = noLinks(false);
    await writeNewFile(other, SECRET_FILE, fs);
    assert.deepEqual(new Uint8Array(readFileSync(other)), SECRET_FILE);
    assert.deepEqual(readdirSync(dir).sort(), ['other.age', 'secret.age']);
  });
});
