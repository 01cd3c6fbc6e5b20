/**
 * The handoff entry records each shard's fingerprint when given (core/custody/fingerprint.ts), so a custody check can
 * later test one shard alone; replay accepts it, and transcripts written before it (no shardFingerprints) still replay.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apply, createCeremony, nextActions, replay, type CeremonyEvent, type CeremonyState } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { eventFor } from './ceremony-driver';
import { slip39TwoOfThree, steppingClock } from './plan-fixtures';

const HEX = (n: number) => `a${n.toString(16)}`.repeat(32);

/** Drives the ceremony to the first handoff (sign-offs included). */
function atFirstHandoff(): CeremonyState {
  let s = createCeremony(slip39TwoOfThree(), steppingClock());
  for (let guard = 0; guard < 100; guard++) {
    const offered = nextActions(s);
    const handoff = offered.find((a) => a.step === 'handoff');
    if (handoff !== undefined) return s;
    const blocking = s.signOff !== null && s.signOff.signedBy.length < s.signOff.required;
    const next = blocking ? offered[0]! : offered.find((a) => a.step !== 'sign-off' && a.step !== 'abort')!;
    s = apply(s, eventFor(s.plan, next));
  }
  throw new Error('no handoff offered');
}

describe('handoff records shard fingerprints', () => {
  it('records them in the entry, in order, and replay rebuilds the same state', () => {
    const s = atFirstHandoff();
    const id = nextActions(s).find((a) => a.step === 'handoff')!.custodianId!;
    const c = s.plan.custodians.find((x) => x.id === id)!;
    const prints = c.shares.map((_, i) => HEX(i + 1));
    const next = apply(s, { step: 'handoff', custodianId: id, shardFingerprints: prints } as CeremonyEvent);
    const rec = next.records[next.records.length - 1]!;
    assert.deepEqual(rec.data['shardFingerprints'], prints);
    const again = replay(s.plan, next.records, steppingClock());
    assert.deepEqual(again.records, next.records);
  });

  it('refuses a list of the wrong length or not 32-byte lowercase hex, and leaves the field out when not given', () => {
    const s = atFirstHandoff();
    const id = nextActions(s).find((a) => a.step === 'handoff')!.custodianId!;
    const held = s.plan.custodians.find((x) => x.id === id)!.shares.length;
    const bad = (shardFingerprints: unknown) => assert.throws(() => apply(s, { step: 'handoff', custodianId: id, shardFingerprints } as unknown as CeremonyEvent), (e: unknown) => e instanceof KeyshardError);
    bad(Array.from({ length: held + 1 }, (_, i) => HEX(i + 1)));
    bad(Array.from({ length: held }, (_, i) => (i === 0 ? HEX(1).toUpperCase() : HEX(i + 1))));
    bad(Array.from({ length: held }, (_, i) => (i === 0 ? HEX(1).slice(2) : HEX(i + 1))));
    bad([]);
    const plain = apply(s, { step: 'handoff', custodianId: id });
    assert.equal(Object.prototype.hasOwnProperty.call(plain.records[plain.records.length - 1]!.data, 'shardFingerprints'), false);
  });
});
