/**
 * The key ceremony's catalogue (core/ceremony-kinds) is where its steps are written down once. These tests prove the
 * rest is derived from it, and that deriving changed nothing a transcript holds: the state machine's steps, default
 * sign-offs and words equal those keyshard had before (recorded in vectors/key-ceremony-records-b0fcff5.json by the
 * code of commit b0fcff5), and ceremonies written by that code replay to the same state, offering the same next steps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CEREMONY_STEPS, DEFAULT_SIGN_OFFS, apply, createCeremony, nextActions, replay } from '../../core/ceremony';
import {
  KEY_CEREMONY,
  ceremonyScript,
  checkpointNames,
  defaultSignOffs,
  machineSteps,
  nextMachineStep,
  numberedSteps,
  perCustodianTurn,
  retryAfterFailure,
  stepPeople,
  transcriptNames,
  turnsDone,
  type CeremonyKind,
} from '../../core/ceremony-kinds';
import { kindIn } from '../../core/ceremony-kinds/language';
import { KeyshardError } from '../../core/errors';
import { parsePlan, planDigest, planToJson, type CeremonyPlan } from '../../core/policy';
import { checkpointName, isCeremonyStep, stepName } from '../../core/step-names';
import { happyPath } from './ceremony-driver';
import { slip39TwoOfThree, steppingClock, vssThreeOfFive } from './plan-fixtures';

interface Vector {
  readonly words: {
    readonly ceremonySteps: string[];
    readonly defaultSignOffs: Record<string, string>;
    readonly names: Record<string, string>;
    readonly checkpoints: Record<string, string>;
    readonly ceremonyStepKinds: string[];
  };
  readonly ceremonies: { plan: unknown; status: string; records: unknown[]; next: unknown[][] }[];
}
const VECTOR = JSON.parse(readFileSync(new URL('./vectors/key-ceremony-records-b0fcff5.json', import.meta.url), 'utf8')) as Vector;

/** The key ceremony plus one step (sealing the shards' bags) before the seal: what adding a step takes. */
function withBagStep(): CeremonyKind {
  const at = KEY_CEREMONY.steps.findIndex((s) => s.id === 'seal');
  const bags = {
    id: 'bags',
    screen: 'Seal the bags',
    paper: 'Seal each shard in its bag',
    does: 'Each custodian seals their shard in a tamper-evident bag and reads its serial aloud.',
    readAloud: 'The serial of each bag.',
    actor: 'custodian',
    watchers: ['administrator', 'internal-witness'],
    when: 'always',
    perCustodian: false,
    records: [{ kind: 'bag-seal', transcript: 'Shards sealed in bags', machine: true, checkpoint: 'the bag serials', signOff: true, hint: 'Seal the bags.' }],
  } as const;
  return { ...KEY_CEREMONY, steps: [...KEY_CEREMONY.steps.slice(0, at), bags, ...KEY_CEREMONY.steps.slice(at)] };
}

describe('the key ceremony catalogue keeps what transcripts hold', () => {
  it('gives the same state-machine steps, default sign-offs and words as before it existed', () => {
    assert.deepEqual([...CEREMONY_STEPS], VECTOR.words.ceremonySteps);
    assert.deepEqual({ ...DEFAULT_SIGN_OFFS }, VECTOR.words.defaultSignOffs);
    for (const [kind, words] of Object.entries(VECTOR.words.names)) assert.equal(stepName(kind), words, kind);
    for (const [kind, words] of Object.entries(VECTOR.words.checkpoints)) assert.equal(checkpointName(kind), words, kind);
    assert.deepEqual(Object.keys(VECTOR.words.names).filter(isCeremonyStep), VECTOR.words.ceremonyStepKinds);
  });

  it('replays ceremonies written before it to the same end, offering the same next steps at every record', () => {
    assert.equal(VECTOR.ceremonies.length, 3);
    for (const c of VECTOR.ceremonies) {
      const plan = parsePlan(c.plan);
      for (let i = 0; i <= c.records.length; i++) {
        const state = replay(plan, c.records.slice(0, i), steppingClock());
        assert.deepEqual(JSON.parse(JSON.stringify(nextActions(state))), c.next[i], `${plan.label}, after ${i} records`);
      }
      assert.equal(replay(plan, c.records, steppingClock()).status, c.status);
    }
  });

  it('still refuses a record out of the catalogue order', () => {
    const c = VECTOR.ceremonies[0]!;
    const plan = parsePlan(c.plan);
    // entropy before the air-gap check
    const swapped = [c.records[0], c.records[3], c.records[1]];
    assert.throws(() => replay(plan, swapped, steppingClock()), (e: unknown) => e instanceof KeyshardError && e.code === 'CEREMONY_TRANSITION' && /record 1/.test(e.message));
  });
});

