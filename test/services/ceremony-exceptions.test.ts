/**
 * Exceptions (issue 13.5) and the annotated script (13.9) through the ceremony service: a custodian's confirmation
 * that does not match stops the ceremony until the reason is typed and a witness signs the exception; the exception
 * entry and its signature are in the transcript, which verifies and resumes; the annotated script built from it
 * places every entry once, with its time, and no longer matches when an entry is dropped or its time changed.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch, annotatedScriptText } from '../../core/ceremony-kinds/annotated';
import { computeEntryHash, genesisHash, verifyTranscriptText, type TranscriptEntry } from '../../core/transcript';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';
import { createCeremonyService } from '../../electron/services/ceremony/index';
import { cleanTemps, custodianKeys, given, methodFor, openingKeyFor, responseFor, rig, shown, shownShards, signPending, slip39Plan, toHandoffs, unwitnessedPlan, WITNESSES } from './ceremony-harness';

after(cleanTemps);

/** The transcript's entries with entry `drop` removed and the chain recomputed, so only the content differs. */
function rechainedWithout(ceremonyId: string, entries: readonly TranscriptEntry[], drop: number): TranscriptEntry[] {
  let prev = genesisHash(ceremonyId);
  return entries
    .filter((e) => e.seq !== drop)
    .map((e, i) => {
      const un = { seq: i + 1, prevHash: prev, at: e.at, kind: e.kind, data: e.data };
      const hash = computeEntryHash(un);
      prev = hash;
      return { ...un, hash };
    });
}

test('a failed confirmation is recorded as a signed exception before the retry; the annotated script matches the transcript entry for entry', async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const r = rig();
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  await toHandoffs(s);

  const views = new Map<string, Awaited<ReturnType<typeof s.handoff>>>();
  for (const c of plan.custodians) {
    const view = await s.handoff({ custodianId: c.id });
    views.set(c.id, view);
    const key = openingKeyFor(plan, c.id, k);
    const good = { custodianId: c.id, method: methodFor(c.medium), ...(c.medium === 'usb' ? { openingKeys: key === undefined ? [] : [key] } : { responses: responseFor(view, plan) }) };
    if (c.id === 'alice') {
      // Alice types two words swapped: refused, and nothing goes on until the exception is recorded.
      const words = (shown(view.shards[0]!).words ?? []).slice();
      [words[3], words[4]] = [words[4]!, words[3]!];
      await assert.rejects(s.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ words: words.join(' ') })] }), { code: 'CONFIRM_MISMATCH' });
      const st = await s.status();
      assert.equal(st.exceptionNeeded?.deviation, 'confirmation-failed');
      assert.equal(st.exceptionNeeded?.custodianId, 'alice');
      assert.match(st.exceptionNeeded?.number ?? '', /^\d+\.1$/);
      await assert.rejects(s.confirm(good), { code: 'EXCEPTION_NEEDED' });
      await assert.rejects(s.recordException({ reason: '   ', witnessId: 'wendy' }), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(s.recordException({ reason: 'Alice misread word 4 of her paper.' }), { code: 'WITNESS_KEY' });
      const entriesBefore = (await s.status()).transcript.entries;
      const after = await s.recordException({ reason: 'Alice misread word 4 of her paper.', witnessId: 'wendy' });
      assert.equal(after.exceptionNeeded, null);
      assert.equal(after.transcript.entries, entriesBefore + 2, 'the exception and its signature');
      await assert.rejects(s.recordException({ reason: 'again', witnessId: 'wendy' }), { code: 'CEREMONY_TRANSITION' });
    }
    await s.confirm(good);
    await signPending(s);
    await s.receipt({ custodianId: good.custodianId });
  }
  await s.testRecovery({ responses: ['alice', 'carol'].map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((sh) => given({ text: sh.envelopeText }, 'read')) })) });
  await signPending(s);
  await s.destroy({ confirmed: true });
  await signPending(s);
  await s.seal();
  await signPending(s);
  assert.equal((await s.status()).phase, 'sealed');

  const text = readFileSync(join(r.dir, 'transcript.json'), 'utf8');
  const v = verifyTranscriptText(text);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  const ex = v.entries.find((e) => e.kind === 'exception')!;
  assert.deepEqual(ex.data, { stepId: 'handoff', custodianId: 'alice', deviation: 'confirmation-failed', reason: 'Alice misread word 4 of her paper.', witnessId: 'wendy' });
  const sig = v.entries[ex.seq]!;
  assert.equal(sig.kind, 'signoff');
  assert.deepEqual((sig.data as { target: { seq: number } }).target.seq, ex.seq);

  // The annotated script: every entry placed once, with its time; the exception under Alice's handoff line.
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  const aliceLine = script.lines.find((l) => l.stepId === 'handoff' && l.custodianId === 'alice')!;
  assert.equal(aliceLine.exceptions.length, 1);
  assert.equal(aliceLine.exceptions[0]!.signature?.witnessId, 'wendy');
  assert.equal(aliceLine.exceptions[0]!.at, ex.at);
  const words = annotatedScriptText(script);
  assert.ok(words.includes(`${aliceLine.number}  ${aliceLine.heading}`));
  assert.ok(words.includes('Confirmation failed') && words.includes('Alice misread word 4 of her paper.'));
  assert.ok(words.includes(v.headHash));

  // One entry dropped (the chain recomputed), or one time changed: the script no longer matches.
  for (const drop of [ex.seq, ex.seq + 1, 5, v.entries.length]) {
    assert.notEqual(annotatedScriptMismatch(script, rechainedWithout(v.ceremonyId, v.entries, drop)), null, `drop entry ${drop}`);
  }
  const changed = v.entries.map((e) => (e.seq === ex.seq ? { ...e, at: '2025-03-01T11:00:00.000Z' } : e));
  assert.match(annotatedScriptMismatch(script, changed) ?? '', new RegExp(`entry ${ex.seq} \\(exception\\)`));

  // `keyshard transcript verify --script` prints the same annotated script as text (plan.json beside the transcript).
  const cli = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io: CliIo & { out: string; err: string } = { out: '', err: '', readStdin: async () => '', stdout: (t) => void (io.out += t), stderr: (t) => void (io.err += t) };
    const code = await runCli(argv, io, transcriptCommands);
    return { code, out: io.out, err: io.err };
  };
  const printed = await cli(['transcript', 'verify', join(r.dir, 'transcript.json'), '--script']);
  assert.equal(printed.code, 0, printed.err);
  assert.equal(printed.out, words);
  // Another plan than the one the transcript recorded is refused, by name.
  copyFileSync(join(r.dir, 'transcript.json'), join(r.dir, 'copy.json'));
  writeFileSync(join(r.dir, 'other-plan.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(r.dir, 'plan.json'), 'utf8')), label: 'Another plan' }));
  const other = await cli(['transcript', 'verify', join(r.dir, 'copy.json'), '--script', '--plan', join(r.dir, 'other-plan.json')]);
  assert.equal(other.code, 1);
  assert.match(other.err, /not the plan this transcript recorded/);

  // The transcript with the exception resumes (its signature pairs with it).
  const again = createCeremonyService(r.deps);
  const resumed = await again.resume({ dir: r.dir });
  assert.equal(resumed.phase, 'sealed');
});

