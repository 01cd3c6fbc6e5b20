/**
 * Shard files on a "stick" (a temp folder as the mount point): atomic write with read-back, every fault the
 * service must survive (pulled mid-write, ENOSPC, EROFS, a vanished mount, bytes that change after writing), and
 * after each failure: no partial file and no temporary file left.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { EnvelopeScheme, ceremonyIdToHex, encodeEnvelope, encodeSlip39Payload, envelopeToText, newCeremonyId } from '../../core/envelope';
import type { Envelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import type { KeyshardErrorCode } from '../../core/errors';
import { generateAgeIdentity, openProtectedEnvelope } from '../../electron/services/protection/index';
import { isTempFileName, nodeUsbFs, readShards, writeShard, writeShardFile } from '../../electron/services/usb/index';
import type { UsbFs } from '../../electron/services/usb/index';

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
// 20 words of the SLIP-39 wordlist: the envelope only checks the shape (lowercase words); content is irrelevant here.
const WORDS = 'academic acid acne acquire acrobat activity actress adapt adequate adjust admit adorn adult advance advocate afraid again agency agree aide';

function envelopeFor(ceremonyId: Uint8Array, custodianIndex: number, label = `Custodian ${custodianIndex}`): Envelope {
  return {
    scheme: EnvelopeScheme.slip39,
    ceremonyId,
    custodianIndex,
    custodianLabel: label,
    groupFingerprint: random(32),
    payload: encodeSlip39Payload(WORDS),
  };
}

const dirs: string[] = [];
function stick(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyshard-stick-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Plain shard files: explicit, as the service requires (they make the checks easy to see). */
const PLAIN = { protection: { kind: 'none' }, allowUnprotected: true } as const;
const errno = (code: string): Error => Object.assign(new Error(`${code}: injected`), { code });

async function rejectsCode(p: Promise<unknown>, code: KeyshardErrorCode): Promise<KeyshardError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/** Every failure leaves the stick exactly as it was: same names, no temporary file. */
function assertUnchanged(dir: string, before: readonly string[]): void {
  const now = readdirSync(dir).sort();
  assert.deepEqual(now, [...before].sort());
  assert.ok(!now.some((n) => n.endsWith('.tmp')), 'no temporary file');
}

/** nodeUsbFs with some operations replaced (fault injection). */
function faulty(overrides: Partial<UsbFs>): UsbFs {
  return { ...nodeUsbFs, ...overrides };
}

