/** Plans and clocks shared by the policy, coalition and ceremony tests (not a test file itself). */
import fc from 'fast-check';
import type { CeremonyPlan, Custodian, HandoffMedium, Protection, ShareRef, Witness } from '../../core/policy';

/** A public example recipient from the age README; any well-formed recipient will do. */
export const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
export const PGP_PUBLIC_KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ0000BYJKwYBBAHaRw8BAQdA\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n';

export const T0 = '2025-03-01T09:00:00.000Z';

/** A clock that starts at T0 and moves one second per reading, so records have distinct, increasing times. */
export function steppingClock(start = T0): () => Date {
  let t = Date.parse(start);
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

export function protectionFor(medium: HandoffMedium): Protection {
  switch (medium) {
    case 'screen-qr':
    case 'paper':
      return { type: 'none' };
    case 'usb':
      return { type: 'age', recipient: AGE_RECIPIENT };
    case 'pkcs11':
      return { type: 'pkcs11' };
  }
}

export function custodian(id: string, name: string, organisation: string, location: string, medium: HandoffMedium, shares: ShareRef[]): Custodian {
  return { id, name, organisation, location, medium, protection: protectionFor(medium), shares };
}

/** SLIP-39, one group, 2 of 3 members; three custodians in three organisations; one witness who sees all. */
export function slip39TwoOfThree(): CeremonyPlan {
  return {
    version: 1,
    label: 'Treasury cold key 2025',
    createdAt: T0,
    secret: { type: 'new-seed', bits: 256 },
    scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] },
    custodians: [
      custodian('alice', 'Alice', 'Acme', 'Zurich', 'paper', [{ group: 0, member: 0 }]),
      custodian('bob', 'Bob', 'Globex', 'Geneva', 'usb', [{ group: 0, member: 1 }]),
      custodian('carol', 'Carol', 'Initech', 'Basel', 'pkcs11', [{ group: 0, member: 2 }]),
    ],
    witnesses: [{ id: 'wendy', name: 'Wendy', organisation: 'Notary Office', observes: 'all' }],
  };
}

/** FROST 3 of 5 (ed25519) with custodians in two organisations; two witnesses, one of whom watches only Globex. */
export function vssThreeOfFive(): CeremonyPlan {
  return {
    version: 1,
    label: 'Signer set A',
    createdAt: T0,
    secret: { type: 'new-key', curve: 'ed25519' },
    scheme: { type: 'vss', ciphersuite: 'ed25519', threshold: 3, shares: 5 },
    custodians: [
      custodian('alice', 'Alice', 'Acme', 'Zurich', 'screen-qr', [{ signer: 1 }]),
      custodian('bob', 'Bob', 'Acme', 'Zurich', 'usb', [{ signer: 2 }]),
      custodian('carol', 'Carol', 'Acme', 'Bern', 'pkcs11', [{ signer: 3 }]),
      custodian('dan', 'Dan', 'Globex', 'Geneva', 'paper', [{ signer: 4 }]),
      custodian('erin', 'Erin', 'Globex', 'Geneva', 'screen-qr', [{ signer: 5 }]),
    ],
    witnesses: [
      { id: 'wendy', name: 'Wendy', organisation: 'Notary Office', observes: 'all' },
      { id: 'victor', name: 'Victor', organisation: 'Audit Ltd', observes: ['dan', 'erin'] },
    ],
  };
}

const MEDIA: HandoffMedium[] = ['screen-qr', 'paper', 'usb', 'pkcs11'];
const ORGS = ['Acme', 'Globex', 'Initech'];
const PLACES = ['Zurich', 'Geneva'];

export interface SmallPlanOptions {
  readonly maxGroups: number;
  readonly maxMembers: number;
  readonly maxCustodians: number;
}

/**
 * Random valid plans small enough for a brute-force oracle over all subsets of custodians: SLIP-39 layouts (custodians
 * may hold several shares, in one group or several) and FROST t-of-n, random organisations, locations, media and
 * witness views.
 */
