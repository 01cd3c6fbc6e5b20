// Shards read by main off a custodian's USB stick for the custody check, the quorum drill and a signer's laptop
// (issue 17), through the real IPC handlers (zod contract included): custody:read-shard holds the shard and answers
// only whose it says it is; custody:check { held: true } takes it once the witness's key opened (a wrong passphrase
// leaves it held), and wipes it; custody:clear-shard drops it; signer:load-shard and custody:drill-add-shard take a
// drive file as they take typed text. No answer holds the shard. (Tokens: test/hsm/shard-devices.test.ts.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { serializeTranscript } from '../../core/transcript';
import { createIpcHandlers, type IpcHandlers } from '../../electron/ipc/handlers';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { createCameraGate } from '../../electron/main/permissions';
import { shardFileName } from '../../electron/services/usb/shard-files';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { custodyCeremony } from '../helpers/custody-fixture';
import { dialogStub } from './dialog-stub';

const PASSPHRASE = 'correct horse battery';
const dir = mkdtempSync(join(tmpdir(), 'ks-shard-devices-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const kc = custodyCeremony('ed25519', 61);
const texts = kc.shards.map((b) => envelopeToText(decodeEnvelope(b)));
const stick = join(dir, 'STICK');
mkdirSync(stick);
kc.shards.forEach((_, i) => writeFileSync(join(stick, shardFileName(kc.ceremonyId, i, '.txt')), texts[i]!));
const drive: RemovableDrive = { device: 'sdb1', label: 'STICK', mountPoint: stick, sizeBytes: null, freeBytes: null, readOnly: false, fsType: 'vfat', transport: 'usb' };
const fileOf = (i: number) => ({ driveFile: { mountPoint: stick, file: shardFileName(kc.ceremonyId, i, '.txt') } });

function laptop(): { call: (channel: string, request?: unknown) => Promise<unknown>; answers: string[] } {
  const handlers: IpcHandlers = createIpcHandlers({
    chooseFile: dialogStub().chooseFile,
    appInfo: () => ({ name: 'keyshard', version: '0', platform: 'linux', arch: 'x64', production: true }),
    checkAirGap: async () => ({ ok: true, interfaces: [], radios: [], problems: [], sources: ['os'], checkedAt: new Date().toISOString() }),
    camera: createCameraGate(),
    signing: createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)), devices: { listDrives: async () => [drive] } }),
  });
  const answers: string[] = [];
  return {
    answers,
    async call(channel, request) {
      const r = await (handlers as unknown as Record<string, (q: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>>)[channel]!(request);
      answers.push(JSON.stringify(r));
      if (!r.ok) throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
      return r.value;
    },
  };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
}

function noShardIn(answers: readonly string[]): void {
  for (const a of answers) for (const t of texts) assert.ok(!a.includes(t.replace(/\s+/g, ' ').slice(8, 60)), 'an answer carried a shard');
}

describe('shards read off a USB stick over IPC', () => {
  it('custody check: read and held by main, taken by the check once the witness key opened, wiped after', async () => {
    const l = laptop();
    const keyFile = join(dir, 'wendy.key');
    writeFileSync(keyFile, sealWitnessKeySync('wendy', new Uint8Array(32).fill(7), PASSPHRASE, { logN: 14 }));
    const keyFileText = readFileSync(keyFile, 'utf8');
    const check = (witness: { keyFileText: string; passphrase: string }) =>
      l.call('custody:check', { transcriptText: serializeTranscript(kc.file), finalHash: kc.transcript.headHash, shard: { held: true }, witness });
    assert.equal(await code(check({ keyFileText, passphrase: PASSPHRASE })), 'CEREMONY_TRANSITION', 'nothing held yet');
    // A path the contract does not take as a drive file name is refused before main reads anything.
    assert.equal(await code(l.call('custody:read-shard', { driveFile: { mountPoint: stick, file: '../etc/passwd' } })), 'INVALID_ARGUMENT');
    assert.equal(await code(l.call('custody:read-shard', { driveFile: { mountPoint: dir, file: shardFileName(kc.ceremonyId, 1, '.txt') } })), 'USB_REMOVED');

    const held = await l.call('custody:read-shard', fileOf(1));
    assert.deepEqual(held, { ceremonyId: kc.ceremonyId, custodianIndex: 1, custodianLabel: 'bob', source: 'usb' });
    // A wrong passphrase: the key does not open, the shard stays held for the next try.
    assert.equal(await code(check({ keyFileText, passphrase: 'wrong passphrase' })), 'WITNESS_PASSPHRASE');
    const r = (await check({ keyFileText, passphrase: PASSPHRASE })) as { custodianId: string; result: string; signedBy: string };
    assert.deepEqual([r.custodianId, r.result, r.signedBy], ['bob', 'verified', 'wendy']);
    assert.equal(await code(check({ keyFileText, passphrase: PASSPHRASE })), 'CEREMONY_TRANSITION', 'taken by the check');

    await l.call('custody:read-shard', fileOf(0));
    assert.equal(await l.call('custody:clear-shard'), null);
    assert.equal(await code(check({ keyFileText, passphrase: PASSPHRASE })), 'CEREMONY_TRANSITION', 'cleared');
    noShardIn(l.answers);
  });

  it('drill and signer take a drive file as they take typed text', async () => {
    const l = laptop();
    await l.call('custody:drill-start', { transcriptText: serializeTranscript(kc.file) });
    await l.call('custody:drill-add-shard', fileOf(0));
    assert.equal(await code(l.call('custody:drill-add-shard', fileOf(0))), 'DUPLICATE_SHARE');
    const s = (await l.call('custody:drill-add-shard', fileOf(2))) as { shards: { custodianId: string }[] };
    assert.deepEqual(s.shards.map((x) => x.custodianId), ['alice', 'carol']);
    const out = (await l.call('custody:drill-run', { witness: null })) as { fingerprint: string };
    assert.equal(out.fingerprint, kc.fingerprint);

    const loaded = (await l.call('signer:load-shard', fileOf(1))) as { loaded: boolean; label: string; step: string };
    assert.deepEqual([loaded.loaded, loaded.label, loaded.step], [true, 'bob', 'ready']);
    assert.equal(await code(l.call('signer:load-shard', { token: { label: 'x' }, pin: '1234' })), 'HSM_MODULE');
    assert.equal(((await l.call('signer:status')) as { label: string }).label, 'bob', 'a failed read keeps the loaded share');
    noShardIn(l.answers);
  });
});
