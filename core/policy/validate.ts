import { ID_PATTERN, ProblemList, isIntIn, isIsoInstant, readClock, sameKey } from './text';
import type { ProblemWhat } from './problems';
import {
  KEY_CURVES,
  PLAN_VERSION,
  PROTECTIONS_BY_MEDIUM,
  type CeremonyPlan,
  type Clock,
  type Custodian,
  type PlanDraft,
  type PlanWarning,
  type SchemePlan,
  type ShareRef,
  type Slip39ShareRef,
  type VssShareRef,
} from './types';

/** SLIP-39 limits (trezor/python-shamir-mnemonic: MAX_SHARE_COUNT = 16 for groups and for members). */
export const SLIP39_MAX_GROUPS = 16;
export const SLIP39_MAX_MEMBERS = 16;
/** FROST identifiers here are 1..n in one byte's range; RFC 9591 needs 2 <= t <= n. */
export const VSS_MAX_SHARES = 255;
/** SLIP-39 master secrets: at least 128 bits, an even number of bytes; 64 bytes covers a BIP-39 seed. */
export const IMPORT_SEED_MIN_BYTES = 16;
export const IMPORT_SEED_MAX_BYTES = 64;
export const KEY_BYTES = 32;
const MAX_TEXT = 200;
const MAX_REASON = 1000;

export interface PlanCheck {
  readonly warnings: readonly PlanWarning[];
}

/**
 * Checks every rule of a plan. Throws one POLICY_INVALID listing all problems (details.problems: [{field, message}]);
 * returns the warnings of a valid plan (no witnesses, custodians no witness observes).
 *
 * A custodian may not also be a witness (same id or same name): a witness is there to check the custodians
 * independently, and the coalition analysis counts a witness's view separately from a custodian's shares.
 */
export function validatePlan(plan: CeremonyPlan): PlanCheck {
  const problems = new ProblemList();
  if (plan.version !== PLAN_VERSION) {
    problems.add('version', 'version', { expected: PLAN_VERSION, got: String(plan.version) });
  }
  checkText(problems, 'label', plan.label, 'label');
  if (!isIsoInstant(plan.createdAt)) {
    problems.add('createdAt', 'createdAt');
  }
  checkSecret(problems, plan);
  checkScheme(problems, plan.scheme);
  const ids = new Map<string, string>();
  checkCustodians(problems, plan, ids);
  checkWitnesses(problems, plan, ids);
  checkRoles(problems, plan);
  problems.throwIfAny();
  return { warnings: planWarnings(plan) };
}

/** Makes a plan from a draft: sets the format version and the creation time from the clock, then validates it. */
export function createPlan(draft: PlanDraft, clock: Clock): CeremonyPlan {
  const plan: CeremonyPlan = {
    version: PLAN_VERSION,
    label: draft.label,
    createdAt: readClock(clock),
    secret: draft.secret,
    scheme: draft.scheme,
    custodians: draft.custodians,
    witnesses: draft.witnesses.map((w) => ({ id: w.id, name: w.name, organisation: w.organisation, observes: w.observes ?? 'all' })),
    ...(draft.noWitnessReason === undefined ? {} : { noWitnessReason: draft.noWitnessReason }),
    ...(draft.administrator === undefined ? {} : { administrator: draft.administrator }),
    ...(draft.externalWitnesses === undefined ? {} : { externalWitnesses: draft.externalWitnesses }),
  };
  validatePlan(plan);
  return plan;
}

function checkText(problems: ProblemList, field: string, value: unknown, what: ProblemWhat, max = MAX_TEXT): void {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(field, 'text.empty', { what });
  } else if (value.length > max) {
    problems.add(field, 'text.long', { what, length: value.length, max });
  } else if (/\p{Cc}/u.test(value)) {
    problems.add(field, 'text.control', { what });
  }
}

function checkSecret(problems: ProblemList, plan: CeremonyPlan): void {
  const { secret, scheme } = plan;
  switch (secret.type) {
    case 'new-key':
      if (!KEY_CURVES.includes(secret.curve)) problems.add('secret.curve', 'secret.curve', { choices: KEY_CURVES.join(', ') });
      break;
    case 'new-seed':
      if (secret.bits !== 128 && secret.bits !== 256) problems.add('secret.bits', 'secret.bits');
      break;
    case 'import':
      if (secret.kind === 'seed') {
        if (!isIntIn(secret.lengthBytes, IMPORT_SEED_MIN_BYTES, IMPORT_SEED_MAX_BYTES) || secret.lengthBytes % 2 !== 0) {
          problems.add('secret.lengthBytes', 'secret.seedLength', { min: IMPORT_SEED_MIN_BYTES, max: IMPORT_SEED_MAX_BYTES });
        }
      } else if (KEY_CURVES.includes(secret.kind)) {
        if (secret.lengthBytes !== KEY_BYTES) problems.add('secret.lengthBytes', 'secret.keyLength', { kind: String(secret.kind), bytes: KEY_BYTES });
      } else {
        problems.add('secret.kind', 'secret.kind', { choices: KEY_CURVES.join(', ') });
      }
      break;
    default:
      problems.add('secret.type', 'secret.type');
      return;
  }
  if (scheme.type === 'vss') {
    const curve = secret.type === 'new-key' ? secret.curve : secret.type === 'import' && secret.kind !== 'seed' ? secret.kind : undefined;
    if (curve === undefined) {
      problems.add('secret', 'secret.vssSeed');
    } else if (curve !== scheme.ciphersuite) {
      problems.add('scheme.ciphersuite', 'scheme.suiteMismatch', { curve: String(curve), suite: String(scheme.ciphersuite) });
    }
  }
}

