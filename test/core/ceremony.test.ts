import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  DEFAULT_SIGN_OFFS,
  apply,
  createCeremony,
  nextActions,
  replay,
  type CeremonyEvent,
  type CeremonyState,
} from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { planDigest, type CeremonyPlan } from '../../core/policy';
import { FINGERPRINT, assertCompleteCeremony, element, eventFor, happyPath } from './ceremony-driver';
import { steppingClock, slip39TwoOfThree, vssThreeOfFive } from './plan-fixtures';

function isTransition(e: unknown): boolean {
  return e instanceof KeyshardError && e.code === 'CEREMONY_TRANSITION';
}

/** Applies events in order; the final state. */
function run(state: CeremonyState, events: readonly CeremonyEvent[]): CeremonyState {
  return events.reduce((s, e) => apply(s, e), state);
}

/** Asserts the event is refused with CEREMONY_TRANSITION and returns the error (state is immutable, so unchanged). */
function refused(state: CeremonyState, event: CeremonyEvent, message?: RegExp): KeyshardError {
  const before = JSON.stringify({ ...state, clock: undefined });
  let err: unknown;
  try {
    apply(state, event);
  } catch (e) {
    err = e;
  }
  assert.ok(isTransition(err), `expected CEREMONY_TRANSITION for ${JSON.stringify(event)}, got ${String(err)}`);
  if (message) assert.match((err as Error).message, message);
  assert.equal(JSON.stringify({ ...state, clock: undefined }), before, 'a refused event leaves the state as it was');
  return err as KeyshardError;
}

function steps(state: CeremonyState): string[] {
  return state.records.map((r) => (r.step === 'sign-off' ? `sign-off:${String(r.data['checkpoint'])}` : r.step));
}

/** Up to the point where the shards are about to be handed out. */
function upToSplit(plan: CeremonyPlan): CeremonyState {
  let s = createCeremony(plan, steppingClock());
  while (s.lastStep !== 'split' || (s.signOff !== null && s.signOff.signedBy.length < s.signOff.required)) {
    const offered = nextActions(s);
    const blocking = s.signOff !== null && s.signOff.signedBy.length < s.signOff.required;
    s = apply(s, eventFor(plan, (blocking ? offered[0] : offered.find((a) => a.step !== 'sign-off'))!));
  }
  return s;
}

