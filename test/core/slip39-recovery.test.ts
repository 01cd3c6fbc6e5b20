import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KeyshardError } from '../../core/errors';
import { Slip39Recovery, analyzeMnemonics, decodeShare, encodeShare, splitMasterSecret } from '../../core/slip39/index';
import { layoutArb, nodePbkdf2, seededRandom } from './slip39-helpers';

const secret = seededRandom(77)(32);
// 2 of 3 groups: group 1 is 2-of-3, group 2 is 3-of-5, group 3 is 1-of-1.
const layout = { groupThreshold: 2, groups: [{ threshold: 2, count: 3 }, { threshold: 3, count: 5 }, { threshold: 1, count: 1 }] };
const shares = splitMasterSecret(secret, { ...layout, passphrase: 'pw', iterationExponent: 0, random: seededRandom(78), pbkdf2: nodePbkdf2 });
const other = splitMasterSecret(secret, { ...layout, passphrase: 'pw', iterationExponent: 0, random: seededRandom(79), pbkdf2: nodePbkdf2 });

function snapshot(r: Slip39Recovery): string {
  return JSON.stringify(r.progress());
}

describe('Slip39Recovery: shares one at a time', () => {
  it('reports nothing before the first share', () => {
    const r = new Slip39Recovery();
    const p = r.progress();
    assert.equal(p.started, false);
    assert.equal(p.canCombine, false);
    assert.equal(p.groupsNeeded, null);
    assert.throws(() => r.combine('pw'), (e: unknown) => e instanceof KeyshardError && e.code === 'BELOW_THRESHOLD');
  });

  it('tracks per-group progress, groups still needed, and when combining becomes possible', () => {
    const r = new Slip39Recovery();
    let res = r.add(shares[1]![4]!);
    assert.equal(res.status, 'accepted');
    let p = res.progress;
    assert.equal(p.started, true);
    assert.equal(p.identifier, decodeShare(shares[1]![4]!).identifier);
    assert.deepEqual([p.groupThreshold, p.groupCount, p.extendable, p.iterationExponent], [2, 3, true, 0]);
    assert.deepEqual(p.groups[1], { groupIndex: 1, memberThreshold: 3, membersInHand: 1, membersNeeded: 2, complete: false, memberIndices: [4] });
    assert.deepEqual(p.groups[0], { groupIndex: 0, memberThreshold: null, membersInHand: 0, membersNeeded: null, complete: false, memberIndices: [] });
    assert.deepEqual([p.groupsComplete, p.groupsNeeded, p.canCombine], [0, 2, false]);

    res = r.add(shares[2]![0]!); // the 1-of-1 group completes at once
    p = res.progress;
    assert.deepEqual([p.groups[2]!.complete, p.groupsComplete, p.groupsNeeded, p.canCombine], [true, 1, 1, false]);

    r.add(shares[1]![0]!);
    res = r.add(shares[1]![2]!);
    assert.equal(res.status, 'accepted');
    p = res.progress;
    assert.deepEqual(p.groups[1]!.memberIndices, [0, 2, 4]);
    assert.deepEqual([p.groups[1]!.complete, p.groups[1]!.membersNeeded, p.groupsComplete, p.groupsNeeded, p.canCombine], [true, 0, 2, 0, true]);
    assert.deepEqual(r.combine('pw', nodePbkdf2), secret);
  });

  it('merges an exact repeat (any case or spacing) as a duplicate, without counting it twice', () => {
    const r = new Slip39Recovery();
    r.add(shares[0]![1]!);
    const before = snapshot(r);
    const res = r.add(`  ${shares[0]![1]!.toUpperCase().replace(/ /g, '   ')} `);
    assert.equal(res.status, 'duplicate');
    assert.equal(snapshot(r), before);
    assert.equal(res.progress.groups[0]!.membersInHand, 1);
  });

  it('rejects a share from another backup without disturbing what is in hand', () => {
    const r = new Slip39Recovery();
    r.add(shares[0]![0]!);
    const before = snapshot(r);
    const res = r.add(other[0]![1]!);
    assert.equal(res.status, 'rejected');
    assert.equal(res.status === 'rejected' && res.error.code, 'SHARES_MISMATCH');
    assert.equal(snapshot(r), before);
    r.add(shares[0]![2]!);
    r.add(shares[2]![0]!);
    assert.deepEqual(r.combine('pw', nodePbkdf2), secret);
  });

  it('rejects a conflicting member (same index, other contents) and keeps the first one', () => {
    const r = new Slip39Recovery();
    r.add(shares[0]![0]!);
    const forged = encodeShare({ ...decodeShare(shares[0]![2]!), memberIndex: 0 });
    const res = r.add(forged);
    assert.equal(res.status === 'rejected' && res.error.code, 'DUPLICATE_SHARE');
    r.add(shares[0]![1]!);
    r.add(shares[2]![0]!);
    assert.deepEqual(r.combine('pw', nodePbkdf2), secret);
  });

  it('rejects undecodable input with its own code and keeps going', () => {
    const r = new Slip39Recovery();
    const results = [
      r.add('not a share'),
      r.add(shares[0]![0]!.split(' ').slice(0, 25).join(' ')),
      r.add(shares[0]![0]!.replace(/^(\S+) (\S+)/, '$2 $1')),
    ];
    assert.deepEqual(results.map((x) => x.status === 'rejected' && x.error.code), ['SLIP39_WORD', 'SLIP39_CHECKSUM', 'SLIP39_CHECKSUM']);
    assert.equal(r.progress().started, false);
    assert.equal(r.add(shares[0]![0]!).status, 'accepted');
  });

  it('ignores an unfinished extra group once enough groups are complete, and uses extra members', () => {
    const r = new Slip39Recovery();
    for (const m of [...shares[0]!, shares[1]![3]!, shares[2]![0]!]) r.add(m);
    const p = r.progress();
    assert.deepEqual([p.groupsComplete, p.canCombine, p.groups[1]!.complete], [2, true, false]);
    assert.deepEqual(r.combine('pw', nodePbkdf2), secret);
  });

  it('clear() forgets everything', () => {
    const r = new Slip39Recovery();
    r.add(shares[2]![0]!);
    r.clear();
    assert.equal(r.progress().started, false);
    assert.equal(r.add(other[2]![0]!).status, 'accepted');
  });

  it('recovers the encrypted master secret, which re-splits into a new extendable set with the same passphrase', () => {
    const r = new Slip39Recovery();
    for (const m of [shares[0]![0]!, shares[0]![1]!, shares[2]![0]!]) r.add(m);
    const ems = r.recoverEncryptedMasterSecret();
    assert.equal(ems.extendable, true);
    assert.equal(ems.value.length, 32);
    assert.notDeepEqual(ems.value, secret);
  });
});