function checkScheme(problems: ProblemList, scheme: SchemePlan): void {
  if (scheme.type === 'slip39') {
    const groups = scheme.groups;
    if (!Array.isArray(groups) || groups.length < 1 || groups.length > SLIP39_MAX_GROUPS) {
      problems.add('scheme.groups', Array.isArray(groups) ? 'scheme.groups' : 'scheme.groupsNone', { max: SLIP39_MAX_GROUPS, ...(Array.isArray(groups) ? { groups: groups.length } : {}) });
      return;
    }
    if (!isIntIn(scheme.groupThreshold, 1, groups.length)) {
      problems.add('scheme.groupThreshold', 'scheme.groupThreshold', { groups: groups.length, got: String(scheme.groupThreshold) });
    }
    groups.forEach((g, i) => {
      const f = `scheme.groups[${i}]`;
      if (!isIntIn(g.memberCount, 1, SLIP39_MAX_MEMBERS)) {
        problems.add(`${f}.memberCount`, 'scheme.memberCount', { max: SLIP39_MAX_MEMBERS, got: String(g.memberCount) });
        return;
      }
      if (!isIntIn(g.memberThreshold, 1, g.memberCount)) {
        problems.add(`${f}.memberThreshold`, 'scheme.memberThreshold', { members: String(g.memberCount), got: String(g.memberThreshold) });
      } else if (g.memberThreshold === 1 && g.memberCount > 1) {
        problems.add(`${f}.memberThreshold`, 'scheme.memberThresholdOne');
      }
    });
  } else if (scheme.type === 'vss') {
    if (!KEY_CURVES.includes(scheme.ciphersuite)) problems.add('scheme.ciphersuite', 'scheme.ciphersuite', { choices: KEY_CURVES.join(', ') });
    if (!isIntIn(scheme.shares, 2, VSS_MAX_SHARES)) {
      problems.add('scheme.shares', 'scheme.shares', { max: VSS_MAX_SHARES, got: String(scheme.shares) });
    } else if (!isIntIn(scheme.threshold, 2, scheme.shares)) {
      problems.add('scheme.threshold', 'scheme.threshold', { shares: String(scheme.shares), got: String(scheme.threshold) });
    }
  } else {
    problems.add('scheme.type', 'scheme.type');
  }
}

function shareKey(ref: ShareRef): string {
  return 'signer' in ref ? `signer ${ref.signer}` : `group ${ref.group} member ${ref.member}`;
}

function checkShareRef(problems: ProblemList, scheme: SchemePlan, ref: ShareRef, field: string): boolean {
  if (scheme.type === 'vss') {
    const r = ref as Partial<VssShareRef> & Partial<Slip39ShareRef>;
    if (r.group !== undefined || r.member !== undefined || !isIntIn(r.signer, 1, scheme.shares)) {
      problems.add(field, 'share.vss', { max: String(scheme.shares) });
      return false;
    }
    return true;
  }
  const r = ref as Partial<VssShareRef> & Partial<Slip39ShareRef>;
  const group = isIntIn(r.group, 0, scheme.groups.length - 1) ? scheme.groups[r.group] : undefined;
  if (r.signer !== undefined || group === undefined) {
    problems.add(field, 'share.slip39', { max: scheme.groups.length - 1 });
    return false;
  }
  if (!isIntIn(r.member, 0, group.memberCount - 1)) {
    problems.add(`${field}.member`, 'share.member', { group: String(r.group), max: group.memberCount - 1, got: String(r.member) });
    return false;
  }
  return true;
}