describe('ceremony happy paths', () => {
  it('runs SLIP-39 2-of-3 from plan to seal', () => {
    const plan = slip39TwoOfThree();
    const clock = steppingClock();
    const w = 'wendy';
    const s = run(createCeremony(plan, clock), [
      { step: 'plan' },
      { step: 'airgap-check', passed: true, interfacesUp: [] },
      { step: 'sign-off', witnessId: w, checkpoint: 'airgap-check' },
      { step: 'entropy', sources: ['os-csprng', 'dice'] },
      { step: 'generate', fingerprint: FINGERPRINT },
      { step: 'sign-off', witnessId: w, checkpoint: 'generate' },
      { step: 'split', fingerprint: FINGERPRINT, identifier: 7 },
      { step: 'sign-off', witnessId: w, checkpoint: 'split' },
      { step: 'handoff', custodianId: 'bob' },
      { step: 'confirm', custodianId: 'bob', method: 'read-back-usb' },
      { step: 'sign-off', witnessId: w, checkpoint: 'confirm', custodianId: 'bob' },
      { step: 'handoff', custodianId: 'alice', medium: 'paper' },
      { step: 'confirm', custodianId: 'alice', method: 'type-back' },
      { step: 'sign-off', witnessId: w, checkpoint: 'confirm' },
      { step: 'handoff', custodianId: 'carol' },
      { step: 'confirm', custodianId: 'carol', method: 'read-back-pkcs11' },
      { step: 'sign-off', witnessId: w, checkpoint: 'confirm' },
      { step: 'test-recovery', custodianIds: ['alice', 'carol'], fingerprintMatch: true },
      { step: 'sign-off', witnessId: w, checkpoint: 'test-recovery' },
      { step: 'destroy', items: ['master-secret', 'shard-buffers'] },
      { step: 'sign-off', witnessId: w, checkpoint: 'destroy' },
      { step: 'seal' },
      { step: 'sign-off', witnessId: w, checkpoint: 'seal' },
    ]);
    assert.equal(s.status, 'sealed');
    assert.deepEqual(nextActions(s), []);
    assert.deepEqual(s.confirmed, ['bob', 'alice', 'carol']);
    assertCompleteCeremony(plan, s.records);
    assert.equal(s.records.length, 23);
    assert.equal(s.records[0]?.at, '2025-03-01T09:00:00.000Z');
    assert.equal(s.records[22]?.at, '2025-03-01T09:00:22.000Z');
    assert.deepEqual(s.records[0]?.data, {
      label: 'Treasury cold key 2025',
      planVersion: 1,
      planSha256: planDigest(plan),
      scheme: 'slip39',
      secretType: 'new-seed',
      custodianIds: ['alice', 'bob', 'carol'],
      witnessIds: ['wendy'],
      signOffs: { ...DEFAULT_SIGN_OFFS },
    });
    assert.deepEqual(s.records[4]?.data, { kind: 'seed', lengthBytes: 32, fingerprint: FINGERPRINT });
    assert.deepEqual(s.records[6]?.data, { scheme: 'slip39', fingerprint: FINGERPRINT, shareCount: 3, identifier: 7 });
    assert.deepEqual(s.records[8]?.data, { custodianId: 'bob', medium: 'usb', protection: 'age', shares: [{ group: 0, member: 1 }] });
    assert.deepEqual(s.records[9]?.data, { custodianId: 'bob', medium: 'usb', method: 'read-back-usb' });
    assert.deepEqual(s.records[10]?.data, { witnessId: 'wendy', checkpoint: 'confirm', custodianId: 'bob' });
    assert.deepEqual(s.records[17]?.data, { custodianIds: ['alice', 'carol'], fingerprintMatch: true });
    assert.deepEqual(s.records[21], {
      step: 'seal',
      at: '2025-03-01T09:00:21.000Z',
      data: { fingerprint: FINGERPRINT, confirmedCustodianIds: ['bob', 'alice', 'carol'], recordCount: 21 },
    });
    // Records are plain JSON and come back the same.
    assert.deepEqual(JSON.parse(JSON.stringify(s.records)), s.records);
  });

  it('runs FROST 3-of-5 across two organisations, with a witness who watches only one', () => {
    const plan = vssThreeOfFive();
    const { states, events } = happyPath(createCeremony(plan, steppingClock()));
    const s = states[states.length - 1]!;
    assert.equal(s.status, 'sealed');
    assertCompleteCeremony(plan, s.records);
    assert.equal(events.filter((e) => e.step === 'handoff').length, 5);
    const split = s.records.find((r) => r.step === 'split');
    assert.deepEqual(split?.data['commitments'], [element('ed25519', 1), element('ed25519', 2), element('ed25519', 3)]);
    assert.equal(s.records.find((r) => r.step === 'generate')?.data['publicKey'], element('ed25519', 1));
    // Victor may sign off Dan's confirmation but not Alice's.
    const atAlice = states.find((x) => x.signOff?.checkpoint === 'confirm' && x.signOff.custodianId === 'alice')!;
    assert.deepEqual(atAlice.signOff?.eligible, ['wendy']);
    refused(atAlice, { step: 'sign-off', witnessId: 'victor', checkpoint: 'confirm' }, /Victor does not observe Alice/);
    const atDan = states.find((x) => x.signOff?.checkpoint === 'confirm' && x.signOff.custodianId === 'dan')!;
    assert.deepEqual(atDan.signOff?.eligible, ['wendy', 'victor']);
    const byVictor = apply(atDan, { step: 'sign-off', witnessId: 'victor', checkpoint: 'confirm', custodianId: 'dan' });
    // Once satisfied, Wendy may still add her sign-off, or the ceremony moves on.
    assert.deepEqual(nextActions(byVictor).map((a) => a.step), ['sign-off', 'handoff', 'abort']);
    assert.deepEqual(nextActions(byVictor)[0]?.witnessIds, ['wendy']);
    const both = apply(byVictor, { step: 'sign-off', witnessId: 'wendy', checkpoint: 'confirm' });
    refused(both, { step: 'sign-off', witnessId: 'wendy', checkpoint: 'confirm' }, /no checkpoint is waiting/);
    assert.deepEqual(nextActions(both).map((a) => a.step), ['handoff', 'abort']);
  });

  it('offers the handoffs in any order but makes each confirmation follow its own handoff', () => {
    const s = upToSplit(slip39TwoOfThree());
    assert.deepEqual(nextActions(s).map((a) => `${a.step}:${a.custodianId ?? ''}`), ['handoff:alice', 'handoff:bob', 'handoff:carol', 'abort:']);
    const a = apply(s, { step: 'handoff', custodianId: 'carol' });
    assert.equal(a.awaitingConfirmation, 'carol');
    refused(a, { step: 'handoff', custodianId: 'alice' }, /Next: confirm \(Carol\) or abort/);
    refused(a, { step: 'confirm', custodianId: 'alice', method: 'scan-qr' }, /to confirm now is Carol/);
    refused(a, { step: 'confirm', custodianId: 'carol', method: 'scan-qr' }, /confirmed by read-back-pkcs11/);
    const b = apply(a, { step: 'confirm', custodianId: 'carol', method: 'read-back-pkcs11' });
    refused(b, { step: 'handoff', custodianId: 'bob' }, /sign-off of confirm \(Carol\)/);
    const c = apply(b, { step: 'sign-off', witnessId: 'wendy', checkpoint: 'confirm' });
    refused(c, { step: 'handoff', custodianId: 'carol' }, /already had their handoff/);
    refused(c, { step: 'handoff', custodianId: 'mallory' }, /not a custodian of this plan/);
    refused(c, { step: 'handoff', custodianId: 'alice', medium: 'usb' }, /by paper; follow the plan/);
    refused(c, { step: 'test-recovery', custodianIds: ['alice', 'carol'], fingerprintMatch: true }, /Next: handoff \(Alice\), handoff \(Bob\) or abort/);
  });

  it('runs without sign-offs when the plan has no witness, and records that', () => {
    const plan: CeremonyPlan = { ...slip39TwoOfThree(), witnesses: [], noWitnessReason: 'Recovery drill' };
    const { states } = happyPath(createCeremony(plan, steppingClock()));
    const s = states[states.length - 1]!;
    assert.equal(s.status, 'sealed');
    assert.deepEqual(s.records[0]?.data['signOffs'], {});
    assert.ok(s.records.every((r) => r.step !== 'sign-off'));
    assert.equal(s.records.length, 14);
  });

  it('takes the sign-off policy as data: none at all, or every witness', () => {
    const plan = vssThreeOfFive();
    const none = happyPath(apply(createCeremony(plan, steppingClock()), { step: 'plan', signOffs: {} })).states.at(-1)!;
    assert.equal(none.status, 'sealed');
    assert.ok(none.records.every((r) => r.step !== 'sign-off'));

    let s = apply(createCeremony(plan, steppingClock()), { step: 'plan', signOffs: { seal: 'all', 'airgap-check': 'all' } });
    assert.deepEqual(s.records[0]?.data['signOffs'], { 'airgap-check': 'all', seal: 'all' }, 'in ceremony order');
    s = apply(s, { step: 'airgap-check', passed: true });
    s = apply(s, { step: 'sign-off', witnessId: 'victor', checkpoint: 'airgap-check' });
    refused(s, { step: 'entropy', sources: ['dice'] }, /sign-off of airgap-check/);
    s = apply(s, { step: 'sign-off', witnessId: 'wendy', checkpoint: 'airgap-check' });
    s = happyPath(s).states.at(-1)!;
    assert.equal(s.status, 'sealed');
    assert.deepEqual(steps(s).slice(-3), ['seal', 'sign-off:seal', 'sign-off:seal']);
    assertCompleteCeremony(plan, s.records);

    const start = createCeremony(plan, steppingClock());
    refused(start, { step: 'plan', signOffs: { lunch: 'one' } as never }, /not a ceremony step/);
    refused(start, { step: 'plan', signOffs: { seal: 'two' } as never }, /"one" or "all"/);
  });

  it('records the witnesses\' public keys for the transcript to pin', () => {
    const plan = vssThreeOfFive();
    const start = createCeremony(plan, steppingClock());
    // Real public keys: a pinned key that is no point on its curve is refused (below).
    const keys = [
      { id: 'victor', algorithm: 'ed25519' as const, publicKey: bytesToHex(ed25519.getPublicKey(new Uint8Array(32).fill(7))) },
      { id: 'wendy', algorithm: 'ecdsa-p256' as const, publicKey: bytesToHex(p256.getPublicKey(new Uint8Array(32).fill(9))) },
    ];
    const s = apply(start, { step: 'plan', witnessKeys: keys });
    assert.deepEqual(s.records[0]?.data['witnessKeys'], keys);
    assert.deepEqual(replay(plan, s.records, s.clock), s);
    refused(start, { step: 'plan', witnessKeys: [{ ...keys[0]!, id: 'mallory' }] }, /witnessKeys\[0\]\.id/);
    refused(start, { step: 'plan', witnessKeys: [keys[0]!, keys[0]!] }, /second key for victor/);
    refused(start, { step: 'plan', witnessKeys: [{ ...keys[0]!, publicKey: 'ab'.repeat(33) }] }, /32 bytes/);
    refused(start, { step: 'plan', witnessKeys: [{ ...keys[1]!, algorithm: 'rsa' as never }] }, /ed25519 or ecdsa-p256/);
    refused(start, { step: 'plan', witnessKeys: [{ ...keys[0]!, publicKey: `01${'00'.repeat(31)}` }] }, /identity point/);
    refused(start, { step: 'plan', witnessKeys: [{ ...keys[0]!, publicKey: '00'.repeat(32) }] }, /all zeros/);
    refused(start, { step: 'plan', witnessKeys: [{ ...keys[1]!, publicKey: `04${'11'.repeat(64)}` }] }, /not a point on the P-256 curve/);
  });
});

