/**
 * Fuzzing the ceremony plan parser (core/policy parsePlan), which reads a plan file from a stick or the plan screen:
 * random text and JSON, valid plans damaged character by character, and their JSON edited (values replaced, members
 * dropped or added, including `__proto__`, `constructor`, `toString`). Only POLICY_INVALID comes out, or a plan that
 * passes every rule again and turns back into JSON (planToJson, planDigest) without error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePlan, planDigest, planToJson, validatePlan } from '../../core/policy/index';
import { arbSmallPlan, slip39TwoOfThree, vssThreeOfFive } from '../core/plan-fixtures';
import { CallClock, fuzzRuns, mutatedJson, mutatedText, params } from './fuzz-kit';

const RUNS = fuzzRuns(1000);
// One with the optional roles too, so their reader is fuzzed (a role object damaged, dropped, doubled).
const VALID = [
  slip39TwoOfThree(),
  vssThreeOfFive(),
  { ...slip39TwoOfThree(), administrator: { name: 'Ada Park', organisation: 'Acme' }, externalWitnesses: [{ name: 'Erik Lund', organisation: 'Audit Ltd' }] },
];
const validText = fc.oneof(fc.constantFrom(...VALID.map(planToJson)), arbSmallPlan().map(planToJson));

function check(clock: CallClock, input: unknown): void {
  const r = clock.run(() => parsePlan(input));
  if (!r.ok) {
    assert.equal(r.error.code, 'POLICY_INVALID', `parsePlan failed with ${r.error.code}`);
    return;
  }
  const again = clock.run(() => {
    validatePlan(r.value);
    return planDigest(r.value);
  });
  assert.ok(again.ok, 'a plan parsePlan accepted fails validation or serialization');
}

describe('fuzz: ceremony plans', () => {
  it('text: random, JSON of any shape, and damaged plan files give POLICY_INVALID or a valid plan', () => {
    const clock = new CallClock('parsePlan (text)');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? ''), mutatedText(validText)), (text) => check(clock, text)),
      params(RUNS),
    );
    clock.report();
  });

  it('values: edited plan objects (hostile member names too) and any JSON value give POLICY_INVALID or a valid plan', () => {
    const clock = new CallClock('parsePlan (value)');
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...VALID).chain((p) => mutatedJson(JSON.parse(planToJson(p)))), fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 })), (value) => check(clock, value)),
      params(RUNS),
    );
    clock.report();
  });
});
