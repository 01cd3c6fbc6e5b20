/**
 * A forged QR stream through the real IPC handlers cannot hold main: `recovery:add-shard` with UR parts answers within
 * a fraction of a second and refuses; `ceremony:confirm` takes no QR texts at all (the window assembles them and sends
 * envelope bytes, issue 16.3) and compares the largest forged envelope at once. The forged parts are what a
 * hostile page could send: 1-byte fragments announcing 65,545 parts (seconds of bc-ur work each before the bounds),
 * and parts within the bounds chosen to keep bc-ur's fountain decoder busy without ever completing.
 * Timings are generous upper bounds, measured per call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planQrFrames, type AnimatedQrPlan } from '../../core/qr/index';
import { MAX_MIXED_PARTS_PER_REQUEST, MAX_PLAIN_PARTS, MAX_QR_TEXTS_PER_REQUEST, MAX_SCANNED_PAYLOAD_BYTES, MIN_FRAGMENT_LENGTH } from '../../core/qr/limits';
import { parseQrText } from '../../core/qr/ur-text';
import type { IpcResult } from '../../electron/ipc/result';
import { cleanTemps, custodianKeys, vssPlan, type Keys } from '../services/ceremony-harness';
import { forgedParts, oneByteFragmentStream, timedAsync, unsolvableMixedParts } from '../helpers/qr-forged';
import { ipcRig, signPending, witnessPassphrase, type IpcRig } from './ipc-harness';

/** Generous: "a fraction of a second" of main's thread (CPU time; see timedAsync), and the wall clock very loosely. */
const MAX_CALL_MS = 250;
const MAX_CALL_WALL_MS = 2000;

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

/** The largest message keyshard scans, cut as finely as keyshard ever cuts it, and mixed parts that never complete it. */
function worstAllowedStream(count: number): { plan: AnimatedQrPlan; mixed: string[] } {
  const plan = planQrFrames(new Uint8Array(MAX_SCANNED_PAYLOAD_BYTES).fill(0x33), {
    fragmentLength: MIN_FRAGMENT_LENGTH,
    maxSingleVersion: 1,
    errorCorrectionLevel: 'L',
  }) as AnimatedQrPlan;
  assert.equal(plan.partCount, MAX_PLAIN_PARTS);
  const first = parseQrText(plan.part(1), { maxPayloadBytes: MAX_SCANNED_PAYLOAD_BYTES });
  assert.ok(first.kind === 'multi');
  return { plan, mixed: unsolvableMixedParts(plan, first.checksum, count) };
}

function refusal(result: IpcResult<unknown>): string {
  if (!result.ok) return result.error.code;
  const value = result.value as { outcome?: string; error?: { code: string } };
  assert.equal(value.outcome, 'rejected', JSON.stringify(value).slice(0, 300));
  return value.error?.code ?? '';
}