describe('analyzeMnemonics: a pile before combining', () => {
  it('gives one result per input and the final progress', () => {
    const pile = [shares[1]![0]!, 'oops', shares[1]![0]!, other[0]![0]!, shares[0]![2]!];
    const a = analyzeMnemonics(pile);
    assert.deepEqual(a.results.map((x) => x.status), ['accepted', 'rejected', 'duplicate', 'rejected', 'accepted']);
    assert.deepEqual(a.progress.groups.map((g) => [g.membersInHand, g.membersNeeded]), [[1, 1], [1, 2], [0, null]]);
    assert.equal(a.progress.groupsNeeded, 2);
  });

  it('matches the layout for random piles (property)', () => {
    fc.assert(
      fc.property(layoutArb(4, 5), fc.integer(), fc.integer(), (l, seed, pickSeed) => {
        const m = splitMasterSecret(seededRandom(seed)(16), { ...l, iterationExponent: 0, random: seededRandom(seed), pbkdf2: nodePbkdf2 });
        const all = m.flatMap((g, gi) => g.map((mn, mi) => ({ gi, mi, mn })));
        const pile = fc.sample(fc.shuffledSubarray(all), { numRuns: 1, seed: pickSeed })[0]!;
        const a = analyzeMnemonics(pile.map((p) => p.mn));
        assert.ok(a.results.every((x) => x.status === 'accepted'));
        let complete = 0;
        l.groups.forEach((spec, gi) => {
          const have = pile.filter((p) => p.gi === gi).length;
          const g = a.progress.groups[gi];
          if (pile.length === 0) return;
          assert.equal(g!.membersInHand, have);
          assert.equal(g!.memberThreshold, have === 0 ? null : spec.threshold);
          assert.equal(g!.complete, have >= spec.threshold);
          if (have >= spec.threshold) complete++;
        });
        if (pile.length > 0) {
          assert.equal(a.progress.groupsComplete, complete);
          assert.equal(a.progress.canCombine, complete >= l.groupThreshold);
        }
      }),
      { numRuns: 60 },
    );
  });
});
