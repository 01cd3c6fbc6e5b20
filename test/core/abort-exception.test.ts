/**
 * The abort's exception (issue 13.5): an abort is recorded at once (after the wipe); then exactly one `exception`
 * (deviation abort, the reason typed after the wipe) may follow, signed by a witness in the next entry, or marked
 * `unsigned` when no witness signs. Nothing else after. core's reducer, the transcript verifier and checkKindSteps keep
 * the same rule; each tamper below is refused by the one that reads it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abortExceptionOpen, apply, createCeremony, nextActions, replay, type CeremonyEvent, type CeremonyState } from '../../core/ceremony';
import { annotatedScript, annotatedScriptMismatch, annotatedScriptText } from '../../core/ceremony-kinds/annotated';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { exceptionDataProblem } from '../../core/ceremony-kinds/exceptions';
import { KeyshardError } from '../../core/errors';
import { appendEntry, createTranscript, signEntry, verifyTranscript, type Transcript } from '../../core/transcript';
import { eventFor } from './ceremony-driver';
import { steppingClock, slip39TwoOfThree } from './plan-fixtures';
import { alice, bob, ed25519Witness, witnessEntry, steppingClock as transcriptClock } from './transcript-fixture';

function abortedAfterSplit(plan = slip39TwoOfThree()): CeremonyState {
  let s = createCeremony(plan, steppingClock());
  while (s.lastStep !== 'split') {
    const offered = nextActions(s);
    const blocking = s.signOff !== null && s.signOff.signedBy.length < s.signOff.required;
    s = apply(s, eventFor(plan, (blocking ? offered[0] : offered.find((a) => a.step !== 'sign-off'))!));
  }
  return apply(s, { step: 'abort', reason: 'Smoke in the room.' });
}

const refused = (fn: () => unknown, field: RegExp, what: string): void =>
  assert.throws(fn, (e: unknown) => e instanceof KeyshardError && e.code === 'CEREMONY_TRANSITION' && field.test(e.message), what);

describe("core: the abort's exception", () => {
  it('accepts one exception after the abort, signed or marked unsigned, replays it, and then accepts nothing', () => {
    const s = abortedAfterSplit();
    assert.equal(s.status, 'aborted');
    assert.equal(abortExceptionOpen(s), true);
    const w = s.plan.witnesses[0]!.id;
    const signed = apply(s, { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'Smoke in the room; we left.', witnessId: w });
    assert.deepEqual(signed.records.at(-1)!.data, { stepId: 'split', deviation: 'abort', reason: 'Smoke in the room; we left.', witnessId: w });
    assert.equal(signed.status, 'aborted');
    assert.equal(abortExceptionOpen(signed), false);
    assert.deepEqual(replay(s.plan, signed.records, steppingClock()).records, signed.records);

    const unsigned = apply(s, { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'The witness left.', unsigned: true });
    assert.deepEqual(unsigned.records.at(-1)!.data, { stepId: 'split', deviation: 'abort', reason: 'The witness left.', unsigned: true });
    assert.deepEqual(replay(s.plan, unsigned.records, steppingClock()).records, unsigned.records);

    for (const after of [signed, unsigned]) {
      refused(() => apply(after, { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'Again.', witnessId: w }), /aborted/, 'a second exception');
      refused(() => apply(after, { step: 'abort', reason: 'Again.' }), /aborted/, 'a second abort');
      refused(() => apply(after, { step: 'seal' }), /aborted/, 'a step');
      const extra = [...after.records, { step: 'exception', at: after.records.at(-1)!.at, data: after.records.at(-1)!.data }];
      assert.throws(() => replay(s.plan, extra, steppingClock()), (e: unknown) => e instanceof KeyshardError && e.code === 'CEREMONY_TRANSITION', 'replay of two exceptions');
    }
    refused(() => apply(s, { step: 'seal' }), /aborted/, 'a step right after the abort');
  });

  it('refuses the wrong exception after the abort, an abort exception before it, and a misused unsigned marker', () => {
    const s = abortedAfterSplit();
    const w = s.plan.witnesses[0]!.id;
    const base = { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'Smoke.', witnessId: w } as const;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ deviation: 'confirmation-failed' }, /deviation/],
      [{ witnessId: undefined }, /witnessId/],
      [{ unsigned: true }, /unsigned/], // with witnessId
      [{ witnessId: undefined, unsigned: false }, /unsigned/],
      [{ reason: '' }, /reason/],
    ];
    for (const [change, field] of cases) refused(() => apply(s, { ...base, ...change } as unknown as CeremonyEvent), field, JSON.stringify(change));

    // While active: no abort deviation, no unsigned marker.
    const plan = slip39TwoOfThree();
    const active = apply(createCeremony(plan, steppingClock()), eventFor(plan, nextActions(createCeremony(plan, steppingClock()))[0]!));
    refused(() => apply(active, { ...base, stepId: 'plan' }), /not aborted/, 'abort deviation while active');
    refused(() => apply(active, { step: 'exception', stepId: 'plan', deviation: 'step-repeated', reason: 'x', unsigned: true }), /unsigned/, 'unsigned while active');

    // A plan without witnesses: its exceptions are unsigned by definition, so the marker is refused.
    const bare = { ...slip39TwoOfThree(), witnesses: [], noWitnessReason: 'A two-person test ceremony.' };
    const s2 = abortedAfterSplit(bare);
    refused(() => apply(s2, { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'x', unsigned: true }), /unsigned/, 'unsigned without witnesses');
    const ok = apply(s2, { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'Power cut.' });
    assert.equal(ok.records.at(-1)!.step, 'exception');
  });

  it("exception data: the unsigned marker is true, only on an abort's exception, never beside a witness", () => {
    const d = { stepId: 'split', deviation: 'abort', reason: 'x' };
    assert.equal(exceptionDataProblem(KEY_CEREMONY, { ...d, unsigned: true }), null);
    assert.match(exceptionDataProblem(KEY_CEREMONY, { ...d, unsigned: false }) ?? '', /not true/);
    assert.match(exceptionDataProblem(KEY_CEREMONY, { ...d, deviation: 'step-repeated', unsigned: true }) ?? '', /only an abort/);
    assert.match(exceptionDataProblem(KEY_CEREMONY, { ...d, witnessId: 'alice', unsigned: true }) ?? '', /names a witness/);
  });
});

/** plan (witnesses alice, bob) · airgap-check · abort · then `tail`. */
async function abortedTranscript(tail: (t: Transcript) => Promise<Transcript>): Promise<Transcript> {
  let t = createTranscript('abort-1', transcriptClock());
  t = appendEntry(t, 'plan', { label: 'Abort test', witnessIds: ['alice', 'bob'], witnessKeys: [witnessEntry(alice), witnessEntry(bob)] });
  t = appendEntry(t, 'airgap-check', { passed: true, interfacesUp: [] });
  t = appendEntry(t, 'abort', { reason: 'Smoke.', afterStep: 'airgap-check' });
  return tail(t);
}

