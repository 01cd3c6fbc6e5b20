import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KeyshardError } from '../../core/errors';
import {
  createPlan,
  parsePlan,
  planDigest,
  planToJson,
  reachesQuorum,
  validatePlan,
  type CeremonyPlan,
  type PolicyProblem,
} from '../../core/policy';
import { AGE_RECIPIENT, PGP_PUBLIC_KEY, arbSmallPlan, slip39TwoOfThree, vssThreeOfFive } from './plan-fixtures';

/** Deep-copies a plan as mutable JSON so a test can break one field. */
function editable(plan: CeremonyPlan): any {
  return JSON.parse(JSON.stringify(plan));
}

function problemsOf(fn: () => unknown): PolicyProblem[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, 'POLICY_INVALID');
    const problems = e.details?.['problems'] as PolicyProblem[];
    assert.ok(Array.isArray(problems) && problems.length > 0);
    assert.equal(e.details?.['field'], problems[0]?.field);
    assert.ok(e.message.includes(problems[0]!.field), 'the message names the field');
    return problems;
  }
  assert.fail('expected POLICY_INVALID');
}

/** Asserts that the plan is rejected with a problem at exactly this field. */
function rejects(plan: unknown, field: string, text?: RegExp): void {
  const problems = problemsOf(() => validatePlan(plan as CeremonyPlan));
  const hit = problems.find((p) => p.field === field);
  assert.ok(hit, `expected a problem at ${field}, got ${JSON.stringify(problems)}`);
  if (text) assert.match(hit.message, text);
}