function allShareKeys(scheme: SchemePlan): string[] {
  if (scheme.type === 'vss') {
    return isIntIn(scheme.shares, 2, VSS_MAX_SHARES) ? Array.from({ length: scheme.shares }, (_, i) => shareKey({ signer: i + 1 })) : [];
  }
  if (!Array.isArray(scheme.groups)) return [];
  return scheme.groups.flatMap((g, gi) =>
    isIntIn(g.memberCount, 1, SLIP39_MAX_MEMBERS) ? Array.from({ length: g.memberCount }, (_, m) => shareKey({ group: gi, member: m })) : [],
  );
}

function checkId(problems: ProblemList, field: string, id: unknown, ids: Map<string, string>): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    problems.add(field, 'id.invalid');
    return;
  }
  const other = ids.get(id);
  if (other !== undefined) problems.add(field, 'id.taken', { id, otherField: other });
  else ids.set(id, field);
}

function checkProtection(problems: ProblemList, c: Custodian, f: string): void {
  const p = c.protection;
  const fits = PROTECTIONS_BY_MEDIUM[c.medium];
  if (fits === undefined) {
    problems.add(`${f}.medium`, 'medium');
    return;
  }
  if (!fits.includes(p.type)) {
    const field = `${f}.protection`;
    if (p.type === 'age' || p.type === 'openpgp') problems.add(field, 'protection.needsUsb', { type: p.type, medium: c.medium });
    else if (p.type === 'pkcs11') problems.add(field, 'protection.needsPkcs11');
    else if (c.medium === 'usb') problems.add(field, 'protection.usbEncrypted');
    else problems.add(field, 'protection.forMedium', { medium: c.medium, choices: fits.map((t) => `"${t}"`).join(' or ') });
    return;
  }
  if (p.type === 'age' && (typeof p.recipient !== 'string' || !/^age1(?:[a-z0-9._+-]*1)?[02-9ac-hj-np-z]{20,}$/.test(p.recipient))) {
    problems.add(`${f}.protection.recipient`, 'protection.ageRecipient');
  }
  if (p.type === 'openpgp') {
    const a = typeof p.publicKeyArmored === 'string' ? p.publicKeyArmored : '';
    if (a.includes('PRIVATE KEY BLOCK')) {
      problems.add(`${f}.protection.publicKeyArmored`, 'protection.pgpPrivate');
    } else if (!a.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') || !a.includes('-----END PGP PUBLIC KEY BLOCK-----')) {
      problems.add(`${f}.protection.publicKeyArmored`, 'protection.pgpArmor');
    }
  }
  if (p.type === 'pkcs11' && p.tokenLabel !== undefined) checkText(problems, `${f}.protection.tokenLabel`, p.tokenLabel, 'tokenLabel', 32);
}

function checkCustodians(problems: ProblemList, plan: CeremonyPlan, ids: Map<string, string>): void {
  const { custodians, scheme } = plan;
  if (!Array.isArray(custodians) || custodians.length === 0) {
    problems.add('custodians', 'custodians.none');
    return;
  }
  const holder = new Map<string, string>();
  custodians.forEach((c, i) => {
    const f = `custodians[${i}]`;
    checkId(problems, `${f}.id`, c.id, ids);
    checkText(problems, `${f}.name`, c.name, 'custodianName');
    checkText(problems, `${f}.organisation`, c.organisation, 'organisation');
    checkText(problems, `${f}.location`, c.location, 'location');
    checkProtection(problems, c, f);
    if (!Array.isArray(c.shares) || c.shares.length === 0) {
      problems.add(`${f}.shares`, 'custodian.noShare');
      return;
    }
    if (scheme.type === 'vss' && c.shares.length !== 1) {
      problems.add(`${f}.shares`, 'custodian.vssOneShare', { shares: c.shares.length });
    }
    c.shares.forEach((ref: ShareRef, j: number) => {
      if (!checkShareRef(problems, scheme, ref, `${f}.shares[${j}]`)) return;
      const key = shareKey(ref);
      const prev = holder.get(key);
      if (prev !== undefined) problems.add(`${f}.shares[${j}]`, 'share.taken', { share: key, otherField: prev });
      else holder.set(key, `${f}.shares[${j}]`);
    });
  });
  const unassigned = allShareKeys(scheme).filter((k) => !holder.has(k));
  if (unassigned.length > 0) {
    const shares = unassigned.slice(0, 5).join(', ');
    if (unassigned.length > 5) problems.add('custodians', 'shares.unassignedMore', { shares, more: unassigned.length - 5 });
    else problems.add('custodians', 'shares.unassigned', { shares });
  }
}

