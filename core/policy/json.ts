import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { CeremonyPlan, Custodian, Protection, SchemePlan, SecretPlan, ShareRef, Witness } from './types';

/**
 * The plan as JSON text with a fixed key order and two-space indentation, so the same plan always gives the same
 * bytes whatever order its objects were built in (diffs stay readable; the digest is stable). List order is kept:
 * the order of custodians, witnesses and shares is part of the plan. parsePlan reads it back.
 */
export function planToJson(plan: CeremonyPlan): string {
  return JSON.stringify(planValue(plan), null, 2);
}

/** SHA-256 (hex) of planToJson: names the exact plan a ceremony ran under, in its first record. */
export function planDigest(plan: CeremonyPlan): string {
  return bytesToHex(sha256(utf8ToBytes(planToJson(plan))));
}

function planValue(plan: CeremonyPlan): unknown {
  return {
    version: plan.version,
    label: plan.label,
    createdAt: plan.createdAt,
    secret: secretValue(plan.secret),
    scheme: schemeValue(plan.scheme),
    custodians: plan.custodians.map(custodianValue),
    witnesses: plan.witnesses.map(witnessValue),
    ...(plan.noWitnessReason === undefined ? {} : { noWitnessReason: plan.noWitnessReason }),
    // Left out when absent, so an older plan gives the same bytes and digest as before roles existed.
    ...(plan.administrator === undefined ? {} : { administrator: { name: plan.administrator.name, organisation: plan.administrator.organisation } }),
    ...(plan.externalWitnesses === undefined ? {} : { externalWitnesses: plan.externalWitnesses.map((p) => ({ name: p.name, organisation: p.organisation })) }),
  };
}

function secretValue(s: SecretPlan): unknown {
  switch (s.type) {
    case 'new-key':
      return { type: s.type, curve: s.curve };
    case 'new-seed':
      return { type: s.type, bits: s.bits };
    case 'import':
      return { type: s.type, kind: s.kind, lengthBytes: s.lengthBytes };
  }
}

function schemeValue(s: SchemePlan): unknown {
  return s.type === 'slip39'
    ? {
        type: s.type,
        groupThreshold: s.groupThreshold,
        groups: s.groups.map((g) => ({ memberThreshold: g.memberThreshold, memberCount: g.memberCount })),
      }
    : { type: s.type, ciphersuite: s.ciphersuite, threshold: s.threshold, shares: s.shares };
}

function protectionValue(p: Protection): unknown {
  switch (p.type) {
    case 'none':
      return { type: p.type };
    case 'age':
      return { type: p.type, recipient: p.recipient };
    case 'openpgp':
      return { type: p.type, publicKeyArmored: p.publicKeyArmored };
    case 'pkcs11':
      return p.tokenLabel === undefined ? { type: p.type } : { type: p.type, tokenLabel: p.tokenLabel };
  }
}

function shareValue(r: ShareRef): unknown {
  return 'signer' in r ? { signer: r.signer } : { group: r.group, member: r.member };
}

function custodianValue(c: Custodian): unknown {
  return {
    id: c.id,
    name: c.name,
    organisation: c.organisation,
    location: c.location,
    medium: c.medium,
    protection: protectionValue(c.protection),
    shares: c.shares.map(shareValue),
  };
}

function witnessValue(w: Witness): unknown {
  return {
    id: w.id,
    name: w.name,
    organisation: w.organisation,
    observes: w.observes === 'all' ? 'all' : [...w.observes],
  };
}
