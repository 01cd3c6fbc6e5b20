/**
 * Tamper-evident bag serials (issue 13.6): typed with spaces, dashes and either case, kept normalised and bounded; a
 * mismatch names both serials so a typo is seen; the key ceremony records a bag serial at the handoff and an OS image
 * hash at the air-gap check, both optional so transcripts written before them still replay.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bagSerialDisplay, checkBagSerial, isBagSerial, normaliseBagSerial } from '../../core/bag-serial';
import { apply, createCeremony, nextActions, replay, type CeremonyEvent, type CeremonyState } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { eventFor } from './ceremony-driver';
import { slip39TwoOfThree, steppingClock } from './plan-fixtures';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KeyshardError, String(e));
    return e.code;
  }
  return 'no error';
}

describe('bag serials', () => {
  it('normalise case, spaces, dashes and dots, and keep only 4 to 24 letters and digits', () => {
    assert.equal(normaliseBagSerial(' ab-12 34.cd '), 'AB1234CD');
    assert.equal(normaliseBagSerial('A1B2'), 'A1B2');
    assert.equal(normaliseBagSerial('x'.repeat(24)), 'X'.repeat(24));
    assert.equal(code(() => normaliseBagSerial('AB1')), 'BAG_SERIAL_INVALID');
    assert.equal(code(() => normaliseBagSerial('X'.repeat(25))), 'BAG_SERIAL_INVALID');
    assert.equal(code(() => normaliseBagSerial('AB12#4')), 'BAG_SERIAL_INVALID');
    assert.equal(code(() => normaliseBagSerial('Ä1234')), 'BAG_SERIAL_INVALID');
    // Bounded before it is parsed: a long paste is refused as a whole.
    assert.equal(code(() => normaliseBagSerial(`${'-'.repeat(100)}AB12`)), 'BAG_SERIAL_INVALID');
    assert.equal(isBagSerial('AB1234'), true);
    assert.equal(isBagSerial('ab1234'), false);
    assert.equal(bagSerialDisplay('AB1234CD5'), 'AB12 34CD 5');
  });

  it('compare by the normalised form; a mismatch names both serials and says to retype or set the shard aside', () => {
    assert.equal(checkBagSerial('KS0042A7', 'ks-0042-a7', 'Alice'), 'KS0042A7');
    try {
      checkBagSerial('KS0042A7', 'KS0042A1', 'Alice');
      assert.fail('a different serial was accepted');
    } catch (e) {
      assert.ok(e instanceof KeyshardError && e.code === 'BAG_SERIAL_MISMATCH', String(e));
      assert.match(e.message, /KS00 42A1/);
      assert.match(e.message, /KS00 42A7/);
      assert.match(e.message, /retype/);
      assert.deepEqual(e.details, { recorded: 'KS0042A7', typed: 'KS0042A1' });
    }
  });
});

describe('the key ceremony records bags and the OS image hash', () => {
  const plan = slip39TwoOfThree();
  const osImageHash = 'ab'.repeat(32);

  /** Runs until the first handoff, with the given air-gap event; returns the state. */
  function toHandoff(airgap: CeremonyEvent): CeremonyState {
    let s = createCeremony(plan, steppingClock());
    for (let guard = 0; guard < 100; guard++) {
      const a = nextActions(s).find((x) => x.step !== 'abort')!;
      if (a.step === 'handoff') return s;
      s = apply(s, a.step === 'airgap-check' ? airgap : eventFor(plan, a));
    }
    throw new Error('no handoff offered');
  }

  it('records a normalised bag serial with the handoff and the OS image hash with the air-gap check, and replays them', () => {
    let s = toHandoff({ step: 'airgap-check', passed: true, osImageHash });
    const custodianId = plan.custodians[0]!.id;
    s = apply(s, { step: 'handoff', custodianId, bagSerial: 'KS0042A7' });
    const handoff = s.records[s.records.length - 1]!;
    assert.equal(handoff.data['bagSerial'], 'KS0042A7');
    assert.equal(s.records.find((r) => r.step === 'airgap-check')!.data['osImageHash'], osImageHash);
    const again = replay(plan, JSON.parse(JSON.stringify(s.records)), steppingClock());
    assert.deepEqual(again.records, s.records);
  });

  it('refuses a serial that is not normalised and an OS image hash that is not SHA-256 hex; nothing is recorded', () => {
    assert.equal(code(() => toHandoff({ step: 'airgap-check', passed: true, osImageHash: 'AB'.repeat(32) })), 'CEREMONY_TRANSITION');
    assert.equal(code(() => toHandoff({ step: 'airgap-check', passed: true, osImageHash: 'ab'.repeat(31) })), 'CEREMONY_TRANSITION');
    const s = toHandoff({ step: 'airgap-check', passed: true });
    const custodianId = plan.custodians[0]!.id;
    assert.equal(code(() => apply(s, { step: 'handoff', custodianId, bagSerial: 'ks-0042' })), 'CEREMONY_TRANSITION');
    // An edited serial in a transcript does not replay.
    const ok = apply(s, { step: 'handoff', custodianId, bagSerial: 'KS0042A7' });
    const edited = JSON.parse(JSON.stringify(ok.records)) as { data: Record<string, unknown> }[];
    edited[edited.length - 1]!.data['bagSerial'] = 'ks0042a7';
    assert.equal(code(() => replay(plan, edited, steppingClock())), 'CEREMONY_TRANSITION');
  });
});