function checkWitnesses(problems: ProblemList, plan: CeremonyPlan, ids: Map<string, string>): void {
  const { witnesses, custodians } = plan;
  if (!Array.isArray(witnesses)) {
    problems.add('witnesses', 'witnesses.notList');
    return;
  }
  if (witnesses.length === 0) {
    if (plan.noWitnessReason === undefined) {
      problems.add('witnesses', 'witnesses.none');
    } else {
      checkText(problems, 'noWitnessReason', plan.noWitnessReason, 'noWitnessReason', MAX_REASON);
    }
  } else if (plan.noWitnessReason !== undefined) {
    problems.add('noWitnessReason', 'noWitnessReason.extra');
  }
  const custodianIds = new Set(Array.isArray(custodians) ? custodians.map((c) => c.id) : []);
  const custodianNames = new Map<string, string>();
  if (Array.isArray(custodians)) custodians.forEach((c, i) => typeof c.name === 'string' && custodianNames.set(sameKey(c.name), `custodians[${i}]`));
  witnesses.forEach((w, i) => {
    const f = `witnesses[${i}]`;
    checkId(problems, `${f}.id`, w.id, ids);
    checkText(problems, `${f}.name`, w.name, 'witnessName');
    checkText(problems, `${f}.organisation`, w.organisation, 'organisation');
    if (typeof w.name === 'string' && w.name.trim() !== '') {
      const also = custodianNames.get(sameKey(w.name));
      if (also !== undefined) {
        problems.add(`${f}.name`, 'witness.isCustodian', { name: w.name, otherField: also });
      }
    }
    if (w.observes === 'all') return;
    if (!Array.isArray(w.observes) || w.observes.length === 0) {
      problems.add(`${f}.observes`, 'witness.observesEmpty');
      return;
    }
    const seen = new Set<string>();
    w.observes.forEach((id: string, j: number) => {
      if (!custodianIds.has(id)) problems.add(`${f}.observes[${j}]`, 'witness.observesUnknown', { id: String(id) });
      else if (seen.has(id)) problems.add(`${f}.observes[${j}]`, 'witness.observesTwice', { id });
      seen.add(id);
    });
  });
}

/**
 * The administrator and external witnesses: named people, none of them a custodian or an internal witness. The
 * administrator runs the machine and a witness checks the administrator, so one person cannot be both; an external
 * witness listed twice, or also a custodian, would make the script ask one person to initial for two.
 */
function checkRoles(problems: ProblemList, plan: CeremonyPlan): void {
  const taken = new Map<string, string>();
  const note = (name: unknown, field: string): void => {
    if (typeof name === 'string' && name.trim() !== '' && !taken.has(sameKey(name))) taken.set(sameKey(name), field);
  };
  if (Array.isArray(plan.custodians)) plan.custodians.forEach((c, i) => note(c.name, `custodians[${i}]`));
  if (Array.isArray(plan.witnesses)) plan.witnesses.forEach((w, i) => note(w.name, `witnesses[${i}]`));
  const person = (p: unknown, f: string, role: 'administrator' | 'externalWitness'): void => {
    if (typeof p !== 'object' || p === null) {
      problems.add(f, role === 'administrator' ? 'administrator.missing' : 'externalWitness.missing');
      return;
    }
    const { name, organisation } = p as { name?: unknown; organisation?: unknown };
    checkText(problems, `${f}.name`, name, role === 'administrator' ? 'administratorName' : 'externalWitnessName');
    checkText(problems, `${f}.organisation`, organisation, 'organisation');
    if (typeof name !== 'string' || name.trim() === '') return;
    const other = taken.get(sameKey(name));
    if (other !== undefined) problems.add(`${f}.name`, 'role.taken', { name, otherField: other });
    else taken.set(sameKey(name), f);
  };
  if (plan.administrator !== undefined) person(plan.administrator, 'administrator', 'administrator');
  if (plan.externalWitnesses !== undefined) {
    if (!Array.isArray(plan.externalWitnesses)) problems.add('externalWitnesses', 'externalWitnesses.notList');
    else plan.externalWitnesses.forEach((p, i) => person(p, `externalWitnesses[${i}]`, 'externalWitness'));
  }
}

/** True when the witness observes this custodian's handoff. */
export function observes(w: { readonly observes: 'all' | readonly string[] }, custodianId: string): boolean {
  return w.observes === 'all' || w.observes.includes(custodianId);
}

function planWarnings(plan: CeremonyPlan): PlanWarning[] {
  if (plan.witnesses.length === 0) {
    return [
      {
        kind: 'no-witnesses',
        field: 'witnesses',
        message: `Nobody witnesses this ceremony (reason given: ${plan.noWitnessReason ?? ''}). No step will carry a witness sign-off.`,
      },
    ];
  }
  return plan.custodians.flatMap((c, i) =>
    plan.witnesses.some((w) => observes(w, c.id))
      ? []
      : [
          {
            kind: 'custodian-unobserved' as const,
            field: `custodians[${i}]`,
            custodianId: c.id,
            message: `No witness observes the handoff to ${c.name}; add ${c.id} to a witness's observes list if someone should.`,
          },
        ],
  );
}
