import { ID_PATTERN, ProblemList, isIntIn, isIsoInstant, readClock, sameKey } from './text';
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
    problems.add('version', `this tool reads plan version ${PLAN_VERSION}; got ${String(plan.version)}. Make the plan again with this version of keyshard.`);
  }
  checkText(problems, 'label', plan.label, 'the ceremony label');
  if (!isIsoInstant(plan.createdAt)) {
    problems.add('createdAt', 'must be an ISO 8601 UTC time such as 2025-01-31T09:00:00.000Z; let keyshard set it when making the plan.');
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

function checkText(problems: ProblemList, field: string, value: unknown, what: string, max = MAX_TEXT): void {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(field, `${what} is empty; write it in.`);
  } else if (value.length > max) {
    problems.add(field, `${what} is ${value.length} characters long; shorten it to ${max} or fewer.`);
  } else if (/\p{Cc}/u.test(value)) {
    problems.add(field, `${what} contains control characters (line breaks, tabs); remove them.`);
  }
}

function checkSecret(problems: ProblemList, plan: CeremonyPlan): void {
  const { secret, scheme } = plan;
  switch (secret.type) {
    case 'new-key':
      if (!KEY_CURVES.includes(secret.curve)) problems.add('secret.curve', `choose one of ${KEY_CURVES.join(', ')}.`);
      break;
    case 'new-seed':
      if (secret.bits !== 128 && secret.bits !== 256) problems.add('secret.bits', 'a new seed has 128 or 256 bits; choose one.');
      break;
    case 'import':
      if (secret.kind === 'seed') {
        if (!isIntIn(secret.lengthBytes, IMPORT_SEED_MIN_BYTES, IMPORT_SEED_MAX_BYTES) || secret.lengthBytes % 2 !== 0) {
          problems.add('secret.lengthBytes', `an imported seed is an even number of bytes from ${IMPORT_SEED_MIN_BYTES} to ${IMPORT_SEED_MAX_BYTES} (SLIP-39); check the length of the secret you will import.`);
        }
      } else if (KEY_CURVES.includes(secret.kind)) {
        if (secret.lengthBytes !== KEY_BYTES) problems.add('secret.lengthBytes', `an imported ${secret.kind} key is ${KEY_BYTES} bytes; set lengthBytes to ${KEY_BYTES}.`);
      } else {
        problems.add('secret.kind', `choose one of ${KEY_CURVES.join(', ')} or seed.`);
      }
      break;
    default:
      problems.add('secret.type', 'choose new-key, new-seed or import.');
      return;
  }
  if (scheme.type === 'vss') {
    const curve = secret.type === 'new-key' ? secret.curve : secret.type === 'import' && secret.kind !== 'seed' ? secret.kind : undefined;
    if (curve === undefined) {
      problems.add('secret', 'verifiable (FROST) shares split a signing key, not a seed; make or import a key, or use the slip39 scheme.');
    } else if (curve !== scheme.ciphersuite) {
      problems.add('scheme.ciphersuite', `the key is ${curve} but the ciphersuite is ${scheme.ciphersuite}; make them the same.`);
    }
  }
}

function checkScheme(problems: ProblemList, scheme: SchemePlan): void {
  if (scheme.type === 'slip39') {
    const groups = scheme.groups;
    if (!Array.isArray(groups) || groups.length < 1 || groups.length > SLIP39_MAX_GROUPS) {
      problems.add('scheme.groups', `SLIP-39 allows 1 to ${SLIP39_MAX_GROUPS} groups; this plan has ${Array.isArray(groups) ? groups.length : 'none'}.`);
      return;
    }
    if (!isIntIn(scheme.groupThreshold, 1, groups.length)) {
      problems.add('scheme.groupThreshold', `must be a whole number from 1 to the number of groups (${groups.length}); got ${String(scheme.groupThreshold)}.`);
    }
    groups.forEach((g, i) => {
      const f = `scheme.groups[${i}]`;
      if (!isIntIn(g.memberCount, 1, SLIP39_MAX_MEMBERS)) {
        problems.add(`${f}.memberCount`, `a group has 1 to ${SLIP39_MAX_MEMBERS} members; got ${String(g.memberCount)}.`);
        return;
      }
      if (!isIntIn(g.memberThreshold, 1, g.memberCount)) {
        problems.add(`${f}.memberThreshold`, `must be from 1 to the group's member count (${g.memberCount}); got ${String(g.memberThreshold)}.`);
      } else if (g.memberThreshold === 1 && g.memberCount > 1) {
        problems.add(`${f}.memberThreshold`, `SLIP-39 allows member threshold 1 only with a single member (1-of-1); use 1 member, or raise the threshold to 2 or more.`);
      }
    });
  } else if (scheme.type === 'vss') {
    if (!KEY_CURVES.includes(scheme.ciphersuite)) problems.add('scheme.ciphersuite', `choose one of ${KEY_CURVES.join(', ')}.`);
    if (!isIntIn(scheme.shares, 2, VSS_MAX_SHARES)) {
      problems.add('scheme.shares', `must be a whole number from 2 to ${VSS_MAX_SHARES}; got ${String(scheme.shares)}.`);
    } else if (!isIntIn(scheme.threshold, 2, scheme.shares)) {
      problems.add('scheme.threshold', `must be from 2 to the number of shares (${scheme.shares}); got ${String(scheme.threshold)}. FROST needs at least 2 signers.`);
    }
  } else {
    problems.add('scheme.type', 'choose slip39 or vss.');
  }
}

