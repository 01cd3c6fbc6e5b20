/**
 * The screens' step list is the catalogue's (core/ceremony-kinds): the steps a plan has, numbered as the script; a
 * step added to a catalogue shows in it; and a ceremony that ended early says where it stopped instead of showing a
 * step as current. Pure helpers, no DOM.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ceremonyScript, KEY_CEREMONY, numberedSteps, type CeremonyKind } from '../../core/ceremony-kinds';
import type { CeremonyPlan } from '../../core/policy';
import type { Status } from '../../renderer/ceremony/api';
import { receiptWaiting, stageOf, stepOf, stepsDone, stoppedAt } from '../../renderer/ceremony/stage';
import { ceremonyStepList, listStepOfRecord, stepPeopleLines } from '../../renderer/components/ceremonySteps';
import { stepState } from '../../renderer/components/stepState';
import { slip39TwoOfThree, vssThreeOfFive } from '../core/plan-fixtures';

function status(patch: Partial<Status>): Status {
  return {
    phase: 'aborted',
    message: '',
    ceremonyId: 'c1',
    label: 'x',
    scheme: 'slip39',
    lastStep: null,
    next: [],
    fingerprint: null,
    airgap: null,
    handedOff: [],
    confirmed: [],
    awaitingConfirmation: null,
    signOff: null,
    custodiansHoldingShards: [],
    receipts: [],
    turnsDone: [],
    lastStepFailed: false,
    entropyNeeded: null,
    transcript: { path: '/t.json', entries: 0, headHash: null },
    ...patch,
  };
}

describe('the step list is the catalogue', () => {
  it('lists exactly the catalogue steps a plan has, with the script numbers', () => {
    for (const plan of [slip39TwoOfThree(), vssThreeOfFive(), null]) {
      const list = ceremonyStepList(plan);
      assert.deepEqual(
        list.map((s) => [s.id, s.label, s.number]),
        numberedSteps(KEY_CEREMONY, plan).map((n) => [n.step.id, n.step.screen, n.number]),
      );
      if (plan === null) continue;
      const scriptNumbers = new Set(ceremonyScript(KEY_CEREMONY, plan).lines.map((l) => l.number.split('.')[0]));
      assert.deepEqual([...scriptNumbers], list.map((s) => String(s.number)));
    }
    // Tokens and witness keys are steps of their own, before the start; not hidden in the air-gap check.
    assert.deepEqual(ceremonyStepList(slip39TwoOfThree()).slice(0, 4).map((s) => s.label), ['Devices', 'Witness keys', 'Start', 'Air-gap check']);
  });

  it('shows a step added to a catalogue, where the catalogue puts it', () => {
    const bags = { ...KEY_CEREMONY.steps.find((s) => s.id === 'destroy')!, id: 'bags', screen: 'Seal the bags', records: [] };
    const at = KEY_CEREMONY.steps.findIndex((s) => s.id === 'seal');
    const kind: CeremonyKind = { ...KEY_CEREMONY, steps: [...KEY_CEREMONY.steps.slice(0, at), bags, ...KEY_CEREMONY.steps.slice(at)] };
    const list = ceremonyStepList(slip39TwoOfThree(), kind);
    assert.deepEqual(list.slice(-3).map((s) => s.label), ['Destroy', 'Seal the bags', 'Seal']);
    assert.equal(list.at(-1)!.number, list.length);
  });

  it('maps each transcript entry to the step that writes it, and each stage to its step', () => {
    const list = ceremonyStepList(slip39TwoOfThree());
    assert.equal(listStepOfRecord(list, 'airgap-check'), 'airgap');
    assert.equal(listStepOfRecord(list, 'confirm'), 'handoff');
    assert.equal(listStepOfRecord(list, 'token-check'), 'devices');
    // The overview has no import step: an import is shown at the step before it.
    assert.equal(listStepOfRecord(ceremonyStepList(null), 'import'), 'generate');
    const imported: CeremonyPlan = { ...slip39TwoOfThree(), secret: { type: 'import', kind: 'seed', lengthBytes: 32 } };
    assert.equal(stepOf({ kind: 'fingerprint' }, ceremonyStepList(imported), 'plan'), 'import');
    assert.equal(stepOf({ kind: 'airgap' }, list, 'devices'), 'devices');
    // A plan without tokens has no device step: the first screen is at the start instead.
    const plain: CeremonyPlan = { ...vssThreeOfFive(), custodians: vssThreeOfFive().custodians.map((c) => (c.medium === 'pkcs11' ? { ...c, medium: 'paper', protection: { type: 'none' } } : c)) };
    assert.equal(stepOf({ kind: 'airgap' }, ceremonyStepList(plain), 'devices'), 'plan');
  });

  it('says who acts and who watches, by name, for the custodian whose turn it is', () => {
    const plan: CeremonyPlan = { ...vssThreeOfFive(), administrator: { name: 'Ada', organisation: 'Acme' } };
    assert.deepEqual(stepPeopleLines(plan, 'airgap', null), { acts: 'Ceremony administrator (Ada)', watches: 'Internal witnesses (Wendy, Victor)' });
    assert.deepEqual(stepPeopleLines(plan, 'handoff', 'alice'), { acts: 'Custodian (Alice)', watches: 'Ceremony administrator (Ada); Internal witness (Wendy)' });
    assert.equal(stepPeopleLines(plan, 'handoff', null)?.acts, 'Custodian');
    assert.equal(stepPeopleLines(vssThreeOfFive(), 'entropy', null)?.acts, 'Ceremony administrator');
    // Narrow list: three or more people of a role are counted, not named.
    assert.equal(stepPeopleLines(plan, 'seal', null)?.watches, 'Internal witnesses (Wendy, Victor); Custodians (all 5)');
  });
});

describe('a ceremony that ended early', () => {
  const plan = slip39TwoOfThree();
  const list = ceremonyStepList(plan);

  it('stopped at the step after the last finished one, or at the one left unfinished', () => {
    // turnsDone as main gives it: whose confirmation (handoff) and receipt the transcript holds.
    const turns = (confirmed: string[], received: string[] = []) => [
      { stepId: 'handoff', custodianIds: confirmed },
      { stepId: 'receipt', custodianIds: received },
    ];
    assert.equal(stoppedAt(status({ lastStep: 'airgap-check', airgap: 'overridden' }), plan, list), 'entropy');
    assert.equal(stoppedAt(status({ lastStep: 'airgap-check', airgap: 'failed', lastStepFailed: true }), plan, list), 'airgap');
    assert.equal(stoppedAt(status({ lastStep: 'split', turnsDone: turns([]) }), plan, list), 'handoff');
    assert.equal(stoppedAt(status({ lastStep: 'handoff', handedOff: ['alice'], turnsDone: turns([]) }), plan, list), 'handoff');
    assert.equal(stoppedAt(status({ lastStep: 'confirm', handedOff: ['alice'], confirmed: ['alice'], turnsDone: turns(['alice']) }), plan, list), 'handoff');
    const all = ['alice', 'bob', 'carol'];
    assert.equal(stoppedAt(status({ lastStep: 'confirm', handedOff: all, confirmed: all, turnsDone: turns(all, all) }), plan, list), 'test-recovery');
    // A failed test recovery is where an abort after it stopped (before, the list put it at the destroy step).
    assert.equal(stoppedAt(status({ lastStep: 'test-recovery', lastStepFailed: true, turnsDone: turns(all, all) }), plan, list), 'test-recovery');
    assert.equal(stoppedAt(status({ lastStep: 'test-recovery', turnsDone: turns(all, all) }), plan, list), 'destroy');
    assert.equal(stoppedAt(status({ phase: 'secret-lost', lastStep: 'generate' }), plan, list), 'split');
  });

  it('shows where it stopped, done before it, never reached after it: no step is "current"', () => {
    const ids = list.map((s) => s.id);
    const done = ids.slice(0, ids.indexOf('entropy'));
    assert.deepEqual(
      list.map((s) => stepState(list, s.id, 'entropy', done, true)),
      ['done', 'done', 'done', 'done', 'stopped', 'not-reached', 'not-reached', 'not-reached', 'not-reached', 'not-reached', 'not-reached', 'not-reached'],
    );
    // Before the ceremony (the plan screen): nothing current, everything to do.
    assert.deepEqual(new Set(list.map((s) => stepState(list, s.id, null))), new Set(['todo']));
  });
});

describe("a custodian's receipt in every plan", () => {
  const active = (patch: Partial<Status>): Status => status({ phase: 'active', label: null, scheme: null, ...patch });
  const confirmedAlice = (received: boolean): Status =>
    active({
      lastStep: 'confirm',
      handedOff: ['alice'],
      confirmed: ['alice'],
      receipts: [{ custodianId: 'alice', bagSerial: null, received }],
      next: [{ step: 'handoff', custodianId: 'bob', hint: '' }],
    });

  it('without witnesses the screen stays at the confirmed custodian until the administrator records the receipt', () => {
    const plan = { ...slip39TwoOfThree(), witnesses: [] } as CeremonyPlan;
    const alice = plan.custodians[0]!.id;
    const waiting = { ...confirmedAlice(false), confirmed: [alice], handedOff: [alice], receipts: [{ custodianId: alice, bagSerial: null, received: false }] };
    assert.equal(receiptWaiting(waiting, plan), alice);
    assert.deepEqual(stageOf(waiting, plan, null), { kind: 'confirmed', custodianId: alice });
    const list = ceremonyStepList(plan);
    assert.equal(stepOf({ kind: 'confirmed', custodianId: alice }, list, 'plan'), 'receipt', 'the step list marks the receipt step');
    const received = { ...waiting, receipts: [{ custodianId: alice, bagSerial: null, received: true }] };
    assert.equal(receiptWaiting(received, plan), null);
    assert.deepEqual(stageOf(received, plan, null), { kind: 'handoff' });
  });

  it('with witnesses too the screen waits for the receipt once the sign-off is acknowledged; an absence at the receipt lets it go on', () => {
    const plan = slip39TwoOfThree();
    assert.ok(plan.witnesses.length > 0);
    const alice = plan.custodians[0]!.id;
    const s = { ...confirmedAlice(false), confirmed: [alice], handedOff: [alice], receipts: [{ custodianId: alice, bagSerial: null, received: false }] };
    assert.equal(receiptWaiting(s, plan), alice);
    assert.deepEqual(stageOf(s, plan, null), { kind: 'confirmed', custodianId: alice });
    const absent = { ...s, receipts: [{ custodianId: alice, bagSerial: null, received: false, absentSeq: 31 }] };
    assert.equal(receiptWaiting(absent, plan), null);
    assert.deepEqual(stageOf(absent, plan, null), { kind: 'handoff' });
  });
});

describe('a step done in turns is done only when every custodian did their part (issue 13)', () => {
  const plan = slip39TwoOfThree();
  const ids = plan.custodians.map((c) => c.id);
  const list = ceremonyStepList(plan);
  const order = list.map((s) => s.id);
  const active = (patch: Partial<Status>): Status => status({ phase: 'active', label: null, scheme: null, ...patch });
  const receipts = (received: readonly string[]) => ids.map((id) => ({ custodianId: id, bagSerial: null, received: received.includes(id) }));
  /** What main's status says of the steps done in turns (from the catalogue's turnDoneBy): whose part is recorded. */
  const turns = (confirmed: readonly string[], received: readonly string[]) => [
    { stepId: 'handoff', custodianIds: [...confirmed] },
    { stepId: 'receipt', custodianIds: [...received] },
  ];

  it('the receipt step is not done at the test recovery while a custodian has no receipt', () => {
    const s = active({ lastStep: 'confirm', handedOff: ids, confirmed: ids, receipts: receipts([ids[0]!]), turnsDone: turns(ids, [ids[0]!]) });
    const done = stepsDone({ kind: 'test-recovery' }, 'test-recovery', order, s, plan);
    assert.ok(done.includes('handoff'), 'every custodian confirmed: the handoff is done');
    assert.ok(!done.includes('receipt'), 'no receipt recorded for some custodians: not done');
    assert.equal(stepState(list, 'receipt', 'test-recovery', done), 'todo');
    const all = stepsDone({ kind: 'test-recovery' }, 'test-recovery', order, { ...s, receipts: receipts(ids), turnsDone: turns(ids, ids) }, plan);
    assert.ok(all.includes('receipt'), 'every receipt recorded: done');
  });

  it('the handoff step is not done at the first custodian\'s receipt while others still wait', () => {
    const alice = ids[0]!;
    const s = active({ lastStep: 'confirm', handedOff: [alice], confirmed: [alice], receipts: receipts([]), turnsDone: turns([alice], []) });
    const stage = { kind: 'confirmed', custodianId: alice } as const;
    const current = stepOf(stage, list, 'plan');
    assert.equal(current, 'receipt');
    const done = stepsDone(stage, current, order, s, plan);
    assert.ok(!done.includes('handoff'), 'two custodians still waiting: the handoff is not done');
    assert.ok(done.includes('split'), 'the steps before it are');
    assert.equal(stepState(list, 'handoff', current, done), 'todo');
  });

  it('a sealed ceremony marks a step done in turns only as far as its record goes', () => {
    const s = status({ phase: 'sealed', lastStep: 'seal', handedOff: ids, confirmed: ids, receipts: receipts(ids.slice(0, 1)), turnsDone: turns(ids, ids.slice(0, 1)) });
    const done = stepsDone({ kind: 'sealed' }, 'seal', order, s, plan);
    assert.ok(done.includes('seal') && done.includes('handoff'));
    assert.ok(!done.includes('receipt'));
  });

  it("reads which steps are done in turns from main's turnsDone (the catalogue's), not from step ids", () => {
    // A step the status lists in turnsDone waits for every custodian, whatever its id; one it does not list is done
    // when passed (the list has no rule of its own for 'handoff' or 'receipt').
    const s = active({ lastStep: 'confirm', handedOff: ids, confirmed: ids, receipts: receipts(ids), turnsDone: [{ stepId: 'split', custodianIds: [ids[0]!] }] });
    const done = stepsDone({ kind: 'test-recovery' }, 'test-recovery', order, s, plan);
    assert.ok(!done.includes('split'), 'split is listed as done in turns, by one custodian only');
    assert.ok(done.includes('handoff') && done.includes('receipt'), 'steps the status does not list are done once passed');
  });
});