test('the verifier refuses an exception without its witness signature, at an unknown step, or with an empty reason', async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const r = rig();
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  await toHandoffs(s);
  const view = await s.handoff({ custodianId: 'alice' });
  const words = (shown(view.shards[0]!).words ?? []).slice().reverse();
  await assert.rejects(s.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ words: words.join(' ') })] }), { code: 'CONFIRM_MISMATCH' });
  await s.recordException({ reason: 'Wrong order.', witnessId: 'wendy' });
  await s.confirm({ custodianId: 'alice', method: 'type-back', responses: responseFor(view, plan) });
  const text = readFileSync(join(r.dir, 'transcript.json'), 'utf8');
  const good = verifyTranscriptText(text);
  assert.ok(good.ok);
  const ex = good.entries.find((e) => e.kind === 'exception')!;

  const unsigned = rechainedWithout(good.ceremonyId, good.entries, ex.seq + 1);
  const r1 = verifyTranscriptText(JSON.stringify({ format: 'keyshard-transcript', version: 1, ceremonyId: good.ceremonyId, entries: unsigned }), { exactLayout: false });
  assert.equal(r1.ok, false);
  assert.equal(!r1.ok && r1.code, 'TRANSCRIPT_SIGNATURE');
  assert.equal(!r1.ok && r1.firstBadSeq, ex.seq);

  for (const [change, code] of [
    [{ stepId: 'coffee-break' }, 'TRANSCRIPT_FORMAT'],
    [{ reason: '' }, 'TRANSCRIPT_FORMAT'],
    [{ reason: 'x'.repeat(501) }, 'TRANSCRIPT_FORMAT'],
    [{ deviation: 'skipped' }, 'TRANSCRIPT_FORMAT'],
    [{ witnessId: 'mallory' }, 'TRANSCRIPT_SIGNATURE'],
  ] as const) {
    const entries = good.entries.slice(0, ex.seq).map((e) => (e.seq === ex.seq ? { ...e, data: { ...(e.data as object), ...change } } : e));
    let prev = genesisHash(good.ceremonyId);
    const chained = entries.map((e) => {
      const un = { seq: e.seq, prevHash: prev, at: e.at, kind: e.kind, data: e.data };
      prev = computeEntryHash(un);
      return { ...un, hash: prev };
    });
    const res = verifyTranscriptText(JSON.stringify({ format: 'keyshard-transcript', version: 1, ceremonyId: good.ceremonyId, entries: chained }), { exactLayout: false });
    assert.equal(res.ok, false, JSON.stringify(change));
    assert.equal(!res.ok && res.code, code, JSON.stringify(change));
    assert.equal(!res.ok && res.firstBadSeq, ex.seq, JSON.stringify(change));
  }
  await s.abort({ reason: 'test over' });
});

