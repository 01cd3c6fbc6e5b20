/**
 * The plan screen's coalition panel words (renderer/plan/coalitionView.ts, issue 14.6): the smallest coalitions by
 * name with organisation and site, and a witness's warnings grouped into one, with the fix named.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeCoalitions, type CeremonyPlan } from '../../core/policy';
import { andList, custodianLabel, groupWitnessWarnings, smallestCoalitions } from '../../renderer/plan/coalitionView';
import { custodian, slip39TwoOfThree, T0, vssThreeOfFive } from '../core/plan-fixtures';

/** 2 of 3 FROST signers, every shard printed, one witness who watches all: three coalitions Wes could assemble. */
function printedTwoOfThree(): CeremonyPlan {
  return {
    version: 1,
    label: 'Treasury signer',
    createdAt: T0,
    secret: { type: 'new-key', curve: 'secp256k1' },
    scheme: { type: 'vss', ciphersuite: 'secp256k1', threshold: 2, shares: 3 },
    custodians: [
      custodian('ana', 'Ana', 'North', 'Oslo', 'paper', [{ signer: 1 }]),
      custodian('ben', 'Ben', 'South', 'Rome', 'paper', [{ signer: 2 }]),
      custodian('cy', 'Cy', 'East', 'Riga', 'paper', [{ signer: 3 }]),
    ],
    witnesses: [{ id: 'wes', name: 'Wes', organisation: 'Audit', observes: 'all' }],
  };
}

describe('coalition panel words', () => {
  it('lists the smallest coalitions by name, organisation and site', () => {
    const plan = slip39TwoOfThree();
    const s = smallestCoalitions(plan, analyzeCoalitions(plan));
    assert.deepEqual(s.listed, [
      ['Alice (Acme, Zurich)', 'Bob (Globex, Geneva)'],
      ['Alice (Acme, Zurich)', 'Carol (Initech, Basel)'],
      ['Bob (Globex, Geneva)', 'Carol (Initech, Basel)'],
    ]);
    assert.equal(s.more, 0);
    assert.equal(s.cut, false);
  });

  it('says how many more there are past the limit', () => {
    const plan = vssThreeOfFive();
    const s = smallestCoalitions(plan, analyzeCoalitions(plan), 4);
    assert.equal(s.listed.length, 4);
    assert.equal(s.more, 6); // 3 of 5: ten coalitions of three
    assert.equal(s.listed[0]?.length, 3);
  });

  it('groups one witness warning per witness, with every custodian it sees, its coalitions and the fix', () => {
    const plan = printedTwoOfThree();
    const analysis = analyzeCoalitions(plan);
    assert.equal(analysis.warnings.filter((w) => w.kind === 'witness-can-assemble').length, 3);
    const groups = groupWitnessWarnings(plan, analysis.warnings);
    assert.equal(groups.length, 1);
    const [g] = groups;
    assert.equal(g?.witnessName, 'Wes');
    assert.deepEqual(g?.custodianNames, ['Ana', 'Ben', 'Cy']);
    assert.deepEqual(g?.coalitions, [['Ana', 'Ben'], ['Ana', 'Cy'], ['Ben', 'Cy']]);
    assert.match(g?.fix ?? '', /let Wes observe fewer of these handoffs/);
    assert.match(g?.fix ?? '', /encrypted file on a USB drive, or an HSM token/);
  });

  it('has no group when no witness can assemble a quorum', () => {
    const plan = slip39TwoOfThree();
    assert.deepEqual(groupWitnessWarnings(plan, analyzeCoalitions(plan).warnings), []);
  });

  it('names a custodian without organisation or site by name alone, and joins names in words', () => {
    const plan = slip39TwoOfThree();
    const bare: CeremonyPlan = { ...plan, custodians: plan.custodians.map((c) => ({ ...c, organisation: '', location: ' ' })) };
    assert.equal(custodianLabel(bare, 'alice'), 'Alice');
    assert.equal(custodianLabel(plan, 'nobody'), 'nobody');
    assert.equal(andList(['A']), 'A');
    assert.equal(andList(['A', 'B', 'C']), 'A, B and C');
  });
});
