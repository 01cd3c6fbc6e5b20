/**
 * The abort's exception through the ceremony service (issue 13.5): the abort is immediate (secrets wiped, abort
 * recorded, no signature waited for); then the status asks for the exception, the loaded witness keys stay until it is
 * recorded - signed by a witness, or marked unsigned - and the service records nothing more after it. The transcript
 * verifies and the annotated script shows the exception under the abort.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch } from '../../core/ceremony-kinds/annotated';
import { verifyTranscriptText } from '../../core/transcript';
import type { CeremonyService } from '../../electron/services/ceremony/index';
import { cleanTemps, custodianKeys, rig, signPending, slip39Plan, unwitnessedPlan, WITNESSES } from './ceremony-harness';

after(cleanTemps);

async function abortedAfterEntropy(s: CeremonyService, plan: Parameters<CeremonyService['start']>[0]['plan']): Promise<number> {
  await s.start({ plan });
  await s.checkAirGap();
  await signPending(s);
  await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
  await signPending(s);
  const st = await s.abort({ reason: 'Smoke in the room.' });
  assert.equal(st.phase, 'aborted');
  assert.equal(st.exceptionNeeded?.deviation, 'abort', 'the status asks for the abort’s exception');
  assert.equal(st.exceptionNeeded?.stepId, 'entropy');
  return st.transcript.entries;
}

function verified(dir: string) {
  const v = verifyTranscriptText(readFileSync(join(dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return v;
}

test('after the abort the witness signs its exception; keys stay loaded until then, and nothing is recorded after', async () => {
  const plan = slip39Plan(await custodianKeys());
  const r = rig();
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  const entries = await abortedAfterEntropy(s, plan);
  assert.deepEqual((await s.witnessKeys()).map((k) => k.id), ['wendy'], 'the witness key is kept after the wipe');
  assert.ok(r.buffers.length > 0 && r.buffers.every((b) => b.bytes.every((x) => x === 0)), 'every secret was wiped at the abort');

  await assert.rejects(s.recordException({ reason: 'a\nb', witnessId: 'wendy' }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(s.recordException({ reason: 'Smoke; we left the room.' }), { code: 'WITNESS_KEY' });
  assert.equal((await s.status()).transcript.entries, entries, 'a refused exception records nothing');

  const done = await s.recordException({ reason: 'Smoke; we left the room.', witnessId: 'wendy' });
  assert.equal(done.transcript.entries, entries + 2, 'the exception and Wendy’s signature');
  assert.equal(done.exceptionNeeded, null);
  assert.deepEqual(await s.witnessKeys(), [], 'the keys go once the exception is recorded');
  await assert.rejects(s.recordException({ reason: 'Again.', witnessId: 'wendy' }), { code: 'CEREMONY_TRANSITION' });
  await assert.rejects(s.recordException({ reason: 'Again.', unsigned: true } as Parameters<CeremonyService['recordException']>[0]), { code: 'CEREMONY_TRANSITION' });

  const v = verified(r.dir);
  const last = v.entries.slice(-3).map((e) => e.kind);
  assert.deepEqual(last, ['abort', 'exception', 'signoff']);
  assert.deepEqual(v.entries.at(-2)!.data, { stepId: 'entropy', deviation: 'abort', reason: 'Smoke; we left the room.', witnessId: 'wendy' });
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  assert.equal(script.abort?.exception?.signature?.witnessId, 'wendy');
});

test('when no witness signs, the exception is marked unsigned (also after a resume); a plan without witnesses records it without the marker', async () => {
  const plan = slip39Plan(await custodianKeys());
  const r = rig();
  await r.service.registerWitnessSigner(WITNESSES.wendy);
  const entries = await abortedAfterEntropy(r.service, plan);
  const done = await r.service.recordException({ reason: 'Wendy declined to sign and left.', unsigned: true } as Parameters<CeremonyService['recordException']>[0]);
  assert.equal(done.transcript.entries, entries + 1);
  assert.deepEqual(await r.service.witnessKeys(), []);
  const v = verified(r.dir);
  assert.deepEqual(v.entries.at(-1)!.data, { stepId: 'entropy', deviation: 'abort', reason: 'Wendy declined to sign and left.', unsigned: true });
  assert.equal(annotatedScript(KEY_CEREMONY, plan, v).abort?.exception?.unsigned, true);

  // A restarted app resumes an aborted ceremony whose exception was not recorded yet: it still asks for it.
  const first = rig();
  await first.service.registerWitnessSigner(WITNESSES.wendy);
  const m = await abortedAfterEntropy(first.service, plan);
  const again = rig({ dir: first.dir });
  const resumed = await again.service.resume();
  assert.equal(resumed.phase, 'aborted');
  assert.equal(resumed.exceptionNeeded?.deviation, 'abort');
  assert.equal((await again.service.recordException({ reason: 'Recorded after a restart.', unsigned: true } as Parameters<CeremonyService['recordException']>[0])).transcript.entries, m + 1);
  assert.equal(verified(first.dir).entries.length, m + 1);

  const bare = rig();
  const plain = unwitnessedPlan({ type: 'new-seed', bits: 256 }, 'slip39');
  const n = await abortedAfterEntropy(bare.service, plain);
  await assert.rejects(bare.service.recordException({ reason: 'Power cut.', unsigned: true } as Parameters<CeremonyService['recordException']>[0]), { code: 'INVALID_ARGUMENT' });
  assert.equal((await bare.service.recordException({ reason: 'Power cut.' })).transcript.entries, n + 1);
  assert.deepEqual(verified(bare.dir).entries.at(-1)!.data, { stepId: 'entropy', deviation: 'abort', reason: 'Power cut.' });
});