test('under a plan without witnesses the exception is recorded with its reason alone, and verifies', async () => {
  const plan = unwitnessedPlan({ type: 'new-seed', bits: 128 }, 'slip39');
  const r = rig();
  const s = r.service;
  await s.start({ plan });
  await s.checkAirGap();
  await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
  await s.generate();
  await s.split();
  const view = await s.handoff({ custodianId: 'ann' });
  const words = (shown(view.shards[0]!).words ?? []).slice().reverse();
  await assert.rejects(s.confirm({ custodianId: 'ann', method: 'type-back', responses: [given({ words: words.join(' ') })] }), { code: 'CONFIRM_MISMATCH' });
  await assert.rejects(s.recordException({ reason: 'Reversed.', witnessId: 'wendy' }), { code: 'CEREMONY_TRANSITION' });
  await s.recordException({ reason: 'Ann read her words from the end.' });
  await s.confirm({ custodianId: 'ann', method: 'type-back', responses: [given({ words: (shown(view.shards[0]!).words ?? []).join(' ') })] });
  const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok, v.ok ? '' : v.reason);
  const ex = v.entries.find((e) => e.kind === 'exception')!;
  assert.deepEqual(ex.data, { stepId: 'handoff', custodianId: 'ann', deviation: 'confirmation-failed', reason: 'Ann read her words from the end.' });
  assert.equal(v.entries[ex.seq]!.kind, 'confirm');
  await s.abort({ reason: 'test over' });
});

test("an air-gap override is its exception on the annotated script: the check's note keeps the interfaces, the reason is printed once", async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const r = rig({ airgapOk: false });
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  const reason = 'The lab machine has an internal NIC; Wendy checked the cable is unplugged.';
  await s.checkAirGap({ override: { witnessId: 'wendy', reason } });
  await signPending(s);
  const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok, v.ok ? '' : v.reason);
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  const line = script.lines.find((l) => l.stepId === 'airgap')!;
  assert.equal(line.exceptions.length, 1);
  assert.equal(line.exceptions[0]!.signature?.witnessId, 'wendy');
  assert.deepEqual(line.notes.map((n) => n.replace(/ \(entry \d+\)$/, '')), ['Air-gap check failed (eth0); overridden, see the exception']);
  const words = annotatedScriptText(script);
  assert.equal(words.split(reason).length - 1, 1, 'the reason is printed once, under the exception');

  // A transcript from before the override was an exception (the check alone, its exception and signature left out)
  // still shows the override with its witness and reason in the check's note.
  const ex = v.entries.find((e) => e.kind === 'exception')!;
  const old = rechainedWithout(v.ceremonyId, rechainedWithout(v.ceremonyId, v.entries, ex.seq + 1), ex.seq);
  const oldLine = annotatedScript(KEY_CEREMONY, plan, { ...v, entries: old }).lines.find((l) => l.stepId === 'airgap')!;
  assert.equal(oldLine.exceptions.length, 0);
  assert.match(oldLine.notes.join('\n'), new RegExp(`overridden by Wendy \\(eth0\\): ${reason.replace(/[.;]/g, '\\$&')}`));
  await s.abort({ reason: 'test over' });
});
