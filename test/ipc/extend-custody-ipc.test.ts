// Extended SLIP-39 members in the app's services (issue 17, gaps 1-3) through the real IPC handlers: custody:check of an
// extended member's words with the extension transcript, custody:drill-* with an extended member in the quorum, and
// extend:start with an earlier extension (numbers taken, its member in the quorum, the threshold known from the start).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { citeExtension } from '../../core/extend/records';
import { serializeTranscript } from '../../core/transcript';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { createCameraGate } from '../../electron/main/permissions';
import { createExtendService } from '../../electron/services/extend/index';
import { custodyCeremony } from '../helpers/custody-fixture';
import { extendFixture, wordsOf } from '../helpers/extend-fixture';
import { nodeRandom, tickingClock } from '../helpers/lifecycle-fixture';
import { dialogStub } from './dialog-stub';

const dir = mkdtempSync(join(tmpdir(), 'ks-extend-custody-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const handlers = createIpcHandlers({
  chooseFile: dialogStub().chooseFile,
  appInfo: () => ({ name: 'keyshard', version: '0', platform: 'linux', arch: 'x64', production: true }),
  checkAirGap: async () => assert.fail('not asked'),
  camera: createCameraGate(),
  signing: createSigningHost({ clock: () => new Date('2026-12-07T12:00:00Z'), random: (n) => new Uint8Array(randomBytes(n)) }),
  extend: createExtendService({ clock: tickingClock(), random: nodeRandom, transcriptDir: dir, airgap: { check: async () => ({ ok: true, interfaces: [] }) } }),
});
type Answer = { ok: true; value: Record<string, unknown> } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };
const answers: string[] = [];
async function send(channel: string, request?: unknown): Promise<Answer> {
  const r = (await (handlers as unknown as Record<string, (q: unknown) => Promise<Answer>>)[channel]!(request)) as Answer;
  answers.push(JSON.stringify(r));
  return r;
}
async function call<T = Record<string, unknown>>(channel: string, request?: unknown): Promise<T> {
  const r = await send(channel, request);
  if (!r.ok) assert.fail(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
async function refused(channel: string, request?: unknown) {
  const r = await send(channel, request);
  assert.equal(r.ok, false, `${channel} was not refused`);
  return (r as Extract<Answer, { ok: false }>).error;
}

const kc = custodyCeremony('slip39', 41);
const words = wordsOf(kc);
const transcriptText = serializeTranscript(kc.file);
const finalHash = kc.transcript.headHash;
const ext1 = extendFixture(kc, 'ext-1', [{ id: 'member-4', member: 3 }, { id: 'member-5', member: 4 }], [words[0]!, words[1]!]);
const extension1 = { transcriptText: ext1.text, finalHash: ext1.finalHash };

describe('extended members in the app', () => {
  it('custody:check takes extension transcripts: an extended member passes, verified; a tampered extension or its absence fails', async () => {
    assert.equal((await refused('custody:check', { transcriptText, finalHash, shard: { text: ext1.words[0] } })).code, 'CUSTODY_MISMATCH');
    const r = await call<{ custodianId: string; result: string; extension: unknown }>('custody:check', { transcriptText, finalHash, shard: { text: ext1.words[0] }, extensions: [extension1] });
    assert.deepEqual([r.custodianId, r.result, r.extension], ['member-4', 'verified', { ceremonyId: 'ext-1', finalHash: ext1.finalHash, group: 1, member: 4 }]);
    // A key ceremony custodian's KS1 shard still checks, with extension null.
    const kcShard = await call<{ custodianId: string; extension: unknown }>('custody:check', { transcriptText, finalHash, shard: { text: envelopeToText(decodeEnvelope(kc.shards[2]!)) }, extensions: [extension1] });
    assert.deepEqual([kcShard.custodianId, kcShard.extension], ['carol', null]);
    const tampered = ext1.text.replace('"member-5"', '"member-6"');
    assert.match((await refused('custody:check', { transcriptText, finalHash, shard: { text: ext1.words[1] }, extensions: [{ transcriptText: tampered }] })).code, /^TRANSCRIPT_/);
    const other = custodyCeremony('slip39', 42);
    const foreign = extendFixture(other, 'ext-other', [{ id: 'fay', member: 3 }], wordsOf(other).slice(0, 2));
    const e = await refused('custody:check', { transcriptText, finalHash, shard: { text: ext1.words[1] }, extensions: [{ transcriptText: foreign.text }] });
    assert.equal(e.code, 'CUSTODY_OTHER_CEREMONY');
    assert.match(e.message, /^Extension transcript 1: The extension ext-other extends ceremony /);
  });

  it('the quorum drill takes an extended member\'s words beside a KS1 shard, and refuses them without the extension', async () => {
    await call('custody:drill-start', { transcriptText, finalHash });
    assert.equal((await refused('custody:drill-add-shard', { text: ext1.words[1] })).code, 'CUSTODY_MISMATCH');
    await call('custody:drill-start', { transcriptText, finalHash, extensions: [extension1] });
    await call('custody:drill-add-shard', { text: envelopeToText(decodeEnvelope(kc.shards[2]!)) });
    const st = await call<{ shards: { custodianId: string }[] }>('custody:drill-add-shard', { text: ext1.words[1] });
    assert.deepEqual(st.shards.map((s) => s.custodianId), ['carol', 'member-5']);
    assert.equal((await refused('custody:drill-add-shard', { text: ext1.words[1] })).code, 'DUPLICATE_SHARE');
    const out = await call<{ fingerprint: string; expectedFingerprint: string; result: string; custodians: string[] }>('custody:drill-run', { witness: null });
    assert.deepEqual([out.fingerprint, out.result, out.custodians], [kc.fingerprint, 'verified', ['carol', 'member-5']]);
  });

  it('extend:start with an earlier extension: taken numbers named, the threshold known at once, its member in the quorum', async () => {
    const base = { label: 'Second extension', sourceTranscript: transcriptText, finalHash, group: 1, earlierExtensions: [extension1] };
    const taken = await refused('extend:start', { ...base, custodians: [{ id: 'member-5', name: 'Fay', number: 5 }] });
    assert.equal(taken.code, 'SLIP39_PARAMETERS');
    assert.match(taken.message, /Member 5 of group 1 is held by member-5 \(extension ext-1\)/);
    const st = await call<{ quorumNeeded: number | null }>('extend:start', { ...base, custodians: [{ id: 'member-6', name: 'Fay', number: 6 }] });
    assert.equal(st.quorumNeeded, 2);
    await call('extend:check-airgap');
    const q = await call<{ quorum: number[] }>('extend:add-share', { input: { text: ext1.words[0] } });
    assert.deepEqual(q.quorum, [4]);
    await call('extend:add-share', { input: { text: words[2] } });
    await call('extend:make');
    await call('extend:abort', { reason: 'test ends here' });
    await call('extend:close');
    // Without earlier extensions the key ceremony's transcript gives no threshold: the screen says it is learned.
    const first = await call<{ quorumNeeded: number | null }>('extend:start', { ...base, earlierExtensions: undefined, custodians: [{ id: 'member-7', name: 'Gus', number: 7 }] });
    assert.equal(first.quorumNeeded, null);
    await call('extend:abort', { reason: 'test ends here' });
    await call('extend:close');
    // The extension's own record of a member's fingerprint is public; no answer carries any share's words.
    for (const m of [...words, ...ext1.words]) for (const a of answers) assert.equal(a.includes(m.split(' ').slice(4, 7).join(' ')), false);
    assert.ok(citeExtension(kc.transcript, ext1.transcript).members.length === 2);
  });
});