describe('ceremony rules', () => {
  it('blocks entropy after a failed air-gap check until a witness overrides or a check passes', () => {
    const plan = slip39TwoOfThree();
    let s = apply(createCeremony(plan, steppingClock()), { step: 'plan' });
    s = apply(s, { step: 'airgap-check', passed: false, interfacesUp: ['wlan0', 'eth0'] });
    assert.equal(s.airgap, 'failed');
    assert.equal(s.signOff, null, 'a failed check opens no checkpoint');
    assert.deepEqual(nextActions(s).map((a) => a.step), ['airgap-check', 'abort']);
    refused(s, { step: 'entropy', sources: ['dice'] }, /Next: airgap-check or abort/);
    refused(s, { step: 'airgap-check', passed: false, override: { witnessId: 'mallory', reason: 'x' } }, /not a witness/);
    refused(s, { step: 'airgap-check', passed: false, override: { witnessId: 'wendy', reason: ' ' } }, /^The airgap-check event's override\.reason must be a non-empty text/);
    refused(s, { step: 'airgap-check', passed: true, override: { witnessId: 'wendy', reason: 'x' } }, /nothing to override/);
    refused(s, { step: 'airgap-check', passed: true, interfacesUp: ['wlan0'] }, /cannot pass/);

    const over = apply(s, { step: 'airgap-check', passed: false, interfacesUp: ['wlan0'], override: { witnessId: 'wendy', reason: 'Radio switch is off; driver cannot unload' } });
    assert.equal(over.airgap, 'overridden');
    assert.deepEqual(over.records.at(-1)?.data, {
      passed: false,
      interfacesUp: ['wlan0'],
      override: { witnessId: 'wendy', reason: 'Radio switch is off; driver cannot unload' },
    });
    const on = apply(apply(over, { step: 'sign-off', witnessId: 'wendy', checkpoint: 'airgap-check' }), { step: 'entropy', sources: ['os-csprng'] });
    assert.equal(on.lastStep, 'entropy');

    const retried = apply(s, { step: 'airgap-check', passed: true });
    assert.equal(retried.airgap, 'passed');
    refused(retried, { step: 'airgap-check', passed: true }, /cannot happen now/);
  });

  it('makes a failed test recovery block destroy until a recovery matches', () => {
    const plan = slip39TwoOfThree();
    const { states } = happyPath(createCeremony(plan, steppingClock()));
    const before = states.find((s) => nextActions(s).some((a) => a.step === 'test-recovery'))!;
    refused(before, { step: 'test-recovery', custodianIds: ['alice'], fingerprintMatch: true }, /do not hold enough shares/);
    refused(before, { step: 'test-recovery', custodianIds: ['alice', 'alice'], fingerprintMatch: true }, /listed twice/);
    const failed = apply(before, { step: 'test-recovery', custodianIds: ['alice', 'bob'], fingerprintMatch: false });
    assert.equal(failed.recovery, 'failed');
    refused(failed, { step: 'destroy', items: ['master-secret'] }, /Next: test-recovery or abort/);
    const ok = apply(failed, { step: 'test-recovery', custodianIds: ['bob', 'carol'], fingerprintMatch: true });
    assert.deepEqual(nextActions(ok).map((a) => a.step), ['sign-off', 'abort']);
  });

  it('refuses a split whose fingerprint or commitments do not match the secret', () => {
    const slip = happyPath(createCeremony(slip39TwoOfThree(), steppingClock())).states.find((s) => nextActions(s).some((a) => a.step === 'split'))!;
    refused(slip, { step: 'split', fingerprint: 'ffff 0000' }, /differs from the fingerprint/);
    refused(slip, { step: 'split', fingerprint: FINGERPRINT, commitments: [element('ed25519', 1)] }, /no commitments/);
    refused(slip, { step: 'split', fingerprint: FINGERPRINT, identifier: 40000 }, /0 to 32767/);

    const vss = happyPath(createCeremony(vssThreeOfFive(), steppingClock())).states.find((s) => nextActions(s).some((a) => a.step === 'split'))!;
    const good = [element('ed25519', 1), element('ed25519', 2), element('ed25519', 3)];
    refused(vss, { step: 'split', fingerprint: FINGERPRINT }, /commitments must be a list/);
    refused(vss, { step: 'split', fingerprint: FINGERPRINT, commitments: good.slice(0, 2) }, /3 commitments, got 2/);
    refused(vss, { step: 'split', fingerprint: FINGERPRINT, commitments: [good[0]!, good[1]!, 'abcd'] }, /commitments\[2\] must be lowercase hex of 32 bytes/);
    refused(vss, { step: 'split', fingerprint: FINGERPRINT, commitments: [good[1]!, good[0]!, good[2]!] }, /not the public key/);
    refused(vss, { step: 'split', fingerprint: FINGERPRINT, commitments: good, identifier: 3 }, /no SLIP-39 identifier/);
  });

  it('checks the data of each step, naming the field', () => {
    const plan = vssThreeOfFive();
    let s = apply(apply(createCeremony(plan, steppingClock()), { step: 'plan' }), { step: 'airgap-check', passed: true });
    s = apply(s, { step: 'sign-off', witnessId: 'wendy', checkpoint: 'airgap-check' });
    const e1 = refused(s, { step: 'entropy', sources: [] });
    assert.equal(e1.details?.['field'], 'sources');
    assert.deepEqual(e1.details?.['expected'], [{ step: 'sign-off', checkpoint: 'airgap-check' }, { step: 'entropy' }, { step: 'abort' }]);
    refused(s, { step: 'entropy', sources: ['a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4'] }, /not valid here/);
    s = apply(s, { step: 'entropy', sources: ['os-csprng'] });
    refused(s, { step: 'import', fingerprint: FINGERPRINT }, /Next: generate or abort/);
    refused(s, { step: 'generate', fingerprint: 'x' }, /fingerprint must be 4 to 128/);
    refused(s, { step: 'generate', fingerprint: FINGERPRINT, publicKey: element('secp256k1', 1) }, /publicKey must be lowercase hex of 32 bytes/);
    refused(s, { step: 'nonsense' } as never, /not a ceremony step/);
    refused(s, null as never, /must be an object/);
  });

  it('refuses a seed public key and a verifying share outside FROST', () => {
    let s = upToSplit(slip39TwoOfThree());
    s = apply(s, { step: 'handoff', custodianId: 'alice' });
    refused(s, { step: 'confirm', custodianId: 'alice', method: 'scan-qr', verifyingShare: element('ed25519', 9) }, /only verifiable shares/);
    const v = apply(upToSplit(vssThreeOfFive()), { step: 'handoff', custodianId: 'alice' });
    const done = apply(v, { step: 'confirm', custodianId: 'alice', method: 'scan-qr', verifyingShare: element('ed25519', 9) });
    assert.equal(done.records.at(-1)?.data['verifyingShare'], element('ed25519', 9));
    const seed = happyPath(createCeremony(slip39TwoOfThree(), steppingClock())).states.find((x) => nextActions(x).some((a) => a.step === 'generate'))!;
    refused(seed, { step: 'generate', fingerprint: FINGERPRINT, publicKey: element('ed25519', 1) }, /a seed has no public key/);
  });

  it('runs an import instead of a generate when the plan imports', () => {
    const plan: CeremonyPlan = { ...slip39TwoOfThree(), secret: { type: 'import', kind: 'seed', lengthBytes: 16 } };
    const s = happyPath(createCeremony(plan, steppingClock())).states.at(-1)!;
    assert.equal(s.status, 'sealed');
    assert.deepEqual(s.records.find((r) => r.step === 'import')?.data, { kind: 'seed', lengthBytes: 16, fingerprint: FINGERPRINT });
    assert.ok(!s.records.some((r) => r.step === 'generate'));
    assertCompleteCeremony(plan, s.records);
  });

  it('seals only once the seal is signed off, and then accepts nothing', () => {
    const { states } = happyPath(createCeremony(slip39TwoOfThree(), steppingClock()));
    const sealedAt = states.findIndex((s) => s.lastStep === 'seal');
    const afterSeal = states[sealedAt]!;
    assert.equal(afterSeal.status, 'active');
    assert.deepEqual(nextActions(afterSeal).map((a) => a.step), ['sign-off', 'abort']);
    const sealed = states.at(-1)!;
    assert.equal(sealed.status, 'sealed');
    for (const e of [{ step: 'abort', reason: 'too late' }, { step: 'seal' }, { step: 'sign-off', witnessId: 'wendy', checkpoint: 'seal' }] as CeremonyEvent[]) {
      const err = refused(sealed, e, /sealed; it accepts no more steps/);
      assert.deepEqual(err.details?.['expected'], []);
    }
  });

  it('aborts from every state before the end, with the reason, and then accepts nothing', () => {
    const plan = vssThreeOfFive();
    const { states, events } = happyPath(createCeremony(plan, steppingClock()));
    const active = states.filter((s) => s.status === 'active');
    assert.equal(active.length, states.length - 1);
    active.forEach((s, i) => {
      const a = apply(s, { step: 'abort', reason: 'Fire alarm', witnessId: 'victor' });
      assert.equal(a.status, 'aborted');
      assert.deepEqual(a.records.at(-1)?.data, { reason: 'Fire alarm', afterStep: s.lastStep, witnessId: 'victor' });
      assert.deepEqual(nextActions(a), []);
      refused(a, events[i] ?? { step: 'seal' }, /aborted; it accepts no more steps/);
      refused(a, { step: 'abort', reason: 'again' }, /aborted/);
    });
    const first = apply(states[0]!, { step: 'abort', reason: 'Custodian missing' });
    assert.deepEqual(first.records[0]?.data, { reason: 'Custodian missing', afterStep: null });
    refused(states[0]!, { step: 'abort', reason: '' }, /reason must be a non-empty text/);
    refused(states[0]!, { step: 'abort', reason: 'x', witnessId: 'nobody' }, /not a witness/);
  });

  it('refuses an invalid plan and a broken clock', () => {
    const bad = { ...slip39TwoOfThree(), witnesses: [] };
    assert.throws(() => createCeremony(bad, steppingClock()), (e: unknown) => e instanceof KeyshardError && e.code === 'POLICY_INVALID');
    const s = createCeremony(slip39TwoOfThree(), () => new Date('nope'));
    assert.throws(() => apply(s, { step: 'plan' }), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
  });

  it('uses no secret-looking field names in records (the transcript refuses those)', () => {
    // A few of the names core/transcript.ts refuses, compared the same way (lowercase, no - _ or spaces).
    const refusedNames = new Set(['secret', 'secretkey', 'mastersecret', 'privatekey', 'mnemonic', 'share', 'signingshare', 'passphrase', 'pin', 'seed', 'nonce']);
    const keys = (v: unknown): string[] =>
      Array.isArray(v) ? v.flatMap(keys) : typeof v === 'object' && v !== null ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : [];
    for (const plan of [slip39TwoOfThree(), vssThreeOfFive()]) {
      const s = happyPath(createCeremony(plan, steppingClock())).states.at(-1)!;
      const aborted = apply(happyPath(createCeremony(plan, steppingClock())).states[3]!, { step: 'abort', reason: 'x', witnessId: 'wendy' });
      for (const k of keys([...s.records, ...aborted.records].map((r) => r.data))) {
        assert.ok(!refusedNames.has(k.toLowerCase().replace(/[-_\s]/g, '')), k);
      }
    }
  });

  it('keeps states and records frozen', () => {
    const s = apply(createCeremony(slip39TwoOfThree(), steppingClock()), { step: 'plan' });
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.records) && Object.isFrozen(s.records[0]) && Object.isFrozen(s.records[0]?.data));
    assert.throws(() => (s.records as unknown as unknown[]).push({}));
    // The ceremony holds its own copy of the plan: editing the caller's object changes nothing.
    const mine = JSON.parse(JSON.stringify(slip39TwoOfThree()));
    const t = createCeremony(mine, steppingClock());
    mine.custodians[0].name = 'Mallory';
    assert.equal(t.plan.custodians[0]?.name, 'Alice');
    assert.ok(Object.isFrozen(t.plan.custodians[0]));
  });

  it('says what to do next in words', () => {
    const s = createCeremony(vssThreeOfFive(), steppingClock());
    assert.deepEqual(nextActions(s), [
      { step: 'plan', hint: 'Read the plan and its coalition warnings with the witnesses, then start the ceremony.' },
      { step: 'abort', hint: 'Abort the ceremony, giving the reason.' },
    ]);
    const h = apply(upToSplit(vssThreeOfFive()), { step: 'handoff', custodianId: 'dan' });
    assert.deepEqual(nextActions(h)[0], { step: 'confirm', custodianId: 'dan', hint: 'Have Dan confirm their shard (scan-qr or type-back).' });
    const c = apply(h, { step: 'confirm', custodianId: 'dan', method: 'type-back' });
    assert.equal(nextActions(c)[0]?.hint, 'A witness signs off confirm for Dan (Wendy, Victor).');
  });
});