function shareKey(ref: ShareRef): string {
  return 'signer' in ref ? `signer ${ref.signer}` : `group ${ref.group} member ${ref.member}`;
}

function checkShareRef(problems: ProblemList, scheme: SchemePlan, ref: ShareRef, field: string): boolean {
  if (scheme.type === 'vss') {
    const r = ref as Partial<VssShareRef> & Partial<Slip39ShareRef>;
    if (r.group !== undefined || r.member !== undefined || !isIntIn(r.signer, 1, scheme.shares)) {
      problems.add(field, `a verifiable share is {"signer": N} with N from 1 to ${scheme.shares}.`);
      return false;
    }
    return true;
  }
  const r = ref as Partial<VssShareRef> & Partial<Slip39ShareRef>;
  const group = isIntIn(r.group, 0, scheme.groups.length - 1) ? scheme.groups[r.group] : undefined;
  if (r.signer !== undefined || group === undefined) {
    problems.add(field, `a SLIP-39 share is {"group": G, "member": M} with G from 0 to ${scheme.groups.length - 1}.`);
    return false;
  }
  if (!isIntIn(r.member, 0, group.memberCount - 1)) {
    problems.add(`${field}.member`, `group ${String(r.group)} has members 0 to ${group.memberCount - 1}; got ${String(r.member)}.`);
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
    problems.add(field, 'an id is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.');
    return;
  }
  const other = ids.get(id);
  if (other !== undefined) problems.add(field, `id "${id}" is already used by ${other}; every custodian and witness needs its own id.`);
  else ids.set(id, field);
}

function checkProtection(problems: ProblemList, c: Custodian, f: string): void {
  const p = c.protection;
  const fits = PROTECTIONS_BY_MEDIUM[c.medium];
  if (fits === undefined) {
    problems.add(`${f}.medium`, 'choose screen-qr, paper, usb or pkcs11.');
    return;
  }
  if (!fits.includes(p.type)) {
    const hint =
      p.type === 'age' || p.type === 'openpgp'
        ? `${p.type} encrypts a file, so it needs the usb medium; set medium to "usb", or protection to "none" for ${c.medium}.`
        : p.type === 'pkcs11'
          ? 'pkcs11 protection needs the pkcs11 medium (the shard is stored on the token); set medium to "pkcs11".'
          : c.medium === 'usb'
            ? 'a shard is written to a USB drive only encrypted; choose protection "age" (recipient) or "openpgp" (public key).'
            : `the ${c.medium} medium needs protection ${fits.map((t) => `"${t}"`).join(' or ')}.`;
    problems.add(`${f}.protection`, hint);
    return;
  }
  if (p.type === 'age' && (typeof p.recipient !== 'string' || !/^age1(?:[a-z0-9._+-]*1)?[02-9ac-hj-np-z]{20,}$/.test(p.recipient))) {
    problems.add(`${f}.protection.recipient`, 'an age recipient looks like "age1" followed by lowercase letters and digits (from age-keygen -y); paste the public recipient, not the secret key.');
  }
  if (p.type === 'openpgp') {
    const a = typeof p.publicKeyArmored === 'string' ? p.publicKeyArmored : '';
    if (a.includes('PRIVATE KEY BLOCK')) {
      problems.add(`${f}.protection.publicKeyArmored`, 'this is an OpenPGP private key; remove it from the plan at once and paste the public key (gpg --armor --export).');
    } else if (!a.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') || !a.includes('-----END PGP PUBLIC KEY BLOCK-----')) {
      problems.add(`${f}.protection.publicKeyArmored`, 'paste the armored OpenPGP public key (gpg --armor --export), from BEGIN PGP PUBLIC KEY BLOCK to END.');
    }
  }
  if (p.type === 'pkcs11' && p.tokenLabel !== undefined) checkText(problems, `${f}.protection.tokenLabel`, p.tokenLabel, 'the token label', 32);
}

