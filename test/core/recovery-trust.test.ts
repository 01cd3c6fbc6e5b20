import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import {
  EXPECTED_SOURCES,
  expectedFromShards,
  expectedFromTranscript,
  expectedFromTypedFingerprint,
  fingerprintMatches,
  isSealed,
  isVerifiedSource,
  parseFinalHashInput,
  recoveryVerdict,
  signoffsWithKeys,
  transcriptFingerprint,
  witnessKeyFingerprint,
} from '../../core/recovery-trust';
import { appendEntry, createTranscript, signEntry, verifyTranscript, type Transcript, type VerifyOk } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { alice, bob, carol, steppingClock, witnessEntry } from './transcript-fixture';

const FP = '97b47ecb0b153e03f4858e4fd72d9d3254b05d2f246c876a5b915dc6f8a4bfd6';
const OTHER = 'aa'.repeat(32);

function isCode(code: string) {
  return (e: unknown) => e instanceof KeyshardError && e.code === code;
}

function verified(t: Transcript): VerifyOk {
  const v = verifyTranscript(t);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return v;
}

/**
 * plan · generate · split · handoff · seal (or abort instead of the seal); `sign` names which entries (by kind) which
 * witnesses sign. The plan entry records the sign-off policy as the ceremony does; by default the seal needs none.
 */
async function ceremony(
  sign: Partial<Record<'generate' | 'split' | 'handoff' | 'seal', readonly ('alice' | 'bob' | 'carol')[]>> = {},
  opts: { seal?: boolean; abort?: boolean; signOffs?: Record<string, string> } = {},
): Promise<Transcript> {
  const who = { alice, bob, carol };
  let t = createTranscript('trust-1', steppingClock());
  t = appendEntry(t, 'plan', {
    scheme: 'slip39',
    witnessIds: ['alice', 'bob', 'carol'],
    signOffs: opts.signOffs ?? {},
    witnessKeys: [witnessEntry(alice), witnessEntry(bob), witnessEntry(carol)],
  });
  t = appendEntry(t, 'generate', { kind: 'seed', fingerprint: FP });
  const gen = t.entries.length;
  for (const w of sign.generate ?? []) t = await signEntry(t, gen, who[w]);
  t = appendEntry(t, 'split', { scheme: 'slip39', fingerprint: FP, identifier: 1, shareCount: 3 });
  const split = t.entries.length;
  for (const w of sign.split ?? []) t = await signEntry(t, split, who[w]);
  t = appendEntry(t, 'handoff', { custodianId: 'dana' });
  const handoff = t.entries.length;
  for (const w of sign.handoff ?? []) t = await signEntry(t, handoff, who[w]);
  if (opts.abort === true) t = appendEntry(t, 'abort', { reason: 'a custodian lost the envelope; starting again with a new key', afterStep: 'handoff' });
  if (opts.seal !== false && opts.abort !== true) {
    t = appendEntry(t, 'seal', { fingerprint: FP });
    const seal = t.entries.length;
    for (const w of sign.seal ?? []) t = await signEntry(t, seal, who[w]);
  }
  return t;
}

const aliceFp = witnessKeyFingerprint('ed25519', alice.publicKey);
const bobFp = witnessKeyFingerprint('ed25519', bob.publicKey);
const carolFp = witnessKeyFingerprint('ecdsa-p256', carol.publicKey);

describe('recovery trust: sources', () => {
  it('names exactly six sources, three of them verified', () => {
    assert.deepEqual(EXPECTED_SOURCES, ['fingerprint', 'final-hash', 'witness-keys', 'transcript-unsigned', 'transcript-unfinished', 'shards']);
    assert.deepEqual(
      EXPECTED_SOURCES.filter((s) => isVerifiedSource(s)),
      ['fingerprint', 'final-hash', 'witness-keys'],
    );
  });
});

