/**
 * A custodian absent at their handoff (issue 13.5): a witness records it as a signed exception with the reason; the
 * custodian's handoff is deferred, not skipped, so the others go on but the test recovery and the seal wait until the
 * absent custodian takes their shard (or the ceremony is aborted). The annotated script shows the exception under
 * that custodian's handoff line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch } from '../../core/ceremony-kinds/annotated';
import { verifyTranscriptText } from '../../core/transcript';
import { createCeremonyService } from '../../electron/services/ceremony/index';
import { cleanTemps, custodianKeys, given, methodFor, openingKeyFor, responseFor, rig, sealAndVerify, shownShards, signPending, slip39Plan, unwitnessedPlan, WITNESSES } from './ceremony-harness';

after(cleanTemps);

const REASON = 'Alice is stuck in a train outside Bern; she comes at 14:00.';

test('an absent custodian: a signed exception, their handoff deferred; nothing goes past the handoffs until they take their shard', async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const r = rig();
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  await s.checkAirGap();
  await signPending(s);
  // Before the split there is no handoff to defer.
  await assert.rejects(s.markAbsent({ custodianId: 'alice', reason: REASON, witnessId: 'wendy' }), { code: 'CEREMONY_TRANSITION' });
  await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
  await signPending(s);
  await s.generate();
  await signPending(s);
  await s.split();
  await signPending(s);

  const entries = (): number => (JSON.parse(readFileSync(join(r.dir, 'transcript.json'), 'utf8')) as { entries: unknown[] }).entries.length;
  const before = entries();
  // Refused, with nothing recorded: no witness, an unknown witness, a reason the exception rule refuses, not a custodian.
  await assert.rejects(s.markAbsent({ custodianId: 'alice', reason: REASON }), { code: 'WITNESS_KEY' });
  await assert.rejects(s.markAbsent({ custodianId: 'alice', reason: REASON, witnessId: 'mallory' }), { code: 'WITNESS_KEY' });
  await assert.rejects(s.markAbsent({ custodianId: 'alice', reason: 'two\nlines', witnessId: 'wendy' }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(s.markAbsent({ custodianId: 'mallory', reason: REASON, witnessId: 'wendy' }), { code: 'CEREMONY_TRANSITION' });
  assert.equal(entries(), before, 'nothing recorded');

  const marked = await s.markAbsent({ custodianId: 'alice', reason: REASON, witnessId: 'wendy' });
  assert.deepEqual(marked.absent, ['alice']);
  assert.equal(entries(), before + 2, 'the exception and its signature');
  assert.ok(marked.next.some((a) => a.step === 'handoff' && a.custodianId === 'alice'), "Alice's handoff still waits");
  await assert.rejects(s.markAbsent({ custodianId: 'alice', reason: REASON, witnessId: 'wendy' }), { code: 'CEREMONY_TRANSITION' });

  const views = new Map<string, Awaited<ReturnType<typeof s.handoff>>>();
  const handOver = async (id: string): Promise<void> => {
    const c = plan.custodians.find((x) => x.id === id)!;
    const view = await s.handoff({ custodianId: id });
    views.set(id, view);
    const key = openingKeyFor(plan, id, k);
    await s.confirm({ custodianId: id, method: methodFor(c.medium), ...(c.medium === 'usb' ? { openingKeys: key === undefined ? [] : [key] } : { responses: responseFor(view, plan) }) });
    await signPending(s);
    await s.receipt({ custodianId: id });
  };
  await handOver('bob');
  await handOver('carol');
  // Everyone else has their shard: the only step left (besides abort) is Alice's handoff; no test recovery, no seal.
  const waiting = await s.status();
  assert.deepEqual(waiting.next.filter((a) => a.step !== 'abort').map((a) => [a.step, a.custodianId]), [['handoff', 'alice']]);
  assert.deepEqual(waiting.absent, ['alice']);
  const giveBack = (ids: string[]) => ids.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((sh) => given({ text: sh.envelopeText }, 'read')) }));
  await assert.rejects(s.testRecovery({ responses: giveBack(['carol']) }), { code: 'CEREMONY_TRANSITION' });
  await assert.rejects(s.seal(), { code: 'CEREMONY_TRANSITION' });

  // Alice comes: her handoff goes as usual and she is no longer absent.
  await handOver('alice');
  assert.deepEqual((await s.status()).absent, []);
  await s.testRecovery({ responses: giveBack(['alice', 'carol']) });
  await signPending(s);
  const v = await sealAndVerify(s, r.dir);
  const ex = v.entries.find((e) => e.kind === 'exception')!;
  assert.deepEqual(ex.data, { stepId: 'handoff', custodianId: 'alice', deviation: 'custodian-absent', reason: REASON, witnessId: 'wendy' });
  assert.equal(v.entries[ex.seq]!.kind, 'signoff', "Wendy's signature is the next entry");
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  const aliceLine = script.lines.find((l) => l.stepId === 'handoff' && l.custodianId === 'alice')!;
  assert.deepEqual(aliceLine.exceptions.map((x) => [x.words, x.reason, x.signature?.witnessId]), [['Custodian absent', REASON, 'wendy']]);

  // A resumed service reads the absence from the transcript: after Alice's handoff, nobody is absent.
  const again = createCeremonyService(r.deps);
  assert.deepEqual((await again.resume({ dir: r.dir })).absent, []);
});

test('a resumed ceremony still knows who is absent; a plan without witnesses records the absence with its reason alone', async () => {
  const plan = unwitnessedPlan({ type: 'new-seed', bits: 128 }, 'slip39');
  const r = rig();
  const s = r.service;
  await s.start({ plan });
  await s.checkAirGap();
  await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
  await s.generate();
  await s.split();
  const first = plan.custodians[0]!.id;
  await assert.rejects(s.markAbsent({ custodianId: first, reason: 'Away.', witnessId: 'wendy' }), { code: 'CEREMONY_TRANSITION' });
  assert.deepEqual((await s.markAbsent({ custodianId: first, reason: 'Away on the day.' })).absent, [first]);
  const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok, v.ok ? '' : v.reason);
  assert.deepEqual(v.entries.at(-1)!.data, { stepId: 'handoff', custodianId: first, deviation: 'custodian-absent', reason: 'Away on the day.' });
  const again = createCeremonyService(r.deps);
  assert.deepEqual((await again.resume({ dir: r.dir })).absent, [first]);
  await again.abort({ reason: 'test over' });
});
