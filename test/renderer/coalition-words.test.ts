/**
 * Coalition warnings in German (renderer/plan/coalitionWords): built from the warning's fields with the plan's names;
 * English keeps core's own sentence; a warning standing for a cut-off list says so.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeCoalitions, type CeremonyPlan, type CoalitionWarning } from '../../core/policy';
import { coalitionWarningText } from '../../renderer/plan/coalitionWords';
import { slip39TwoOfThree } from '../core/plan-fixtures';

/** Alice and Bob in one firm and city, both on paper, Wendy watching every handoff. */
function sharedPlan(): CeremonyPlan {
  const p = slip39TwoOfThree();
  return {
    ...p,
    custodians: p.custodians.map((c) => (c.id === 'bob' ? { ...c, organisation: 'Acme', location: 'Zurich', medium: 'paper', protection: { type: 'none' } } : c)),
  };
}

describe('coalition warnings in German', () => {
  it('names the same people and organisation as core, in German words; English is core sentence as it is', () => {
    const plan = sharedPlan();
    const warnings = analyzeCoalitions(plan).warnings;
    const org = warnings.find((w) => w.kind === 'same-organisation');
    const witness = warnings.find((w) => w.kind === 'witness-can-assemble');
    assert.ok(org !== undefined && witness !== undefined, 'the plan raises both warnings');
    assert.equal(coalitionWarningText(plan, org, 'en'), org.message);
    assert.equal(coalitionWarningText(plan, org, 'de'), 'Die Verwahrer Alice und Bob, alle bei Acme (Zurich), erreichen das Quorum gemeinsam.');
    assert.equal(coalitionWarningText(plan, witness, 'de'), 'Zeuge Wendy sieht den Übergaben von Alice und Bob zu und könnte das Quorum zusammenstellen.');
  });

  it('a warning for a list cut short says so; a single custodian is named alone', () => {
    const plan = slip39TwoOfThree();
    const cut: CoalitionWarning = { kind: 'same-location', severity: 'warning', custodianIds: ['alice', 'carol'], location: 'Basel', minimal: false, message: 'x' };
    assert.match(coalitionWarningText(plan, cut, 'de'), /^Die Verwahrer Alice und Carol, alle in Basel, erreichen das Quorum gemeinsam\. \(Die Analyse wurde gekürzt/);
    const one: CoalitionWarning = { kind: 'single-custodian', severity: 'critical', custodianIds: ['alice'], minimal: true, message: 'x' };
    assert.match(coalitionWarningText(plan, one, 'de'), /^Verwahrer Alice erreicht das Quorum allein/);
  });
});