export function arbSmallPlan(o: SmallPlanOptions = { maxGroups: 4, maxMembers: 4, maxCustodians: 8 }): fc.Arbitrary<CeremonyPlan> {
  const slip39Groups = fc
    .array(fc.integer({ min: 1, max: o.maxMembers }), { minLength: 1, maxLength: o.maxGroups })
    .chain((counts) =>
      fc.tuple(
        fc.constant(counts),
        fc.tuple(...counts.map((n) => (n === 1 ? fc.constant(1) : fc.integer({ min: 2, max: n })))),
        fc.integer({ min: 1, max: counts.length }),
      ),
    );
  const scheme = fc.oneof(
    slip39Groups.map(([counts, thresholds, gt]) => ({
      type: 'slip39' as const,
      groupThreshold: gt,
      groups: counts.map((memberCount, i) => ({ memberCount, memberThreshold: thresholds[i] ?? 1 })),
    })),
    fc
      .integer({ min: 2, max: o.maxCustodians })
      .chain((n) => fc.integer({ min: 2, max: n }).map((t) => ({ type: 'vss' as const, ciphersuite: 'secp256k1' as const, threshold: t, shares: n }))),
  );
  return scheme.chain((s) => {
    const refs: ShareRef[] =
      s.type === 'vss'
        ? Array.from({ length: s.shares }, (_, i) => ({ signer: i + 1 }))
        : s.groups.flatMap((g, gi) => Array.from({ length: g.memberCount }, (_, m) => ({ group: gi, member: m })));
    // vss: one share per custodian; slip39: each share to one of up to maxCustodians custodians.
    const owners =
      s.type === 'vss'
        ? fc.constant(refs.map((_, i) => i))
        : fc.array(fc.integer({ min: 0, max: o.maxCustodians - 1 }), { minLength: refs.length, maxLength: refs.length });
    const people = fc.array(
      fc.record({
        org: fc.constantFrom(...ORGS),
        place: fc.constantFrom(...PLACES),
        medium: fc.constantFrom(...MEDIA),
      }),
      { minLength: o.maxCustodians, maxLength: Math.max(o.maxCustodians, refs.length) },
    );
    const witnesses = fc.array(fc.option(fc.array(fc.nat({ max: 31 }), { maxLength: 4 }), { nil: undefined }), { minLength: 0, maxLength: 2 });
    return fc.tuple(owners, people, witnesses).map(([own, folk, wits]): CeremonyPlan => {
      const used = [...new Set(own)].sort((a, b) => a - b);
      const custodians: Custodian[] = used.map((owner, k) => {
        const p = folk[owner] ?? folk[0]!;
        return custodian(`c${k}`, `Custodian ${k}`, p.org, p.place, p.medium, refs.filter((_, r) => own[r] === owner));
      });
      const witnessList: Witness[] = wits.map((picks, w) => {
        const ids = picks === undefined ? [] : [...new Set(picks.map((x) => `c${x % custodians.length}`))];
        return { id: `w${w}`, name: `Witness ${w}`, organisation: 'Notary', observes: picks === undefined || ids.length === 0 ? 'all' : ids };
      });
      return {
        version: 1,
        label: 'random',
        createdAt: T0,
        secret: s.type === 'vss' ? { type: 'new-key', curve: 'secp256k1' } : { type: 'new-seed', bits: 128 },
        scheme: s,
        custodians,
        witnesses: witnessList,
        ...(witnessList.length === 0 ? { noWitnessReason: 'test plan' } : {}),
      };
    });
  });
}

/** Whether a set of custodians reaches the quorum, computed straight from the plan's share lists (the oracle). */
export function oracleQualifies(plan: CeremonyPlan, members: readonly Custodian[]): boolean {
  const s = plan.scheme;
  if (s.type === 'vss') return members.reduce((n, c) => n + c.shares.length, 0) >= s.threshold;
  const held = s.groups.map((_, g) => members.flatMap((c) => c.shares).filter((r) => 'group' in r && r.group === g).length);
  return s.groups.filter((g, i) => (held[i] ?? 0) >= g.memberThreshold).length >= s.groupThreshold;
}

/** Every minimal qualifying subset of custodians, by brute force over all 2^n subsets; sorted by size, then plan order. */
export function oracleMinimal(plan: CeremonyPlan): string[][] {
  const cs = plan.custodians;
  const qualifies = (mask: number): boolean => oracleQualifies(plan, cs.filter((_, i) => mask & (1 << i)));
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << cs.length; mask++) {
    if (!qualifies(mask)) continue;
    let minimal = true;
    for (let i = 0; i < cs.length && minimal; i++) if (mask & (1 << i) && qualifies(mask & ~(1 << i))) minimal = false;
    if (minimal) out.push(cs.flatMap((_, i) => (mask & (1 << i) ? [i] : [])));
  }
  out.sort((a, b) => a.length - b.length || compareLex(a, b));
  return out.map((set) => set.map((i) => cs[i]!.id));
}

function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
}
