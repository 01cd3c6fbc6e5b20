// lifecycle:* over the IPC contract: typed payload validation, a whole repair through the handlers, and no share in
// any answer but lifecycle:handoff.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { checkKindContent } from '../../core/kind-content';
import { verifyTranscriptText } from '../../core/transcript';
import { SECRET_BEARING_CHANNELS } from '../../electron/ipc/contract';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import { createCameraGate } from '../../electron/main/permissions';
import { createLifecycleService } from '../../electron/services/lifecycle/index';
import { nodeRandom, shareOfText, shardText, tickingClock, vssKeyCeremony } from '../helpers/lifecycle-fixture';

const dir = mkdtempSync(join(tmpdir(), 'keyshard-lifecycle-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const service = createLifecycleService({ clock: tickingClock(), random: nodeRandom, transcriptDir: dir, airgap: { check: async () => ({ ok: true, interfaces: [] }) } });
const handlers = createIpcHandlers({ appInfo: () => assert.fail('not asked'), checkAirGap: async () => assert.fail('not asked'), camera: createCameraGate(), lifecycle: service });

type Ok<T = Record<string, unknown>> = { ok: true; value: T };
async function call<T = Record<string, unknown>>(name: keyof typeof handlers, request?: unknown): Promise<T> {
  const r = (await handlers[name](request)) as Ok<T> | { ok: false; error: { code: string; message: string } };
  if (!r.ok) assert.fail(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

describe('lifecycle:* channels', () => {
  it('refuses malformed payloads before the service sees them, naming only paths', async () => {
    const kc = vssKeyCeremony();
    const bad = [
      { kind: 'teleport', label: 'x', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [{ id: 'a', name: 'A', number: 1 }] },
      { kind: 'repair', label: 'x', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [{ id: 'a', name: 'A', number: 300 }] },
      { kind: 'repair', label: 'x', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [] },
      { kind: 'repair', label: 'x', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [{ id: 'a', name: 'A', number: 1 }], extra: 1 },
    ];
    for (const request of bad) {
      const r = (await handlers['lifecycle:start'](request)) as { ok: boolean; error?: { code: string; message: string } };
      assert.equal(r.ok, false);
      assert.equal(r.error?.code, 'INVALID_ARGUMENT');
    }
    const share = shardText(kc.deal, 0);
    const r = (await handlers['lifecycle:add-share']({ input: { text: share }, sneaky: true })) as { ok: boolean; error?: { message: string } };
    assert.equal(r.ok, false);
    assert.equal(r.error?.message.includes(share.slice(3, 20)), false);
    assert.ok(SECRET_BEARING_CHANNELS.includes('lifecycle:handoff'));
  });

  it('a repair through the handlers: the repaired share verifies, the transcript verifies and re-checks, no other answer holds a share', async () => {
    const kc = vssKeyCeremony('ed25519', 2, 3);
    const answers: string[] = [];
    const keep = <T>(v: T): T => {
      answers.push(JSON.stringify(v));
      return v;
    };
    keep(await call('lifecycle:start', { kind: 'repair', label: 'Carol lost hers', sourceTranscript: kc.text, finalHash: kc.verified.headHash, ciphersuite: 'ed25519', custodians: [{ id: 'carol', name: 'Carol', number: 3 }] }));
    keep(await call('lifecycle:check-airgap'));
    keep(await call('lifecycle:add-share', { input: { text: shardText(kc.deal, 0) } }));
    keep(await call('lifecycle:add-share', { input: { urParts: [] } }).catch(() => null));
    keep(await call('lifecycle:add-share', { input: { text: shardText(kc.deal, 1) } }));
    keep(await call('lifecycle:make'));
    const view = await call<{ envelopeText: string; paperText: string }>('lifecycle:handoff', { custodianId: 'carol' });
    assert.equal(bytesToHex(shareOfText(view.envelopeText).signingShare), bytesToHex(kc.deal.shares[2]!.signingShare));
    keep(await call('lifecycle:confirm', { custodianId: 'carol', method: 'type-back', response: { text: view.paperText } }));
    keep(await call('lifecycle:destroy'));
    const sealed = keep(await call<{ status: string; transcriptPath: string }>('lifecycle:seal'));
    assert.equal(sealed.status, 'sealed');
    const v = verifyTranscriptText(readFileSync(sealed.transcriptPath, 'utf8'));
    assert.ok(v.ok);
    const steps = checkKindSteps(v.entries);
    assert.equal(steps.ok && steps.kind.id, 'repair');
    assert.deepEqual(checkKindContent('repair', v), { ok: true });
    const secrets = kc.deal.shares.map((s) => bytesToHex(s.signingShare));
    for (const a of answers) for (const s of secrets) assert.equal(a.includes(s), false);
    for (const a of answers) assert.equal(/KS1/.test(a), false);
    keep(await call('lifecycle:close'));
  });
});
