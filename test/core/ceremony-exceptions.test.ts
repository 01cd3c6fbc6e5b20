/**
 * Exceptions in core's reducer (issue 13.5): a deviation is a record of its own, at a step of this plan, with a typed
 * reason and the witness who signs it; it changes nothing else (the open sign-off and the next step stay), and it
 * replays. What is wrong with one is refused with CEREMONY_TRANSITION and nothing recorded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apply, createCeremony, nextActions, replay, type CeremonyEvent, type CeremonyState } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { eventFor } from './ceremony-driver';
import { steppingClock, slip39TwoOfThree } from './plan-fixtures';

function upToHandoff(): CeremonyState {
  const plan = slip39TwoOfThree();
  let s = createCeremony(plan, steppingClock());
  while (s.lastStep !== 'handoff') {
    const offered = nextActions(s);
    const blocking = s.signOff !== null && s.signOff.signedBy.length < s.signOff.required;
    s = apply(s, eventFor(plan, (blocking ? offered[0] : offered.find((a) => a.step !== 'sign-off'))!));
  }
  return s;
}

describe('exception records', () => {
  it('records a signed-off deviation without moving the ceremony, and replays it', () => {
    const s = upToHandoff();
    const plan = s.plan;
    const who = s.awaitingConfirmation!;
    const witnessId = plan.witnesses[0]!.id;
    const ev: CeremonyEvent = { step: 'exception', stepId: 'handoff', custodianId: who, deviation: 'confirmation-failed', reason: 'Two words swapped.', witnessId };
    const next = apply(s, ev);
    const rec = next.records[next.records.length - 1]!;
    assert.equal(rec.step, 'exception');
    assert.deepEqual(rec.data, { stepId: 'handoff', custodianId: who, deviation: 'confirmation-failed', reason: 'Two words swapped.', witnessId });
    assert.deepEqual(nextActions(next), nextActions(s), 'nothing moves on');
    assert.equal(next.signOff, s.signOff);
    const again = replay(plan, next.records, steppingClock());
    assert.deepEqual(again.records, next.records);
  });

  it('refuses an exception at a step the plan does not have, without a reason, without its witness, or for nobody', () => {
    const s = upToHandoff();
    const who = s.awaitingConfirmation!;
    const w = s.plan.witnesses[0]!.id;
    const base = { step: 'exception', stepId: 'handoff', custodianId: who, deviation: 'confirmation-failed', reason: 'Two words swapped.', witnessId: w } as const;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ stepId: 'import' }, /stepId/], // a new-seed plan has no import step
      [{ stepId: 'lunch' }, /stepId/],
      [{ reason: '  ' }, /reason/],
      [{ reason: 'a\nb' }, /reason/],
      [{ reason: 'x'.repeat(501) }, /reason/],
      [{ deviation: 'skipped' }, /deviation/],
      [{ witnessId: undefined }, /witnessId/],
      [{ witnessId: 'mallory' }, /witnessId/],
      [{ custodianId: undefined }, /custodianId/],
      [{ custodianId: 'nobody' }, /custodianId/],
    ];
    for (const [change, field] of cases) {
      const ev = { ...base, ...change } as unknown as CeremonyEvent;
      assert.throws(() => apply(s, ev), (e: unknown) => e instanceof KeyshardError && e.code === 'CEREMONY_TRANSITION' && field.test(e.message), JSON.stringify(change));
    }
  });
});
