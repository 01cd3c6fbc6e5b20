/**
 * Fuzzing the IPC boundary: the real handlers (createIpcHandlers over real ceremony and recovery services, as in
 * test/ipc/ipc-harness.ts) called with any structured-clone value a compromised page could send, per channel, and
 * with near-valid requests that reach the services (damaged transcripts, plans, shard texts, mnemonics, UR parts,
 * protected files), in random sequences on one rig so the services' state machines are exercised too.
 *
 * Property: every call resolves to an envelope, `{ ok: true, value }` or `{ ok: false, error: { code, message } }`
 * with a typed code - never a throw, never INTERNAL (which is what an untyped error or a response that fails its own
 * schema becomes) - and no call holds the thread past the bound.
 *
 * Not called: channels that need a device, a dialog or touch paths (camera:*, hsm:*, dialog:*, ceremony:check-devices, ceremony:choose-folder,
 * ceremony:load-witness-token, ceremony:load-witness-key, ceremony:resume, recovery:drive-shards, recovery:export):
 * their requests are still validated by the same zod contracts, which test/ipc covers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { planToJson } from '../../core/policy/index';
import { planTexts, planQrFrames } from '../../core/qr/index';
import { appendEntry, createTranscript, serializeTranscript } from '../../core/transcript';
import { CHANNELS, type ChannelName } from '../../electron/ipc/channels';
import type { IpcResult } from '../../electron/ipc/result';
import { ceremonyTranscript } from '../core/transcript-fixture';
import { ipcRig, type IpcRig } from '../ipc/ipc-harness';
import { cleanTemps, custodianKeys, slip39Plan, vssPlan, type Keys } from '../services/ceremony-harness';
import { CallClock, fuzzRuns, mutatedJson, mutatedText, params } from './fuzz-kit';
import { SLIP39_SIMPLE, VALID_ENVELOPE_BYTES, VALID_ENVELOPE_TEXTS } from './fixtures';

const RUNS = fuzzRuns(400);
const NOT_CALLED = /^(camera:|hsm:|dialog:)|^(ceremony:check-devices|ceremony:choose-folder|ceremony:load-witness-token|ceremony:load-witness-key|ceremony:resume|recovery:drive-shards|recovery:export)$/;
const CALLED = CHANNELS.filter((c) => !NOT_CALLED.test(c));

let k: Keys;
let transcriptText = '';
before(async () => {
  k = await custodianKeys();
  transcriptText = serializeTranscript(await ceremonyTranscript());
});
after(cleanTemps);

/** Any value a page can pass through structured clone, hostile member names included. */
const anyPayload: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withObjectString: true }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'text', 'plan', 'kind', 'urParts', 'file', 'openingKey', 'witnessId'), fc.jsonValue({ maxDepth: 2 })),
);

/** Requests that pass the contracts, or nearly, and reach the services. */
function nearValid(): fc.Arbitrary<[ChannelName, unknown]> {
  const plans = [slip39Plan(k), vssPlan(k)];
  const envelopeText = fc.constantFrom(...VALID_ENVELOPE_TEXTS);
  const urParts = fc.constantFrom(...VALID_ENVELOPE_BYTES.map((b) => planTexts(planQrFrames(b, { maxSingleVersion: 1, fragmentLength: 40 }))));
  const shardText = fc.oneof(mutatedText(envelopeText), envelopeText, fc.constantFrom(...SLIP39_SIMPLE), mutatedText(fc.constantFrom(...SLIP39_SIMPLE)));
  const pair = <K extends ChannelName>(c: K, a: fc.Arbitrary<unknown>) => a.map((r) => [c, r] as [ChannelName, unknown]);
  return fc.oneof(
    pair('transcript:verify', fc.oneof(mutatedText(transcriptText), mutatedJson(JSON.parse(transcriptText)).map((d) => JSON.stringify(d, null, 2) ?? '')).map((text) => ({ text }))),
    pair('plan:analyze', fc.oneof(fc.constantFrom(...plans).chain((p) => mutatedJson(JSON.parse(planToJson(p)))), fc.constantFrom(...plans).chain((p) => mutatedText(planToJson(p)))).map((plan) => ({ plan }))),
    pair('ceremony:start', fc.constantFrom(...plans).chain((p) => mutatedJson(JSON.parse(planToJson(p)))).map((plan) => ({ plan }))),
    pair('recovery:start', fc.oneof(fc.constant(undefined), mutatedText(transcriptText).map((t) => ({ transcriptText: t })), fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => ({ expectedFingerprint: Buffer.from(b).toString('hex') })))),
    pair('recovery:add-shard', shardText.filter((t) => t.length > 0 && t.length <= 20_000).map((text) => ({ text }))),
    pair('recovery:add-shard', urParts.chain((parts) => fc.shuffledSubarray(parts, { minLength: 1 })).chain((parts) => fc.oneof(fc.constant(parts), fc.tuple(...parts.map((p) => fc.oneof(fc.constant(p), mutatedText(p)))))).map((parts) => ({ urParts: parts.filter((p) => p.length > 0) }))),
    pair('recovery:add-shard', fc.record({ file: fc.string({ minLength: 1, maxLength: 400 }).map((text) => ({ text })), openingKey: fc.constantFrom({ kind: 'age', identity: k.age.identity }, { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored }) })),
    pair('recovery:finish', fc.oneof(fc.constant(undefined), fc.record({ passphrase: fc.string({ maxLength: 20 }) }))),
    pair('recovery:status', fc.constant(undefined)),
    pair('recovery:clear', fc.constant(undefined)),
  );
}

