import { KeyshardError } from '../errors';
import { problemMessage } from './problems';
import { ProblemList } from './text';
import { validatePlan } from './validate';
import type {
  CeremonyPlan,
  Custodian,
  Participant,
  Protection,
  SchemePlan,
  SecretPlan,
  ShareRef,
  Slip39Group,
  Witness,
} from './types';

type Obj = Record<string, unknown>;

/**
 * Runtime check of a loaded plan (the JSON value, or its text). Checks the shape first (types, required and unknown
 * fields, so a misspelt "memberTreshold" is caught rather than ignored), then every rule of validatePlan.
 * Throws POLICY_INVALID with details.problems naming each field; returns a plain, typed plan.
 */
export function parsePlan(json: unknown): CeremonyPlan {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw new KeyshardError('POLICY_INVALID', problemMessage('parse.notJson'), { field: '' });
    }
  }
  const problems = new ProblemList();
  const plan = readPlan(new Reader(problems), value);
  problems.throwIfAny();
  validatePlan(plan as CeremonyPlan);
  return plan as CeremonyPlan;
}

/** Small typed readers that note a problem and return undefined instead of throwing, so all problems are listed. */
class Reader {
  constructor(readonly problems: ProblemList) {}

  /** An object whose keys are all in `allowed` (unknown keys are noted); without `allowed`, any keys. */
  object(v: unknown, field: string, allowed?: readonly string[]): Obj | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.problems.add(field || '(plan)', 'parse.notObject');
      return undefined;
    }
    if (allowed === undefined) return v as Obj;
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) {
        this.problems.add(join(field, k), 'parse.unknownField', { allowed: allowed.join(', ') });
      }
    }
    return v as Obj;
  }

  string(o: Obj, key: string, field: string, optional = false): string | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string') {
      this.problems.add(join(field, key), v === undefined ? 'parse.missing' : 'parse.notString');
      return undefined;
    }
    return v;
  }

  number(o: Obj, key: string, field: string): number | undefined {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.problems.add(join(field, key), v === undefined ? 'parse.missing' : 'parse.notInteger');
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(o: Obj, key: string, field: string, choices: readonly T[]): T | undefined {
    const v = o[key];
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      this.problems.add(join(field, key), v === undefined ? 'parse.choiceMissing' : 'parse.choiceInvalid', { choices: choices.join(', ') });
      return undefined;
    }
    return v as T;
  }

  array(o: Obj, key: string, field: string): unknown[] | undefined {
    const v = o[key];
    if (!Array.isArray(v)) {
      this.problems.add(join(field, key), v === undefined ? 'parse.listMissing' : 'parse.notList');
      return undefined;
    }
    return v;
  }
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

// administrator and externalWitnesses came later and are optional: a plan without them is the plan it always was.
const PLAN_KEYS = ['version', 'label', 'createdAt', 'secret', 'scheme', 'custodians', 'witnesses', 'noWitnessReason', 'administrator', 'externalWitnesses'];

function readPlan(r: Reader, v: unknown): Partial<CeremonyPlan> {
  const o = r.object(v, '', PLAN_KEYS);
  if (o === undefined) return {};
  const version = r.number(o, 'version', '');
  const label = r.string(o, 'label', '');
  const createdAt = r.string(o, 'createdAt', '');
  const secret = readSecret(r, o['secret']);
  const scheme = readScheme(r, o['scheme']);
  const custodians = r.array(o, 'custodians', '')?.map((c, i) => readCustodian(r, c, `custodians[${i}]`));
  const witnesses = r.array(o, 'witnesses', '')?.map((w, i) => readWitness(r, w, `witnesses[${i}]`));
  const noWitnessReason = r.string(o, 'noWitnessReason', '', true);
  const administrator = o['administrator'] === undefined ? undefined : readParticipant(r, o['administrator'], 'administrator');
  const externalWitnesses = o['externalWitnesses'] === undefined ? undefined : r.array(o, 'externalWitnesses', '')?.map((p, i) => readParticipant(r, p, `externalWitnesses[${i}]`));
  return {
    version: version as CeremonyPlan['version'],
    label,
    createdAt,
    secret,
    scheme,
    custodians: custodians as Custodian[],
    witnesses: witnesses as Witness[],
    ...(noWitnessReason === undefined ? {} : { noWitnessReason }),
    ...(administrator === undefined ? {} : { administrator }),
    ...(externalWitnesses === undefined ? {} : { externalWitnesses }),
  } as Partial<CeremonyPlan>;
}

function readParticipant(r: Reader, v: unknown, field: string): Participant | undefined {
  const o = r.object(v, field, ['name', 'organisation']);
  if (o === undefined) return undefined;
  const name = r.string(o, 'name', field);
  const organisation = r.string(o, 'organisation', field);
  return name === undefined || organisation === undefined ? undefined : { name, organisation };
}

function readSecret(r: Reader, v: unknown): SecretPlan | undefined {
  const base = r.object(v, 'secret');
  if (base === undefined) return undefined;
  const type = r.oneOf(base, 'type', 'secret', ['new-key', 'new-seed', 'import'] as const);
  if (type === 'new-key') {
    const o = r.object(v, 'secret', ['type', 'curve']);
    const curve = o && r.oneOf(o, 'curve', 'secret', ['ed25519', 'secp256k1', 'p256'] as const);
    return curve && { type, curve };
  }
  if (type === 'new-seed') {
    const o = r.object(v, 'secret', ['type', 'bits']);
    const bits = o && r.number(o, 'bits', 'secret');
    return bits === undefined ? undefined : ({ type, bits } as SecretPlan);
  }
  if (type === 'import') {
    const o = r.object(v, 'secret', ['type', 'kind', 'lengthBytes']);
    const kind = o && r.oneOf(o, 'kind', 'secret', ['ed25519', 'secp256k1', 'p256', 'seed'] as const);
    const lengthBytes = o && r.number(o, 'lengthBytes', 'secret');
    return kind === undefined || lengthBytes === undefined ? undefined : { type, kind, lengthBytes };
  }
  return undefined;
}