const note = (extra: Record<string, unknown> = { witnessId: 'alice' }) => ({ stepId: 'airgap', deviation: 'abort', reason: 'Smoke in the room.', ...extra });

async function expectBad(t: Transcript, seq: number, code: string, why: RegExp): Promise<void> {
  const r = verifyTranscript(JSON.parse(JSON.stringify(t)));
  assert.equal(r.ok, false, `seq ${seq} should fail`);
  if (r.ok) return;
  assert.equal(r.firstBadSeq, seq);
  assert.equal(r.code, code);
  assert.match(r.reason, why);
}

describe("transcript: the abort's exception", () => {
  it('verifies abort · exception · its signature, and abort · exception marked unsigned; checkKindSteps agrees', async () => {
    for (const t of [
      await abortedTranscript(async (t) => signEntry(appendEntry(t, 'exception', note()), 4, alice)),
      await abortedTranscript(async (t) => appendEntry(t, 'exception', note({ unsigned: true }))),
      await abortedTranscript(async (t) => t),
    ]) {
      const r = verifyTranscript(JSON.parse(JSON.stringify(t)));
      assert.equal(r.ok, true, r.ok ? '' : r.reason);
      if (!r.ok) continue;
      assert.deepEqual(checkKindSteps(r.entries), { ok: true, kind: KEY_CEREMONY });
    }
  });

  it('refuses two exceptions after the abort, an entry after the exception, and a signature over one marked unsigned', async () => {
    await expectBad(await abortedTranscript(async (t) => appendEntry(appendEntry(t, 'exception', note({ unsigned: true })), 'exception', note({ unsigned: true }))), 5, 'TRANSCRIPT_FORMAT', /after the abort's exception/);
    const signedThenMore = await abortedTranscript(async (t) => signEntry(appendEntry(t, 'exception', note()), 4, alice));
    await expectBad(appendEntry(signedThenMore, 'exception', note()), 6, 'TRANSCRIPT_FORMAT', /nothing more/);
    await expectBad(appendEntry(signedThenMore, 'seal', {}), 6, 'TRANSCRIPT_FORMAT', /nothing more/);
    await expectBad(await signEntry(signedThenMore, 4, bob), 6, 'TRANSCRIPT_FORMAT', /nothing more/);
    await expectBad(await abortedTranscript(async (t) => signEntry(appendEntry(t, 'exception', note({ unsigned: true })), 4, alice)), 5, 'TRANSCRIPT_SIGNATURE', /says no witness signs it/);
    // Something other than the exception right after the abort; an abort exception with no abort before it.
    await expectBad(await abortedTranscript(async (t) => appendEntry(t, 'seal', {})), 4, 'TRANSCRIPT_FORMAT', /follows the abort/);
    await expectBad(await abortedTranscript(async (t) => signEntry(t, 2, alice)), 4, 'TRANSCRIPT_FORMAT', /follows the abort/);
    let early = createTranscript('abort-2', transcriptClock());
    early = appendEntry(early, 'plan', { witnessIds: ['alice'], witnessKeys: [witnessEntry(alice)] });
    early = appendEntry(early, 'exception', note());
    await expectBad(early, 2, 'TRANSCRIPT_FORMAT', /not the abort/);
    // The marker on another deviation is malformed data; a signed one without its signature fails at the exception.
    await expectBad(await abortedTranscript(async (t) => appendEntry(t, 'exception', { ...note({ unsigned: true }), deviation: 'step-repeated' })), 4, 'TRANSCRIPT_FORMAT', /only an abort/);
    await expectBad(await abortedTranscript(async (t) => appendEntry(appendEntry(t, 'exception', note()), 'seal', {})), 4, 'TRANSCRIPT_SIGNATURE', /not followed by witness "alice"/);
  });

  it('checkKindSteps alone refuses what follows an abort besides its exception and signature', () => {
    const e = (seq: number, kind: string, data: unknown = {}) => ({ seq, kind, data });
    const head = [e(1, 'plan', {}), e(2, 'airgap-check'), e(3, 'abort')];
    const bad = (entries: ReturnType<typeof e>[], seq: number): void => {
      const r = checkKindSteps(entries);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.firstBadSeq, seq);
    };
    bad([...head, e(4, 'exception', note()), e(5, 'signoff'), e(6, 'signoff')], 6);
    bad([...head, e(4, 'exception', note({ unsigned: true })), e(5, 'signoff')], 5);
    bad([...head, e(4, 'exception', note()), e(5, 'exception', note())], 5);
    bad([...head, e(4, 'airgap-check')], 4);
    bad([e(1, 'plan', {}), e(2, 'exception', note())], 2);
  });
});

