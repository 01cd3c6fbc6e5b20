/**
 * The drive and token requests of recovery:* through the IPC handlers: their zod bounds (a file name with a folder part,
 * a PIN out of bounds, a token named by nothing, a bad ceremony id or key label - refused before any service runs and
 * never echoed), a drive path the lister does not list refused, shard files read from a listed drive and a changed file
 * refused by its AEAD tag, and no shard material in any answer but recovery:export.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChannelName } from '../../electron/ipc/channels';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import type { IpcResult } from '../../electron/ipc/result';
import { createCameraGate } from '../../electron/main/permissions';
import { protectEnvelopeText } from '../../electron/services/protection/index';
import { createRecoveryService, type RecoveryService } from '../../electron/services/recovery/index';
import { shardFileName } from '../../electron/services/usb/shard-files';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { cleanTemps, custodianKeys, tempDir, type Keys } from '../services/ceremony-harness';
import { slip39Backup } from '../services/recovery-fixtures';
import { NETWORK_UP } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

function counting(service: RecoveryService, calls: string[]): RecoveryService {
  return new Proxy(service, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function handlersFor(drives: RemovableDrive[], calls: string[] = []) {
  const recovery = counting(createRecoveryService({ listDrives: async () => drives }), calls);
  const handlers = createIpcHandlers({ appInfo: () => assert.fail('no'), checkAirGap: async () => NETWORK_UP, camera: createCameraGate(), recovery, listDrives: async () => drives });
  const answers: { channel: ChannelName; json: string }[] = [];
  const raw = async (channel: ChannelName, request?: unknown): Promise<IpcResult<unknown>> => {
    const r = await (handlers[channel] as (x: unknown) => Promise<IpcResult<unknown>>)(request);
    answers.push({ channel, json: JSON.stringify(r) });
    return r;
  };
  return { raw, answers };
}

describe('recovery over IPC: drives and tokens', () => {
  it('bounds every drive and token request, calls nothing for a bad one, echoes nothing', async () => {
    const calls: string[] = [];
    const { raw } = handlersFor([], calls);
    const MARK = 'Pin-zebra-7731';
    const drive = { mountPoint: '/media/stick', file: 'keyshard-00000000000000000000000000000000-c0.age' };
    const bad: [ChannelName, unknown][] = [
      ['recovery:drive-shards', {}],
      ['recovery:drive-shards', { mountPoint: '' }],
      ['recovery:drive-shards', { mountPoint: '/media/stick', extra: MARK }],
      ['recovery:add-shard', { driveFile: { mountPoint: '/media/stick', file: `../${MARK}` } }],
      ['recovery:add-shard', { driveFile: { mountPoint: '/media/stick', file: `sub\\${MARK}` } }],
      ['recovery:add-shard', { driveFile: { mountPoint: '/media/stick', file: '' } }],
      ['recovery:add-shard', { driveFile: { mountPoint: '/media/stick' } }],
      ['recovery:add-shard', { driveFile: '/media/stick/keyshard.age' }],
      ['recovery:add-shard', { driveFile: drive, openingKey: { kind: 'pkcs11', token: { label: 't' } } }],
      ['recovery:add-shard', { driveFile: drive, openingKey: { kind: 'pkcs11', token: {}, pin: MARK } }],
      ['recovery:add-shard', { driveFile: drive, openingKey: { kind: 'age', identity: MARK }, path: MARK }],
      ['recovery:add-shard', { driveFile: drive, text: MARK }],
      ['recovery:add-shard', { token: { label: 'alice-token' } }],
      ['recovery:add-shard', { token: { label: 'alice-token' }, pin: 'Pin' }],
      ['recovery:add-shard', { token: { label: 'alice-token' }, pin: MARK.repeat(5) }],
      ['recovery:add-shard', { token: {}, pin: MARK }],
      ['recovery:add-shard', { token: { label: MARK.repeat(3) }, pin: MARK }],
      ['recovery:add-shard', { token: { label: 'alice-token' }, pin: MARK, ceremonyId: 'abc' }],
      ['recovery:add-shard', { token: { label: 'alice-token' }, pin: MARK, ceremonyId: `${'g'.repeat(32)}` }],
      ['recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: MARK }],
      ['recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: MARK, keyLabel: '' }],
      ['recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: MARK, keyLabel: 'a\nb' }],
      ['recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: MARK, keyLabel: 'k'.repeat(65) }],
      ['recovery:export', { kind: 'hsm-import', token: {}, pin: MARK, keyLabel: 'k' }],
      ['recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: 'abc', keyLabel: 'k' }],
    ];
    for (const [channel, request] of bad) {
      const r = await raw(channel, request);
      assert.equal(!r.ok && r.error.code, 'INVALID_ARGUMENT', `${channel} ${JSON.stringify(request).slice(0, 120)}: ${JSON.stringify(r).slice(0, 200)}`);
      assert.ok(!JSON.stringify(r).includes(MARK), `${channel} echoed the payload`);
    }
    assert.deepEqual(calls, [], 'no service method ran');
  });

  it('reads shard files only from a listed drive; a changed file is refused by its tag; nothing of a shard in any answer but export', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const stick = tempDir('ipc-stick');
    const outside = tempDir('ipc-not-a-drive');
    const txt = shardFileName(b.ceremonyId, 0, '.txt');
    const age = shardFileName(b.ceremonyId, 1, '.age');
    writeFileSync(join(stick, txt), b.texts[0]![0]!);
    const ageFile = (await protectEnvelopeText(b.texts[0]![1]!, { kind: 'age', recipient: k.age.recipient })).data as string;
    // One base64 character of the ciphertext changed.
    const lines = ageFile.split('\n');
    lines[2] = `${lines[2]!.slice(0, 10)}${lines[2]![10] === 'Q' ? 'R' : 'Q'}${lines[2]!.slice(11)}`;
    writeFileSync(join(stick, age), lines.join('\n'));
    writeFileSync(join(outside, txt), b.texts[0]![0]!); // the same shard, in a folder that is not a listed drive

    const { raw, answers } = handlersFor([{ device: 'sdb1', label: 'STICK', mountPoint: stick, sizeBytes: null, freeBytes: null, readOnly: false, fsType: 'vfat', transport: 'usb' }]);
    assert.ok((await raw('recovery:start', { expectedFingerprint: b.fingerprint })).ok);

    const notListed = await raw('recovery:drive-shards', { mountPoint: outside });
    assert.equal(!notListed.ok && notListed.error.code, 'USB_REMOVED');
    const fromOutside = await raw('recovery:add-shard', { driveFile: { mountPoint: outside, file: txt } });
    assert.ok(fromOutside.ok && (fromOutside.value as { outcome: string }).outcome === 'rejected');
    assert.match(JSON.stringify(fromOutside), /"code":"USB_REMOVED"/);

    const listed = await raw('recovery:drive-shards', { mountPoint: stick });
    assert.ok(listed.ok);
    assert.deepEqual(
      (listed.value as { files: { file: string; protection: string }[] }).files.map((f) => [f.file, f.protection]),
      [
        [txt, 'none'],
        [age, 'age'],
      ].sort(),
    );
    const first = await raw('recovery:add-shard', { driveFile: { mountPoint: stick, file: txt } });
    assert.match(JSON.stringify(first), /"outcome":"accepted"/);
    const changed = await raw('recovery:add-shard', { driveFile: { mountPoint: stick, file: age }, openingKey: { kind: 'age', identity: k.age.identity } });
    assert.match(JSON.stringify(changed), /"outcome":"rejected".*"code":"ENVELOPE_DECRYPT"/);
    writeFileSync(join(stick, age), ageFile);
    const second = await raw('recovery:add-shard', { driveFile: { mountPoint: stick, file: age }, openingKey: { kind: 'age', identity: k.age.identity } });
    assert.match(JSON.stringify(second), /"outcome":"accepted"/);
    const done = await raw('recovery:finish');
    assert.match(JSON.stringify(done), /"verdict":"verified"/);
    const shown = await raw('recovery:export', { kind: 'display', reveal: true });
    assert.match(JSON.stringify(shown), new RegExp(b.secretHex));

    const needles = [b.secretHex, ...b.texts[0]!.map((t) => t.slice(3, 30)), ...b.mnemonics[0]!.map((m) => m.split(' ').slice(0, 3).join(' ')), k.age.identity];
    const checked = answers.filter((a) => a.channel !== 'recovery:export');
    assert.ok(checked.length >= 7);
    for (const a of checked) for (const n of needles) assert.ok(!a.json.includes(n), `${a.channel} answered with secret material`);
  });
});
