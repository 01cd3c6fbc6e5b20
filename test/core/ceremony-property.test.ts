import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { apply, createCeremony, nextActions, replay, type CeremonyEvent, type CeremonyState } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import type { CeremonyPlan } from '../../core/policy';
import { FINGERPRINT, assertCompleteCeremony, element, eventFor, happyPath } from './ceremony-driver';
import { arbSmallPlan, slip39TwoOfThree, steppingClock, vssThreeOfFive } from './plan-fixtures';

/** Events that are wrong somewhere (or everywhere): wrong order, wrong custodian, wrong witness, failing checks. */
function chaosPool(plan: CeremonyPlan): CeremonyEvent[] {
  const ids = [...plan.custodians.map((c) => c.id), 'nobody'];
  const wits = [...plan.witnesses.map((w) => w.id), 'nobody'];
  const curve = plan.scheme.type === 'vss' ? plan.scheme.ciphersuite : 'ed25519';
  const pool: CeremonyEvent[] = [
    { step: 'plan' },
    { step: 'airgap-check', passed: true },
    { step: 'airgap-check', passed: false, interfacesUp: ['eth0'] },
    { step: 'entropy', sources: ['dice'] },
    { step: 'generate', fingerprint: FINGERPRINT },
    { step: 'generate', fingerprint: 'beef beef' },
    { step: 'import', fingerprint: FINGERPRINT },
    { step: 'split', fingerprint: FINGERPRINT },
    { step: 'split', fingerprint: FINGERPRINT, commitments: [element(curve, 1)] },
    { step: 'test-recovery', custodianIds: plan.custodians.map((c) => c.id), fingerprintMatch: false },
    { step: 'test-recovery', custodianIds: plan.custodians.map((c) => c.id), fingerprintMatch: true },
    { step: 'test-recovery', custodianIds: plan.custodians.slice(0, 1).map((c) => c.id), fingerprintMatch: true },
    { step: 'destroy', items: ['master-secret'] },
    { step: 'seal' },
  ];
  for (const id of ids) {
    pool.push({ step: 'handoff', custodianId: id });
    pool.push({ step: 'confirm', custodianId: id, method: 'scan-qr' });
    pool.push({ step: 'confirm', custodianId: id, method: 'read-back-usb' });
  }
  for (const w of wits) {
    for (const checkpoint of ['plan', 'airgap-check', 'generate', 'split', 'confirm', 'test-recovery', 'destroy', 'seal'] as const) {
      pool.push({ step: 'sign-off', witnessId: w, checkpoint });
    }
    pool.push({ step: 'airgap-check', passed: false, override: { witnessId: w, reason: 'witnessed' } });
  }
  return pool;
}

const snapshot = (s: CeremonyState): string => JSON.stringify({ ...s, clock: null });

interface Walk {
  readonly state: CeremonyState;
  readonly refusals: number;
}

/** Applies a random mix of offered and chaotic events; every refusal must be CEREMONY_TRANSITION and change nothing. */
function walk(plan: CeremonyPlan, choices: readonly [number, number][]): Walk {
  const clock = steppingClock();
  let s = createCeremony(plan, clock);
  const pool = chaosPool(plan);
  let refusals = 0;
  for (const [kind, pick] of choices) {
    let event: CeremonyEvent;
    if (kind < 75) {
      const offered = nextActions(s).filter((a) => a.step !== 'abort');
      if (offered.length === 0) break;
      event = eventFor(plan, offered[pick % offered.length]!);
    } else if (kind < 77) {
      event = { step: 'abort', reason: 'random abort' };
    } else {
      event = pool[pick % pool.length]!;
    }
    const before = snapshot(s);
    try {
      s = apply(s, event);
    } catch (e) {
      assert.ok(e instanceof KeyshardError && e.code === 'CEREMONY_TRANSITION', `unexpected error ${String(e)}`);
      assert.equal(snapshot(s), before);
      refusals++;
    }
  }
  return { state: s, refusals };
}

// Long enough to reach the seal often (about 25 to 45 offered events are needed), short enough to abort sometimes.
const choices = fc.array(fc.tuple(fc.nat(99), fc.nat()), { minLength: 5, maxLength: 150, size: 'max' });

describe('ceremony properties', () => {
  it('random event sequences never seal without every step, and replay gives the same state', () => {
    let sealed = 0;
    let aborted = 0;
    fc.assert(
      fc.property(fc.constantFrom(slip39TwoOfThree(), vssThreeOfFive()), choices, (plan, cs) => {
        const { state } = walk(plan, cs);
        if (state.status === 'sealed') {
          sealed++;
          assertCompleteCeremony(plan, state.records);
        }
        if (state.status === 'aborted') aborted++;
        // Only the final record may be an abort, and nothing follows a seal.
        state.records.slice(0, -1).forEach((r) => assert.notEqual(r.step, 'abort'));
        assert.deepEqual(replay(plan, JSON.parse(JSON.stringify(state.records)), state.clock), state);
      }),
      { numRuns: 300 },
    );
    assert.ok(sealed > 10, `some walks must reach the seal (got ${sealed})`);
    assert.ok(aborted > 10, `some walks must abort (got ${aborted})`);
  });

  it('holds on random plans too', () => {
    let sealed = 0;
    fc.assert(
      fc.property(arbSmallPlan({ maxGroups: 3, maxMembers: 3, maxCustodians: 5 }), choices, (plan, cs) => {
        const { state } = walk(plan, cs);
        if (state.status === 'sealed') {
          sealed++;
          assertCompleteCeremony(plan, state.records);
        }
        assert.deepEqual(replay(plan, state.records, state.clock), state);
      }),
      { numRuns: 150 },
    );
    assert.ok(sealed > 0, 'some walks must reach the seal');
  });

  it('refuses every event of the happy path that is not offered now', () => {
    for (const plan of [slip39TwoOfThree(), vssThreeOfFive()]) {
      const { states, events } = happyPath(createCeremony(plan, steppingClock()));
      const pool = [...events, ...chaosPool(plan)];
      let refused = 0;
      states.forEach((s) => {
        const offered = nextActions(s);
        for (const e of pool) {
          const matches = offered.some(
            (a) =>
              a.step === e.step &&
              (a.custodianId === undefined || !('custodianId' in e) || e.custodianId === undefined || a.custodianId === e.custodianId) &&
              (a.checkpoint === undefined || ('checkpoint' in e && e.checkpoint === a.checkpoint)),
          );
          if (matches) continue;
          assert.throws(() => apply(s, e), (err: unknown) => err instanceof KeyshardError && err.code === 'CEREMONY_TRANSITION', `${s.lastStep} then ${JSON.stringify(e)}`);
          refused++;
        }
      });
      assert.ok(refused > states.length * 10);
    }
  });
});