describe("annotated script: the abort's exception", () => {
  it('prints the exception under the abort, signed or marked unsigned, and matches the transcript entry for entry', async () => {
    const s = abortedAfterSplit();
    const plan = s.plan;
    for (const ev of [
      { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'The witness left the room.', unsigned: true },
      { step: 'exception', stepId: 'split', deviation: 'abort', reason: 'Smoke; signed by Wendy.', witnessId: plan.witnesses[0]!.id },
    ] as CeremonyEvent[]) {
      const done = apply(s, ev);
      // The records as main writes them: each sign-off record followed by its witness's signature over the checkpoint.
      let t = createTranscript('abort-3', transcriptClock());
      let checkpoint = 0;
      for (const r of done.records) {
        t = appendEntry(t, r.step, r.data, { at: r.at });
        if (r.step === 'sign-off') t = await signEntry(t, checkpoint, ed25519Witness(String(r.data['witnessId'])));
        else if (r.step !== 'exception' && r.step !== 'abort') checkpoint = t.entries.length;
      }
      if ('witnessId' in ev) t = await signEntry(t, t.entries.length, ed25519Witness(String(ev.witnessId)));
      const r = verifyTranscript(t);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      const script = annotatedScript(KEY_CEREMONY, plan, r);
      assert.equal(annotatedScriptMismatch(script, t.entries), null);
      assert.notEqual(script.abort?.exception, null);
      const text = annotatedScriptText(script);
      const abortAt = text.indexOf('ABORTED');
      assert.ok(abortAt > 0 && text.indexOf('EXCEPTION', abortAt) > abortAt, 'the exception prints under the abort');
      if ('unsigned' in ev) assert.match(text, /no witness signed this abort \(recorded as unsigned\)/);
      else assert.match(text, new RegExp(`Exception signed by witness: ${plan.witnesses[0]!.name} \\(key [0-9A-F ]+\\) signed, entry ${t.entries.length}`));
    }
  });
});
