// Refresh, repair and FROST signing of verifiable shares (issue 17): property checks over all suites, with noble's
// plain ed25519.verify / schnorr.verify as the independent verifier of threshold signatures.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type Ciphersuite,
  CommitmentRegistry,
  type SigningCiphersuite,
  type VssDeal,
  type VssShare,
  applyRefresh,
  combineShares,
  createSigningPackage,
  dealShares,
  frostAggregate,
  frostCommit,
  frostSignShare,
  refreshDealer,
  refreshShares,
  repairShare,
  repairStep1,
  repairStep2,
  repairStep3,
  reshareFromQuorum,
  verifyShare,
} from '../../core/vss/index';
import { sumScalars } from '../../core/vss/repair';
import { SUITES, assertNoHex, seededRandom, throwsCode } from './vss-helpers';

const RUNS = 12;

/** A deterministic subset of `k` of `items`, picked by `seed`. */
function pick<T>(items: readonly T[], k: number, seed: number): T[] {
  const rest = [...items];
  const out: T[] = [];
  let s = seed >>> 0;
  while (out.length < k) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(rest.splice(s % rest.length, 1)[0]!);
  }
  return out;
}

function secretOf(d: Pick<VssDeal, 'ciphersuite' | 'threshold' | 'commitments'>, shares: VssShare[]): string {
  const { secret } = combineShares({ ciphersuite: d.ciphersuite, threshold: d.threshold, shares, commitments: d.commitments });
  return bytesToHex(secret);
}

function isValid(d: Pick<VssDeal, 'ciphersuite' | 'threshold' | 'commitments'>, share: VssShare): boolean {
  try {
    verifyShare(d.ciphersuite, d.threshold, d.commitments, share);
    return true;
  } catch {
    return false;
  }
}

