/**
 * The plan as the form edits it, and the two conversions: form -> CeremonyPlan (for core/policy to validate and
 * analyse) and CeremonyPlan -> form (after loading a file). Numbers stay text while typed, so a half-typed "1" is not
 * forced into something else; core's validator reports anything that is not a whole number in range.
 * The form never holds a secret: "import" records only the kind and length of what will be imported.
 */
import {
  PLAN_VERSION,
  type CeremonyPlan,
  type Custodian,
  type HandoffMedium,
  type KeyCurve,
  type Protection,
  type SchemePlan,
  type SecretPlan,
  type ShareRef,
  type Witness,
} from '../../core/policy';
// The share labels ("Share 2") in the language shown now; the form's values themselves never depend on it.
import { t } from '../i18n/translate';

export type SecretChoice = SecretPlan['type'];
export type SchemeChoice = SchemePlan['type'];
export type FileProtection = 'age' | 'openpgp';

export interface CustodianForm {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly location: string;
  readonly medium: HandoffMedium;
  /** Used when the medium is usb. */
  readonly fileProtection: FileProtection;
  readonly ageRecipient: string;
  readonly openpgpPublicKey: string;
  /** Used when the medium is pkcs11 (optional). */
  readonly tokenLabel: string;
}

export interface WitnessForm {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly observesAll: boolean;
  /** Custodian ids, used when observesAll is false. */
  readonly observes: readonly string[];
}

export interface GroupForm {
  readonly memberThreshold: string;
  readonly memberCount: string;
}

export interface PlanForm {
  readonly label: string;
  /** Kept from a loaded plan so saving it again does not change its date; null until first saved. */
  readonly createdAt: string | null;
  readonly secretType: SecretChoice;
  readonly keyCurve: KeyCurve;
  readonly seedBits: '128' | '256';
  readonly importKind: KeyCurve | 'seed';
  readonly importLength: string;
  readonly schemeType: SchemeChoice;
  readonly groupThreshold: string;
  readonly groups: readonly GroupForm[];
  readonly ciphersuite: KeyCurve;
  readonly vssThreshold: string;
  readonly vssShares: string;
  readonly custodians: readonly CustodianForm[];
  /** Share key (see shareKeyOf) -> custodian id; a missing or empty entry means nobody holds that share yet. */
  readonly assignment: Readonly<Record<string, string>>;
  readonly witnesses: readonly WitnessForm[];
  readonly noWitnessReason: string;
  /** Roles (optional in the plan): left out of it while both fields are empty. */
  readonly administrator: PersonForm;
  readonly externalWitnesses: readonly PersonForm[];
}

export interface PersonForm {
  /** Keeps a React key stable while names are typed. */
  readonly key: string;
  readonly name: string;
  readonly organisation: string;
}

let personCounter = 0;
export function blankPerson(): PersonForm {
  personCounter += 1;
  return { key: `person-${personCounter}`, name: '', organisation: '' };
}

export const CURVE_LABELS: Readonly<Record<KeyCurve, string>> = {
  ed25519: 'Ed25519',
  secp256k1: 'secp256k1',
  p256: 'P-256',
};

let counter = 0;
/** Ids unique within the form and valid for core's ID_PATTERN. */
export function newId(prefix: 'custodian' | 'witness', taken: readonly { id: string }[]): string {
  for (;;) {
    counter += 1;
    const id = `${prefix}-${counter}`;
    if (!taken.some((x) => x.id === id)) return id;
  }
}

export function blankCustodian(taken: readonly { id: string }[]): CustodianForm {
  return {
    id: newId('custodian', taken),
    name: '',
    organisation: '',
    location: '',
    medium: 'screen-qr',
    fileProtection: 'age',
    ageRecipient: '',
    openpgpPublicKey: '',
    tokenLabel: '',
  };
}

export function blankWitness(taken: readonly { id: string }[]): WitnessForm {
  return { id: newId('witness', taken), name: '', organisation: '', observesAll: true, observes: [] };
}

/** A 2-of-3 SLIP-39 starting point: three custodians (one share each) and one witness, names still to fill in. */
export function initialForm(): PlanForm {
  const c1 = blankCustodian([]);
  const c2 = blankCustodian([c1]);
  const c3 = blankCustodian([c1, c2]);
  const custodians = [c1, c2, c3];
  const base: PlanForm = {
    label: '',
    createdAt: null,
    secretType: 'new-seed',
    keyCurve: 'ed25519',
    seedBits: '256',
    importKind: 'seed',
    importLength: '32',
    schemeType: 'slip39',
    groupThreshold: '1',
    groups: [{ memberThreshold: '2', memberCount: '3' }],
    ciphersuite: 'ed25519',
    vssThreshold: '2',
    vssShares: '3',
    custodians,
    assignment: {},
    witnesses: [blankWitness(custodians)],
    noWitnessReason: '',
    administrator: blankPerson(),
    externalWitnesses: [],
  };
  return { ...base, assignment: assignInOrder(base) };
}