function assertTyped(channel: string, result: IpcResult<unknown>): void {
  assert.ok(result !== null && typeof result === 'object', `${channel}: not an envelope`);
  if (result.ok) return;
  assert.ok(typeof result.error.code === 'string' && result.error.code.length > 0, `${channel}: no error code`);
  assert.notEqual(result.error.code, 'INTERNAL', `${channel}: INTERNAL`);
  assert.ok(typeof result.error.message === 'string' && result.error.message.length > 0, `${channel}: no message`);
}

async function call(rig: IpcRig, clock: CallClock, channel: ChannelName, request: unknown): Promise<void> {
  const r = await clock.runAsync(() => (rig.handlers[channel] as (r: unknown) => Promise<IpcResult<unknown>>)(request));
  assert.ok(r.ok, `${channel} threw (or answered with a KeyshardError instead of an envelope)`);
  assertTyped(channel, r.value);
}

describe('fuzz: IPC payloads through the real handlers', () => {
  it('any value on every callable channel: a typed envelope, never a throw or INTERNAL', async () => {
    const clock = new CallClock('ipc (any payload)');
    const rig = ipcRig();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLED), anyPayload, async (channel, request) => {
        await call(rig, clock, channel, request);
      }),
      params(RUNS * 2),
    );
    await rig.host.shutdown();
    clock.report();
  });

  it('transcripts with valid hash chains whose step names and data keys are hostile (constructor, tostring, __proto__): transcript:verify and recovery:start answer typed', async () => {
    const clock = new CallClock('ipc (hostile valid transcripts)');
    const rig = ipcRig();
    const kind = fc.oneof(fc.constantFrom('constructor', 'tostring', 'valueof', 'hasownproperty', 'isprototypeof', 'prototype', 'split', 'seal', 'confirm', 'abort'), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/));
    const data = fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'fingerprint', 'custodianId', 'witnessIds'), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(kind, data), { minLength: 1, maxLength: 6 }), async (steps) => {
        let t = createTranscript('fuzz-ceremony', () => new Date('2025-03-01T10:00:00.000Z'));
        t = appendEntry(t, 'plan', { label: 'fuzz' });
        for (const [k, d] of steps) {
          try {
            t = appendEntry(t, k, d);
          } catch {
            // a kind or data the writer itself refuses: skip that step
          }
        }
        const text = serializeTranscript(t);
        await call(rig, clock, 'transcript:verify', { text });
        await call(rig, clock, 'recovery:start', { transcriptText: text });
        await call(rig, clock, 'recovery:clear', undefined);
      }),
      params(Math.ceil(RUNS / 2)),
    );
    await rig.host.shutdown();
    clock.report();
  });

  it('sequences of near-valid requests on one rig (recovery and ceremony state machines): typed envelopes only', async () => {
    const clock = new CallClock('ipc (near-valid sequences)');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 4, arbitrary: nearValid() }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CALLED), anyPayload) }), { minLength: 1, maxLength: 12 }), async (calls) => {
        const rig = ipcRig();
        for (const [channel, request] of calls) await call(rig, clock, channel, request);
        await rig.host.shutdown();
      }),
      params(Math.ceil(RUNS / 4)),
    );
    clock.report();
  });
});