describe('plan validation', () => {
  it('accepts the example plans and warns about an unobserved custodian', () => {
    assert.deepEqual(validatePlan(slip39TwoOfThree()).warnings, []);
    const p = editable(vssThreeOfFive());
    p.witnesses = [{ id: 'victor', name: 'Victor', organisation: 'Audit', observes: ['dan'] }];
    const warnings = validatePlan(p).warnings;
    assert.deepEqual(warnings.map((w) => w.custodianId), ['alice', 'bob', 'carol', 'erin']);
    assert.ok(warnings.every((w) => w.kind === 'custodian-unobserved'));
  });

  it('createPlan sets the version and the time from the injected clock', () => {
    const { version, createdAt, ...draft } = slip39TwoOfThree();
    const witnesses = draft.witnesses.map(({ observes, ...w }) => w);
    const plan = createPlan({ ...draft, witnesses }, () => new Date('2030-05-06T07:08:09.010Z'));
    assert.equal(plan.version, 1);
    assert.equal(plan.createdAt, '2030-05-06T07:08:09.010Z');
    assert.equal(plan.witnesses[0]?.observes, 'all', 'observes defaults to all');
    assert.throws(() => createPlan({ ...draft, witnesses }, () => new Date(NaN)), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
  });

  it('enforces the SLIP-39 group limits', () => {
    const p = editable(slip39TwoOfThree());
    p.scheme.groups = [];
    rejects(p, 'scheme.groups', /1 to 16 groups/);
    p.scheme.groups = Array.from({ length: 17 }, () => ({ memberThreshold: 1, memberCount: 1 }));
    rejects(p, 'scheme.groups');
    const q = editable(slip39TwoOfThree());
    q.scheme.groupThreshold = 2;
    rejects(q, 'scheme.groupThreshold', /number of groups \(1\)/);
    q.scheme.groupThreshold = 0;
    rejects(q, 'scheme.groupThreshold');
    const r = editable(slip39TwoOfThree());
    r.scheme.groups[0].memberThreshold = 4;
    rejects(r, 'scheme.groups[0].memberThreshold');
    r.scheme.groups[0].memberThreshold = 1;
    rejects(r, 'scheme.groups[0].memberThreshold', /only with a single member/);
    r.scheme.groups[0] = { memberThreshold: 2, memberCount: 17 };
    rejects(r, 'scheme.groups[0].memberCount');
  });

  it('enforces 2 <= t <= n <= 255 for verifiable shares and a matching key', () => {
    const p = editable(vssThreeOfFive());
    p.scheme.threshold = 1;
    rejects(p, 'scheme.threshold');
    p.scheme.threshold = 6;
    rejects(p, 'scheme.threshold');
    const q = editable(vssThreeOfFive());
    q.scheme.shares = 256;
    rejects(q, 'scheme.shares');
    const r = editable(vssThreeOfFive());
    r.scheme.ciphersuite = 'p256';
    rejects(r, 'scheme.ciphersuite', /ed25519 but the ciphersuite is p256/);
    r.secret = { type: 'new-seed', bits: 128 };
    rejects(r, 'secret', /not a seed/);
  });

  it('checks the secret kind and length, never a value', () => {
    const p = editable(slip39TwoOfThree());
    p.secret = { type: 'new-seed', bits: 192 };
    rejects(p, 'secret.bits');
    p.secret = { type: 'import', kind: 'seed', lengthBytes: 15 };
    rejects(p, 'secret.lengthBytes');
    p.secret = { type: 'import', kind: 'seed', lengthBytes: 17 };
    rejects(p, 'secret.lengthBytes');
    p.secret = { type: 'import', kind: 'p256', lengthBytes: 33 };
    rejects(p, 'secret.lengthBytes');
    p.secret = { type: 'import', kind: 'seed', lengthBytes: 64 };
    assert.doesNotThrow(() => validatePlan(p));
  });

  it('requires every share assigned exactly once', () => {
    const p = editable(slip39TwoOfThree());
    p.custodians[2].shares = [{ group: 0, member: 1 }];
    const problems = problemsOf(() => validatePlan(p));
    assert.ok(problems.some((x) => x.field === 'custodians[2].shares[0]' && /already assigned at custodians\[1\]/.test(x.message)));
    assert.ok(problems.some((x) => x.field === 'custodians' && /nobody holds group 0 member 2/.test(x.message)));
    const q = editable(slip39TwoOfThree());
    q.custodians[0].shares = [{ group: 0, member: 3 }];
    rejects(q, 'custodians[0].shares[0].member');
    q.custodians[0].shares = [{ group: 1, member: 0 }];
    rejects(q, 'custodians[0].shares[0]');
    q.custodians[0].shares = [];
    rejects(q, 'custodians[0].shares', /holds no share/);
    const v = editable(vssThreeOfFive());
    v.custodians[0].shares = [{ signer: 1 }, { signer: 6 }];
    rejects(v, 'custodians[0].shares', /exactly one share/);
    rejects(v, 'custodians[0].shares[1]');
    v.custodians[0].shares = [{ group: 0, member: 0 }];
    rejects(v, 'custodians[0].shares[0]', /signer/);
  });

  it('lets one custodian hold shares in several groups', () => {
    const p = editable(slip39TwoOfThree());
    p.scheme = { type: 'slip39', groupThreshold: 2, groups: [{ memberThreshold: 2, memberCount: 2 }, { memberThreshold: 1, memberCount: 1 }] };
    p.custodians = [
      { ...p.custodians[0], shares: [{ group: 0, member: 0 }, { group: 1, member: 0 }] },
      { ...p.custodians[1], shares: [{ group: 0, member: 1 }] },
    ];
    assert.doesNotThrow(() => validatePlan(p));
  });

  it('requires unique ids, names and a protection that fits the medium', () => {
    const p = editable(slip39TwoOfThree());
    p.custodians[1].id = 'alice';
    rejects(p, 'custodians[1].id', /already used/);
    p.custodians[1].id = 'wendy';
    rejects(p, 'witnesses[0].id', /already used by custodians\[1\]\.id/);
    p.custodians[1].id = 'bad id!';
    rejects(p, 'custodians[1].id');
    const q = editable(slip39TwoOfThree());
    q.custodians[0].name = '  ';
    rejects(q, 'custodians[0].name', /empty/);
    q.custodians[0].organisation = '';
    rejects(q, 'custodians[0].organisation');
    q.label = 'two\nlines';
    rejects(q, 'label', /control characters/);
    const m = editable(slip39TwoOfThree());
    m.custodians[0].protection = { type: 'age', recipient: AGE_RECIPIENT };
    rejects(m, 'custodians[0].protection', /needs the usb medium/);
    m.custodians[1].protection = { type: 'none' };
    rejects(m, 'custodians[1].protection', /only encrypted/);
    m.custodians[2].protection = { type: 'none' };
    rejects(m, 'custodians[2].protection');
    const k = editable(slip39TwoOfThree());
    k.custodians[0].medium = 'pkcs11';
    rejects(k, 'custodians[0].protection');
    k.custodians[0].protection = { type: 'pkcs11', tokenLabel: 'Alice token' };
    assert.doesNotThrow(() => validatePlan(k));
  });

  it('checks age recipients and OpenPGP public keys, and refuses a private key', () => {
    const p = editable(slip39TwoOfThree());
    p.custodians[1].protection = { type: 'age', recipient: 'AGE-SECRET-KEY-1QQQ' };
    rejects(p, 'custodians[1].protection.recipient', /not the secret key/);
    p.custodians[1].protection = { type: 'openpgp', publicKeyArmored: PGP_PUBLIC_KEY };
    assert.doesNotThrow(() => validatePlan(p));
    p.custodians[1].protection = { type: 'openpgp', publicKeyArmored: '-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----' };
    rejects(p, 'custodians[1].protection.publicKeyArmored', /private key/);
  });

  it('needs a witness or a reason, and no witness who is also a custodian', () => {
    const p = editable(slip39TwoOfThree());
    p.witnesses = [];
    rejects(p, 'witnesses', /noWitnessReason/);
    p.noWitnessReason = 'Solo recovery drill on a lab machine';
    const w = validatePlan(p).warnings;
    assert.equal(w.length, 1);
    assert.equal(w[0]?.kind, 'no-witnesses');
    const q = editable(slip39TwoOfThree());
    q.noWitnessReason = 'none';
    rejects(q, 'noWitnessReason');
    const r = editable(slip39TwoOfThree());
    r.witnesses[0].name = ' alice ';
    rejects(r, 'witnesses[0].name', /also a custodian/);
    const o = editable(slip39TwoOfThree());
    o.witnesses[0].observes = ['alice', 'zed'];
    rejects(o, 'witnesses[0].observes[1]', /not a custodian id/);
    o.witnesses[0].observes = ['alice', 'alice'];
    rejects(o, 'witnesses[0].observes[1]', /twice/);
    o.witnesses[0].observes = [];
    rejects(o, 'witnesses[0].observes');
  });

  it('lists every problem at once', () => {
    const p = editable(slip39TwoOfThree());
    p.label = '';
    p.custodians[0].name = '';
    p.witnesses[0].organisation = '';
    const fields = problemsOf(() => validatePlan(p)).map((x) => x.field);
    assert.deepEqual(fields, ['label', 'custodians[0].name', 'witnesses[0].organisation']);
  });
});

describe('parsePlan and planToJson', () => {
  it('round-trips the example plans, from a value or from text', () => {
    for (const plan of [slip39TwoOfThree(), vssThreeOfFive()]) {
      const text = planToJson(plan);
      assert.deepEqual(parsePlan(JSON.parse(text)), plan);
      assert.deepEqual(parsePlan(text), plan);
    }
  });

  it('writes the same text whatever order the keys were built in', () => {
    const plan = slip39TwoOfThree();
    const reversed = JSON.parse(JSON.stringify(plan), (_k, v) =>
      typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    );
    assert.notEqual(JSON.stringify(reversed), JSON.stringify(plan));
    assert.equal(planToJson(reversed), planToJson(plan));
    assert.equal(planDigest(reversed), planDigest(plan));
    assert.match(planDigest(plan), /^[0-9a-f]{64}$/);
    assert.notEqual(planDigest({ ...plan, label: 'other' }), planDigest(plan));
    assert.ok(planToJson(plan).startsWith('{\n  "version": 1,\n  "label": '));
  });

  it('round-trips random valid plans (property)', () => {
    fc.assert(
      fc.property(arbSmallPlan(), (plan) => {
        validatePlan(plan);
        const text = planToJson(plan);
        const back = parsePlan(text);
        assert.deepEqual(back, plan);
        assert.equal(planToJson(back), text);
      }),
      { numRuns: 150 },
    );
  });

  it('defaults observes to all', () => {
    const raw = editable(slip39TwoOfThree());
    delete raw.witnesses[0].observes;
    assert.equal(parsePlan(raw).witnesses[0]?.observes, 'all');
  });

  it('names misspelt, missing and mistyped fields', () => {
    const p = editable(slip39TwoOfThree());
    p.scheme.groups[0].memberTreshold = 2;
    let problems = problemsOf(() => parsePlan(p));
    assert.ok(problems.some((x) => x.field === 'scheme.groups[0].memberTreshold' && /unknown field/.test(x.message)));
    const q = editable(slip39TwoOfThree());
    delete q.custodians[1].location;
    q.custodians[2].medium = 'floppy';
    q.witnesses[0].observes = 'some';
    q.secret.bits = '256';
    problems = problemsOf(() => parsePlan(q));
    const fields = problems.map((x) => x.field);
    for (const f of ['custodians[1].location', 'custodians[2].medium', 'witnesses[0].observes', 'secret.bits']) {
      assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
    }
    const r = editable(slip39TwoOfThree());
    r.custodians[0].protection = { type: 'none', recipient: AGE_RECIPIENT };
    problems = problemsOf(() => parsePlan(r));
    assert.deepEqual(problems.map((x) => x.field), ['custodians[0].protection.recipient']);
    const s = editable(vssThreeOfFive());
    s.custodians[0].shares = [{ signer: 1, group: 0 }];
    assert.ok(problemsOf(() => parsePlan(s)).some((x) => x.field === 'custodians[0].shares[0]'));
  });

  it('rejects what is not a plan at all', () => {
    for (const bad of [null, 42, [], 'not json', '{"version": 1}']) {
      assert.throws(() => parsePlan(bad), (e: unknown) => e instanceof KeyshardError && e.code === 'POLICY_INVALID');
    }
  });

  it('applies every plan rule after the shape check', () => {
    const p = editable(slip39TwoOfThree());
    p.createdAt = 'yesterday';
    assert.deepEqual(problemsOf(() => parsePlan(p)).map((x) => x.field), ['createdAt']);
    const q = editable(slip39TwoOfThree());
    q.version = 2;
    assert.deepEqual(problemsOf(() => parsePlan(q)).map((x) => x.field), ['version']);
  });
});

describe('reachesQuorum', () => {
  it('counts each share a custodian holds', () => {
    const plan = slip39TwoOfThree();
    assert.equal(reachesQuorum(plan, ['alice']), false);
    assert.equal(reachesQuorum(plan, ['alice', 'carol']), true);
    assert.equal(reachesQuorum(plan, ['alice', 'alice']), false, 'a repeated id counts once');
    assert.throws(() => reachesQuorum(plan, ['mallory']), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    const two = { ...plan, custodians: [{ ...plan.custodians[0]!, shares: [{ group: 0, member: 0 }, { group: 0, member: 1 }] }, plan.custodians[2]!] };
    assert.equal(reachesQuorum(two, ['alice']), true);
  });

  it('is the FROST threshold for verifiable shares', () => {
    const plan = vssThreeOfFive();
    assert.equal(reachesQuorum(plan, ['alice', 'bob']), false);
    assert.equal(reachesQuorum(plan, ['alice', 'dan', 'erin']), true);
  });
});