// ---- shares ----------------------------------------------------------------------------------------------------

export interface ShareSlot {
  readonly key: string;
  readonly ref: ShareRef;
  /** "Group 1, member 2" or "Signer 3": 1-based for people. */
  readonly label: string;
  /** For SLIP-39: the group's index (0-based). */
  readonly group?: number;
}

/** Whole number from text, or NaN (core reports it as out of range). */
export function toInt(text: string): number {
  return /^\s*-?\d+\s*$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
}

const MAX_SLOTS = 256;

/** Every share the scheme makes, in order; empty while the counts are not usable numbers. */
export function shareSlots(form: PlanForm): ShareSlot[] {
  if (form.schemeType === 'vss') {
    const n = toInt(form.vssShares);
    if (!Number.isInteger(n) || n < 1 || n > MAX_SLOTS) return [];
    return Array.from({ length: n }, (_, i) => ({ key: `s${i + 1}`, ref: { signer: i + 1 }, label: t('plan.slot.signer', { n: i + 1 }) }));
  }
  const out: ShareSlot[] = [];
  form.groups.forEach((g, gi) => {
    const n = toInt(g.memberCount);
    if (!Number.isInteger(n) || n < 1 || n > 16) return;
    for (let m = 0; m < n; m++) {
      out.push({
        key: `g${gi}m${m}`,
        ref: { group: gi, member: m },
        label: form.groups.length === 1 ? t('plan.slot.share', { n: m + 1 }) : t('plan.slot.groupShare', { group: gi + 1, n: m + 1 }),
        group: gi,
      });
    }
  });
  return out;
}

/** Gives the shares to the custodians in turn (1st share to the 1st custodian, ...), wrapping around. */
export function assignInOrder(form: PlanForm): Record<string, string> {
  const out: Record<string, string> = {};
  const slots = shareSlots(form);
  if (form.custodians.length === 0) return out;
  slots.forEach((s, i) => {
    out[s.key] = form.custodians[i % form.custodians.length]?.id ?? '';
  });
  return out;
}

/** Keeps existing assignments of shares that still exist; gives new shares to nobody (the person chooses). */
export function pruneAssignment(form: PlanForm): Record<string, string> {
  const ids = new Set(form.custodians.map((c) => c.id));
  const out: Record<string, string> = {};
  for (const s of shareSlots(form)) {
    const holder = form.assignment[s.key];
    if (holder !== undefined && ids.has(holder)) out[s.key] = holder;
  }
  return out;
}

/**
 * Keeps assignments of shares that still exist, and gives each share nobody holds to the next custodian who holds
 * nothing yet (in plan order). So switching the scheme, adding shares or adding a custodian leaves no gap that the
 * person must fill by hand, while a choice they made is never overwritten.
 */
export function fillAssignment(form: PlanForm): Record<string, string> {
  const out = pruneAssignment(form);
  const holding = new Set(Object.values(out));
  const idle = form.custodians.filter((c) => !holding.has(c.id));
  for (const s of shareSlots(form)) {
    if (out[s.key] !== undefined) continue;
    const next = idle.shift();
    if (next === undefined) break;
    out[s.key] = next.id;
  }
  return out;
}

// ---- form -> plan --------------------------------------------------------------------------------------------------

function secretOf(form: PlanForm): SecretPlan {
  switch (form.secretType) {
    case 'new-key':
      return { type: 'new-key', curve: form.keyCurve };
    case 'new-seed':
      return { type: 'new-seed', bits: form.seedBits === '128' ? 128 : 256 };
    case 'import':
      return { type: 'import', kind: form.importKind, lengthBytes: toInt(form.importLength) };
  }
}

function schemeOf(form: PlanForm): SchemePlan {
  if (form.schemeType === 'vss') {
    // The ciphersuite follows the key being split, so the two cannot disagree.
    const curve = form.secretType === 'new-key' ? form.keyCurve : form.secretType === 'import' && form.importKind !== 'seed' ? form.importKind : form.ciphersuite;
    return { type: 'vss', ciphersuite: curve, threshold: toInt(form.vssThreshold), shares: toInt(form.vssShares) };
  }
  return {
    type: 'slip39',
    groupThreshold: toInt(form.groupThreshold),
    groups: form.groups.map((g) => ({ memberThreshold: toInt(g.memberThreshold), memberCount: toInt(g.memberCount) })),
  };
}

function protectionOf(c: CustodianForm): Protection {
  switch (c.medium) {
    case 'usb':
      return c.fileProtection === 'age'
        ? { type: 'age', recipient: c.ageRecipient.trim() }
        : { type: 'openpgp', publicKeyArmored: c.openpgpPublicKey.trim() };
    case 'pkcs11':
      return c.tokenLabel.trim() === '' ? { type: 'pkcs11' } : { type: 'pkcs11', tokenLabel: c.tokenLabel.trim() };
    default:
      return { type: 'none' };
  }
}