describe('writeShard', () => {
  it('writes exactly one file named from the ceremony and custodian, byte for byte the shard text', async () => {
    const dir = stick();
    const id = newCeremonyId(random);
    const envelope = envelopeFor(id, 2, 'Carol');
    const written = await writeShard({ mountPoint: dir }, envelope, { ...PLAIN });
    const name = `keyshard-${ceremonyIdToHex(id)}-c2.txt`;
    assert.deepEqual(written, { file: name, path: join(dir, name), bytes: envelopeToText(envelope).length + 1, protection: 'none', replaced: [], overwrote: false });
    assert.deepEqual(readdirSync(dir), [name]);
    assert.equal(readFileSync(join(dir, name), 'utf8'), `${envelopeToText(envelope)}\n`);
    const { shards, problems } = await readShards({ mountPoint: dir });
    assert.deepEqual(problems, []);
    assert.equal(shards.length, 1);
    const s = shards[0]!;
    assert.equal(s.protection, 'none');
    assert.deepEqual(encodeEnvelope(s.envelope), encodeEnvelope(envelope));
    assert.equal(s.summary.custodianLabel, 'Carol');
  });

  it('refuses a plain shard on a stick unless the caller explicitly allows it', async () => {
    const dir = stick();
    const err = await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { protection: { kind: 'none' } }), 'INVALID_ARGUMENT');
    assert.equal(err.details?.['reason'], 'unprotected');
    assertUnchanged(dir, []);
  });

  it('writes protected files (age) that the custodian\'s key opens, and reads them back as protected', async () => {
    const dir = stick();
    const envelope = envelopeFor(newCeremonyId(random), 0, 'Alice');
    const age = await generateAgeIdentity();
    const written = await writeShard({ mountPoint: dir }, envelope, { protection: { kind: 'age', recipient: age.recipient } });
    assert.match(written.file, /\.age$/);
    const { shards, problems } = await readShards({ mountPoint: dir });
    assert.deepEqual(problems, []);
    const s = shards[0]!;
    assert.equal(s.protection, 'age');
    const opened = await openProtectedEnvelope(s.data, { kind: 'age', identity: age.identity });
    assert.deepEqual(encodeEnvelope(opened), encodeEnvelope(envelope));
  });

  it('refuses a stick holding another custodian\'s shard of the same ceremony; allows rewriting the same custodian\'s', async () => {
    const dir = stick();
    const id = newCeremonyId(random);
    await writeShard({ mountPoint: dir }, envelopeFor(id, 0), { ...PLAIN });
    const before = readdirSync(dir);
    const err = await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(id, 1), { ...PLAIN }), 'USB_FOREIGN_SHARD');
    assert.deepEqual(err.details?.['custodianIndexes'], [0]);
    assertUnchanged(dir, before);
    // The same custodian again (e.g. a re-issued shard): replaced atomically.
    const again = envelopeFor(id, 0, 'Alice again');
    const rewritten = await writeShard({ mountPoint: dir }, again, { ...PLAIN });
    assert.equal(rewritten.overwrote, true);
    assert.equal(readFileSync(rewritten.path, 'utf8'), `${envelopeToText(again)}\n`);
    // ... also under another protection: the older file is removed once the new one is verified.
    const age = await generateAgeIdentity();
    const asAge = await writeShard({ mountPoint: dir }, again, { protection: { kind: 'age', recipient: age.recipient } });
    assert.deepEqual(asAge.replaced, [rewritten.file]);
    assert.deepEqual(readdirSync(dir), [asAge.file]);
    // A shard of another ceremony may share the stick.
    await writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 1), { ...PLAIN });
    assert.equal(readdirSync(dir).length, 2);
  });

  it('a stick pulled mid-write (the writer fails after some bytes): USB_REMOVED, nothing left', async () => {
    const dir = stick();
    writeFileSync(join(dir, 'notes.txt'), 'unrelated file');
    const before = readdirSync(dir);
    const fs = faulty({
      async createExclusive(path) {
        const real = await nodeUsbFs.createExclusive(path);
        return {
          async write(data, position) {
            // The first 40 bytes reach the stick, then the device is gone.
            if (position === 0) return real.write(data.subarray(0, 40), 0);
            throw errno('EIO');
          },
          sync: () => real.sync(),
          close: () => real.close(),
        };
      },
    });
    const err = await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs }), 'USB_REMOVED');
    assert.equal(err.details?.['errno'], 'EIO');
    assertUnchanged(dir, before);
  });

  it('the whole mount vanishing mid-write: USB_REMOVED', async () => {
    const dir = stick();
    const fs = faulty({
      async createExclusive(path) {
        const real = await nodeUsbFs.createExclusive(path);
        return {
          async write(data, position) {
            await real.write(data.subarray(0, 10), position);
            rmSync(dir, { recursive: true, force: true }); // unmounted under us
            throw errno('ENODEV');
          },
          sync: () => real.sync(),
          close: () => real.close(),
        };
      },
    });
    await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs }), 'USB_REMOVED');
  });

  it('a mount point that is gone before writing: USB_REMOVED', async () => {
    const dir = stick();
    rmSync(dir, { recursive: true });
    const err = await rejectsCode(writeShard({ mountPoint: dir, label: 'KEYS' }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN }), 'USB_REMOVED');
    assert.match(err.message, /"KEYS"/);
  });

  it('ENOSPC while writing: USB_NO_SPACE, nothing left', async () => {
    const dir = stick();
    const before = readdirSync(dir);
    const fs = faulty({
      async createExclusive(path) {
        const real = await nodeUsbFs.createExclusive(path);
        return { write: async () => Promise.reject(errno('ENOSPC')), sync: () => real.sync(), close: () => real.close() };
      },
    });
    await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs }), 'USB_NO_SPACE');
    assertUnchanged(dir, before);
  });

  it('too little free space is refused before anything is created', async () => {
    const dir = stick();
    let created = false;
    const fs = faulty({
      statfs: async () => ({ freeBytes: 1000, totalBytes: 1_000_000 }),
      async createExclusive(path) {
        created = true;
        return nodeUsbFs.createExclusive(path);
      },
    });
    const err = await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs }), 'USB_NO_SPACE');
    assert.equal(err.details?.['free'], 1000);
    assert.equal(created, false);
    assertUnchanged(dir, []);
  });

  it('a read-only stick: EROFS is USB_READ_ONLY, and a drive flagged read-only is not even tried', async () => {
    const dir = stick();
    const fs = faulty({ createExclusive: async () => Promise.reject(errno('EROFS')) });
    await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs }), 'USB_READ_ONLY');
    assertUnchanged(dir, []);
    const untouched = faulty({
      createExclusive: async () => assert.fail('must not write to a read-only drive'),
      readdir: async () => assert.fail('must not even look'),
    });
    await rejectsCode(writeShard({ mountPoint: dir, readOnly: true }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs: untouched }), 'USB_READ_ONLY');
  });

  it('fsync or rename failing: USB_REMOVED, nothing left', async () => {
    for (const fault of [
      faulty({
        async createExclusive(path) {
          const real = await nodeUsbFs.createExclusive(path);
          return { write: (d, p) => real.write(d, p), sync: async () => Promise.reject(errno('EIO')), close: () => real.close() };
        },
      }),
      faulty({ rename: async () => Promise.reject(errno('EIO')) }),
      faulty({ syncDir: async () => Promise.reject(errno('EIO')) }),
    ]) {
      const dir = stick();
      await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs: fault }), 'USB_REMOVED');
      assertUnchanged(dir, []);
    }
  });

  it('bytes that read back differently (before or after the rename): USB_VERIFY, the bad file removed', async () => {
    for (const which of ['temp', 'final'] as const) {
      const dir = stick();
      const fs = faulty({
        async readFile(path) {
          const data = await nodeUsbFs.readFile(path);
          const isTemp = isTempFileName(path.slice(dir.length + 1));
          if ((which === 'temp') === isTemp) data[data.length - 2]! ^= 0x20; // one bit changed on the stick
          return data;
        },
      });
      const err = await rejectsCode(writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 0), { ...PLAIN, fs }), 'USB_VERIFY');
      assert.equal(err.details?.['reason'], which === 'temp' ? 'temp-mismatch' : 'final-mismatch');
      assertUnchanged(dir, []);
    }
  });

  it('a file damaged on the stick later is reported by readShards with its checksum error; the others still read', async () => {
    const dir = stick();
    const id = newCeremonyId(random);
    const a = await writeShard({ mountPoint: dir }, envelopeFor(id, 0), { ...PLAIN });
    const other = await writeShard({ mountPoint: dir }, envelopeFor(newCeremonyId(random), 3), { ...PLAIN });
    // Change one character of the first file (a letter for another letter of the alphabet: still "valid" text).
    const text = readFileSync(a.path, 'utf8');
    const at = 40;
    writeFileSync(a.path, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    // An unreadable file, a truncated one and a leftover temp file are reported too.
    writeFileSync(join(dir, `keyshard-${'ab'.repeat(16)}-c1.txt`), text.slice(0, 30));
    writeFileSync(join(dir, `keyshard-${'cd'.repeat(16)}-c1.txt`), Buffer.from([0xff, 0xfe, 0x00]));
    writeFileSync(join(dir, `.keyshard-${'ef'.repeat(16)}-c1.0123456789ab.tmp`), 'KS1ABC');
    writeFileSync(join(dir, 'README.txt'), 'not a shard, not listed');
    const { shards, problems } = await readShards({ mountPoint: dir });
    assert.deepEqual(shards.map((s) => s.file), [other.file]);
    const codes = Object.fromEntries(problems.map((p) => [p.file, p.code]));
    assert.deepEqual(codes, {
      [`.keyshard-${'ef'.repeat(16)}-c1.0123456789ab.tmp`]: 'USB_VERIFY',
      [`keyshard-${'ab'.repeat(16)}-c1.txt`]: 'ENVELOPE_TRUNCATED',
      [`keyshard-${'cd'.repeat(16)}-c1.txt`]: 'ENVELOPE_FORMAT',
      [a.file]: 'ENVELOPE_CHECKSUM',
    });
    // Filtered by ceremony.
    const filtered = await readShards({ mountPoint: dir }, { ceremonyId: ceremonyIdToHex(id) });
    assert.deepEqual(filtered.shards, []);
    assert.ok(filtered.problems.some((p) => p.file === a.file));
  });

  it('a file renamed by hand (name and content disagree) is reported, not trusted', async () => {
    const dir = stick();
    const id = newCeremonyId(random);
    const w = await writeShard({ mountPoint: dir }, envelopeFor(id, 0), { ...PLAIN });
    const renamed = join(dir, `keyshard-${ceremonyIdToHex(id)}-c5.txt`);
    writeFileSync(renamed, readFileSync(w.path));
    rmSync(w.path);
    const { shards, problems } = await readShards({ mountPoint: dir });
    assert.deepEqual(shards, []);
    assert.deepEqual(problems.map((p) => p.code), ['USB_VERIFY']);
  });

  it('readShards of a stick that is gone: USB_REMOVED', async () => {
    const dir = stick();
    rmSync(dir, { recursive: true });
    await rejectsCode(readShards({ mountPoint: dir }), 'USB_REMOVED');
  });

  it('writeShardFile: a custodian\'s second share gets its own file; rewriting one share under another protection replaces only that share', async () => {
    const dir = stick();
    const hex = ceremonyIdToHex(newCeremonyId(random));
    const data = new TextEncoder().encode('-----BEGIN AGE ENCRYPTED FILE-----\nshare\n');
    const one = await writeShardFile({ mountPoint: dir }, { ceremonyHex: hex, custodianIndex: 3, share: 1, extension: '.age', data });
    const two = await writeShardFile({ mountPoint: dir }, { ceremonyHex: hex, custodianIndex: 3, share: 2, extension: '.age', data });
    assert.deepEqual([one.file, two.file], [`keyshard-${hex}-c3-s1.age`, `keyshard-${hex}-c3-s2.age`]);
    const pgp = new TextEncoder().encode('-----BEGIN PGP MESSAGE-----\nshare\n');
    const again = await writeShardFile({ mountPoint: dir }, { ceremonyHex: hex, custodianIndex: 3, share: 1, extension: '.asc', data: pgp });
    assert.deepEqual(again.replaced, [one.file]);
    assert.equal(again.protection, 'openpgp');
    assertUnchanged(dir, [`keyshard-${hex}-c3-s1.asc`, two.file]);
    await rejectsCode(writeShardFile({ mountPoint: dir }, { ceremonyHex: hex, custodianIndex: 4, extension: '.age', data }), 'USB_FOREIGN_SHARD');
    await rejectsCode(writeShardFile({ mountPoint: dir }, { ceremonyHex: hex, custodianIndex: 3, extension: '.gpg', data }), 'INVALID_ARGUMENT');
  });
});