describe('everything else is derived from the catalogue', () => {
  it('the state machine, sign-offs and words are the catalogue read in order', () => {
    assert.deepEqual([...CEREMONY_STEPS], machineSteps(KEY_CEREMONY));
    assert.deepEqual({ ...DEFAULT_SIGN_OFFS }, defaultSignOffs(KEY_CEREMONY));
    for (const [kind, words] of transcriptNames(KEY_CEREMONY)) assert.equal(stepName(kind), words);
    for (const [kind, words] of checkpointNames(KEY_CEREMONY)) assert.equal(checkpointName(kind), words);
    // Every record kind is named once: one kind cannot mean two things.
    const catalogue: CeremonyKind = KEY_CEREMONY;
    const kinds = [...catalogue.steps.flatMap((s) => s.records), ...catalogue.entries].map((r) => r.kind);
    assert.equal(new Set(kinds).size, kinds.length);
    assert.equal(new Set(KEY_CEREMONY.steps.map((s) => s.id)).size, KEY_CEREMONY.steps.length);
  });

  it('a step added to a catalogue shows in the order, the sign-offs, the transcript words, the numbers and the script', () => {
    const kind = withBagStep();
    const plan = slip39TwoOfThree();
    assert.deepEqual(machineSteps(kind).slice(-3), ['destroy', 'bag-seal', 'seal']);
    assert.equal(defaultSignOffs(kind)['bag-seal'], 'one');
    assert.equal(transcriptNames(kind).get('bag-seal'), 'Shards sealed in bags');
    assert.equal(checkpointNames(kind).get('bag-seal'), 'the bag serials');
    assert.equal(nextMachineStep(kind, plan, 'destroy')?.kind, 'bag-seal');
    assert.equal(nextMachineStep(kind, plan, 'bag-seal')?.kind, 'seal');
    const numbered = numberedSteps(kind, plan);
    const bags = numbered.find((n) => n.step.id === 'bags');
    assert.equal(bags?.number, numbered.length - 1);
    const line = ceremonyScript(kind, plan).lines.find((l) => l.stepId === 'bags');
    assert.equal(line?.number, String(bags?.number));
    assert.equal(line?.readAloud, 'The serial of each bag.');
    assert.equal(line?.witnessSignsOff, true);
    // ... and the catalogue the app runs is untouched.
    assert.equal(machineSteps(KEY_CEREMONY).includes('bag-seal'), false);
  });

  it("a custodian's turn is the catalogue's per-custodian machine steps, and the reducer goes round it for every custodian", () => {
    assert.deepEqual(perCustodianTurn(KEY_CEREMONY), ['handoff', 'confirm']);
    // Marking another step per custodian puts its machine records in the turn, in catalogue order.
    const kind: CeremonyKind = { ...KEY_CEREMONY, steps: KEY_CEREMONY.steps.map((s) => (s.id === 'test-recovery' ? { ...s, perCustodian: true } : s)) };
    assert.deepEqual(perCustodianTurn(kind), ['handoff', 'confirm', 'test-recovery']);
    // The reducer offers the turn's steps from the catalogue: after the split a handoff for each custodian; after a
    // handoff only that custodian's confirm; after the last confirm, the catalogue's next step.
    const plan = slip39TwoOfThree();
    const ids = plan.custodians.map((c) => c.id);
    const main = (st: ReturnType<typeof createCeremony>): string[] =>
      nextActions(st)
        .filter((a) => a.step !== 'abort' && a.step !== 'sign-off')
        .map((a) => `${a.step}${a.custodianId === undefined ? '' : ` ${a.custodianId}`}`);
    const { states, events } = happyPath(createCeremony(plan, steppingClock()));
    let checked = 0;
    events.forEach((e, i) => {
      const after = states[i + 1]!;
      if (after.signOff !== null && after.signOff.signedBy.length < after.signOff.required) return;
      const who = 'custodianId' in e ? String(e.custodianId) : '';
      if (e.step === 'split') assert.deepEqual(main(after), ids.map((id) => `handoff ${id}`));
      else if (e.step === 'handoff') assert.deepEqual(main(after), [`confirm ${who}`]);
      else if (e.step === 'confirm' && after.confirmed.length === ids.length) assert.deepEqual(main(after), ['test-recovery']);
      else return;
      checked++;
    });
    assert.ok(checked >= 2, `checked ${checked} points of the turn`);
  });

  it('numbers only the steps a plan has: devices with tokens, witness keys with witnesses, generate or import', () => {
    const ids = (p: CeremonyPlan | null): string[] => numberedSteps(KEY_CEREMONY, p).map((n) => n.step.id);
    const tokens = slip39TwoOfThree(); // carol holds a token
    assert.deepEqual(ids(tokens), ['devices', 'witness-keys', 'plan', 'airgap', 'entropy', 'generate', 'split', 'handoff', 'receipt', 'test-recovery', 'destroy', 'seal']);
    const plain: CeremonyPlan = { ...tokens, custodians: tokens.custodians.map((c) => (c.medium === 'pkcs11' ? { ...c, medium: 'paper', protection: { type: 'none' } } : c)), witnesses: [], noWitnessReason: 'a test without witnesses' };
    assert.deepEqual(ids(plain), ['plan', 'airgap', 'entropy', 'generate', 'split', 'handoff', 'receipt', 'test-recovery', 'destroy', 'seal']);
    const imported: CeremonyPlan = { ...tokens, secret: { type: 'import', kind: 'seed', lengthBytes: 32 } };
    assert.equal(ids(imported).includes('import'), true);
    assert.equal(ids(imported).includes('generate'), false);
    assert.deepEqual(numberedSteps(KEY_CEREMONY, tokens).map((n) => n.number), ids(tokens).map((_, i) => i + 1));
    assert.equal(nextMachineStep(KEY_CEREMONY, imported, 'entropy')?.kind, 'import');
    assert.equal(nextMachineStep(KEY_CEREMONY, imported, 'import')?.kind, 'split');
  });
});

