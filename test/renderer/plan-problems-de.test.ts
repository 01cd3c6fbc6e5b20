/**
 * Plan problems in both languages (issue 14.8): core gives each problem a stable code and its data; the screen says it
 * from the catalogue. Every code has German words naming the same parameters; the English catalogue says exactly what
 * core (and so the CLI) says; German fills every parameter and says no English sentence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKeyshardError } from '../../core/errors';
import fc from 'fast-check';
import { PLAN_PROBLEM_CODES, PROBLEM_WHAT, analyzeCoalitions, parsePlan, validatePlan, type CeremonyPlan, type PolicyProblem } from '../../core/policy';
import { coalitionSummary } from '../../renderer/plan/coalitionSummary';
import { de } from '../../renderer/i18n/de';
import { en } from '../../renderer/i18n/en';
import { problemText } from '../../renderer/plan/problemWords';
import { toErrorInfo } from '../../renderer/components/errors';
import { setLanguage } from '../../renderer/i18n/language';
import { arbSmallPlan, slip39TwoOfThree, vssThreeOfFive } from '../core/plan-fixtures';

const params = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const rawField = (field: string): string => field;

function problemsOf(run: () => unknown): PolicyProblem[] {
  try {
    run();
  } catch (e) {
    if (isKeyshardError(e) && e.code === 'POLICY_INVALID') return (e.details as { problems?: PolicyProblem[] }).problems ?? [];
    throw e;
  }
  return [];
}

/** Broken plans that between them raise many of the codes. */
function brokenPlans(): CeremonyPlan[] {
  const base = slip39TwoOfThree();
  const vss = vssThreeOfFive();
  const c0 = base.custodians[0]!;
  return [
    { ...base, version: 2 as 1, label: '', createdAt: 'yesterday' },
    { ...base, label: 'x'.repeat(500) },
    { ...base, label: 'a\tb' },
    { ...base, secret: { type: 'new-seed', bits: 100 } as never },
    { ...base, secret: { type: 'import', kind: 'seed', lengthBytes: 7 } as never },
    { ...base, secret: { type: 'nothing' } as never },
    { ...vss, secret: { type: 'new-seed', bits: 128 } as never },
    { ...base, scheme: { type: 'slip39', groupThreshold: 3, groups: [{ memberThreshold: 5, memberCount: 3 }] } },
    { ...base, scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 1, memberCount: 3 }] } },
    { ...vss, scheme: { ...(vss.scheme as object), shares: 1, threshold: 9 } as never },
    { ...base, custodians: [] },
    {
      ...base,
      custodians: [
        { ...c0, id: 'bad id!', medium: 'paper', protection: { type: 'age', recipient: 'nope' } as never, shares: [{ group: 0, member: 9 }] },
        { ...base.custodians[1]!, id: base.custodians[1]!.id, shares: [] },
        { ...base.custodians[2]!, id: base.custodians[1]!.id, medium: 'usb', protection: { type: 'none' } },
      ],
    },
    { ...base, witnesses: [{ ...base.witnesses[0]!, name: c0.name, observes: ['nobody', 'nobody'] }] },
    { ...base, witnesses: [] },
    { ...base, noWitnessReason: 'none needed' },
    { ...base, administrator: { name: c0.name, organisation: '' } as never, externalWitnesses: [null as never] },
  ];
}

describe('plan problems in German and English', () => {
  it('has German words for every problem code and text field, naming the same parameters as English', () => {
    const keys = [...PLAN_PROBLEM_CODES.map((c) => `plan.problem.${c}`), ...Object.keys(PROBLEM_WHAT).map((w) => `plan.problem.what.${w}`)];
    assert.ok(keys.length > 60);
    for (const key of keys) {
      const english = (en as Record<string, unknown>)[key];
      const german = (de as Record<string, unknown>)[key];
      assert.equal(typeof english, 'string', `${key} has English words`);
      assert.equal(typeof german, 'string', `${key} has German words`);
      assert.notEqual(german, english, `${key} is translated`);
      assert.deepEqual(params(german as string), params(english as string), `${key} names the same parameters`);
    }
  });

  it('gives every problem a code; English from the catalogue is core’s message; German fills every parameter', () => {
    const seen = new Set<string>();
    const problems = [
      ...brokenPlans().flatMap((p) => problemsOf(() => validatePlan(p))),
      ...problemsOf(() => parsePlan({ version: 1, label: 3, extra: true, scheme: { type: 'x' }, custodians: 'no', witnesses: [{ observes: 7 }] })),
      ...problemsOf(() => parsePlan([1])),
    ];
    assert.ok(problems.length > 30, `${problems.length} problems`);
    for (const p of problems) {
      assert.ok(PLAN_PROBLEM_CODES.includes(p.code), `${p.field}: ${p.message} has a code`);
      seen.add(p.code);
      assert.equal(problemText(p, 'en', rawField), p.message, `${p.code} in English is core's message`);
      const german = problemText(p, 'de', rawField);
      assert.notEqual(german, p.message, `${p.code} is said in German`);
      assert.doesNotMatch(german, /\{(what|name|id|max|got|otherField|shares|more|choices|groups|members|min|bytes|kind|length)\}/, `${p.code}: every parameter filled`);
      for (const w of Object.values(PROBLEM_WHAT)) assert.ok(!german.includes(w), `${p.code}: the field is named in German, not '${w}'`);
    }
    assert.ok(seen.size >= 35, `${seen.size} codes raised: ${[...seen].join(', ')}`);
  });

  it('names a field path parameter with the form’s words', () => {
    const p = problemsOf(() => validatePlan({ ...slip39TwoOfThree(), witnesses: [{ ...slip39TwoOfThree().witnesses[0]!, name: slip39TwoOfThree().custodians[0]!.name }] }))
      .find((x) => x.code === 'witness.isCustodian');
    assert.ok(p);
    assert.match(problemText(p, 'de', (f) => `<${f}>`), /ist auch Verwahrer \(<custodians\[0\]>\)/);
  });

  it('says the coalition summary from core’s facts: core’s sentence in English, German words in German', () => {
    const check = (plan: CeremonyPlan, options = {}): void => {
      const a = analyzeCoalitions(plan, options);
      assert.equal(coalitionSummary(a.summaryFacts, 'en'), a.summary);
      const german = coalitionSummary(a.summaryFacts, 'de');
      assert.notEqual(german, a.summary);
      assert.doesNotMatch(german, /\{\w+\}|minimal coalition|warning/);
    };
    check(slip39TwoOfThree());
    check(vssThreeOfFive());
    check(vssThreeOfFive(), { limit: 2 });
    check(vssThreeOfFive(), { maxWork: 1 });
    fc.assert(fc.property(arbSmallPlan(), (plan) => check(plan)), { numRuns: 60 });
  });

  it('says a loaded plan file’s problems in German on the error panel, the paths kept for support', () => {
    const base = slip39TwoOfThree();
    const one = (() => {
      try {
        parsePlan({ ...base, custodians: [{ ...base.custodians[0]!, name: '' }, ...base.custodians.slice(1)] });
      } catch (e) {
        return e;
      }
      throw new Error('the plan was accepted');
    })();
    setLanguage('de');
    try {
      const info = toErrorInfo(one);
      assert.equal(info.message, 'Verwahrer 1, Name: der Name des Verwahrers ist leer; bitte ausfüllen.');
      assert.deepEqual(info.problems?.map((p) => p.field), ['custodians[0].name']);
    } finally {
      setLanguage('en');
    }
    assert.equal(toErrorInfo(one).message, 'name (custodian 1): the custodian name is empty; write it in.');
  });
});