const dealArb = fc.record({
  suite: fc.constantFrom<Ciphersuite>(...SUITES),
  t: fc.integer({ min: 2, max: 4 }),
  extra: fc.integer({ min: 0, max: 3 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

describe('vss refresh (zero-constant polynomial added, ZF FROST refresh shape)', () => {
  it('keeps the group key; every refreshed share verifies; any quorum recombines to the same secret; old shares are not new ones', () => {
    fc.assert(
      fc.property(dealArb, fc.integer({ min: 0, max: 2 }), ({ suite, t, extra, seed }, raise) => {
        const n = t + extra;
        const random = seededRandom(seed);
        const deal = dealShares({ ciphersuite: suite, threshold: t, shares: n, random });
        const secret = secretOf(deal, deal.shares);
        const newThreshold = Math.min(n, t + raise);
        const next = refreshShares({ ciphersuite: suite, threshold: t, commitments: deal.commitments, shares: deal.shares, newThreshold, random });
        assert.equal(bytesToHex(next.groupPublicKey), bytesToHex(deal.groupPublicKey));
        assert.equal(bytesToHex(next.commitments[0]!), bytesToHex(deal.commitments[0]!));
        assert.equal(next.threshold, newThreshold);
        assert.equal(next.commitments.length, newThreshold);
        for (const [i, s] of next.shares.entries()) {
          assert.equal(bytesToHex(s.identifier), bytesToHex(deal.shares[i]!.identifier));
          assert.notEqual(bytesToHex(s.signingShare), bytesToHex(deal.shares[i]!.signingShare));
          assert.ok(isValid(next, s), 'refreshed share verifies against the new commitments');
          assert.ok(!isValid(next, deal.shares[i]!), 'old share does not verify against the new commitments');
        }
        const quorum = pick(next.shares, newThreshold, seed);
        assert.equal(secretOf(next, quorum), secret);
      }),
      { numRuns: RUNS },
    );
  });

  it('old and new shares do not mix: a quorum of both recombines to another key, and is refused against the new commitments', () => {
    fc.assert(
      fc.property(dealArb, ({ suite, t, extra, seed }) => {
        const n = t + extra;
        const random = seededRandom(seed);
        const deal = dealShares({ ciphersuite: suite, threshold: t, shares: n, random });
        const next = refreshShares({ ciphersuite: suite, threshold: t, commitments: deal.commitments, shares: deal.shares, random });
        const ids = pick([...Array(n).keys()], t, seed);
        const mixed = ids.map((i, k) => (k === 0 ? deal.shares[i]! : next.shares[i]!));
        const { groupPublicKey } = combineShares({ ciphersuite: suite, threshold: t, shares: mixed });
        assert.notEqual(bytesToHex(groupPublicKey), bytesToHex(deal.groupPublicKey));
        throwsCode(() => combineShares({ ciphersuite: suite, threshold: t, shares: mixed, commitments: next.commitments }), 'VSS_SHARE_INVALID');
      }),
      { numRuns: RUNS },
    );
  });

  it('drops custodians left out: the kept ones still recover, the dropped one no longer verifies', () => {
    const random = seededRandom(7);
    const deal = dealShares({ ciphersuite: 'ed25519', threshold: 2, shares: 4, random });
    const kept = deal.shares.slice(0, 3);
    const next = refreshShares({ ciphersuite: 'ed25519', threshold: 2, commitments: deal.commitments, shares: kept, random });
    assert.equal(next.shares.length, 3);
    assert.equal(secretOf(next, next.shares.slice(1)), secretOf(deal, deal.shares.slice(0, 2)));
    assert.ok(!isValid(next, deal.shares[3]!));
  });

  it('refuses to lower the threshold, to keep fewer custodians than it, and shares of another deal', () => {
    const random = seededRandom(8);
    const deal = dealShares({ ciphersuite: 'secp256k1', threshold: 3, shares: 4, random });
    const other = dealShares({ ciphersuite: 'secp256k1', threshold: 3, shares: 4, random });
    const base = { ciphersuite: 'secp256k1' as const, threshold: 3, commitments: deal.commitments, random };
    throwsCode(() => refreshShares({ ...base, shares: deal.shares, newThreshold: 2 }), 'INVALID_ARGUMENT');
    throwsCode(() => refreshShares({ ...base, shares: deal.shares.slice(0, 2) }), 'BELOW_THRESHOLD');
    throwsCode(() => refreshShares({ ...base, shares: deal.shares, newThreshold: 5 }), 'BELOW_THRESHOLD');
    const e = throwsCode(() => refreshShares({ ...base, shares: [deal.shares[0]!, other.shares[1]!, deal.shares[2]!] }), 'VSS_SHARE_INVALID');
    assertNoHex(e.message, other.shares.map((s) => bytesToHex(s.signingShare)));
  });

  it('custodian step: refuses a refresh package of another group key, and a refreshing share of another identifier', () => {
    const random = seededRandom(9);
    const deal = dealShares({ ciphersuite: 'ed25519', threshold: 2, shares: 3, random });
    const other = dealShares({ ciphersuite: 'ed25519', threshold: 2, shares: 3, random });
    const ids = deal.shares.map((s) => s.identifier);
    const pkg = refreshDealer({ ciphersuite: 'ed25519', threshold: 2, commitments: deal.commitments, identifiers: ids, random });
    const foreign = refreshDealer({ ciphersuite: 'ed25519', threshold: 2, commitments: other.commitments, identifiers: ids, random });
    const base = { ciphersuite: 'ed25519' as const, threshold: 2, commitments: deal.commitments, share: deal.shares[0]! };
    throwsCode(() => applyRefresh({ ...base, refresh: foreign, refreshingShare: foreign.refreshingShares[0]! }), 'VSS_COMMITMENT');
    throwsCode(() => applyRefresh({ ...base, refresh: pkg, refreshingShare: pkg.refreshingShares[1]! }), 'INVALID_ARGUMENT');
    // A refreshing share tampered on the way: the new share does not verify, and the message holds no share value.
    const bad = { ...pkg.refreshingShares[0]!, signingShare: Uint8Array.from(pkg.refreshingShares[1]!.signingShare) };
    const e = throwsCode(() => applyRefresh({ ...base, refresh: pkg, refreshingShare: bad }), 'VSS_SHARE_INVALID');
    assertNoHex(e.message, [bytesToHex(deal.shares[0]!.signingShare), bytesToHex(bad.signingShare)]);
  });
});

describe('vss quorum re-share (new threshold and custodian count, key never reassembled)', () => {
  it('lowers or raises the threshold and changes the count; same group key; old shares do not verify', () => {
    fc.assert(
      fc.property(dealArb, fc.integer({ min: 2, max: 5 }), fc.integer({ min: 0, max: 2 }), ({ suite, t, extra, seed }, t2, extra2) => {
        const n = t + extra;
        const random = seededRandom(seed);
        const deal = dealShares({ ciphersuite: suite, threshold: t, shares: n, random });
        const next = reshareFromQuorum({ ciphersuite: suite, threshold: t, commitments: deal.commitments, quorum: pick(deal.shares, t, seed), newThreshold: t2, newShares: t2 + extra2, random });
        assert.equal(bytesToHex(next.groupPublicKey), bytesToHex(deal.groupPublicKey));
        assert.equal(next.shares.length, t2 + extra2);
        assert.equal(secretOf(next, pick(next.shares, t2, seed + 1)), secretOf(deal, deal.shares));
        if (t2 === t) assert.ok(!isValid(next, deal.shares[0]!));
      }),
      { numRuns: RUNS },
    );
  });

  it('needs a quorum of the current deal', () => {
    const random = seededRandom(10);
    const deal = dealShares({ ciphersuite: 'p256', threshold: 3, shares: 3, random });
    throwsCode(() => reshareFromQuorum({ ciphersuite: 'p256', threshold: 3, commitments: deal.commitments, quorum: deal.shares.slice(0, 2), newThreshold: 2, newShares: 3, random }), 'BELOW_THRESHOLD');
  });
});

describe('vss repair (repairable threshold scheme, ZF FROST repairable shape)', () => {
  it('the repaired share equals the original share for that identifier and verifies, from any quorum of helpers', () => {
    fc.assert(
      fc.property(dealArb, ({ suite, t, extra, seed }) => {
        const n = t + 1 + extra;
        const random = seededRandom(seed);
        const deal = dealShares({ ciphersuite: suite, threshold: t, shares: n, random });
        const [lost] = pick(deal.shares, 1, seed);
        const others = deal.shares.filter((s) => s !== lost);
        const helpers = pick(others, t + (seed % (others.length - t + 1)), seed + 1);
        const repaired = repairShare({ ciphersuite: suite, threshold: t, commitments: deal.commitments, helpers, lostIdentifier: lost!.identifier, random });
        assert.equal(bytesToHex(repaired.signingShare), bytesToHex(lost!.signingShare));
        assert.equal(bytesToHex(repaired.identifier), bytesToHex(lost!.identifier));
        assert.ok(isValid(deal, repaired));
      }),
      { numRuns: RUNS },
    );
  });

  it('repairs a refreshed share (against the new commitments) and enrols a new identifier on the same polynomial', () => {
    const random = seededRandom(11);
    const deal = dealShares({ ciphersuite: 'ed25519', threshold: 3, shares: 5, random });
    const next = refreshShares({ ciphersuite: 'ed25519', threshold: 3, commitments: deal.commitments, shares: deal.shares, random });
    const repaired = repairShare({ ciphersuite: 'ed25519', threshold: 3, commitments: next.commitments, helpers: next.shares.slice(1, 4), lostIdentifier: next.shares[0]!.identifier, random });
    assert.equal(bytesToHex(repaired.signingShare), bytesToHex(next.shares[0]!.signingShare));
    // A helper holding an old share cannot help with the new commitments.
    throwsCode(() => repairShare({ ciphersuite: 'ed25519', threshold: 3, commitments: next.commitments, helpers: [deal.shares[1]!, ...next.shares.slice(2, 4)], lostIdentifier: next.shares[0]!.identifier, random }), 'VSS_SHARE_INVALID');
    const id6 = new Uint8Array(32);
    id6[0] = 6;
    const enrolled = repairShare({ ciphersuite: 'ed25519', threshold: 3, commitments: next.commitments, helpers: next.shares.slice(0, 3), lostIdentifier: id6, random });
    assert.ok(isValid(next, enrolled));
    assert.equal(secretOf(next, [enrolled, next.shares[3]!, next.shares[4]!]), secretOf(deal, deal.shares));
  });

  it('step by step: a damaged delta is caught against the commitments; too few helpers, a helper listed as lost, and repeats are refused', () => {
    const random = seededRandom(12);
    const deal = dealShares({ ciphersuite: 'secp256k1', threshold: 2, shares: 4, random });
    const lost = deal.shares[3]!;
    const helpers = deal.shares.slice(0, 2);
    const ids = helpers.map((h) => h.identifier);
    const base = { ciphersuite: 'secp256k1' as const, threshold: 2, commitments: deal.commitments, lostIdentifier: lost.identifier, random };
    const out = helpers.map((share) => repairStep1({ ...base, helpers: ids, share }));
    out[0]![1]!.delta[31]! ^= 1;
    const sigmas = [0, 1].map((j) => repairStep2('secp256k1', out.map((d) => d[j]!.delta)));
    const e = throwsCode(() => repairStep3({ ...base, sigmas }), 'VSS_SHARE_INVALID');
    assertNoHex(e.message, [bytesToHex(lost.signingShare), ...sigmas.map(bytesToHex)]);
    throwsCode(() => repairStep3({ ...base, sigmas: sigmas.slice(0, 1) }), 'BELOW_THRESHOLD');
    throwsCode(() => repairStep1({ ...base, helpers: ids.slice(0, 1), share: helpers[0]! }), 'BELOW_THRESHOLD');
    throwsCode(() => repairStep1({ ...base, helpers: [...ids, lost.identifier], share: helpers[0]! }), 'INVALID_ARGUMENT');
    throwsCode(() => repairStep1({ ...base, helpers: [ids[0]!, ids[0]!, ids[1]!], share: helpers[0]! }), 'DUPLICATE_SHARE');
    throwsCode(() => repairStep1({ ...base, helpers: [ids[1]!, deal.shares[2]!.identifier], share: helpers[0]! }), 'INVALID_ARGUMENT');
  });

  it('sums scalars as the repair-share vectors of ZF FROST / noble-curves say (steps 2 and 3)', () => {
    const vectors = JSON.parse(readFileSync(new URL('./vectors/rfc9591-repair-share.json', import.meta.url), 'utf8')) as Record<string, { scalar_generation: Record<string, string>; sigma_generation: Record<string, string> }>;
    for (const suite of SUITES) {
      const v = vectors[suite]!;
      const scalars = [1, 2, 3].map((i) => hexToBytes(v.scalar_generation[`random_scalar_${i}`]!));
      assert.equal(bytesToHex(sumScalars(suite, scalars, 'Delta')), v.scalar_generation.random_scalar_sum, `${suite} random_scalar_sum`);
      const sigmas = [1, 2, 3, 4].map((i) => hexToBytes(v.sigma_generation[`sigma_${i}`]!));
      assert.equal(bytesToHex(sumScalars(suite, sigmas, 'Sigma')), v.sigma_generation.sigma_sum, `${suite} sigma_sum`);
    }
  });
});

const MESSAGE = new TextEncoder().encode('keyshard');

function independentVerify(suite: SigningCiphersuite, sig: Uint8Array, msg: Uint8Array, groupKey: Uint8Array): boolean {
  return suite === 'ed25519' ? ed25519.verify(sig, msg, groupKey) : schnorr.verify(sig, msg, groupKey.slice(1));
}

function keysOf(deal: VssDeal, shares: VssShare[]) {
  return shares.map((share) => ({ ciphersuite: deal.ciphersuite as SigningCiphersuite, threshold: deal.threshold, commitments: deal.commitments, share }));
}

describe('FROST signing without reconstruction (ed25519, secp256k1 BIP-340)', () => {
  it('a signature from any quorum (also of refreshed shares) verifies with plain ed25519.verify / schnorr.verify', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SigningCiphersuite>('ed25519', 'secp256k1'),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        fc.boolean(),
        (suite, t, extra, seed, message, refresh) => {
          const random = seededRandom(seed);
          let deal = dealShares({ ciphersuite: suite, threshold: t, shares: t + extra, random });
          if (refresh) deal = refreshShares({ ciphersuite: suite, threshold: t, commitments: deal.commitments, shares: deal.shares, random });
          const signers = keysOf(deal, pick(deal.shares, t + (seed % (extra + 1)), seed));
          const nonces = signers.map((k) => frostCommit(k, random));
          const pkg = createSigningPackage({ ciphersuite: suite, threshold: t, commitments: deal.commitments, message, signers: nonces.map((n) => n.commitment) });
          const shares = signers.map((k, i) => frostSignShare(k, nonces[i]!, pkg));
          const sig = frostAggregate(pkg, shares.reverse());
          assert.ok(independentVerify(suite, sig, message, deal.groupPublicKey));
          assert.ok(!independentVerify(suite, sig, new Uint8Array([...message, 0]), deal.groupPublicKey));
        },
      ),
      { numRuns: RUNS },
    );
  });

  for (const suite of ['ed25519', 'secp256k1'] as const) {
    it(`${suite}: a second round with the same nonces is refused, and the nonces are zeroed`, () => {
      const random = seededRandom(20);
      const deal = dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random });
      const [a, b] = keysOf(deal, deal.shares.slice(0, 2));
      const na = frostCommit(a!, random);
      const nb = frostCommit(b!, random);
      const pkg = createSigningPackage({ ciphersuite: suite, threshold: 2, commitments: deal.commitments, message: MESSAGE, signers: [na.commitment, nb.commitment] });
      frostSignShare(a!, na, pkg);
      assert.ok(na.hiding.every((x) => x === 0) && na.binding.every((x) => x === 0));
      const e = throwsCode(() => frostSignShare(a!, na, pkg), 'FROST_NONCE_USED');
      assertNoHex(e.message, [bytesToHex(a!.share.signingShare)]);
      // Even for another message: the state is gone.
      const other = createSigningPackage({ ciphersuite: suite, threshold: 2, commitments: deal.commitments, message: new Uint8Array([1]), signers: [na.commitment, nb.commitment] });
      throwsCode(() => frostSignShare(a!, na, other), 'FROST_NONCE_USED');
    });

    it(`${suite}: a stale or replayed commitment is refused`, () => {
      const random = seededRandom(21);
      const deal = dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random });
      const [a, b] = keysOf(deal, deal.shares.slice(0, 2));
      const first = frostCommit(a!, random);
      const fresh = frostCommit(a!, random);
      const nb = frostCommit(b!, random);
      const registry = new CommitmentRegistry();
      const base = { ciphersuite: suite, threshold: 2, commitments: deal.commitments, message: MESSAGE, registry };
      const pkg = createSigningPackage({ ...base, signers: [first.commitment, nb.commitment] });
      // The signer's current nonces are not those of the commitment in the package: stale, nothing signed.
      throwsCode(() => frostSignShare(a!, fresh, pkg), 'FROST_COMMITMENT');
      assert.ok(fresh.hiding.some((x) => x !== 0), 'a refused request leaves the nonces unused');
      // The coordinator refuses to put a commitment it has seen into a new package.
      const replay = throwsCode(() => createSigningPackage({ ...base, signers: [first.commitment, frostCommit(b!, random).commitment] }), 'FROST_COMMITMENT');
      assert.equal(replay.details?.reason, 'replay');
      // The same nonce point twice in one package (a signer's commitment copied under another identifier).
      const copied = { ...nb.commitment, identifier: a!.share.identifier };
      throwsCode(() => createSigningPackage({ ciphersuite: suite, threshold: 2, commitments: deal.commitments, message: MESSAGE, signers: [copied, nb.commitment] }), 'FROST_COMMITMENT');
      // A request without this signer's commitment.
      const c = keysOf(deal, deal.shares.slice(2))[0]!;
      const pkgBC = createSigningPackage({ ciphersuite: suite, threshold: 2, commitments: deal.commitments, message: MESSAGE, signers: [nb.commitment, frostCommit(c, random).commitment] });
      throwsCode(() => frostSignShare(a!, fresh, pkgBC), 'FROST_COMMITMENT');
    });

    it(`${suite}: the coordinator names a bad signature share and refuses too few signers`, () => {
      const random = seededRandom(22);
      const deal = dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random });
      const keys = keysOf(deal, deal.shares);
      const n = keys.map((k) => frostCommit(k, random));
      const base = { ciphersuite: suite, threshold: 2, commitments: deal.commitments, message: MESSAGE };
      throwsCode(() => createSigningPackage({ ...base, signers: [n[0]!.commitment] }), 'BELOW_THRESHOLD');
      const pkg = createSigningPackage({ ...base, signers: [n[0]!.commitment, n[1]!.commitment] });
      const s0 = frostSignShare(keys[0]!, n[0]!, pkg);
      const s1 = frostSignShare(keys[1]!, n[1]!, pkg);
      const bad = { ...s1, share: Uint8Array.from(s0.share) };
      const e = throwsCode(() => frostAggregate(pkg, [s0, bad]), 'FROST_SHARE_INVALID');
      assert.equal(e.details?.index, 1);
      throwsCode(() => frostAggregate(pkg, [s0]), 'BELOW_THRESHOLD');
      throwsCode(() => frostAggregate(pkg, [s0, s0]), 'DUPLICATE_SHARE');
    });
  }

  it('p256 has no signing here (no plain verifier for FROST(P-256) signatures in keyshard)', () => {
    const random = seededRandom(23);
    const deal = dealShares({ ciphersuite: 'p256', threshold: 2, shares: 2, random });
    throwsCode(() => frostCommit({ ciphersuite: 'p256' as SigningCiphersuite, threshold: 2, commitments: deal.commitments, share: deal.shares[0]! }, random), 'VSS_CIPHERSUITE');
  });
});