describe('recovery trust: witness key fingerprint', () => {
  it('is SHA-256 over the domain, the algorithm and the key, each separated by a zero byte', () => {
    const want = bytesToHex(sha256(concatBytes(utf8ToBytes('keyshard/witness-key/v1'), Uint8Array.of(0), utf8ToBytes('ed25519'), Uint8Array.of(0), alice.publicKey)));
    assert.equal(aliceFp, want);
    assert.equal(witnessKeyFingerprint('ed25519', bytesToHex(alice.publicKey)), want);
  });
  it('gives one fingerprint for both encodings of a P-256 key, and differs by algorithm', () => {
    const compressed = p256.Point.fromBytes(carol.publicKey).toBytes(true);
    assert.equal(witnessKeyFingerprint('ecdsa-p256', compressed), carolFp);
    assert.notEqual(aliceFp, bobFp);
  });
  it('refuses a key that is not one', () => {
    assert.throws(() => witnessKeyFingerprint('ed25519', new Uint8Array(31)), isCode('WITNESS_KEY'));
    assert.throws(() => witnessKeyFingerprint('ecdsa-p256', new Uint8Array(33)), isCode('WITNESS_KEY'));
  });
});

describe('recovery trust: typed input', () => {
  it('accepts hex with spaces, dashes and either case; refuses other lengths and letters', () => {
    const typed = FP.toUpperCase().match(/.{4}/g)!.join(' ');
    assert.equal(expectedFromTypedFingerprint(typed).fingerprint, FP);
    assert.equal(expectedFromTypedFingerprint(FP.slice(0, 32).match(/.{4}/g)!.join('-')).fingerprint, FP.slice(0, 32));
    assert.equal(parseFinalHashInput(` ${FP.slice(0, 32)}\n${FP.slice(32)} `), FP);
    assert.throws(() => expectedFromTypedFingerprint(FP.slice(0, 40)), isCode('INVALID_HEX'));
    assert.throws(() => expectedFromTypedFingerprint(`${FP.slice(0, 63)}g`), isCode('INVALID_HEX'));
    assert.throws(() => parseFinalHashInput(FP.slice(0, 32)), isCode('INVALID_HEX'));
  });
  it('matches a short (32-digit) fingerprint against the start of the recovered one only', () => {
    assert.equal(fingerprintMatches(FP.slice(0, 32), FP), true);
    assert.equal(fingerprintMatches(FP.slice(32), FP), false);
    assert.equal(fingerprintMatches(FP, FP), true);
  });
});