describe('QR streams over IPC: main answers at once', () => {
  it('recovery:add-shard refuses forged UR parts within a fraction of a second per call', async () => {
    const rig = ipcRig();
    await rig.call('recovery:start');
    // First use loads what add-shard needs (decoders, tables): not what a forged stream costs, so not timed.
    await rig.raw('recovery:add-shard', { urParts: forgedParts(600, 100, 1, 1).texts });
    const timings: number[] = [];
    const call = async (urParts: string[]): Promise<string> => {
      const { value, ms, cpuMs } = await timedAsync(() => rig.raw('recovery:add-shard', { urParts }));
      timings.push(cpuMs);
      assert.ok(cpuMs < MAX_CALL_MS, `recovery:add-shard with ${urParts.length} parts held main for ${cpuMs.toFixed(0)} ms`);
      assert.ok(ms < MAX_CALL_WALL_MS, `recovery:add-shard with ${urParts.length} parts took ${ms.toFixed(0)} ms`);
      return refusal(value);
    };
    // 1-byte fragments: refused from their header (QR_FORMAT), or the whole request by its mixed-part count.
    assert.equal(await call(oneByteFragmentStream(8)), 'QR_FORMAT');
    assert.equal(await call(oneByteFragmentStream(MAX_MIXED_PARTS_PER_REQUEST)), 'QR_FORMAT');
    assert.equal(await call(oneByteFragmentStream(512)), 'INVALID_ARGUMENT');
    // The most expensive stream the bounds let through: every mixed part allowed, of the largest message, never completing.
    const { plan, mixed } = worstAllowedStream(MAX_MIXED_PARTS_PER_REQUEST);
    assert.equal(await call(mixed), 'QR_INCOMPLETE');
    // With every plain part but the two the mixed parts never separate: still incomplete, still quick.
    assert.equal(await call([...plan.parts(MAX_PLAIN_PARTS - 2, 3), ...mixed]), 'QR_INCOMPLETE');
    assert.equal(await call(new Array(MAX_QR_TEXTS_PER_REQUEST + 1).fill(plan.part(1))), 'INVALID_ARGUMENT');
    // Nothing forged was taken as a shard.
    assert.equal((await rig.call('recovery:status')).shards.length, 0);
    console.log(`recovery:add-shard per call (ms of CPU): ${timings.map((t) => t.toFixed(0)).join(', ')}`);
  });

  it('ceremony:confirm takes no QR texts (the window assembles them) and compares forged envelope bytes within a fraction of a second', async () => {
    const rig: IpcRig = ipcRig();
    const plan = vssPlan(k);
    for (const w of plan.witnesses) await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile(w.id) });
    await rig.call('ceremony:start', { plan });
    await rig.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'The lab machine has an internal NIC; Wendy checked the cable is unplugged.', passphrase: witnessPassphrase('wendy') } });
    await signPending(rig);
    await rig.call('ceremony:gather-entropy', { diceRolls: '3 1 4 1 5 2 6 5 3 5 6 2 4 1 3 3 6 5 2 1' });
    await signPending(rig);
    await rig.call('ceremony:generate');
    await signPending(rig);
    await rig.call('ceremony:split');
    await signPending(rig);
    const alice = plan.custodians[0]!;
    assert.equal(alice.medium, 'screen-qr');
    await rig.call('ceremony:handoff', { custodianId: alice.id });

    const timings: number[] = [];
    const confirm = async (responses: unknown[]): Promise<string> => {
      const { value, ms, cpuMs } = await timedAsync(() => rig.raw('ceremony:confirm', { custodianId: alice.id, method: 'scan-qr', responses }));
      timings.push(cpuMs);
      assert.ok(cpuMs < MAX_CALL_MS, `ceremony:confirm with ${responses.length} responses held main for ${cpuMs.toFixed(0)} ms`);
      assert.ok(ms < MAX_CALL_WALL_MS, `ceremony:confirm with ${responses.length} responses took ${ms.toFixed(0)} ms`);
      assert.equal(value.ok, false);
      return value.ok ? '' : value.error.code;
    };
    // Scanned texts never reach main any more: the schema refuses them before any service runs.
    assert.equal(await confirm([{ qrTexts: oneByteFragmentStream(8) }]), 'INVALID_ARGUMENT');
    const { mixed } = worstAllowedStream(MAX_MIXED_PARTS_PER_REQUEST);
    assert.equal(await confirm([{ qrTexts: mixed }]), 'INVALID_ARGUMENT');
    // The largest envelope bytes a request may carry, forged: compared and refused at once.
    assert.equal(await confirm([{ envelope: new Uint8Array(MAX_SCANNED_PAYLOAD_BYTES).fill(0x33) }]), 'CONFIRM_MISMATCH');
    assert.equal(await confirm([{ envelope: new Uint8Array(MAX_SCANNED_PAYLOAD_BYTES + 1) }]), 'INVALID_ARGUMENT');
    // The handoff is still open: the custodian can scan their real code.
    assert.equal((await rig.call('ceremony:current-handoff'))?.custodianId, alice.id);
    console.log(`ceremony:confirm per call (ms of CPU): ${timings.map((t) => t.toFixed(0)).join(', ')}`);
  });
});
