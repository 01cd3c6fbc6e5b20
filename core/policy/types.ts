/**
 * The ceremony plan: what secret is made, how it is split, who holds which share, who watches.
 * A plan holds public data only (names, organisations, public keys); never a secret or a share.
 */

import type { PlanProblemCode, ProblemParams } from './problems';

/** Version of the plan format written by planToJson and accepted by parsePlan. */
export const PLAN_VERSION = 1 as const;

/** Time, injected so that core stays pure and tests are deterministic. Must return a valid Date. */
export type Clock = () => Date;

export const KEY_CURVES = ['ed25519', 'secp256k1', 'p256'] as const;
export type KeyCurve = (typeof KEY_CURVES)[number];

export const SEED_BITS = [128, 256] as const;
export type SeedBits = (typeof SEED_BITS)[number];

/** What the ceremony produces or takes in. An import names the kind and length only, never the value. */
export type SecretPlan =
  | { readonly type: 'new-key'; readonly curve: KeyCurve }
  | { readonly type: 'new-seed'; readonly bits: SeedBits }
  | { readonly type: 'import'; readonly kind: KeyCurve | 'seed'; readonly lengthBytes: number };

export interface Slip39Group {
  readonly memberThreshold: number;
  readonly memberCount: number;
}

/** SLIP-39 two-level sharing: `groupThreshold` of the groups, each needing `memberThreshold` of its members. */
export interface Slip39Scheme {
  readonly type: 'slip39';
  readonly groupThreshold: number;
  readonly groups: readonly Slip39Group[];
}

/** FROST trusted-dealer verifiable shares (RFC 9591): `threshold` of `shares` signers. */
export interface VssScheme {
  readonly type: 'vss';
  readonly ciphersuite: KeyCurve;
  readonly threshold: number;
  readonly shares: number;
}

export type SchemePlan = Slip39Scheme | VssScheme;

/** A SLIP-39 share: group index and member index, both from 0 as in the SLIP-39 share format. */
export interface Slip39ShareRef {
  readonly group: number;
  readonly member: number;
}

/** A FROST share: the signer identifier, from 1 as in RFC 9591. */
export interface VssShareRef {
  readonly signer: number;
}

export type ShareRef = Slip39ShareRef | VssShareRef;

export const HANDOFF_MEDIA = ['screen-qr', 'paper', 'usb', 'pkcs11'] as const;
export type HandoffMedium = (typeof HANDOFF_MEDIA)[number];

export const PROTECTION_TYPES = ['none', 'age', 'openpgp', 'pkcs11'] as const;
export type ProtectionType = (typeof PROTECTION_TYPES)[number];

export type Protection =
  | { readonly type: 'none' }
  | { readonly type: 'age'; readonly recipient: string }
  | { readonly type: 'openpgp'; readonly publicKeyArmored: string }
  | { readonly type: 'pkcs11'; readonly tokenLabel?: string };

/**
 * Which protection fits which medium. A shard goes to disk only encrypted (age or OpenPGP on USB); a PKCS#11 token
 * protects its own objects; a screen QR or a paper page is read by a person, so it carries no encryption here.
 */
export const PROTECTIONS_BY_MEDIUM: Readonly<Record<HandoffMedium, readonly ProtectionType[]>> = {
  'screen-qr': ['none'],
  paper: ['none'],
  usb: ['age', 'openpgp'],
  pkcs11: ['pkcs11'],
};

/**
 * Whether a handoff on this medium puts the shard in view of the people in the ceremony room. A QR on screen or a
 * printed page can be read (or photographed) by anyone watching; an encrypted file or a token object cannot.
 * The coalition analysis uses this to decide what a witness could collect.
 */
export const SHARD_IN_VIEW: Readonly<Record<HandoffMedium, boolean>> = {
  'screen-qr': true,
  paper: true,
  usb: false,
  pkcs11: false,
};

export interface Custodian {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  readonly location: string;
  readonly medium: HandoffMedium;
  readonly protection: Protection;
  /** slip39: one or more {group, member}, possibly in several groups; vss: exactly one {signer}. */
  readonly shares: readonly ShareRef[];
}

export interface Witness {
  readonly id: string;
  readonly name: string;
  readonly organisation: string;
  /** Custodian ids whose handoffs this witness observes, or 'all'. */
  readonly observes: 'all' | readonly string[];
}

/**
 * Someone who takes part without holding a shard or a signing key: the ceremony administrator, who reads the script
 * and works the machine, or an external witness (an auditor), who watches and initials the printed script.
 */
export interface Participant {
  readonly name: string;
  readonly organisation: string;
}

export interface CeremonyPlan {
  readonly version: typeof PLAN_VERSION;
  readonly label: string;
  /** ISO 8601 UTC, from the injected clock when the plan was made. */
  readonly createdAt: string;
  readonly secret: SecretPlan;
  readonly scheme: SchemePlan;
  readonly custodians: readonly Custodian[];
  readonly witnesses: readonly Witness[];
  /** Required when `witnesses` is empty, forbidden otherwise: why this ceremony runs unwitnessed. */
  readonly noWitnessReason?: string;
  /**
   * Roles (optional; plans written before them load unchanged and keep their digest): who runs the script, and who
   * watches from outside. The witnesses above are the internal witnesses: they check each step and sign it off.
   */
  readonly administrator?: Participant;
  readonly externalWitnesses?: readonly Participant[];
}

/** What a person fills in; createPlan adds version and createdAt. `observes` defaults to 'all'. */
export interface PlanDraft {
  readonly label: string;
  readonly secret: SecretPlan;
  readonly scheme: SchemePlan;
  readonly custodians: readonly Custodian[];
  readonly witnesses: readonly (Omit<Witness, 'observes'> & { readonly observes?: Witness['observes'] })[];
  readonly noWitnessReason?: string;
  readonly administrator?: Participant;
  readonly externalWitnesses?: readonly Participant[];
}

/**
 * One thing wrong with a plan: the field (a path like `custodians[2].protection`), how to fix it in English, and the
 * same as a stable code with its data, for a screen to say in its own language (problems.ts).
 */
export interface PolicyProblem {
  readonly field: string;
  readonly message: string;
  readonly code: PlanProblemCode;
  readonly params: ProblemParams;
}

/** A plan that is valid but deserves a second look before the ceremony. */
export interface PlanWarning {
  readonly kind: 'no-witnesses' | 'custodian-unobserved';
  readonly field: string;
  readonly custodianId?: string;
  readonly message: string;
}