describe('the rules the reducer reads from the catalogue', () => {
  /** The record spec of a kind in a catalogue, typed loosely (the key ceremony's is a const union). */
  const spec = (kind: CeremonyKind, recordKind: string) => kind.steps.flatMap((s) => s.records).find((r) => r.kind === recordKind);
  const withoutRetries = (): CeremonyKind => ({
    ...KEY_CEREMONY,
    steps: KEY_CEREMONY.steps.map((s) => ({ ...s, records: s.records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'repeatWhenFailed')) as typeof r) })),
  });

  it('offers a failed check again with the words of its repeatWhenFailed, and only the checks that have one', () => {
    const catalogue: CeremonyKind = KEY_CEREMONY;
    const airgapRetry = spec(catalogue, 'airgap-check')?.repeatWhenFailed;
    const recoveryRetry = spec(catalogue, 'test-recovery')?.repeatWhenFailed;
    assert.match(airgapRetry ?? '', /air-gap check failed/);
    assert.match(recoveryRetry ?? '', /test recovery did not give the same fingerprint/);
    assert.deepEqual(
      catalogue.steps.flatMap((s) => s.records).filter((r) => r.repeatWhenFailed !== undefined).map((r) => r.kind),
      ['airgap-check', 'test-recovery'],
    );
    assert.equal(retryAfterFailure(KEY_CEREMONY, 'airgap-check'), airgapRetry);
    assert.equal(retryAfterFailure(KEY_CEREMONY, 'entropy'), null);
    // A catalogue without the flag gives no retry: a failed check leaves only the abort.
    assert.equal(retryAfterFailure(withoutRetries(), 'airgap-check'), null);
    assert.equal(retryAfterFailure(withoutRetries(), 'test-recovery'), null);

    // The reducer offers exactly what the catalogue says after each failure (and the abort).
    const plan = slip39TwoOfThree();
    let s = createCeremony(plan, steppingClock());
    s = apply(s, { step: 'plan' });
    const failedAirgap = apply(s, { step: 'airgap-check', passed: false, interfacesUp: ['eth0'] });
    assert.deepEqual(nextActions(failedAirgap), [
      { step: 'airgap-check', hint: airgapRetry },
      { step: 'abort', hint: 'Abort the ceremony, giving the reason.' },
    ]);
    const { states } = happyPath(createCeremony(plan, steppingClock()));
    const before = states.find((x) => nextActions(x).some((a) => a.step === 'test-recovery'))!;
    const failedRecovery = apply(before, { step: 'test-recovery', custodianIds: ['alice', 'bob'], fingerprintMatch: false });
    assert.deepEqual(nextActions(failedRecovery).map((a) => [a.step, a.hint]), [
      ['test-recovery', recoveryRetry],
      ['abort', 'Abort the ceremony, giving the reason.'],
    ]);
    // A check that passed after a failure moves on: the failure is not remembered.
    assert.equal(apply(failedAirgap, { step: 'airgap-check', passed: true }).lastStepFailed, false);
  });

  it('has the retry words in German where the English has them', () => {
    const de: CeremonyKind = kindIn(KEY_CEREMONY, 'de');
    for (const kind of ['airgap-check', 'test-recovery']) {
      const words = spec(de, kind)?.repeatWhenFailed ?? '';
      assert.notEqual(words, '');
      assert.notEqual(words, spec(KEY_CEREMONY, kind)?.repeatWhenFailed);
    }
    assert.match(spec(de, 'airgap-check')?.repeatWhenFailed ?? '', /Air-Gap-Prüfung ist fehlgeschlagen/);
  });

  it("a step done in turns is done for a custodian when the transcript has the catalogue's turnDoneBy entry for them", () => {
    const absent = (stepId: string, custodianId: string) => ({ kind: 'exception', data: { stepId, custodianId, deviation: 'custodian-absent', reason: 'x', witnessId: 'wendy' } });
    const entries = [
      { kind: 'handoff', data: { custodianId: 'alice' } },
      { kind: 'confirm', data: { custodianId: 'alice' } },
      { kind: 'receipt', data: { custodianId: 'alice', sealed: false } },
      // Bob is handed his shard but not yet confirmed; Carol was absent at her handoff (deferred, not done).
      { kind: 'handoff', data: { custodianId: 'bob' } },
      absent('handoff', 'carol'),
      { kind: 'sign-off', data: { witnessId: 'wendy', checkpoint: 'confirm', custodianId: 'bob' } },
      { kind: 'confirm', data: { custodianId: 'bob' } },
      // Bob left before sealing his shard: absent at the receipt, which ends his part of it.
      absent('receipt', 'bob'),
    ];
    assert.deepEqual(turnsDone(KEY_CEREMONY, entries), [
      { stepId: 'handoff', custodianIds: ['alice', 'bob'] },
      { stepId: 'receipt', custodianIds: ['alice', 'bob'] },
    ]);
    // The rules are the catalogue's: without turnDoneBy a step says nothing; without absenceEndsTurn an absence is no receipt.
    const strip = (key: string): CeremonyKind => ({ ...KEY_CEREMONY, steps: KEY_CEREMONY.steps.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => k !== key)) as typeof x) });
    assert.deepEqual(turnsDone(strip('turnDoneBy'), entries), []);
    assert.deepEqual(turnsDone(strip('absenceEndsTurn'), entries)[1], { stepId: 'receipt', custodianIds: ['alice'] });
  });

  it("fills a custodian's turn hints from the catalogue's words", () => {
    const plan = slip39TwoOfThree();
    const { states } = happyPath(createCeremony(plan, steppingClock()));
    const atTurns = states.find((x) => nextActions(x).some((a) => a.step === 'handoff'))!;
    const alice = plan.custodians.find((c) => c.id === 'alice')!;
    assert.equal(spec(KEY_CEREMONY, 'handoff')?.hint, 'Hand {custodian} their shard ({medium}).');
    assert.equal(nextActions(atTurns).find((a) => a.custodianId === 'alice')?.hint, `Hand ${alice.name} their shard (${alice.medium}).`);
    const handed = apply(atTurns, { step: 'handoff', custodianId: 'alice' });
    const confirmHint = nextActions(handed).find((a) => a.step === 'confirm')?.hint ?? '';
    assert.match(confirmHint, new RegExp(`^Have ${alice.name} confirm their shard \\(`));
    assert.equal(confirmHint.includes('{'), false);
  });
});