/**
 * The plan the form describes, ready for validatePlan / analyzeCoalitions / planToJson. `createdAt` is the loaded
 * plan's, or `now` for a new one.
 */
export function formToPlan(form: PlanForm, now: string): CeremonyPlan {
  const slots = shareSlots(form);
  const custodians: Custodian[] = form.custodians.map((c) => ({
    id: c.id,
    name: c.name.trim(),
    organisation: c.organisation.trim(),
    location: c.location.trim(),
    medium: c.medium,
    protection: protectionOf(c),
    shares: slots.filter((s) => form.assignment[s.key] === c.id).map((s) => s.ref),
  }));
  const witnesses: Witness[] = form.witnesses.map((w) => ({
    id: w.id,
    name: w.name.trim(),
    organisation: w.organisation.trim(),
    observes: w.observesAll ? 'all' : form.custodians.filter((c) => w.observes.includes(c.id)).map((c) => c.id),
  }));
  return {
    version: PLAN_VERSION,
    label: form.label.trim(),
    createdAt: form.createdAt ?? now,
    secret: secretOf(form),
    scheme: schemeOf(form),
    custodians,
    witnesses,
    ...(form.witnesses.length === 0 ? { noWitnessReason: form.noWitnessReason.trim() } : {}),
    ...(form.administrator.name.trim() === '' && form.administrator.organisation.trim() === ''
      ? {}
      : { administrator: { name: form.administrator.name.trim(), organisation: form.administrator.organisation.trim() } }),
    ...(form.externalWitnesses.length === 0 ? {} : { externalWitnesses: form.externalWitnesses.map((p) => ({ name: p.name.trim(), organisation: p.organisation.trim() })) }),
  };
}

// ---- plan -> form --------------------------------------------------------------------------------------------------

function shareKeyOf(ref: ShareRef): string {
  return 'signer' in ref ? `s${ref.signer}` : `g${ref.group}m${ref.member}`;
}

/** The form for a plan read from a file (already checked by parsePlan). */
export function planToForm(plan: CeremonyPlan): PlanForm {
  const assignment: Record<string, string> = {};
  for (const c of plan.custodians) for (const ref of c.shares) assignment[shareKeyOf(ref)] = c.id;
  const s = plan.secret;
  const scheme = plan.scheme;
  const base = initialForm();
  return {
    ...base,
    label: plan.label,
    createdAt: plan.createdAt,
    secretType: s.type,
    keyCurve: s.type === 'new-key' ? s.curve : base.keyCurve,
    seedBits: s.type === 'new-seed' ? (String(s.bits) as '128' | '256') : base.seedBits,
    importKind: s.type === 'import' ? s.kind : base.importKind,
    importLength: s.type === 'import' ? String(s.lengthBytes) : base.importLength,
    schemeType: scheme.type,
    groupThreshold: scheme.type === 'slip39' ? String(scheme.groupThreshold) : base.groupThreshold,
    groups:
      scheme.type === 'slip39'
        ? scheme.groups.map((g) => ({ memberThreshold: String(g.memberThreshold), memberCount: String(g.memberCount) }))
        : base.groups,
    ciphersuite: scheme.type === 'vss' ? scheme.ciphersuite : base.ciphersuite,
    vssThreshold: scheme.type === 'vss' ? String(scheme.threshold) : base.vssThreshold,
    vssShares: scheme.type === 'vss' ? String(scheme.shares) : base.vssShares,
    custodians: plan.custodians.map((c) => ({
      id: c.id,
      name: c.name,
      organisation: c.organisation,
      location: c.location,
      medium: c.medium,
      fileProtection: c.protection.type === 'openpgp' ? 'openpgp' : 'age',
      ageRecipient: c.protection.type === 'age' ? c.protection.recipient : '',
      openpgpPublicKey: c.protection.type === 'openpgp' ? c.protection.publicKeyArmored : '',
      tokenLabel: c.protection.type === 'pkcs11' ? (c.protection.tokenLabel ?? '') : '',
    })),
    assignment,
    witnesses: plan.witnesses.map((w) => ({
      id: w.id,
      name: w.name,
      organisation: w.organisation,
      observesAll: w.observes === 'all',
      observes: w.observes === 'all' ? [] : [...w.observes],
    })),
    noWitnessReason: plan.noWitnessReason ?? '',
    administrator: plan.administrator === undefined ? base.administrator : { ...base.administrator, ...plan.administrator },
    externalWitnesses: (plan.externalWitnesses ?? []).map((p) => ({ ...blankPerson(), name: p.name, organisation: p.organisation })),
  };
}
