// extend:* over the IPC contract (issue 17.2): typed payload validation, a whole witnessed SLIP-39 extension through
// the handlers, the non-extendable refusal, and no share in any answer but extend:handoff.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkKindContent } from '../../core/kind-content';
import { decodeEnvelope } from '../../core/envelope';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import { combineMnemonics, splitMasterSecret } from '../../core/slip39/index';
import { serializeTranscript, verifyTranscriptText } from '../../core/transcript';
import { SECRET_BEARING_CHANNELS } from '../../electron/ipc/contract';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import { dialogStub } from './dialog-stub';
import { createCameraGate } from '../../electron/main/permissions';
import { createExtendService } from '../../electron/services/extend/index';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { custodyCeremony } from '../helpers/custody-fixture';
import { nodeRandom, tickingClock } from '../helpers/lifecycle-fixture';
import { nodePbkdf2, seededRandom } from '../core/slip39-helpers';

const dir = mkdtempSync(join(tmpdir(), 'keyshard-extend-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PASSPHRASE = 'correct horse battery';
const keyFile = join(dir, 'wendy.key');
writeFileSync(keyFile, sealWitnessKeySync('wendy', new Uint8Array(32).fill(7), PASSPHRASE, { logN: 14 }));

const service = createExtendService({ clock: tickingClock(), random: nodeRandom, transcriptDir: dir, airgap: { check: async () => ({ ok: true, interfaces: [] }) } });
const dialog = dialogStub();
const handlers = createIpcHandlers({ appInfo: () => assert.fail('not asked'), checkAirGap: async () => assert.fail('not asked'), camera: createCameraGate(), extend: service, chooseFile: dialog.chooseFile });

type Fail = { ok: false; error: { code: string; message: string } };
async function call<T = Record<string, unknown>>(name: keyof typeof handlers, request?: unknown): Promise<T> {
  const r = (await handlers[name](request)) as { ok: true; value: T } | Fail;
  if (!r.ok) assert.fail(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
async function refused(name: keyof typeof handlers, request?: unknown): Promise<Fail['error']> {
  const r = (await handlers[name](request)) as { ok: boolean; error?: Fail['error'] };
  assert.equal(r.ok, false);
  return r.error!;
}

const kc = custodyCeremony('slip39', 31);
const words = kc.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
const sourceTranscript = serializeTranscript(kc.file);

describe('extend:* channels', () => {
  it('refuses malformed payloads before the service sees them, never echoing a share', async () => {
    const base = { label: 'x', sourceTranscript, group: 1, custodians: [{ id: 'dora', name: 'Dora', number: 4 }] };
    for (const request of [{ ...base, group: 0 }, { ...base, custodians: [{ id: 'dora', name: 'Dora', number: 17 }] }, { ...base, custodians: [] }, { ...base, extra: 1 }]) {
      assert.equal((await refused('extend:start', request)).code, 'INVALID_ARGUMENT');
    }
    const e = await refused('extend:add-share', { input: { text: words[0] }, sneaky: true });
    assert.equal(e.message.includes(words[0]!.split(' ').slice(2, 4).join(' ')), false);
    assert.ok(SECRET_BEARING_CHANNELS.includes('extend:handoff'));
  });

  it('a witnessed extension through the handlers: shares that combine with the old ones, a transcript that verifies, no share in other answers', async () => {
    const answers: string[] = [];
    const keep = <T>(v: T): T => {
      answers.push(JSON.stringify(v));
      return v;
    };
    const loaded = await call<{ id: string }>('extend:load-witness-key', { path: await dialog.choose(handlers, 'witness-key', keyFile) });
    keep(await call('extend:start', { label: 'Dora joins', sourceTranscript, finalHash: kc.transcript.headHash, group: 1, custodians: [{ id: 'dora', name: 'Dora', number: 4 }], witnessIds: [loaded.id] }));
    const sign = async () => keep(await call('extend:sign-off', { witnessId: 'wendy', passphrase: PASSPHRASE }));
    keep(await call('extend:check-airgap'));
    assert.equal((await refused('extend:sign-off', { witnessId: 'wendy', passphrase: 'wrong' })).code, 'WITNESS_PASSPHRASE');
    await sign();
    // A share of a backup made without the extendable flag is refused at once, typed.
    const random = seededRandom(4);
    const [plain] = splitMasterSecret(random(16), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], random, iterationExponent: 0, extendable: false, pbkdf2: nodePbkdf2 });
    const notExt = await refused('extend:add-share', { input: { text: plain![0] } });
    assert.equal(notExt.code, 'SLIP39_NOT_EXTENDABLE');
    keep(await call('extend:add-share', { input: { text: words[1] } }));
    const st = keep(await call<{ quorum: number[]; quorumNeeded: number }>('extend:add-share', { input: { text: words[0] } }));
    assert.deepEqual([st.quorum, st.quorumNeeded], [[2, 1], 2]);
    keep(await call('extend:make'));
    await sign();
    const view = await call<{ envelopeText: string; paperText: string; number: number }>('extend:handoff', { custodianId: 'dora' });
    assert.equal(view.number, 4);
    const fresh = view.envelopeText;
    assert.equal(Buffer.from(combineMnemonics([fresh, words[2]!], '', nodePbkdf2)).toString('hex'), Buffer.from(combineMnemonics([words[0]!, words[1]!], '', nodePbkdf2)).toString('hex'));
    assert.equal((await refused('extend:confirm', { custodianId: 'dora', method: 'type-back', response: { text: words[2] } })).code, 'SHARES_MISMATCH');
    keep(await call('extend:confirm', { custodianId: 'dora', method: 'type-back', response: { text: fresh } }));
    await sign();
    keep(await call('extend:destroy'));
    await sign();
    const sealed = keep(await call<{ status: string; transcriptPath: string; headHash: string }>('extend:seal'));
    const done = keep(await call<{ status: string; transcriptPath: string; headHash: string }>('extend:sign-off', { witnessId: 'wendy', passphrase: PASSPHRASE }));
    assert.equal(sealed.status, 'active');
    assert.equal(done.status, 'sealed');
    const v = verifyTranscriptText(readFileSync(done.transcriptPath, 'utf8'), { expectedHeadHash: done.headHash });
    assert.ok(v.ok);
    assert.deepEqual(checkKindContent('extend', v), { ok: true });
    // No share's words in any answer but the handoff.
    for (const m of [fresh, ...words]) {
      const probe = m.split(' ').slice(4, 7).join(' ');
      for (const a of answers) assert.equal(a.includes(probe), false);
    }
    keep(await call('extend:close'));
  });
});