describe('roles and the printed script', () => {
  const plan: CeremonyPlan = {
    ...vssThreeOfFive(),
    administrator: { name: 'Ada Park', organisation: 'Acme' },
    externalWitnesses: [{ name: 'Erik Auditor', organisation: 'Audit Ltd' }],
  };

  it('says who acts and who watches each step; a handoff is watched only by the witnesses who observe that custodian', () => {
    const step = (id: string) => KEY_CEREMONY.steps.find((s) => s.id === id)!;
    const airgap = stepPeople(plan, step('airgap'));
    assert.deepEqual(airgap.acts.map((p) => p.name), ['Ada Park']);
    assert.deepEqual(airgap.watchers.map((w) => [w.role, w.people.map((p) => p.name)]), [['internal-witness', ['Wendy', 'Victor']], ['external-witness', ['Erik Auditor']]]);
    const toAlice = stepPeople(plan, step('handoff'), 'alice');
    assert.deepEqual(toAlice.acts.map((p) => p.name), ['Alice']);
    assert.deepEqual(toAlice.watchers.find((w) => w.role === 'internal-witness')?.people.map((p) => p.name), ['Wendy']);
    const toDan = stepPeople(plan, step('handoff'), 'dan');
    assert.deepEqual(toDan.watchers.find((w) => w.role === 'internal-witness')?.people.map((p) => p.name), ['Wendy', 'Victor']);
  });

  it('numbers the script as the screens do, one line per custodian at the handoffs, in the plan order', () => {
    const script = ceremonyScript(KEY_CEREMONY, plan);
    const numbers = script.lines.map((l) => l.number);
    const handoff = numberedSteps(KEY_CEREMONY, plan).find((n) => n.step.id === 'handoff')!.number;
    assert.deepEqual(
      numbers.filter((n) => n.startsWith(`${handoff}.`)),
      plan.custodians.map((_, i) => `${handoff}.${i + 1}`),
    );
    // Each custodian's handoff is followed by their receipt (bag sealed), then the next custodian's turn: the room's order.
    const receipt = numberedSteps(KEY_CEREMONY, plan).find((n) => n.step.id === 'receipt')!.number;
    assert.equal(receipt, handoff + 1);
    assert.deepEqual(
      script.lines.filter((l) => l.custodianId !== null).map((l) => `${l.number} ${l.custodianId ?? ''}`),
      plan.custodians.flatMap((c, i) => [`${handoff}.${i + 1} ${c.id}`, `${receipt}.${i + 1} ${c.id}`]),
    );
    assert.match(script.lines.find((l) => l.stepId === 'generate')!.does, /the new ed25519 key/);
    assert.equal(script.lines.find((l) => l.stepId === 'seal')!.readAloud, 'The final hash of the transcript, group by group.');
    // A plan without witnesses has no sign-off to promise on paper.
    const lone: CeremonyPlan = { ...plan, witnesses: [], noWitnessReason: 'a test without witnesses' };
    assert.equal(ceremonyScript(KEY_CEREMONY, lone).lines.some((l) => l.witnessSignsOff), false);
    assert.equal(script.lines.find((l) => l.stepId === 'airgap')!.witnessSignsOff, true);
    assert.equal(script.lines.find((l) => l.stepId === 'entropy')!.witnessSignsOff, false);
  });
});

