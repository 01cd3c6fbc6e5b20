// More than one ceremony kind: the registry, the kind a transcript names, and its steps checked against the catalogue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KEY_CEREMONY } from '../../core/ceremony-kinds/key-ceremony';
import { machineSteps } from '../../core/ceremony-kinds/derive';
import { ceremonyScript } from '../../core/ceremony-kinds/script';
import { REFRESH_CEREMONY } from '../../core/ceremony-kinds/refresh';
import { ceremonyKindById, ceremonyKinds, kindOfPlanData, requireCeremonyKind } from '../../core/ceremony-kinds/registry';
import { REPAIR_CEREMONY } from '../../core/ceremony-kinds/repair';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { KeyshardError } from '../../core/errors';
import { checkpointName, isCeremonyStep, stepName } from '../../core/step-names';

const entries = (plan: unknown, ...kinds: string[]) => [{ seq: 1, kind: 'plan', data: plan }, ...kinds.map((kind, i) => ({ seq: i + 2, kind, data: {} }))];

describe('ceremony kinds registry', () => {
  it('knows each kind by its id; ids and step ids are unique', () => {
    const ids = ceremonyKinds().map((k) => k.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ceremonyKinds()[0], KEY_CEREMONY);
    assert.equal(ceremonyKindById('refresh'), REFRESH_CEREMONY);
    assert.equal(ceremonyKindById('repair'), REPAIR_CEREMONY);
    assert.equal(ceremonyKindById('toString'), null);
    assert.throws(() => requireCeremonyKind('nope'), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT' && /refresh/.test(e.message));
    for (const k of ceremonyKinds()) assert.equal(new Set(k.steps.map((s) => s.id)).size, k.steps.length, k.id);
  });

  it('within a kind, each record kind belongs to one step (the transcript check places an entry by its kind)', () => {
    for (const k of ceremonyKinds()) {
      const records = k.steps.flatMap((s) => s.records.map((r) => r.kind));
      assert.equal(new Set(records).size, records.length, k.id);
      for (const e of k.entries) assert.equal(records.includes(e.kind), false, `${k.id}: ${e.kind}`);
    }
  });

  it('every kind starts with the plan and ends with the seal (transcript-status reads both)', () => {
    for (const k of ceremonyKinds()) {
      const steps = machineSteps(k);
      assert.equal(steps[0], 'plan', k.id);
      assert.equal(steps[steps.length - 1], 'seal', k.id);
    }
  });

  it('a plan entry names its kind; one without it is a key ceremony (older transcripts)', () => {
    assert.equal('kind' in kindOfPlanData({ label: 'x' }) && (kindOfPlanData({ label: 'x' }) as { kind: unknown }).kind, KEY_CEREMONY);
    assert.deepEqual(kindOfPlanData({ ceremonyKind: 'refresh' }), { kind: REFRESH_CEREMONY });
    assert.deepEqual(kindOfPlanData({ ceremonyKind: 'key-ceremony' }), { kind: KEY_CEREMONY });
    assert.match((kindOfPlanData({ ceremonyKind: 'teleport' }) as { problem: string }).problem, /"teleport".*does not know/);
    assert.match((kindOfPlanData({ ceremonyKind: 7 }) as { problem: string }).problem, /must be the name/);
    // A name that could redraw a terminal is not echoed.
    assert.doesNotMatch((kindOfPlanData({ ceremonyKind: 'x\u001b[2J' }) as { problem: string }).problem, /\u001b/);
  });
});

describe('checkKindSteps', () => {
  it('accepts the steps of each kind in catalogue order, with repeats, sign-offs and optional steps left out', () => {
    assert.equal(checkKindSteps(entries({}, 'airgap-check', 'airgap-check', 'entropy', 'generate', 'split', 'handoff', 'confirm', 'handoff', 'confirm', 'test-recovery', 'destroy', 'seal', 'sign-off', 'signoff')).ok, true);
    const refresh = checkKindSteps(entries({ ceremonyKind: 'refresh' }, 'airgap-check', 'sign-off', 'signoff', 'quorum-share', 'quorum-share', 'refresh', 'handoff', 'confirm', 'handoff', 'confirm', 'destroy', 'seal'));
    assert.equal(refresh.ok && refresh.kind, REFRESH_CEREMONY);
    assert.equal(checkKindSteps(entries({ ceremonyKind: 'repair' }, 'airgap-check', 'quorum-share', 'quorum-share', 'repair', 'handoff', 'confirm', 'destroy', 'seal')).ok, true);
  });

  it('names the first entry that is not a step of the kind the plan names', () => {
    const r = checkKindSteps(entries({ ceremonyKind: 'refresh' }, 'airgap-check', 'quorum-share', 'split'));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.firstBadSeq, 4);
    assert.match(!r.ok ? r.reason : '', /Entry 4 \("split"\) is not a step of a share refresh/);
    // A repair's record in a refresh transcript, and a key ceremony's kinds in a repair, are refused alike.
    assert.equal(checkKindSteps(entries({ ceremonyKind: 'refresh' }, 'repair')).ok, false);
    assert.equal(checkKindSteps(entries({ ceremonyKind: 'repair' }, 'refresh')).ok, false);
    assert.equal(checkKindSteps(entries({}, 'refresh')).ok, false);
    const second = checkKindSteps(entries({}, 'plan'));
    assert.match(!second.ok ? second.reason : '', /a second plan/);
  });

  it('names a step that first appears after a later one', () => {
    const r = checkKindSteps(entries({ ceremonyKind: 'refresh' }, 'refresh', 'quorum-share'));
    assert.equal(!r.ok && r.firstBadSeq, 3);
    assert.match(!r.ok ? r.reason : '', /"quorum-share"\) first appears after "refresh".*out of order/);
    assert.equal(checkKindSteps(entries({}, 'split', 'airgap-check')).ok, false);
  });

  it('an unknown kind in the plan fails at entry 1', () => {
    const r = checkKindSteps(entries({ ceremonyKind: 'teleport' }, 'seal'));
    assert.equal(!r.ok && r.firstBadSeq, 1);
  });
});

