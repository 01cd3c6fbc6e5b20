/**
 * Fuzzing the shard bytes the window sends (issue 16.3): `ceremony:confirm` and `ceremony:test-recovery` take what a
 * custodian gave back as bytes (typed words as ASCII, a typed text's characters, assembled envelope bytes). Through the
 * real handlers, with the handed-over shard's own bytes damaged (flips, truncations, insertions), random bytes, wrong
 * types and wrong forms: only typed answers (never a throw or INTERNAL), no call past the bound, and every byte array
 * a request brought reads zero once its call is over. A control: the exact bytes confirm.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { shardDisplay, givenBackBytes } from '../../core/shard-display';
import type { ChannelName } from '../../electron/ipc/channels';
import type { ResponseOf } from '../../electron/ipc/contract';
import type { IpcResult } from '../../electron/ipc/result';
import { cleanTemps, custodianKeys, slip39Plan, type Keys } from '../services/ceremony-harness';
import { ipcRig, signPending, witnessPassphrase, type IpcRig } from '../ipc/ipc-harness';
import { CallClock, fuzzRuns, mutatedBytes, params } from './fuzz-kit';

const RUNS = fuzzRuns(300);

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

/** A SLIP-39 ceremony up to Alice's (paper) handoff: what she was shown. */
async function atAlicesHandoff(rig: IpcRig): Promise<ResponseOf<'ceremony:handoff'>> {
  const plan = slip39Plan(k);
  for (const w of plan.witnesses) await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile(w.id) });
  await rig.call('ceremony:start', { plan });
  await rig.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'Fuzzing on a machine with a network card.', passphrase: witnessPassphrase('wendy') } });
  await signPending(rig);
  await rig.call('ceremony:gather-entropy', { diceRolls: '3 1 4 1 5 2 6 5 3 5 6 2 4 1 3 3 6 5 2 1' });
  await signPending(rig);
  await rig.call('ceremony:generate');
  await signPending(rig);
  await rig.call('ceremony:split');
  await signPending(rig);
  return rig.call('ceremony:handoff', { custodianId: 'alice' });
}

function bytesIn(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (value instanceof Uint8Array) out.push(value);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) bytesIn(v, out);
  return out;
}

async function call(rig: IpcRig, clock: CallClock, channel: ChannelName, request: unknown): Promise<IpcResult<unknown>> {
  const sent = bytesIn(request);
  const r = await clock.runAsync(() => (rig.handlers[channel] as (x: unknown) => Promise<IpcResult<unknown>>)(request));
  assert.ok(r.ok, `${channel} threw`);
  const answer = r.value;
  if (!answer.ok) {
    assert.ok(answer.error.code.length > 0, `${channel}: no code`);
    assert.notEqual(answer.error.code, 'INTERNAL', `${channel}: INTERNAL`);
  }
  for (const b of sent) assert.ok(b.every((x) => x === 0), `${channel}: a byte array the request brought was not wiped`);
  return answer;
}

describe('fuzz: shard bytes over IPC (confirm, test recovery)', () => {
  it('control: the exact words, as bytes, confirm; the request\'s bytes are wiped', async () => {
    const rig = ipcRig();
    const view = await atAlicesHandoff(rig);
    const shown = shardDisplay(view.shards[0]!.envelope, view.shards[0]!.qrOptions);
    const clock = new CallClock('ipc bytes (control)');
    const r = await call(rig, clock, 'ceremony:confirm', { custodianId: 'alice', method: 'type-back', responses: [givenBackBytes({ words: shown.words!.join(' ') })] });
    assert.ok(r.ok, JSON.stringify(r));
    await rig.host.shutdown();
  });

  it('damaged, random and mistyped bytes on confirm and test-recovery: typed answers only, every request byte wiped', async () => {
    const rig = ipcRig();
    const view = await atAlicesHandoff(rig);
    const envelope = view.shards[0]!.envelope.slice();
    const shown = shardDisplay(envelope, view.shards[0]!.qrOptions);
    const words = givenBackBytes({ words: shown.words!.join(' ') });
    const text = givenBackBytes({ text: shown.paperText });
    const pick = (r: typeof words): Uint8Array => ('words' in r ? r.words : 'text' in r ? r.text : r.envelope);
    const bytes = fc.oneof(
      mutatedBytes(envelope),
      mutatedBytes(pick(words)),
      mutatedBytes(pick(text)),
      fc.uint8Array({ minLength: 0, maxLength: 12_000 }),
      fc.constant(envelope),
    );
    const response = fc.oneof(
      bytes.map((b) => ({ words: b.slice() })),
      bytes.map((b) => ({ text: b.slice() })),
      bytes.map((b) => ({ envelope: b.slice() })),
      fc.record({ words: fc.string({ maxLength: 40 }) }),
      fc.record({ qrTexts: fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }) }),
      bytes.map((b) => ({ envelope: b.slice(), words: b.slice() })),
      fc.uint8Array({ maxLength: 64 }),
    );
    const request = fc.oneof(
      fc.tuple(fc.constantFrom('type-back', 'scan-qr', 'read-back-usb'), fc.array(response, { minLength: 0, maxLength: 3 })).map(([method, responses]) => [
        'ceremony:confirm' as ChannelName,
        { custodianId: 'alice', method, responses },
      ]),
      fc.array(response, { minLength: 1, maxLength: 2 }).map((shards) => ['ceremony:test-recovery' as ChannelName, { responses: [{ custodianId: 'alice', shards }, { custodianId: 'carol', shards }] }]),
    );
    const clock = new CallClock('ipc bytes (confirm, test-recovery)');
    await fc.assert(
      fc.asyncProperty(request, async ([channel, req]) => {
        await call(rig, clock, channel as ChannelName, req);
      }),
      params(RUNS),
    );
    await rig.host.shutdown();
    clock.report();
  });
});
