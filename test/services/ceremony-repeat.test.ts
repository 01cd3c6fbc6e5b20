/**
 * "Step repeated" (issue 13.5): a test recovery after a failed one repeats the step; so does printing a custodian's
 * paper backup a second time (another paper copy of the shard). The failed run is recorded; the
 * next run is refused (EXCEPTION_NEEDED, nothing recorded) until the reason is typed and a witness signs the
 * step-repeated exception, as after a failed confirmation. The annotated script shows it under the test recovery.
 * A failed test recovery is made here by a key stretcher that goes wrong after the split (a fault the quorum's
 * shards cannot show: the recovered secret differs, the shards themselves check out).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch } from '../../core/ceremony-kinds/annotated';
import { verifyTranscriptText } from '../../core/transcript';
import { faultyStretcher } from '../helpers/faulty-stretcher';
import { cleanTemps, custodianKeys, methodFor, openingKeyFor, responseFor, rig, sealAndVerify, signPending, slip39Plan, toHandoffs, unwitnessedPlan, WITNESSES } from './ceremony-harness';

after(cleanTemps);

const REASON = 'The stretcher was swapped mid-ceremony; fixed and tested again.';

const entries = (dir: string): number => (JSON.parse(readFileSync(join(dir, 'transcript.json'), 'utf8')) as { entries: unknown[] }).entries.length;

test('a test recovery after a failed one waits for a signed step-repeated exception, then goes on to the seal', async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const { kdf, broken } = faultyStretcher();
  const r = rig({ overrides: { kdf } });
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  await toHandoffs(s);
  for (const c of plan.custodians) {
    const view = await s.handoff({ custodianId: c.id });
    const key = openingKeyFor(plan, c.id, k);
    await s.confirm({ custodianId: c.id, method: methodFor(c.medium), ...(c.medium === 'usb' ? { openingKeys: key === undefined ? [] : [key] } : { responses: responseFor(view, plan) }) });
    await signPending(s);
    await s.receipt({ custodianId: c.id });
  }

  broken.on = true;
  const failed = await s.testRecovery({});
  assert.equal(failed.fingerprintMatch, false);
  assert.deepEqual(failed.status.exceptionNeeded && { ...failed.status.exceptionNeeded, what: '' }, { stepId: 'test-recovery', custodianId: null, deviation: 'step-repeated', number: '9', what: '' });
  broken.on = false;

  // The repeat is refused until the exception is recorded; so is an exception without its witness.
  const before = entries(r.dir);
  await assert.rejects(s.testRecovery({}), { code: 'EXCEPTION_NEEDED' });
  await assert.rejects(s.recordException({ reason: REASON }), { code: 'WITNESS_KEY' });
  await assert.rejects(s.recordException({ reason: 'two\nlines', witnessId: 'wendy' }), { code: 'INVALID_ARGUMENT' });
  assert.equal(entries(r.dir), before, 'nothing recorded');

  const recorded = await s.recordException({ reason: REASON, witnessId: 'wendy' });
  assert.equal(recorded.exceptionNeeded, null);
  assert.equal(entries(r.dir), before + 2, 'the exception and its signature');
  const again = await s.testRecovery({});
  assert.equal(again.fingerprintMatch, true);
  await signPending(s);
  const v = await sealAndVerify(s, r.dir);
  const tests = v.entries.filter((e) => e.kind === 'test-recovery').map((e) => (e.data as { fingerprintMatch: boolean }).fingerprintMatch);
  assert.deepEqual(tests, [false, true]);
  const ex = v.entries.find((e) => e.kind === 'exception' && (e.data as { deviation?: string }).deviation === 'step-repeated')!;
  assert.deepEqual(ex.data, { stepId: 'test-recovery', deviation: 'step-repeated', reason: REASON, witnessId: 'wendy' });
  assert.equal(v.entries[ex.seq]!.kind, 'signoff', "Wendy's signature is the next entry");
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  const line = script.lines.find((l) => l.stepId === 'test-recovery')!;
  assert.deepEqual(line.exceptions.map((x) => [x.words, x.reason, x.signature?.witnessId]), [['Step repeated', REASON, 'wendy']]);
});

test('without witnesses the repeat waits for the reason alone; a passing first run needs no exception', async () => {
  const plan = unwitnessedPlan({ type: 'new-seed', bits: 128 }, 'slip39');
  const { kdf, broken } = faultyStretcher();
  const r = rig({ overrides: { kdf } });
  const s = r.service;
  await s.start({ plan });
  await s.checkAirGap();
  await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
  await s.generate();
  await s.split();
  for (const c of plan.custodians) {
    const view = await s.handoff({ custodianId: c.id });
    await s.confirm({ custodianId: c.id, method: methodFor(c.medium), responses: responseFor(view, plan) });
    await s.receipt({ custodianId: c.id });
  }
  broken.on = true;
  assert.equal((await s.testRecovery({})).fingerprintMatch, false);
  broken.on = false;
  await assert.rejects(s.testRecovery({}), { code: 'EXCEPTION_NEEDED' });
  await s.recordException({ reason: 'Tested again after the fault was found.' });
  assert.equal((await s.testRecovery({})).fingerprintMatch, true);
  const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok, v.ok ? '' : v.reason);
  assert.equal(v.entries.filter((e) => e.kind === 'exception').length, 1);
  assert.equal((await s.status()).exceptionNeeded, null);
  await s.abort({ reason: 'test over' });
});

test("printing a custodian's paper again waits for a signed step-repeated exception; one print per exception; confirming drops an unrecorded ask", async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const r = rig();
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  await toHandoffs(s);

  // Nothing on screen yet: nothing to print.
  await assert.rejects(s.printPaper({ custodianId: 'alice' }), { code: 'CEREMONY_TRANSITION' });
  const view = await s.handoff({ custodianId: 'alice' });
  const before = entries(r.dir);
  // The first print is part of the handoff; the second repeats it.
  assert.equal((await s.printPaper({ custodianId: 'alice' })).exceptionNeeded, null);
  await assert.rejects(s.printPaper({ custodianId: 'alice' }), { code: 'EXCEPTION_NEEDED' });
  const needed = (await s.status()).exceptionNeeded;
  assert.deepEqual(needed && { ...needed, what: '' }, { stepId: 'handoff', custodianId: 'alice', deviation: 'step-repeated', number: '7.1', what: '' });
  assert.match(needed!.what, /Printing Alice's paper backup again repeats the handoff/);
  assert.equal(entries(r.dir), before, 'nothing recorded by the asks');
  await assert.rejects(s.printPaper({ custodianId: 'alice' }), { code: 'EXCEPTION_NEEDED' });
  // Only an abort's exception may go unsigned.
  await assert.rejects(s.recordException({ reason: 'nobody signs', unsigned: true }), { code: 'INVALID_ARGUMENT', message: /only an abort's exception may go unsigned/ });
  assert.equal(entries(r.dir), before);

  const REPRINT = 'The printer jammed; the jammed sheet was shredded in front of the witness.';
  await s.recordException({ reason: REPRINT, witnessId: 'wendy' });
  assert.equal(entries(r.dir), before + 2, 'the exception and its signature');
  // One print per exception: the next one asks again.
  assert.equal((await s.printPaper({ custodianId: 'alice' })).exceptionNeeded, null);
  await assert.rejects(s.printPaper({ custodianId: 'alice' }), { code: 'EXCEPTION_NEEDED' });
  // Confirming instead: that ask never became a print, so it is dropped and nothing more is recorded for it.
  await s.confirm({ custodianId: 'alice', method: 'type-back', responses: responseFor(view, plan) });
  assert.equal((await s.status()).exceptionNeeded, null);
  await assert.rejects(s.printPaper({ custodianId: 'alice' }), { code: 'CEREMONY_TRANSITION' }, 'confirmed: the shard is no longer on screen');
  await signPending(s);

  const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok, v.ok ? '' : v.reason);
  const repeats = v.entries.filter((e) => e.kind === 'exception' && (e.data as { deviation?: string }).deviation === 'step-repeated');
  assert.deepEqual(
    repeats.map((e) => e.data),
    [{ stepId: 'handoff', custodianId: 'alice', deviation: 'step-repeated', reason: REPRINT, witnessId: 'wendy' }],
  );
  assert.equal(v.entries.filter((e) => e.kind === 'handoff').length, 1, 'one handoff for Alice');
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  const line = script.lines.find((l) => l.stepId === 'handoff' && l.custodianId === 'alice')!;
  assert.deepEqual(line.exceptions.map((x) => [x.words, x.reason, x.signature?.witnessId]), [['Step repeated', REPRINT, 'wendy']]);
  await s.abort({ reason: 'test over' });
});
