import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KeyshardError } from '../../core/errors';
import {
  analyzeCoalitions,
  reachesQuorum,
  validatePlan,
  type CeremonyPlan,
  type Custodian,
  type HandoffMedium,
  type ShareRef,
} from '../../core/policy';
import { T0, arbSmallPlan, custodian, oracleMinimal, oracleQualifies, slip39TwoOfThree, vssThreeOfFive } from './plan-fixtures';

function plan(scheme: CeremonyPlan['scheme'], custodians: Custodian[], witnesses: CeremonyPlan['witnesses'] = []): CeremonyPlan {
  const p: CeremonyPlan = {
    version: 1,
    label: 'test',
    createdAt: T0,
    secret: scheme.type === 'vss' ? { type: 'new-key', curve: scheme.ciphersuite } : { type: 'new-seed', bits: 128 },
    scheme,
    custodians,
    witnesses,
    ...(witnesses.length === 0 ? { noWitnessReason: 'analysis test' } : {}),
  };
  validatePlan(p);
  return p;
}

/** g groups of m members, each share held by its own custodian; organisations and locations cycle. */
function grid(gt: number, groups: number, members: number, mt: number, medium: HandoffMedium = 'usb'): CeremonyPlan {
  const cs: Custodian[] = [];
  for (let g = 0; g < groups; g++) {
    for (let m = 0; m < members; m++) cs.push(custodian(`c${g}-${m}`, `C ${g}-${m}`, `Org ${m % 3}`, `Site ${g % 2}`, medium, [{ group: g, member: m }]));
  }
  const scheme = { type: 'slip39' as const, groupThreshold: gt, groups: Array.from({ length: groups }, () => ({ memberThreshold: mt, memberCount: members })) };
  return plan(scheme, cs, [{ id: 'wit', name: 'Wit', organisation: 'Notary', observes: 'all' }]);
}

function checkCoalitions(p: CeremonyPlan, ids: readonly (readonly string[])[]): void {
  for (const set of ids) {
    assert.equal(reachesQuorum(p, set), true, `${set.join(',')} reaches the quorum`);
    for (const drop of set) assert.equal(reachesQuorum(p, set.filter((x) => x !== drop)), false, `${set.join(',')} without ${drop} does not`);
  }
  for (let i = 1; i < ids.length; i++) assert.ok((ids[i - 1]?.length ?? 0) <= (ids[i]?.length ?? 0), 'smallest first');
}