describe('roles in the plan file', () => {
  it('a plan written before roles loads unchanged, with the same bytes and digest', () => {
    for (const c of VECTOR.ceremonies) {
      const plan = parsePlan(c.plan);
      assert.equal(plan.administrator, undefined);
      assert.equal(planToJson(plan), JSON.stringify(c.plan, null, 2));
      const first = c.records[0] as { data: { planSha256: string } };
      assert.equal(planDigest(plan), first.data.planSha256);
    }
  });

  it('reads and writes the administrator and external witnesses, and a ceremony under such a plan seals', () => {
    const plan = parsePlan({ ...JSON.parse(planToJson(slip39TwoOfThree())), administrator: { name: 'Ada Park', organisation: 'Acme' }, externalWitnesses: [{ name: 'Erik', organisation: 'Audit Ltd' }] });
    assert.deepEqual(plan.administrator, { name: 'Ada Park', organisation: 'Acme' });
    assert.deepEqual(parsePlan(planToJson(plan)), plan);
    const { states } = happyPath(createCeremony(plan, steppingClock()));
    assert.equal(states[states.length - 1]!.status, 'sealed');
  });

  it('refuses a role given to someone who already has one, an empty name, or an unknown field', () => {
    const base = JSON.parse(planToJson(slip39TwoOfThree())) as Record<string, unknown>;
    const problems = (v: unknown): string[] => {
      try {
        parsePlan(v);
        return [];
      } catch (e) {
        assert.ok(e instanceof KeyshardError && e.code === 'POLICY_INVALID');
        return ((e.details as { problems: { field: string }[] }).problems ?? []).map((p) => p.field);
      }
    };
    assert.deepEqual(problems({ ...base, administrator: { name: 'Wendy', organisation: 'X' } }), ['administrator.name']);
    assert.deepEqual(problems({ ...base, externalWitnesses: [{ name: 'Alice', organisation: 'X' }] }), ['externalWitnesses[0].name']);
    assert.deepEqual(problems({ ...base, externalWitnesses: [{ name: 'Erik', organisation: 'X' }, { name: 'erik', organisation: 'Y' }] }), ['externalWitnesses[1].name']);
    assert.deepEqual(problems({ ...base, administrator: { name: ' ', organisation: 'X' } }), ['administrator.name']);
    assert.deepEqual(problems({ ...base, administrator: { name: 'Ada', organisation: 'X', pin: '1234' } }), ['administrator.pin']);
    assert.deepEqual(problems({ ...base, externalWitnesses: 'Erik' }), ['externalWitnesses']);
  });
});
