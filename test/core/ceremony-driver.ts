/** Helpers that drive a ceremony in tests: a valid event for any next action (not a test file itself). */
import { CONFIRMATION_METHODS, apply, nextActions, type CeremonyEvent, type CeremonyRecord, type CeremonyState, type NextAction } from '../../core/ceremony';
import { analyzeCoalitions, type CeremonyPlan } from '../../core/policy';

export const FINGERPRINT = '3f9a 61c2 0b7e d4a5';

/** A public key / commitment in the RFC 9591 element encoding of the curve (content is irrelevant to the state machine). */
export function element(curve: string, fill: number): string {
  const bytes = curve === 'ed25519' ? 32 : 33;
  return (curve === 'ed25519' ? '' : '02') + fill.toString(16).padStart(2, '0').repeat(curve === 'ed25519' ? bytes : bytes - 1);
}

/** A valid event for this next action under this plan. */
export function eventFor(plan: CeremonyPlan, action: NextAction): CeremonyEvent {
  const curve = plan.scheme.type === 'vss' ? plan.scheme.ciphersuite : plan.secret.type === 'new-key' ? plan.secret.curve : 'ed25519';
  switch (action.step) {
    case 'plan':
      return { step: 'plan' };
    case 'airgap-check':
      return { step: 'airgap-check', passed: true };
    case 'entropy':
      return { step: 'entropy', sources: ['os-csprng', 'dice'] };
    case 'generate':
    case 'import':
      return plan.scheme.type === 'vss'
        ? { step: action.step, fingerprint: FINGERPRINT, publicKey: element(curve, 1) }
        : { step: action.step, fingerprint: FINGERPRINT };
    case 'split':
      return plan.scheme.type === 'vss'
        ? { step: 'split', fingerprint: FINGERPRINT, commitments: Array.from({ length: plan.scheme.threshold }, (_, i) => element(curve, i + 1)) }
        : { step: 'split', fingerprint: FINGERPRINT, identifier: 21845 };
    case 'handoff':
      return { step: 'handoff', custodianId: action.custodianId ?? '' };
    case 'confirm': {
      const c = plan.custodians.find((x) => x.id === action.custodianId);
      return { step: 'confirm', custodianId: action.custodianId ?? '', method: CONFIRMATION_METHODS[c?.medium ?? 'paper'][0] ?? 'scan-qr' };
    }
    case 'test-recovery':
      return { step: 'test-recovery', custodianIds: analyzeCoalitions(plan, { limit: 1 }).coalitions[0]?.custodianIds ?? [], fingerprintMatch: true };
    case 'destroy':
      return { step: 'destroy', items: ['master-secret', 'shard-buffers'] };
    case 'seal':
      return { step: 'seal' };
    case 'sign-off':
      return { step: 'sign-off', witnessId: action.witnessIds?.[0] ?? '', checkpoint: action.checkpoint ?? 'plan' };
    case 'abort':
      return { step: 'abort', reason: 'test abort' };
    case 'exception':
      throw new Error('an exception is never offered as a next action');
  }
}

/**
 * Runs a whole ceremony: each time the required sign-off if one is pending, else the first offered step that is
 * neither an optional sign-off nor abort. Returns every state on the way and the events applied.
 */
export function happyPath(state: CeremonyState): { states: CeremonyState[]; events: CeremonyEvent[] } {
  const states = [state];
  const events: CeremonyEvent[] = [];
  let s = state;
  for (let guard = 0; s.status === 'active' && guard < 1000; guard++) {
    const offered = nextActions(s);
    const blocking = s.signOff !== null && s.signOff.signedBy.length < s.signOff.required;
    const next = blocking ? offered[0] : offered.find((a) => a.step !== 'sign-off' && a.step !== 'abort');
    if (next === undefined) throw new Error('no next action');
    const e = eventFor(s.plan, next);
    s = apply(s, e);
    events.push(e);
    states.push(s);
  }
  return { states, events };
}

/**
 * An independent check that a sealed ceremony's records passed every step in order: the plan, a passing or
 * overridden air-gap check (after any failed ones), entropy, generate or import, split with the same fingerprint, a
 * handoff then its confirmation for every custodian exactly once, a matching test recovery (after any failed ones),
 * destroy, seal; and a witness sign-off after every checkpoint of the recorded policy.
 */
export function assertCompleteCeremony(plan: CeremonyPlan, records: readonly CeremonyRecord[]): void {
  const fail = (why: string): never => {
    throw new Error(`incomplete ceremony: ${why}\n${records.map((r) => r.step).join(' ')}`);
  };
  // Exceptions are notes beside the steps (a failed confirmation before its retry), not steps; nor are receipts
  // (entries main writes beside core's steps; test/services/ceremony-receipts checks main waits for them).
  const main = records.map((r, i) => ({ r, i })).filter((x) => x.r.step !== 'sign-off' && x.r.step !== 'exception' && (x.r.step as string) !== 'receipt');
  let k = 0;
  const take = (step: string): CeremonyRecord => {
    const x = main[k++];
    if (x === undefined || x.r.step !== step) fail(`expected ${step} at main step ${k - 1}, got ${x?.r.step}`);
    return x!.r;
  };
  take('plan');
  while (main[k]?.r.step === 'airgap-check' && main[k]?.r.data['passed'] === false && main[k]?.r.data['override'] === undefined) k++;
  const air = take('airgap-check');
  if (air.data['passed'] !== true && air.data['override'] === undefined) fail('air gap neither passed nor overridden');
  take('entropy');
  const secret = take(plan.secret.type === 'import' ? 'import' : 'generate');
  const split = take('split');
  if (split.data['fingerprint'] !== secret.data['fingerprint']) fail('split fingerprint differs');
  const seen = new Set<string>();
  for (let c = 0; c < plan.custodians.length; c++) {
    const h = take('handoff');
    const id = String(h.data['custodianId']);
    if (seen.has(id) || !plan.custodians.some((x) => x.id === id)) fail(`bad handoff ${id}`);
    seen.add(id);
    if (take('confirm').data['custodianId'] !== id) fail(`confirm does not follow handoff of ${id}`);
  }
  while (main[k]?.r.step === 'test-recovery' && main[k]?.r.data['fingerprintMatch'] === false) k++;
  if (take('test-recovery').data['fingerprintMatch'] !== true) fail('recovery did not match');
  take('destroy');
  take('seal');
  if (k !== main.length) fail('records after seal');

  const policy = (records[0]?.data['signOffs'] ?? {}) as Record<string, string>;
  main.forEach(({ r, i }, j) => {
    const rule = policy[r.step];
    if (rule === undefined) return;
    if (r.step === 'airgap-check' && r.data['passed'] === false && r.data['override'] === undefined) return;
    if (r.step === 'test-recovery' && r.data['fingerprintMatch'] === false) return;
    const end = main[j + 1]?.i ?? records.length;
    const signs = records.slice(i + 1, end).filter((x) => x.step === 'sign-off' && x.data['checkpoint'] === r.step);
    const custodianId = r.data['custodianId'];
    const eligible = plan.witnesses.filter((w) => typeof custodianId !== 'string' || w.observes === 'all' || w.observes.includes(custodianId));
    const needed = eligible.length === 0 ? 0 : rule === 'all' ? eligible.length : 1;
    if (signs.length < needed) fail(`${r.step} (record ${i}) lacks a witness sign-off`);
  });
}