describe('replay', () => {
  it('rebuilds the live state from its records, also after a JSON round trip', () => {
    for (const plan of [slip39TwoOfThree(), vssThreeOfFive()]) {
      const clock = steppingClock();
      const { states } = happyPath(createCeremony(plan, clock));
      for (const live of [states[5]!, states[14]!, states.at(-1)!]) {
        assert.deepEqual(replay(plan, live.records, clock), live);
        assert.deepEqual(replay(plan, JSON.parse(JSON.stringify(live.records)), clock), live);
      }
    }
  });

  it('continues a replayed ceremony where it stopped', () => {
    const plan = slip39TwoOfThree();
    const { states } = happyPath(createCeremony(plan, steppingClock()));
    const resumed = replay(plan, states[9]!.records, steppingClock('2025-03-02T08:00:00.000Z'));
    const done = happyPath(resumed).states.at(-1)!;
    assert.equal(done.status, 'sealed');
    assertCompleteCeremony(plan, done.records);
    assert.equal(done.records[9]?.at, '2025-03-02T08:00:00.000Z');
  });

  it('names the first bad record', () => {
    const plan = slip39TwoOfThree();
    const clock = steppingClock();
    const records = happyPath(createCeremony(plan, clock)).states.at(-1)!.records;
    const badAt = (list: readonly unknown[], index: number, message?: RegExp): void => {
      assert.throws(
        () => replay(plan, list, clock),
        (e: unknown) => isTransition(e) && (e as KeyshardError).details?.['index'] === index && (message === undefined || message.test((e as Error).message)),
      );
    };
    // Another plan: the digest in record 0 differs.
    assert.throws(() => replay({ ...plan, label: 'Other' }, records, clock), (e: unknown) => isTransition(e) && (e as KeyshardError).details?.['index'] === 0 && /field data\.(label|planSha256)/.test((e as Error).message));
    // A dropped record makes the next one out of order.
    badAt([...records.slice(0, 3), ...records.slice(4)], 3, /record 3 \(generate\).*cannot happen now/);
    // Swapped records.
    badAt([records[0], records[2], records[1], ...records.slice(3)], 1);
    // Edited data, an added field, a derived field changed.
    const edit = (i: number, data: Record<string, unknown>): unknown[] => records.map((r, j) => (j === i ? { ...r, data: { ...r.data, ...data } } : r));
    badAt(edit(4, { fingerprint: 'dead beef' }), 6, /differs from the fingerprint/);
    badAt(edit(3, { extra: 1 }), 3, /field data\.extra/);
    badAt(edit(8, { medium: 'usb' }), 8, /by paper; follow the plan/);
    badAt(edit(8, { protection: 'age' }), 8, /field data\.protection/);
    badAt(edit(17, { custodianIds: ['alice'] }), 17, /enough shares/);
    // Damaged records.
    badAt([...records.slice(0, 2), { step: 'entropy', at: 'noon', data: {} }], 2, /time is not an ISO/);
    badAt([...records.slice(0, 2), { step: 'party', at: records[2]!.at, data: {} }], 2, /step is unknown/);
    badAt([...records.slice(0, 2), 'x'], 2, /not an object/);
    // Anything after the seal.
    badAt([...records, { step: 'abort', at: records[0]!.at, data: { reason: 'late', afterStep: 'seal' } }], records.length, /already sealed/);
  });

  it('reads step, at and data and ignores the transcript fields around them', () => {
    const plan = vssThreeOfFive();
    const clock = steppingClock();
    const live = happyPath(createCeremony(plan, clock)).states[12]!;
    const wrapped = live.records.map((r, seq) => ({ seq, prev: 'ab'.repeat(32), ...r, sig: 'cd' }));
    assert.deepEqual(replay(plan, wrapped, clock), live);
  });
});
