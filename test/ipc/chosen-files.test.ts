/**
 * No typed paths (issue 14.4): main reads or writes a file only at a path its own dialog gave for that purpose
 * (electron/ipc/chosen-files.ts). The screen sends the path back with the call that uses it, so a path the page makes
 * up (or one chosen for another purpose) is refused with FILE_NOT_CHOSEN before any service runs, and nothing is
 * written. The table of channels that take a path is checked against the contract, so a new path field cannot slip by.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { CHANNELS } from '../../electron/ipc/channels';
import { FILE_USES } from '../../electron/ipc/chosen-files';
import { contract } from '../../electron/ipc/contract';
import { cleanTemps, custodianKeys, tempDir, type Keys } from '../services/ceremony-harness';
import { slip39Backup } from '../services/recovery-fixtures';
import { ipcRig, witnessPassphrase } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

describe('files only from main’s dialog', () => {
  it('recovery:export writes only to the path main’s save dialog gave for the export, never to one the page sends', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const rig = ipcRig();
    await rig.call('recovery:start', { expectedFingerprint: b.fingerprint });
    await rig.call('recovery:add-shard', { text: b.texts[0]![0]! });
    await rig.call('recovery:add-shard', { text: b.texts[0]![2]! });
    assert.equal((await rig.call('recovery:finish')).verdict, 'verified');
    const dir = tempDir('chosen-export');
    const recipient = { kind: 'age', recipient: k.age.recipient } as const;

    // A path the page names itself: refused, nothing written.
    const typed = join(dir, 'typed.age');
    const r1 = await rig.raw('recovery:export', { kind: 'encrypted-file', path: typed, recipient });
    assert.equal(!r1.ok && r1.error.code, 'FILE_NOT_CHOSEN');
    assert.ok(!r1.ok && /chosen in its own dialog/.test(r1.error.message), 'says to use the dialog');
    assert.equal(existsSync(typed), false);

    // A file chosen in the dialog, but as a witness key file: not a place for the export.
    const keyPath = await rig.choose('witness-key', join(dir, 'wendy.key.json'));
    const r2 = await rig.raw('recovery:export', { kind: 'encrypted-file', path: keyPath, recipient });
    assert.equal(!r2.ok && r2.error.code, 'FILE_NOT_CHOSEN');
    assert.equal(existsSync(keyPath), false);

    // Chosen for the export: a sibling of it is still refused; the chosen one (also spelt with ..) is written.
    const chosen = await rig.choose('export-file', join(dir, 'key.age'));
    const r3 = await rig.raw('recovery:export', { kind: 'encrypted-file', path: join(dir, 'key2.age'), recipient });
    assert.equal(!r3.ok && r3.error.code, 'FILE_NOT_CHOSEN');
    assert.equal(existsSync(join(dir, 'key2.age')), false);
    const saved = await rig.call('recovery:export', { kind: 'encrypted-file', path: join(dir, 'x', '..', 'key.age'), recipient });
    assert.equal(saved.kind === 'encrypted-file' && saved.path, chosen);
    assert.match(readFileSync(chosen, 'utf8'), /^-----BEGIN AGE ENCRYPTED FILE-----/);
    await rig.call('recovery:clear');
  });

  it('witness key files, transcripts, plans and PKCS#11 modules: a path the page names is refused on every channel before anything runs', async () => {
    const rig = ipcRig();
    const dir = tempDir('chosen-any');
    // A real witness key file, written without the dialog (as a page could name any file on the disk).
    const keyText = readFileSync(rig.witnessKeyFile('wendy'), 'utf8');
    const key = join(dir, 'wendy.key.json');
    writeFileSync(key, keyText, { mode: 0o600 });
    const act = { keyFilePath: key, passphrase: witnessPassphrase('wendy') };
    const requests: [string, unknown][] = [
      ['ceremony:load-witness-key', { path: key }],
      ['lifecycle:load-witness-key', { path: key }],
      ['extend:load-witness-key', { path: key }],
      ['signing:start', { transcriptText: '{}', message: { text: 'keyshard' }, witnessKeyPaths: [key] }],
      ['signing:sign-off', act],
      ['custody:check', { transcriptText: '{}', shard: { text: 'KS1' }, witness: act }],
      ['custody:drill-run', { witness: act }],
      ['signing:save-transcript', { path: join(dir, 'signing.json') }],
      ['custody:save-transcript', { path: join(dir, 'custody.json') }],
      ['plan:read-file', { path: join(dir, 'plan.json') }],
      ['hsm:select-module', { modulePath: '/usr/lib/softhsm/libsofthsm2.so' }],
    ];
    for (const [channel, request] of requests) {
      const r = await rig.raw(channel as never, request);
      assert.equal(!r.ok && r.error.code, 'FILE_NOT_CHOSEN', `${channel}: ${JSON.stringify(r).slice(0, 200)}`);
    }
    assert.equal(existsSync(join(dir, 'signing.json')) || existsSync(join(dir, 'custody.json')), false);
    // Every such channel is in the table; the table names no channel without a path.
    assert.deepEqual(new Set(['recovery:export', ...requests.map(([c]) => c)]), new Set(Object.keys(FILE_USES)));

    // Once chosen in the dialog as a witness key, the same file is taken.
    await rig.choose('witness-key', key);
    const loaded = await rig.raw('ceremony:load-witness-key', { path: key });
    assert.notEqual(!loaded.ok && loaded.error.code, 'FILE_NOT_CHOSEN');
  });

  it('every request field that names a file is confined: the contract has no path field outside the table (folders and drives apart)', () => {
    // Confined by their own services: ceremony folders (only main's folder dialog or its own root), drives (only those
    // usb:list-drives lists; extend:add-share refuses drive files; the signer, the drill and the custody check read a
    // drive's shard file through recovery's readDeviceEnvelope, as recovery does), and hsm:list-tokens (only the module in
    // use or one main suggests).
    const ownRules = new Set([
      'ceremony:start',
      'ceremony:resume',
      'ceremony:handoff',
      'recovery:add-shard',
      'recovery:drive-shards',
      'lifecycle:add-share',
      'extend:add-share',
      'signer:load-shard',
      'custody:read-shard',
      'custody:drill-add-shard',
      'hsm:list-tokens',
    ]);
    const pathKey = /path|dir$|mountPoint/i;
    const keysOf = (node: unknown, out: Set<string>): Set<string> => {
      if (Array.isArray(node)) for (const n of node) keysOf(n, out);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'properties' && typeof value === 'object' && value !== null) for (const p of Object.keys(value)) out.add(p);
          keysOf(value, out);
        }
      }
      return out;
    };
    const withPaths: string[] = [];
    for (const name of CHANNELS) {
      const schema = contract[name].request;
      const keys = keysOf(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }), new Set());
      if ([...keys].some((k) => pathKey.test(k))) withPaths.push(name);
    }
    assert.ok(withPaths.length >= 10, withPaths.join(', '));
    for (const name of withPaths) assert.ok(name in FILE_USES || ownRules.has(name), `${name} takes a path but is not confined to main's dialog`);
  });
});