describe('coalition analysis', () => {
  it('lists the three pairs of a 2-of-3 and flags nothing when custodians are spread out', () => {
    const a = analyzeCoalitions(slip39TwoOfThree());
    assert.deepEqual(a.coalitions.map((c) => c.custodianIds), [['alice', 'bob'], ['alice', 'carol'], ['bob', 'carol']]);
    assert.equal(a.minimumSize, 2);
    assert.deepEqual(a.minimumSizeRange, { atLeast: 2, atMost: 2 });
    assert.equal(a.truncated, false);
    assert.equal(a.truncatedBy, null);
    assert.deepEqual(a.warnings, []);
    assert.deepEqual(a.exposures, []);
    assert.match(a.summary, /has 2 members\. There are 3 minimal coalitions\. None lies within one organisation/);
  });

  it('flags coalitions within one organisation and location, with a readable sentence', () => {
    const a = analyzeCoalitions(vssThreeOfFive());
    assert.equal(a.coalitions.length, 10);
    const acme = a.warnings.find((w) => w.kind === 'same-organisation');
    assert.deepEqual(acme, {
      kind: 'same-organisation',
      severity: 'warning',
      custodianIds: ['alice', 'bob', 'carol'],
      organisation: 'Acme',
      minimal: true,
      message: 'Custodians Alice, Bob and Carol, all in Acme, can reach the quorum together.',
    });
    // Wendy watches everyone; Alice, Dan and Erin show their shards (screen, paper, screen).
    assert.deepEqual(a.exposures.map((e) => [e.kind, e.name, e.custodianIds.join()]), [
      ['organisation', 'Acme', 'alice,bob,carol'],
      ['witness', 'wendy', 'alice,dan,erin'],
    ]);
    assert.deepEqual(
      a.warnings.filter((w) => w.kind === 'witness-can-assemble').map((w) => w.message),
      ['Witness Wendy observes every handoff of Alice, Dan and Erin, whose shards are shown on screen or on paper; Wendy could assemble the quorum.'],
    );
    assert.deepEqual(a.coalitions.find((c) => c.custodianIds.join() === 'carol,dan,erin')?.witnessIds, [], 'Victor sees Dan and Erin only');
  });

  it('writes the shared organisation and location as in "both in Acme (Zurich)"', () => {
    const p = plan({ type: 'vss', ciphersuite: 'p256', threshold: 2, shares: 3 }, [
      custodian('alice', 'Alice', 'Acme', 'Zurich', 'usb', [{ signer: 1 }]),
      custodian('bob', 'Bob', 'ACME ', 'zurich', 'pkcs11', [{ signer: 2 }]),
      custodian('carol', 'Carol', 'Globex', 'Zurich', 'usb', [{ signer: 3 }]),
    ]);
    const a = analyzeCoalitions(p);
    assert.deepEqual(
      a.warnings.map((w) => w.message),
      [
        'Custodians Alice and Bob, both in Acme (Zurich), can reach the quorum together.',
        'Custodians Alice and Carol, both located in Zurich, can reach the quorum together.',
        'Custodians Bob and Carol, both located in Zurich, can reach the quorum together.',
      ],
    );
    assert.deepEqual(a.warnings[0], {
      kind: 'same-organisation',
      severity: 'warning',
      custodianIds: ['alice', 'bob'],
      organisation: 'Acme',
      location: 'Zurich',
      minimal: true,
      message: a.warnings[0]?.message,
    });
    assert.equal(a.warnings[1]?.kind, 'same-location');
    assert.equal(a.warnings[1]?.organisation, undefined);
  });

  it('flags a witness who sees every shard of a quorum on screen or paper, not through USB or a token', () => {
    const p = plan(
      { type: 'vss', ciphersuite: 'secp256k1', threshold: 3, shares: 4 },
      [
        custodian('alice', 'Alice', 'A', 'X', 'screen-qr', [{ signer: 1 }]),
        custodian('bob', 'Bob', 'B', 'Y', 'screen-qr', [{ signer: 2 }]),
        custodian('carol', 'Carol', 'C', 'Z', 'screen-qr', [{ signer: 3 }]),
        custodian('dave', 'Dave', 'D', 'W', 'usb', [{ signer: 4 }]),
      ],
      [
        { id: 'wendy', name: 'Wendy', organisation: 'Notary', observes: 'all' },
        { id: 'walt', name: 'Walt', organisation: 'Notary', observes: ['alice', 'bob', 'dave'] },
      ],
    );
    const a = analyzeCoalitions(p);
    const flagged = a.warnings.filter((w) => w.kind === 'witness-can-assemble');
    assert.deepEqual(flagged.map((w) => w.message), [
      'Witness Wendy observes every handoff of Alice, Bob and Carol, whose shards are shown on screen; Wendy could assemble the quorum.',
    ]);
    assert.equal(flagged[0]?.severity, 'critical');
    assert.equal(flagged[0]?.witnessId, 'wendy');
    assert.deepEqual(a.coalitions.find((c) => c.custodianIds.includes('dave'))?.witnessIds, []);
    assert.deepEqual(a.exposures, [{ kind: 'witness', name: 'wendy', custodianIds: ['alice', 'bob', 'carol'] }]);
  });

  it('raises a critical warning for a custodian who reaches the quorum alone', () => {
    // Alice holds two of the 2-of-3 shares of group 0, and group threshold is 1.
    const p = plan({ type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }, { memberThreshold: 2, memberCount: 2 }] }, [
      custodian('alice', 'Alice', 'Acme', 'Zurich', 'paper', [{ group: 0, member: 0 }, { group: 0, member: 1 }]),
      custodian('bob', 'Bob', 'Acme', 'Zurich', 'paper', [{ group: 0, member: 2 }, { group: 1, member: 0 }]),
      custodian('carol', 'Carol', 'Globex', 'Basel', 'usb', [{ group: 1, member: 1 }]),
    ], [{ id: 'wendy', name: 'Wendy', organisation: 'Notary', observes: ['alice'] }]);
    const a = analyzeCoalitions(p);
    assert.equal(a.minimumSize, 1);
    assert.deepEqual(a.coalitions.map((c) => c.custodianIds), [['alice'], ['bob', 'carol']]);
    const single = a.warnings.filter((w) => w.kind === 'single-custodian');
    assert.deepEqual(single.map((w) => [w.severity, w.custodianIds, w.message]), [
      ['critical', ['alice'], 'Custodian Alice can reach the quorum alone: one person can recover the secret. Spread the shares over more custodians or raise the thresholds.'],
    ]);
    assert.ok(a.warnings.some((w) => w.message === 'Witness Wendy observes the handoff of Alice, whose shard is printed on paper; Wendy could assemble the quorum.'));
    assert.ok(!a.warnings.some((w) => w.kind === 'same-organisation' && w.custodianIds.length === 1), 'no organisation warning for a lone custodian');
  });

  it('counts a custodian once per share across groups', () => {
    // Two groups needed; Bob is in both, so {alice, bob} covers group 0 and {bob, carol} group 1... with Bob's help.
    const p = plan({ type: 'slip39', groupThreshold: 2, groups: [{ memberThreshold: 2, memberCount: 2 }, { memberThreshold: 2, memberCount: 2 }] }, [
      custodian('alice', 'Alice', 'A', 'X', 'usb', [{ group: 0, member: 0 }]),
      custodian('bob', 'Bob', 'B', 'Y', 'usb', [{ group: 0, member: 1 }, { group: 1, member: 0 }]),
      custodian('carol', 'Carol', 'C', 'Z', 'usb', [{ group: 1, member: 1 }]),
    ]);
    const a = analyzeCoalitions(p);
    assert.deepEqual(a.coalitions.map((c) => c.custodianIds), [['alice', 'bob', 'carol']]);
  });

  it('adds the id to a name two custodians share', () => {
    const p = plan({ type: 'vss', ciphersuite: 'ed25519', threshold: 2, shares: 2 }, [
      custodian('js1', 'John Smith', 'Acme', 'Zurich', 'usb', [{ signer: 1 }]),
      custodian('js2', 'John Smith', 'Acme', 'Bern', 'usb', [{ signer: 2 }]),
    ]);
    assert.equal(analyzeCoalitions(p).warnings[0]?.message, 'Custodians John Smith (js1) and John Smith (js2), both in Acme, can reach the quorum together.');
  });

  it('matches a brute-force oracle over all subsets on small random plans (property)', () => {
    fc.assert(
      fc.property(arbSmallPlan(), (p) => {
        const a = analyzeCoalitions(p);
        const expected = oracleMinimal(p);
        assert.equal(a.truncated, false);
        assert.deepEqual(a.coalitions.map((c) => c.custodianIds), expected);
        assert.equal(a.minimumSize, expected[0]?.length ?? null);
        checkCoalitions(p, expected);
        // Exact exposures agree with the flags on the full list.
        for (const e of a.exposures) {
          const members = p.custodians.filter((c) => e.custodianIds.includes(c.id));
          assert.equal(oracleQualifies(p, members), true);
          if (e.kind === 'witness') assert.ok(a.coalitions.some((c) => c.witnessIds.includes(e.name)));
          else assert.ok(a.coalitions.some((c) => c.custodianIds.every((id) => e.custodianIds.includes(id))));
        }
        for (const c of a.coalitions) {
          const members = p.custodians.filter((x) => c.custodianIds.includes(x.id));
          const orgs = new Set(members.map((m) => m.organisation));
          assert.equal(c.organisation !== undefined, orgs.size === 1);
          for (const w of p.witnesses) {
            const sees = members.every((m) => (w.observes === 'all' || w.observes.includes(m.id)) && (m.medium === 'screen-qr' || m.medium === 'paper'));
            assert.equal(c.witnessIds.includes(w.id), sees);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lists the first N when cut off, and says so (property)', () => {
    fc.assert(
      fc.property(arbSmallPlan(), fc.integer({ min: 1, max: 6 }), (p, limit) => {
        const expected = oracleMinimal(p);
        const a = analyzeCoalitions(p, { limit });
        const listed = a.coalitions.map((c) => c.custodianIds.join());
        assert.equal(a.truncated, expected.length > limit);
        assert.equal(a.truncatedBy, expected.length > limit ? 'limit' : null);
        assert.equal(listed.length, Math.min(limit, expected.length));
        assert.equal(a.minimumSize, expected[0]?.length ?? null);
        // The listed ones are real minimal coalitions, none repeated, and no unlisted one is smaller than a listed one.
        const all = new Set(expected.map((x) => x.join()));
        assert.ok(listed.every((x) => all.has(x)));
        assert.equal(new Set(listed).size, listed.length);
        const largest = Math.max(...a.coalitions.map((c) => c.custodianIds.length));
        assert.ok(expected.every((x) => listed.includes(x.join()) || x.length >= largest));
      }),
      { numRuns: 200 },
    );
  });

  it('handles the largest SLIP-39 layouts without blowing up', () => {
    const wide = analyzeCoalitions(grid(2, 16, 16, 2));
    assert.equal(wide.minimumSize, 4);
    assert.equal(wide.coalitions.length, 1000);
    assert.equal(wide.truncatedBy, 'limit');
    checkCoalitions(grid(2, 16, 16, 2), wide.coalitions.slice(0, 50).map((c) => c.custodianIds));
    assert.match(wide.summary, /The first 1000 minimal coalitions are listed; there are more/);

    const all = grid(16, 16, 16, 16);
    const full = analyzeCoalitions(all);
    assert.equal(full.minimumSize, 256);
    assert.equal(full.coalitions.length, 1);
    assert.equal(full.truncated, false);

    const mixed = analyzeCoalitions(grid(9, 16, 16, 9), { limit: 20 });
    assert.equal(mixed.minimumSize, 81);
    checkCoalitions(grid(9, 16, 16, 9), mixed.coalitions.map((c) => c.custodianIds));
  });

  it('handles FROST 128-of-255', () => {
    const cs = Array.from({ length: 255 }, (_, i) => custodian(`c${i}`, `C${i}`, `Org${i % 3}`, 'L', 'usb', [{ signer: i + 1 }]));
    const p = plan({ type: 'vss', ciphersuite: 'p256', threshold: 128, shares: 255 }, cs);
    const a = analyzeCoalitions(p, { limit: 10 });
    assert.equal(a.minimumSize, 128);
    assert.equal(a.truncatedBy, 'limit');
    assert.deepEqual(a.coalitions[0]?.custodianIds, cs.slice(0, 128).map((c) => c.id));
    assert.deepEqual(a.coalitions[1]?.custodianIds, [...cs.slice(0, 127), cs[128]!].map((c) => c.id));
    assert.deepEqual(a.exposures.filter((e) => e.kind === 'organisation'), [], 'no organisation has 128 custodians');
    assert.deepEqual(a.exposures.map((e) => e.kind), ['location'], 'everyone is at L');
  });

  it('reports a search cut by the work cap honestly, and still warns from the exact exposures', () => {
    const p = grid(2, 4, 4, 2, 'paper');
    const a = analyzeCoalitions(p, { maxWork: 50 });
    assert.equal(a.truncated, true);
    assert.equal(a.truncatedBy, 'work');
    assert.equal(a.minimumSize, null);
    assert.equal(a.minimumSizeRange.atMost, 4, 'a greedy coalition bounds the minimum from above');
    assert.ok(a.minimumSizeRange.atLeast >= 1 && a.minimumSizeRange.atLeast <= 4);
    assert.match(a.summary, /has \d to 4 members/);
    // Org 0 holds two members of every group, each site two whole groups, and the witness sees all: one aggregate
    // warning each (Org 1 and Org 2 hold one member per group only).
    const aggregate = a.warnings.filter((w) => !w.minimal);
    assert.deepEqual(aggregate.map((w) => [w.kind, w.organisation ?? w.location ?? w.witnessId]), [
      ['same-organisation', 'Org 0'],
      ['same-location', 'Site 0'],
      ['same-location', 'Site 1'],
      ['witness-can-assemble', 'wit'],
    ]);
    assert.match(aggregate[3]?.message ?? '', /^Witness Wit sees the shards of C 0-0, C 0-1, C 0-2, C 0-3 and 12 others in the room and could assemble the quorum from them \(the search stopped at its work limit/);
  });

  it('searches size 1 in full even under a tiny work cap', () => {
    const p = plan({ type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }, { memberThreshold: 1, memberCount: 1 }] }, [
      custodian('a', 'A', 'O1', 'L1', 'usb', [{ group: 0, member: 0 }]),
      custodian('b', 'B', 'O2', 'L2', 'usb', [{ group: 0, member: 1 }]),
      custodian('c', 'C', 'O3', 'L3', 'usb', [{ group: 0, member: 2 }]),
      custodian('d', 'D', 'O4', 'L4', 'usb', [{ group: 1, member: 0 }]),
    ]);
    const a = analyzeCoalitions(p, { maxWork: 1 });
    assert.equal(a.minimumSize, 1);
    assert.deepEqual(a.coalitions.map((c) => c.custodianIds), [['d']]);
    assert.equal(a.truncatedBy, 'work');
    assert.ok(a.warnings.some((w) => w.kind === 'single-custodian' && w.custodianIds[0] === 'd'));
  });

  it('finds the exact minimum on realistic layouts with custodians in several groups', () => {
    // 5 groups of 5 (3 of each), 3 groups needed; five people sit in two groups each.
    const refs: ShareRef[] = Array.from({ length: 25 }, (_, k) => ({ group: Math.floor(k / 5), member: k % 5 }));
    const cs: Custodian[] = [];
    for (let k = 0; k < 20; k++) {
      const mine = k < 5 ? [refs[k]!, refs[20 + k]!] : [refs[k]!];
      cs.push(custodian(`p${k}`, `P${k}`, `Org${k % 4}`, `L${k % 5}`, 'usb', mine));
    }
    const p = plan({ type: 'slip39', groupThreshold: 3, groups: Array.from({ length: 5 }, () => ({ memberThreshold: 3, memberCount: 5 })) }, cs);
    const a = analyzeCoalitions(p, { limit: 100 });
    assert.equal(a.minimumSize, 6, 'three of group 0 also give three of group 4; three more give a third group');
    assert.equal(a.truncatedBy, 'limit');
    checkCoalitions(p, a.coalitions.map((c) => c.custodianIds));
  });

  it('rejects a bad limit', () => {
    for (const limit of [0, 1.5, -3]) {
      assert.throws(() => analyzeCoalitions(slip39TwoOfThree(), { limit }), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
