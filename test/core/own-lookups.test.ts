/**
 * Lookups keyed by outside data answer for own entries only: a step, checkpoint or method named like an
 * Object.prototype member (`constructor`, `__proto__`, `toString`, `hasOwnProperty`) in a transcript file, a plan, a
 * ciphersuite, an error code or a custodian id is an unknown name, never an inherited function.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownValue } from '../../core/own';
import { KeyshardError } from '../../core/errors';
import { isKnownScheme, vssScheme } from '../../core/envelope';
import { analyzeCoalitions, parsePlan, validatePlan } from '../../core/policy/index';
import { signedSteps } from '../../core/signed-steps';
import { checkpointName, methodName, stepName } from '../../core/step-names';
import { appendEntry, createTranscript, serializeTranscript, verifyTranscriptText } from '../../core/transcript';
import { getSuite } from '../../core/vss/ciphersuites';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import { createCameraGate } from '../../electron/main/permissions';
import { todoFor, DEFAULT_TODO } from '../../renderer/components/errors';
import { ipcRig } from '../ipc/ipc-harness';

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

function clock(): () => Date {
  let n = 0;
  return () => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + 60_000 * n++);
}

/** A valid, unsigned transcript whose one step is named `kind` and whose data names checkpoints and methods so. */
function transcriptWith(kind: string, name: string): string {
  let t = createTranscript('proto-2025', clock());
  t = appendEntry(t, 'plan', { label: 'Prototype names' });
  t = appendEntry(t, kind, { checkpoint: name, method: name, source: name });
  t = appendEntry(t, 'sign-off', { checkpoint: name, witnessId: name });
  return serializeTranscript(t);
}

function typedOrNothing(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `not a typed error: ${String(e)}`);
    return e.code;
  }
}

