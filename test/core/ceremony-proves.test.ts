/**
 * What a confirmation and a test recovery claim in the transcript (issue 11 point 13): a confirm record says what the
 * method proves (a custodian's own act: possession; keyshard reading back the USB file it wrote: only the write) and
 * never more; a test recovery says whose shards it used. Transcripts written before these fields replay as they are.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIRMATION_PROVES, apply, createCeremony, nextActions, replay, type CeremonyEvent, type CeremonyState } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { eventFor } from './ceremony-driver';
import { slip39TwoOfThree, steppingClock } from './plan-fixtures';

const plan = slip39TwoOfThree();

/** Applies the driver's next events (required sign-offs first) until `until` is offered; `patch` edits chosen events. */
function runUntil(until: (s: CeremonyState) => boolean, patch: (e: CeremonyEvent) => CeremonyEvent = (e) => e): CeremonyState {
  let s = createCeremony(plan, steppingClock());
  for (let guard = 0; !until(s) && guard < 200; guard++) {
    const offered = nextActions(s);
    const blocking = s.signOff !== null && s.signOff.signedBy.length < s.signOff.required;
    s = apply(s, patch(eventFor(plan, (blocking ? offered[0] : offered.find((a) => a.step !== 'sign-off' && a.step !== 'abort'))!)));
  }
  return s;
}

function refusedWith(s: CeremonyState, e: CeremonyEvent, pattern: RegExp): void {
  assert.throws(() => apply(s, e), (err: unknown) => err instanceof KeyshardError && err.code === 'CEREMONY_TRANSITION' && pattern.test(err.message));
}

const withProves = (e: CeremonyEvent): CeremonyEvent => (e.step === 'confirm' ? { ...e, proves: CONFIRMATION_PROVES[e.method] } : e);

describe('what a confirmation proves, in the transcript', () => {
  it('a USB read-back is recorded as proving the write; claiming possession for it is refused', () => {
    const s = runUntil((x) => x.awaitingConfirmation !== null && plan.custodians.find((c) => c.id === x.awaitingConfirmation)?.medium === 'usb');
    const id = s.awaitingConfirmation!;
    refusedWith(s, { step: 'confirm', custodianId: id, method: 'read-back-usb', proves: 'possession' }, /proves must be "write" for read-back-usb/);
    const ok = apply(s, { step: 'confirm', custodianId: id, method: 'read-back-usb', proves: 'write' });
    assert.equal(ok.records.at(-1)?.data['proves'], 'write');
  });

  it('typed words and a scanned code are recorded as proving possession', () => {
    assert.equal(CONFIRMATION_PROVES['type-back'], 'possession');
    assert.equal(CONFIRMATION_PROVES['scan-qr'], 'possession');
    const s = runUntil((x) => x.awaitingConfirmation !== null && plan.custodians.find((c) => c.id === x.awaitingConfirmation)?.medium === 'paper');
    const id = s.awaitingConfirmation!;
    refusedWith(s, { step: 'confirm', custodianId: id, method: 'type-back', proves: 'write' }, /proves must be "possession"/);
    assert.equal(apply(s, { step: 'confirm', custodianId: id, method: 'type-back', proves: 'possession' }).records.at(-1)?.data['proves'], 'possession');
  });

  it('records with `proves` replay; older records without it still replay; an edited `proves` does not', () => {
    const done = (x: CeremonyState): boolean => x.status !== 'active';
    const fresh = runUntil(done, withProves);
    assert.equal(fresh.status, 'sealed');
    const confirms = fresh.records.filter((r) => r.step === 'confirm');
    assert.ok(confirms.length > 0 && confirms.every((r) => typeof r.data['proves'] === 'string'));
    assert.equal(replay(plan, fresh.records, steppingClock()).status, 'sealed');
    const old = runUntil(done);
    assert.ok(old.records.every((r) => r.data['proves'] === undefined), 'records as written before this field');
    assert.equal(replay(plan, old.records, steppingClock()).status, 'sealed');
    const usb = fresh.records.findIndex((r) => r.step === 'confirm' && r.data['method'] === 'read-back-usb');
    const edited = fresh.records.map((r, i) => (i === usb ? { ...r, data: { ...r.data, proves: 'possession' } } : r));
    assert.throws(() => replay(plan, edited, steppingClock()), /proves must be "write"/);
  });
});

describe('whose shards a test recovery used', () => {
  it('records custodians or keyshard-copies, refuses anything else, and replays records without it', () => {
    const s = runUntil((x) => nextActions(x).some((a) => a.step === 'test-recovery') && (x.signOff === null || x.signOff.signedBy.length >= x.signOff.required));
    const base = eventFor(plan, { step: 'test-recovery', hint: '' });
    for (const from of ['custodians', 'keyshard-copies'] as const) {
      assert.equal(apply(s, { ...(base as Extract<CeremonyEvent, { step: 'test-recovery' }>), shardsFrom: from }).records.at(-1)?.data['shardsFrom'], from);
    }
    refusedWith(s, { ...(base as Extract<CeremonyEvent, { step: 'test-recovery' }>), shardsFrom: 'witnesses' as never }, /shardsFrom/);
    assert.equal(apply(s, base).records.at(-1)?.data['shardsFrom'], undefined);
  });
});