describe('recovery trust: verdict', () => {
  it('typed fingerprint: verified; a different key: mismatch', () => {
    const e = expectedFromTypedFingerprint(FP);
    assert.equal(e.source, 'fingerprint');
    assert.equal(recoveryVerdict(e, FP), 'verified');
    assert.equal(recoveryVerdict(e, OTHER), 'mismatch');
  });
  it('shards only, or nothing: unverified, never verified', () => {
    const e = expectedFromShards(FP);
    assert.equal(e.source, 'shards');
    assert.equal(e.verified, false);
    assert.equal(recoveryVerdict(e, FP), 'unverified');
    assert.equal(recoveryVerdict(e, OTHER), 'mismatch');
    assert.equal(recoveryVerdict(null, FP), 'unverified');
  });
  it('a made-up transcript with no sign-offs: unverified (transcript-unsigned)', async () => {
    const e = expectedFromTranscript(verified(await ceremony()));
    assert.equal(e.source, 'transcript-unsigned');
    assert.equal(e.verified, false);
    assert.equal(recoveryVerdict(e, FP), 'unverified');
  });
  it('a transcript signed by witnesses nobody pinned: still unverified (anyone can sign with a key of their own)', async () => {
    const e = expectedFromTranscript(verified(await ceremony({ split: ['alice'], seal: ['bob'] })));
    assert.equal(e.source, 'transcript-unsigned');
    assert.equal(e.bindingSignoffs.length, 2);
    assert.equal(recoveryVerdict(e, FP), 'unverified');
  });
  it('transcript + the right final hash (typed with spaces): verified (final-hash)', async () => {
    const v = verified(await ceremony());
    const e = expectedFromTranscript(v, { finalHash: v.headHash.toUpperCase().match(/.{8}/g)!.join(' ') });
    assert.equal(e.source, 'final-hash');
    assert.equal(recoveryVerdict(e, FP), 'verified');
    assert.equal(recoveryVerdict(e, OTHER), 'mismatch');
  });
  it('a wrong final hash, or the hash of an earlier entry (a cut-short file): FINAL_HASH_MISMATCH', async () => {
    const v = verified(await ceremony());
    assert.throws(() => expectedFromTranscript(v, { finalHash: OTHER }), isCode('FINAL_HASH_MISMATCH'));
    const cut = verified(await ceremony({}, { seal: false }));
    assert.throws(() => expectedFromTranscript(cut, { finalHash: v.headHash }), isCode('FINAL_HASH_MISMATCH'));
    const longer = verified(await ceremony());
    assert.throws(
      () => expectedFromTranscript(longer, { finalHash: longer.entries[2]!.hash }),
      (e: unknown) => isCode('FINAL_HASH_MISMATCH')(e) && (e as KeyshardError).details?.['matchesSeq'] === 3,
    );
  });
  it('a pinned witness key over the split: verified (witness-keys); pinned by its short form too', async () => {
    const v = verified(await ceremony({ split: ['alice'] }));
    const e = expectedFromTranscript(v, { witnessKeys: [aliceFp] });
    assert.equal(e.source, 'witness-keys');
    assert.equal(recoveryVerdict(e, FP), 'verified');
    assert.deepEqual(
      e.bindingSignoffs.map((b) => [b.witnessId, b.pinned, b.targetKind]),
      [['alice', true, 'split']],
    );
    const short = expectedFromTranscript(v, { witnessKeys: [aliceFp.slice(0, 32).match(/.{4}/g)!.join(' ')] });
    assert.equal(short.source, 'witness-keys');
  });
  it('a pinned P-256 token key over the seal: verified; a pinned key over generate only: not (it did not attest the split)', async () => {
    const bySeal = expectedFromTranscript(verified(await ceremony({ seal: ['carol'] })), { witnessKeys: [carolFp] });
    assert.equal(bySeal.source, 'witness-keys');
    const byGenerate = expectedFromTranscript(verified(await ceremony({ generate: ['bob'] })), { witnessKeys: [bobFp] });
    assert.equal(byGenerate.source, 'transcript-unsigned');
    assert.equal(byGenerate.verified, false);
  });
  it('review H2: an aborted ceremony is never verified, whatever pinned witnesses signed or final hash is typed', async () => {
    const t = await ceremony({ generate: ['alice'], split: ['alice', 'bob'] }, { abort: true });
    const v = verified(t);
    const pinned = expectedFromTranscript(v, { witnessKeys: [aliceFp, bobFp] });
    assert.equal(pinned.source, 'transcript-unfinished');
    assert.equal(pinned.verified, false);
    assert.equal(pinned.status, 'aborted');
    assert.match(pinned.statusWhy ?? '', /aborted/);
    assert.equal(recoveryVerdict(pinned, FP), 'unverified');
    // The abort screen may print the head hash: typing it from there proves nothing either.
    const typed = expectedFromTranscript(v, { finalHash: v.headHash, witnessKeys: [aliceFp] });
    assert.equal(typed.source, 'transcript-unfinished');
    assert.equal(recoveryVerdict(typed, FP), 'unverified');
    // The same file cut right before its abort: unfinished, still not verified.
    const cut = verified({ ...t, entries: t.entries.slice(0, -1) });
    const cutTrust = expectedFromTranscript(cut, { witnessKeys: [aliceFp, bobFp] });
    assert.equal(cutTrust.source, 'transcript-unfinished');
    assert.equal(cutTrust.status, 'unfinished');
    assert.equal(recoveryVerdict(cutTrust, FP), 'unverified');
  });
  it('review H2: a transcript cut after the split sign-off (no seal) is not verified by a pinned key or its head hash', async () => {
    const v = verified(await ceremony({ split: ['alice'] }, { seal: false }));
    const e = expectedFromTranscript(v, { witnessKeys: [aliceFp] });
    assert.equal(e.source, 'transcript-unfinished');
    assert.equal(e.sealed, false);
    assert.match(e.statusWhy ?? '', /before its seal/);
    assert.equal(recoveryVerdict(e, FP), 'unverified');
    assert.equal(expectedFromTranscript(v, { finalHash: v.headHash }).source, 'transcript-unfinished');
  });
  it('review M1: a transcript source names its ceremony (id, label, seal time) to compare with the paper record', async () => {
    const t = await ceremony({ split: ['alice'], seal: ['carol'] });
    const e = expectedFromTranscript(verified(t), { witnessKeys: [carolFp] });
    assert.equal(e.source, 'witness-keys');
    assert.deepEqual(e.ceremony, { id: 'trust-1', label: null, sealedAt: t.entries.find((x) => x.kind === 'seal')!.at });
    const cut = expectedFromTranscript(verified({ ...t, entries: t.entries.slice(0, 5) }));
    assert.equal(cut.ceremony?.sealedAt, null);
  });
  it("review M3: sealed means the seal has the sign-offs the plan requires, and only sign-offs follow it", async () => {
    const all = { signOffs: { split: 'one', seal: 'all' } };
    const partial = verified(await ceremony({ split: ['alice'], seal: ['alice', 'bob'] }, all));
    assert.equal(isSealed(partial), false);
    assert.equal(transcriptEnd(partial).status, 'unfinished');
    assert.match(transcriptEnd(partial).why ?? '', /2 of the 3 witness sign-offs/);
    assert.equal(expectedFromTranscript(partial, { witnessKeys: [aliceFp] }).source, 'transcript-unfinished');
    const full = verified(await ceremony({ split: ['alice'], seal: ['alice', 'bob', 'carol'] }, all));
    assert.equal(isSealed(full), true);
    assert.equal(expectedFromTranscript(full, { witnessKeys: [aliceFp] }).source, 'witness-keys');
    // 'one': any one witness over the seal.
    assert.equal(isSealed(verified(await ceremony({ split: ['alice'] }, { signOffs: { seal: 'one' } }))), false);
    assert.equal(isSealed(verified(await ceremony({ split: ['alice'], seal: ['bob'] }, { signOffs: { seal: 'one' } }))), true);
    // A step after the seal: not sealed.
    const after = appendEntry(await ceremony({ split: ['alice'], seal: ['alice', 'bob', 'carol'] }, all), 'handoff', { custodianId: 'erin' });
    assert.equal(isSealed(verified(after)), false);
    assert.match(transcriptEnd(verified(after)).why ?? '', /comes after the seal/);
  });
  it('a pinned key that only signed a handoff, or a key not pinned: unverified, and the unused pin is named', async () => {
    const handoffOnly = expectedFromTranscript(verified(await ceremony({ handoff: ['alice'], split: ['bob'] })), { witnessKeys: [aliceFp] });
    assert.equal(handoffOnly.source, 'transcript-unsigned');
    assert.equal(recoveryVerdict(handoffOnly, FP), 'unverified');
    assert.deepEqual(handoffOnly.unmatchedPins, [aliceFp]);
    const unpinned = expectedFromTranscript(verified(await ceremony({ split: ['bob'] })), { witnessKeys: [carolFp] });
    assert.equal(unpinned.source, 'transcript-unsigned');
  });
  it('reports sealed, lists every sign-off with its key fingerprint', async () => {
    const v = verified(await ceremony({ split: ['alice'], handoff: ['bob'] }, { seal: false }));
    assert.equal(isSealed(v), false);
    const all = signoffsWithKeys(v, [bobFp]);
    assert.deepEqual(
      all.map((s) => [s.witnessId, s.targetKind, s.keyFingerprint, s.pinned]),
      [
        ['alice', 'split', aliceFp, false],
        ['bob', 'handoff', bobFp, true],
      ],
    );
  });
  it('refuses a transcript without a split, or with two different fingerprints', async () => {
    let t = createTranscript('trust-2', steppingClock());
    t = appendEntry(t, 'plan', { scheme: 'slip39' });
    t = appendEntry(t, 'generate', { fingerprint: FP });
    assert.throws(() => transcriptFingerprint(verified(t)), isCode('TRANSCRIPT_FORMAT'));
    t = appendEntry(t, 'split', { fingerprint: OTHER });
    assert.throws(() => expectedFromTranscript(verified(t)), isCode('TRANSCRIPT_FORMAT'));
  });
});