describe('lookups keyed by outside data', () => {
  it('ownValue answers own entries only', () => {
    const table: Readonly<Record<string, string>> = { plan: 'Plan' };
    assert.equal(ownValue(table, 'plan'), 'Plan');
    for (const n of PROTO_NAMES) assert.equal(ownValue(table, n), undefined, n);
  });

  it('step, checkpoint and method names are words for every name, prototype members included', () => {
    for (const n of PROTO_NAMES) {
      for (const f of [stepName, checkpointName, methodName]) assert.equal(typeof f(n), 'string', `${f.name}(${n})`);
    }
    assert.equal(stepName('constructor'), 'Constructor');
    assert.equal(checkpointName('constructor'), 'the constructor');
    assert.equal(methodName('hasOwnProperty'), 'hasOwnProperty');
    assert.equal(stepName('airgap-check'), 'Air-gap check', 'known names still have their words');
  });

  it('a transcript with a step named constructor verifies in core and through transcript:verify (was INTERNAL)', async () => {
    const handlers = createIpcHandlers({ appInfo: () => assert.fail('not asked'), checkAirGap: async () => assert.fail('not asked'), camera: createCameraGate() });
    for (const name of PROTO_NAMES) {
      const text = transcriptWith('constructor', name);
      const v = verifyTranscriptText(text);
      assert.ok(v.ok, v.ok ? '' : v.reason);
      assert.ok(signedSteps(v).every((s) => typeof s.name === 'string'));
      const answer = await handlers['transcript:verify']({ text });
      assert.ok(answer.ok, JSON.stringify(answer));
      assert.equal(answer.value.valid, true);
      assert.deepEqual(
        answer.value.steps.map((s) => [s.kind, s.name]),
        [
          ['plan', 'Plan recorded, ceremony started'],
          ['constructor', 'Constructor'],
        ],
      );
    }
  });

  it('plan parsing: prototype names in every named field are refused with POLICY_INVALID or taken as plain ids', () => {
    const base = () => ({
      version: 1,
      label: 'Prototype names',
      createdAt: '2025-03-01T09:00:00.000Z',
      secret: { type: 'new-seed', bits: 256 },
      scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] },
      custodians: ['alice', 'bob', 'carol'].map((id, member) => ({
        id,
        name: id,
        organisation: 'Acme',
        location: 'Zurich',
        medium: 'paper',
        protection: { type: 'none' },
        shares: [{ group: 0, member }],
      })),
      witnesses: [{ id: 'wendy', name: 'Wendy', organisation: 'Notary', observes: 'all' }],
    });
    type Plan = ReturnType<typeof base> & Record<string, unknown>;
    const fields: [string, (p: Plan, n: string) => void, 'refused' | 'id'][] = [
      ['custodian id', (p, n) => void (p.custodians[0]!.id = n), 'id'],
      ['witness id', (p, n) => void (p.witnesses[0]!.id = n), 'id'],
      ['medium', (p, n) => void (p.custodians[0]!.medium = n), 'refused'],
      ['protection', (p, n) => void (p.custodians[0]!.protection.type = n), 'refused'],
      ['scheme type', (p, n) => void (p.scheme.type = n), 'refused'],
      ['secret type', (p, n) => void (p.secret.type = n), 'refused'],
      ['observes', (p, n) => void ((p.witnesses[0] as Record<string, unknown>)['observes'] = [n]), 'refused'],
      ['signOffs', (p, n) => void (p['signOffs'] = JSON.parse(`{"${n}":"one"}`)), 'refused'],
      ['top-level key', (p, n) => void Object.defineProperty(p, n, { value: 1, enumerable: true }), 'refused'],
    ];
    for (const [what, set, expect] of fields) {
      for (const n of PROTO_NAMES) {
        const p = base() as Plan;
        set(p, n);
        const text = JSON.stringify(p);
        const code = typedOrNothing(() => {
          const plan = parsePlan(JSON.parse(text));
          validatePlan(plan);
          analyzeCoalitions(plan);
        });
        const ok = expect === 'id' && n !== '__proto__'; // ids follow a pattern that refuses a leading underscore
        assert.equal(code, ok ? 'ok' : 'POLICY_INVALID', `${what} = ${n}`);
      }
    }
  });

  it('ciphersuites and envelope schemes named like prototype members are unknown', () => {
    for (const n of PROTO_NAMES) {
      assert.equal(typedOrNothing(() => getSuite(n)), 'VSS_CIPHERSUITE');
      assert.equal(typedOrNothing(() => vssScheme(n as never)), 'VSS_CIPHERSUITE');
    }
    assert.equal(isKnownScheme(Number('constructor')), false);
  });

  it('recovery inputs: prototype names as shard text are refused with a typed error, not INTERNAL', async () => {
    const rig = ipcRig();
    await rig.call('recovery:start');
    for (const n of PROTO_NAMES) {
      for (const text of [n, Array.from({ length: 20 }, () => n).join(' ')]) {
        const r = await rig.raw('recovery:add-shard', { text });
        const value = r.ok ? (r.value as { outcome: string; error?: { code: string } }) : undefined;
        const code = r.ok ? value?.error?.code : r.error.code;
        assert.notEqual(code, 'INTERNAL', `${text.slice(0, 30)}: ${JSON.stringify(r).slice(0, 200)}`);
        assert.ok(r.ok ? value?.outcome === 'rejected' : true);
      }
    }
  });

  it('the window: error codes, plan fields and custodian ids named like prototype members', async () => {
    // These helpers live in .tsx modules, which the Node-typed compile of the tests does not read (no JSX there):
    // loaded by a computed path, they run here without tsc resolving them.
    const tsx = (path: string): Promise<unknown> => import(`${path}.tsx`);
    const { describeField } = (await tsx('../../renderer/plan/PlanChecks')) as { describeField(field: string): string };
    const { tokenRequest } = (await tsx('../../renderer/ceremony/parts/TokenSetup')) as { tokenRequest(plan: unknown, value: unknown): unknown };
    for (const n of PROTO_NAMES) {
      assert.equal(todoFor(n), DEFAULT_TODO);
      assert.equal(typeof describeField(`custodians[0].${n}`), 'string');
    }
    const plan = {
      custodians: [{ id: 'constructor', name: 'C', medium: 'pkcs11', shares: [] }],
    } as never;
    assert.deepEqual(tokenRequest(plan, { module: null, assigned: {}, entropyOn: false, entropyToken: null } as never), {});
  });
});