describe('printed script per kind', () => {
  it("a refresh's script numbers its own steps, one handoff line per custodian, witness sign-offs where its catalogue says", () => {
    const plan = {
      label: 'Yearly refresh',
      custodians: [
        { id: 'c1', name: 'Alice', organisation: 'Ops', medium: 'paper' },
        { id: 'c2', name: 'Bob', organisation: 'Ops', medium: 'paper' },
      ],
      witnesses: [{ id: 'w', name: 'Wendy', organisation: 'Audit', observes: 'all' as const }],
      administrator: { name: 'Ada', organisation: 'Ops' },
    };
    const script = ceremonyScript(REFRESH_CEREMONY, plan);
    assert.equal(script.kindTitle, 'Share refresh');
    assert.deepEqual(
      script.lines.map((l) => l.number),
      ['1', '2', '3', '4', '5', '6.1', '6.2', '7', '8'],
    );
    assert.deepEqual(script.lines.filter((l) => l.witnessSignsOff).map((l) => l.stepId), ['airgap', 'refresh', 'handoff', 'handoff', 'destroy', 'seal']);
    assert.equal(script.lines.find((l) => l.number === '6.2')?.heading, 'Hand over and confirm a new share: Bob');
    // Without witnesses, the witness-keys step is not in the script and nothing is signed off.
    const alone = ceremonyScript(REPAIR_CEREMONY, { ...plan, witnesses: [] });
    assert.equal(alone.lines[0]?.stepId, 'plan');
    assert.equal(alone.lines.some((l) => l.witnessSignsOff), false);
  });
});

describe('step names of every kind', () => {
  it("a refresh's or repair's entries are named from their catalogue; the key ceremony's words stay its own", () => {
    assert.equal(stepName('quorum-share'), "A quorum member's share checked");
    assert.equal(stepName('refresh'), 'New shares made, group key unchanged');
    assert.equal(stepName('repair'), 'Lost share repaired and checked');
    assert.equal(checkpointName('refresh'), 'the new commitments');
    assert.equal(stepName('plan'), 'Plan recorded, ceremony started');
    assert.equal(stepName('split'), 'Secret split into shards');
    for (const k of ['quorum-share', 'refresh', 'repair', 'seal']) assert.equal(isCeremonyStep(k), true, k);
    assert.equal(isCeremonyStep('signoff'), false);
  });
});