function readScheme(r: Reader, v: unknown): SchemePlan | undefined {
  const base = r.object(v, 'scheme');
  if (base === undefined) return undefined;
  const type = r.oneOf(base, 'type', 'scheme', ['slip39', 'vss'] as const);
  if (type === 'slip39') {
    const o = r.object(v, 'scheme', ['type', 'groupThreshold', 'groups']);
    if (o === undefined) return undefined;
    const groupThreshold = r.number(o, 'groupThreshold', 'scheme');
    const groups = r.array(o, 'groups', 'scheme')?.map((g, i): Slip39Group | undefined => {
      const f = `scheme.groups[${i}]`;
      const go = r.object(g, f, ['memberThreshold', 'memberCount']);
      const memberThreshold = go && r.number(go, 'memberThreshold', f);
      const memberCount = go && r.number(go, 'memberCount', f);
      return memberThreshold === undefined || memberCount === undefined ? undefined : { memberThreshold, memberCount };
    });
    return groupThreshold === undefined || groups === undefined ? undefined : { type, groupThreshold, groups: groups as Slip39Group[] };
  }
  if (type === 'vss') {
    const o = r.object(v, 'scheme', ['type', 'ciphersuite', 'threshold', 'shares']);
    if (o === undefined) return undefined;
    const ciphersuite = r.oneOf(o, 'ciphersuite', 'scheme', ['ed25519', 'secp256k1', 'p256'] as const);
    const threshold = r.number(o, 'threshold', 'scheme');
    const shares = r.number(o, 'shares', 'scheme');
    return ciphersuite === undefined || threshold === undefined || shares === undefined ? undefined : { type, ciphersuite, threshold, shares };
  }
  return undefined;
}

function readProtection(r: Reader, v: unknown, field: string): Protection | undefined {
  const base = r.object(v, field);
  if (base === undefined) return undefined;
  const type = r.oneOf(base, 'type', field, ['none', 'age', 'openpgp', 'pkcs11'] as const);
  switch (type) {
    case 'none':
      return r.object(v, field, ['type']) && { type };
    case 'age': {
      const o = r.object(v, field, ['type', 'recipient']);
      const recipient = o && r.string(o, 'recipient', field);
      return recipient === undefined ? undefined : { type, recipient };
    }
    case 'openpgp': {
      const o = r.object(v, field, ['type', 'publicKeyArmored']);
      const publicKeyArmored = o && r.string(o, 'publicKeyArmored', field);
      return publicKeyArmored === undefined ? undefined : { type, publicKeyArmored };
    }
    case 'pkcs11': {
      const o = r.object(v, field, ['type', 'tokenLabel']);
      const tokenLabel = o && r.string(o, 'tokenLabel', field, true);
      return o && (tokenLabel === undefined ? { type } : { type, tokenLabel });
    }
    default:
      return undefined;
  }
}

function readShare(r: Reader, v: unknown, field: string): ShareRef | undefined {
  const o = r.object(v, field, ['group', 'member', 'signer']);
  if (o === undefined) return undefined;
  if ('signer' in o) {
    if ('group' in o || 'member' in o) r.problems.add(field, 'parse.shareBoth');
    const signer = r.number(o, 'signer', field);
    return signer === undefined ? undefined : { signer };
  }
  const group = r.number(o, 'group', field);
  const member = r.number(o, 'member', field);
  return group === undefined || member === undefined ? undefined : { group, member };
}

function readCustodian(r: Reader, v: unknown, field: string): Partial<Custodian> | undefined {
  const o = r.object(v, field, ['id', 'name', 'organisation', 'location', 'medium', 'protection', 'shares']);
  if (o === undefined) return undefined;
  const shares = r.array(o, 'shares', field)?.map((s, i) => readShare(r, s, `${field}.shares[${i}]`));
  return {
    id: r.string(o, 'id', field),
    name: r.string(o, 'name', field),
    organisation: r.string(o, 'organisation', field),
    location: r.string(o, 'location', field),
    medium: r.oneOf(o, 'medium', field, ['screen-qr', 'paper', 'usb', 'pkcs11'] as const),
    protection: readProtection(r, o['protection'], `${field}.protection`),
    shares: shares as ShareRef[],
  } as Partial<Custodian>;
}

function readWitness(r: Reader, v: unknown, field: string): Partial<Witness> | undefined {
  const o = r.object(v, field, ['id', 'name', 'organisation', 'observes']);
  if (o === undefined) return undefined;
  let observes: Witness['observes'] | undefined = 'all';
  const raw = o['observes'];
  if (raw !== undefined && raw !== 'all') {
    if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) {
      r.problems.add(`${field}.observes`, 'parse.observes');
      observes = undefined;
    } else {
      observes = raw as string[];
    }
  }
  return {
    id: r.string(o, 'id', field),
    name: r.string(o, 'name', field),
    organisation: r.string(o, 'organisation', field),
    observes,
  } as Partial<Witness>;
}