function checkCustodians(problems: ProblemList, plan: CeremonyPlan, ids: Map<string, string>): void {
  const { custodians, scheme } = plan;
  if (!Array.isArray(custodians) || custodians.length === 0) {
    problems.add('custodians', 'a plan needs custodians to hold the shares; add them.');
    return;
  }
  const holder = new Map<string, string>();
  custodians.forEach((c, i) => {
    const f = `custodians[${i}]`;
    checkId(problems, `${f}.id`, c.id, ids);
    checkText(problems, `${f}.name`, c.name, 'the custodian name');
    checkText(problems, `${f}.organisation`, c.organisation, 'the organisation');
    checkText(problems, `${f}.location`, c.location, 'the location');
    checkProtection(problems, c, f);
    if (!Array.isArray(c.shares) || c.shares.length === 0) {
      problems.add(`${f}.shares`, 'this custodian holds no share; give them one or remove them from the plan.');
      return;
    }
    if (scheme.type === 'vss' && c.shares.length !== 1) {
      problems.add(`${f}.shares`, `with verifiable shares each custodian holds exactly one share; this one has ${c.shares.length}.`);
    }
    c.shares.forEach((ref: ShareRef, j: number) => {
      if (!checkShareRef(problems, scheme, ref, `${f}.shares[${j}]`)) return;
      const key = shareKey(ref);
      const prev = holder.get(key);
      if (prev !== undefined) problems.add(`${f}.shares[${j}]`, `${key} is already assigned at ${prev}; every share goes to exactly one custodian.`);
      else holder.set(key, `${f}.shares[${j}]`);
    });
  });
  const unassigned = allShareKeys(scheme).filter((k) => !holder.has(k));
  if (unassigned.length > 0) {
    const shown = unassigned.slice(0, 5).join(', ') + (unassigned.length > 5 ? ` and ${unassigned.length - 5} more` : '');
    problems.add('custodians', `every share must go to a custodian; nobody holds ${shown}.`);
  }
}

function checkWitnesses(problems: ProblemList, plan: CeremonyPlan, ids: Map<string, string>): void {
  const { witnesses, custodians } = plan;
  if (!Array.isArray(witnesses)) {
    problems.add('witnesses', 'list the witnesses (an empty list needs noWitnessReason).');
    return;
  }
  if (witnesses.length === 0) {
    if (plan.noWitnessReason === undefined) {
      problems.add('witnesses', 'a ceremony needs at least one witness; add one, or say why there is none in noWitnessReason.');
    } else {
      checkText(problems, 'noWitnessReason', plan.noWitnessReason, 'the reason for having no witness', MAX_REASON);
    }
  } else if (plan.noWitnessReason !== undefined) {
    problems.add('noWitnessReason', 'the plan has witnesses; remove noWitnessReason.');
  }
  const custodianIds = new Set(Array.isArray(custodians) ? custodians.map((c) => c.id) : []);
  const custodianNames = new Map<string, string>();
  if (Array.isArray(custodians)) custodians.forEach((c, i) => typeof c.name === 'string' && custodianNames.set(sameKey(c.name), `custodians[${i}]`));
  witnesses.forEach((w, i) => {
    const f = `witnesses[${i}]`;
    checkId(problems, `${f}.id`, w.id, ids);
    checkText(problems, `${f}.name`, w.name, 'the witness name');
    checkText(problems, `${f}.organisation`, w.organisation, 'the organisation');
    if (typeof w.name === 'string' && w.name.trim() !== '') {
      const also = custodianNames.get(sameKey(w.name));
      if (also !== undefined) {
        problems.add(`${f}.name`, `"${w.name}" is also a custodian (${also}); a witness checks the custodians and cannot be one. Choose another witness (if they are different people, make the names distinguishable).`);
      }
    }
    if (w.observes === 'all') return;
    if (!Array.isArray(w.observes) || w.observes.length === 0) {
      problems.add(`${f}.observes`, 'list the custodian ids whose handoffs this witness observes, or write "all".');
      return;
    }
    const seen = new Set<string>();
    w.observes.forEach((id: string, j: number) => {
      if (!custodianIds.has(id)) problems.add(`${f}.observes[${j}]`, `"${String(id)}" is not a custodian id in this plan; check the spelling.`);
      else if (seen.has(id)) problems.add(`${f}.observes[${j}]`, `"${id}" is listed twice; list each custodian once.`);
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
  const person = (p: unknown, f: string, what: string): void => {
    if (typeof p !== 'object' || p === null) {
      problems.add(f, `give the ${what}'s name and organisation, or leave it out.`);
      return;
    }
    const { name, organisation } = p as { name?: unknown; organisation?: unknown };
    checkText(problems, `${f}.name`, name, `the ${what}'s name`);
    checkText(problems, `${f}.organisation`, organisation, 'the organisation');
    if (typeof name !== 'string' || name.trim() === '') return;
    const other = taken.get(sameKey(name));
    if (other !== undefined) problems.add(`${f}.name`, `"${name}" is also ${other}; each role needs its own person (if they are different people, make the names distinguishable).`);
    else taken.set(sameKey(name), f);
  };
  if (plan.administrator !== undefined) person(plan.administrator, 'administrator', 'administrator');
  if (plan.externalWitnesses !== undefined) {
    if (!Array.isArray(plan.externalWitnesses)) problems.add('externalWitnesses', 'must be a list of { name, organisation }, or left out.');
    else plan.externalWitnesses.forEach((p, i) => person(p, `externalWitnesses[${i}]`, 'external witness'));
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
