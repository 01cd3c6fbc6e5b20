import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalize } from '../../core/canonical-json';
import { KeyshardError } from '../../core/errors';
import {
  appendEntry,
  computeEntryHash,
  createTranscript,
  findSecretLookingKey,
  genesisHash,
  isPrintableId,
  MAX_TRANSCRIPT_ENTRIES,
  parseTranscript,
  resumeTranscript,
  serializeTranscript,
  signEntry,
  verifyTranscript,
  verifyTranscriptText,
  verifyWitnessSignature,
} from '../../core/transcript';
import type { Transcript, TranscriptEntry, VerifyResult, WitnessSigner } from '../../core/transcript';
import { verifyTranscriptBytes } from '../../electron/cli/commands/transcript';
import {
  alice,
  bob,
  carol,
  ceremonyTranscript,
  ed25519Witness,
  p256,
  p256TokenWitness,
  smallTranscript,
  steppingClock,
  witnessEntry,
} from './transcript-fixture';

type Mutable = { format: string; version: number; ceremonyId: string; entries: Record<string, unknown>[] };

/** A deep, writable copy of a transcript as plain JSON (what an attacker edits). */
function plain(t: Transcript): Mutable {
  return JSON.parse(JSON.stringify(t)) as Mutable;
}

/** Re-links entries from `from` onwards (fixing seq, prevHash, hash), as someone rewriting the file would. */
function rechain(m: Mutable, from = 0): Mutable {
  for (let i = from; i < m.entries.length; i++) {
    const e = m.entries[i]!;
    e['seq'] = i + 1;
    e['prevHash'] = i === 0 ? genesisHash(m.ceremonyId) : (m.entries[i - 1]!['hash'] as string);
    e['hash'] = computeEntryHash(e as unknown as TranscriptEntry);
  }
  return m;
}

function assertFails(r: VerifyResult, code: string, firstBadSeq: number | null, label = ''): void {
  assert.equal(r.ok, false, `${label}: expected a failure`);
  if (r.ok) return;
  assert.equal(r.code, code, `${label}: ${r.reason}`);
  assert.equal(r.firstBadSeq, firstBadSeq, `${label}: ${r.reason}`);
}

const signoffData = (signature: string, targetSeq: number, targetHash: string, w: WitnessSigner): Record<string, unknown> => ({
  target: { seq: targetSeq, hash: targetHash },
  witness: { id: w.witnessId, algorithm: w.algorithm, publicKey: bytesToHex(w.publicKey) },
  signature,
});

const ceremony = await ceremonyTranscript();
const ceremonyText = serializeTranscript(ceremony);

describe('transcript: a whole ceremony', () => {
  it('verifies, and reports who signed what', () => {
    const r = verifyTranscript(ceremony);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.entries.length, 10);
    assert.equal(r.ceremonyId, 'acme-root-2025');
    assert.equal(r.witnessesPinned, true);
    assert.deepEqual(r.witnesses.map((w) => w.id), ['alice', 'bob', 'carol']);
    const signers = Object.fromEntries(r.signoffs.map((s) => [s.seq, s.witnesses.map((w) => `${w.id}@${w.signoffSeq}`)]));
    assert.deepEqual(signers, { 1: [], 2: [], 3: [], 4: ['carol@10'], 5: [], 6: ['alice@7', 'bob@8', 'carol@9'] });
    assert.equal(r.headHash, ceremony.entries[9]!.hash);
    assert.deepEqual(ceremony.entries.map((e) => e.kind), ['plan', 'airgap-check', 'entropy', 'split', 'handoff', 'seal', 'signoff', 'signoff', 'signoff', 'signoff']);
  });

  it('follows the documented hashing, so another tool can re-implement it', () => {
    const id = ceremony.ceremonyId;
    assert.equal(ceremony.entries[0]!.prevHash, bytesToHex(sha256(utf8ToBytes(`keyshard-transcript-v1 genesis\n"${id}"`))));
    let prev = ceremony.entries[0]!.prevHash;
    for (const e of ceremony.entries) {
      assert.equal(e.prevHash, prev);
      const body = canonicalize({ seq: e.seq, prevHash: e.prevHash, at: e.at, kind: e.kind, data: e.data });
      assert.ok(body.startsWith('{"at":'), 'members sorted');
      assert.equal(e.hash, bytesToHex(sha256(utf8ToBytes(`keyshard-transcript-v1\n${body}`))));
      prev = e.hash;
    }
    // Each sign-off signs the 32 raw bytes of its target's hash.
    for (const e of ceremony.entries.filter((x) => x.kind === 'signoff')) {
      const d = e.data as { target: { seq: number; hash: string }; witness: { algorithm: 'ed25519' | 'ecdsa-p256'; publicKey: string }; signature: string };
      assert.equal(d.target.hash, ceremony.entries[d.target.seq - 1]!.hash);
      assert.ok(verifyWitnessSignature(d.witness.algorithm, hexToBytes(d.witness.publicKey), hexToBytes(d.target.hash), hexToBytes(d.signature)));
    }
    assert.equal(ceremony.entries[3]!.at, '2025-03-01T09:00:03.000Z');
  });

  it('round-trips through its file form byte for byte', () => {
    assert.ok(ceremonyText.startsWith('{\n  "format": "keyshard-transcript",\n  "version": 1,\n  "ceremonyId": "acme-root-2025",\n  "entries": [\n    {\n      "seq": 1,\n'));
    assert.ok(ceremonyText.endsWith('\n    }\n  ]\n}\n'));
    const parsed = parseTranscript(ceremonyText);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(parsed)), JSON.parse(ceremonyText));
    assert.equal(serializeTranscript(parsed), ceremonyText);
    const r = verifyTranscriptText(ceremonyText);
    assert.ok(r.ok && r.headHash === ceremony.entries[9]!.hash);
  });

  it('honours high-S ECDSA signatures as a PKCS#11 token makes them (lowS: false)', () => {
    const e = ceremony.entries[9]!;
    const d = e.data as { target: { hash: string }; witness: { publicKey: string }; signature: string };
    const sig = hexToBytes(d.signature);
    const s = p256.Signature.fromBytes(sig).s;
    assert.ok(s > p256.Point.Fn.ORDER / 2n, 'the fixture really holds a high-S signature');
    assert.equal(p256.verify(sig, hexToBytes(d.target.hash), hexToBytes(d.witness.publicKey), { prehash: false }), false, "noble's default would refuse it");
    assert.equal(verifyWitnessSignature('ecdsa-p256', hexToBytes(d.witness.publicKey), hexToBytes(d.target.hash), sig), true);
    // The compressed form of the same key verifies too; a signature over a SHA-256 of the hash (prehash) does not.
    const compressed = p256.Point.fromBytes(hexToBytes(d.witness.publicKey)).toBytes(true);
    assert.equal(verifyWitnessSignature('ecdsa-p256', compressed, hexToBytes(d.target.hash), sig), true);
    const prehashed = p256.sign(hexToBytes(d.target.hash), Uint8Array.from(sha256(utf8ToBytes('keyshard test key: carol'))));
    assert.equal(verifyWitnessSignature('ecdsa-p256', hexToBytes(d.witness.publicKey), hexToBytes(d.target.hash), prehashed), false);
  });
});

/** Where each entry's object sits in the serialized text: from the "{" of its "    {" line to the "}" of its "    }" line. */
function entrySpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let offset = 0;
  let start = -1;
  for (const line of text.split('\n')) {
    if (line === '    {') start = offset + 4;
    if (line.startsWith('    }')) spans.push({ start, end: offset + 5 });
    offset += line.length + 1;
  }
  return spans;
}

/** The entry a change at byte `p` must be blamed on (byte offsets equal character offsets: the text is ASCII there). */
function expectedBlame(original: string, p: number, mutatedText: string): number | null {
  const spans = entrySpans(original);
  const i = spans.findIndex((s) => p >= s.start && p < s.end);
  if (i >= 0) return i + 1;
  const idKey = original.indexOf('"ceremonyId": ') + '"ceremonyId": '.length;
  const idEnd = original.indexOf('\n', idKey) - 1; // before the comma
  if (p >= idKey && p < idEnd) {
    const id = (JSON.parse(mutatedText) as { ceremonyId?: unknown }).ceremonyId;
    // A still-valid id breaks entry 1's link to the genesis hash; an invalid one is a header fault.
    return isPrintableId(id) ? 1 : null;
  }
  return null;
}

function parsesAsJson(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    JSON.parse(text);
    return text;
  } catch {
    return null;
  }
}

function checkOneByteChange(original: string, bytes: Uint8Array, p: number, value: number): void {
  const mutated = bytes.slice();
  mutated[p] = value;
  const r = verifyTranscriptBytes(mutated);
  const label = `byte ${p} ${JSON.stringify(String.fromCharCode(bytes[p]!))} -> 0x${value.toString(16)}`;
  const text = parsesAsJson(mutated);
  if (text === null) {
    assertFails(r, 'TRANSCRIPT_FORMAT', null, `${label} (no longer JSON)`);
    return;
  }
  assert.equal(r.ok, false, `${label}: still verifies`);
  if (!r.ok) assert.equal(r.firstBadSeq, expectedBlame(original, p, text), `${label}: ${r.code} ${r.reason}`);
}

describe('transcript: any change to one byte of the file is caught and blamed on the right entry', () => {
  it('checks every byte of a small transcript, each changed four ways', async () => {
    const text = serializeTranscript(await smallTranscript());
    const bytes = new TextEncoder().encode(text);
    assert.equal(bytes.length, text.length, 'the small fixture is ASCII, so byte and character offsets agree');
    assert.ok(verifyTranscriptBytes(bytes).ok);
    // A flipped low bit; a space and a minus everywhere (whitespace moves, `0` -> `-0`); and a replacement that is
    // likely to keep the JSON valid (digit, letter, tab, backslash, quote, a UTF-8 lead byte), cycled by position.
    const cycled = [0x30, 0x31, 0x61, 0x66, 0x5c, 0x0a, 0x09, 0x22, 0x7a, 0x41, 0xc3, 0x2f];
    let tried = 0;
    let stillJson = 0;
    for (let p = 0; p < bytes.length; p++) {
      const values = new Set([bytes[p]! ^ 0x01, 0x20, 0x2d, cycled[p % cycled.length]!]);
      values.delete(bytes[p]!);
      for (const v of values) {
        checkOneByteChange(text, bytes, p, v);
        const m = bytes.slice();
        m[p] = v;
        tried++;
        if (parsesAsJson(m) !== null) stillJson++;
      }
    }
    assert.ok(tried > 3 * bytes.length, `every byte changed several ways (${tried})`);
    assert.ok(stillJson > bytes.length / 2, `enough changes keep the file valid JSON to test the chain (${stillJson} of ${tried})`);
  });

  it('checks random single-byte changes of the whole ceremony (fast-check)', () => {
    const bytes = new TextEncoder().encode(ceremonyText);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (p, delta) => {
        // Byte offsets of the non-ASCII note differ from character offsets; blame is by byte, so map it.
        const prefix = new TextDecoder().decode(bytes.slice(0, p));
        const mutated = bytes.slice();
        mutated[p] = (bytes[p]! + delta) & 0xff;
        const r = verifyTranscriptBytes(mutated);
        const text = parsesAsJson(mutated);
        if (text === null) return assertFails(r, 'TRANSCRIPT_FORMAT', null, `byte ${p}`);
        assert.equal(r.ok, false, `byte ${p}: still verifies`);
        if (!r.ok) assert.equal(r.firstBadSeq, expectedBlame(ceremonyText, prefix.length, text), `byte ${p}: ${r.reason}`);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a whitespace-only change as a layout change of that entry, and accepts it when asked to ignore layout', async () => {
    const at = ceremonyText.indexOf('"kind": "split"');
    const edited = `${ceremonyText.slice(0, at)}"kind":  "split"${ceremonyText.slice(at + '"kind": "split"'.length)}`;
    assertFails(verifyTranscriptText(edited), 'TRANSCRIPT_FORMAT', 4);
    assert.ok(verifyTranscriptText(edited, { exactLayout: false }).ok);
    assert.ok(verifyTranscriptText(`${ceremonyText}\n`, { exactLayout: false }).ok);
    assertFails(verifyTranscriptText(`${ceremonyText}\n`), 'TRANSCRIPT_FORMAT', null, 'extra newline');
    assertFails(verifyTranscriptText(ceremonyText.replaceAll('\n', '\r\n')), 'TRANSCRIPT_FORMAT', null, 'CRLF');
    // `-0` parses to a value whose canonical form is `0`: same hash, different file.
    const small = serializeTranscript(await smallTranscript());
    assert.ok(small.includes('"n": 0,'));
    const negZero = small.replace('"n": 0,', '"n":-0,');
    assert.ok(verifyTranscriptText(negZero, { exactLayout: false }).ok);
    assertFails(verifyTranscriptText(negZero), 'TRANSCRIPT_FORMAT', 1);
  });

  it('catches a duplicated member that JSON.parse would silently resolve', () => {
    const at = ceremonyText.indexOf('"kind": "split"');
    const edited = `${ceremonyText.slice(0, at)}"kind": "seal",\n      ${ceremonyText.slice(at)}`;
    assert.ok(verifyTranscript(JSON.parse(edited)).ok, 'JSON.parse keeps the last duplicate, so the content checks pass');
    assertFails(verifyTranscriptText(edited), 'TRANSCRIPT_FORMAT', 4);
    // Refused even when layout is not checked: the file says two things.
    assertFails(verifyTranscriptText(edited, { exactLayout: false }), 'TRANSCRIPT_FORMAT', 4);
    assert.throws(() => parseTranscript(edited), (e: unknown) => e instanceof KeyshardError && e.code === 'TRANSCRIPT_FORMAT');
  });
});

describe('transcript: structural tampering', () => {
  it('catches reordered entries', () => {
    const m = plain(ceremony);
    [m.entries[2], m.entries[3]] = [m.entries[3]!, m.entries[2]!];
    assertFails(verifyTranscript(m), 'TRANSCRIPT_TAMPERED', 3);
  });

  it('catches a deleted entry, and a deleted entry with the rest re-linked (the signatures no longer hold)', () => {
    const m = plain(ceremony);
    m.entries.splice(2, 1);
    assertFails(verifyTranscript(m), 'TRANSCRIPT_TAMPERED', 3);
    const relinked = rechain(plain(ceremony));
    relinked.entries.splice(2, 1);
    rechain(relinked, 2);
    // Entry 6 (seal) is now entry 5 with a different hash: alice's sign-off (now entry 6) names a hash that is not there.
    assertFails(verifyTranscript(relinked), 'TRANSCRIPT_SIGNATURE', 6);
  });

  it('catches an inserted entry, even when its own link and hash are right', () => {
    const m = plain(ceremony);
    const forged = { seq: 3, prevHash: m.entries[1]!['hash'], at: '2025-03-01T09:00:02.500Z', kind: 'note', data: { text: 'all fine' } };
    m.entries.splice(2, 0, { ...forged, hash: computeEntryHash(forged as unknown as TranscriptEntry) });
    assertFails(verifyTranscript(m), 'TRANSCRIPT_TAMPERED', 4); // the old entry 3 now sits at position 4
    assertFails(verifyTranscript(rechain(m, 3)), 'TRANSCRIPT_SIGNATURE', 8); // alice's sign-off of the seal
  });

  it('catches a changed value anywhere in an entry, and a changed ceremony id', () => {
    const cases: [(m: Mutable) => void, number][] = [
      [(m) => ((m.entries[3]!['data'] as Record<string, unknown>)['shards'] = 5), 4],
      [(m) => (m.entries[4]!['at'] = '2025-03-01T09:00:04.001Z'), 5],
      [(m) => (m.entries[5]!['kind'] = 'abort'), 6],
      [(m) => (m.entries[0]!['hash'] = '0'.repeat(64)), 1],
      [(m) => (m.ceremonyId = 'acme-root-2026'), 1],
    ];
    for (const [change, seq] of cases) {
      const m = plain(ceremony);
      change(m);
      assertFails(verifyTranscript(m), 'TRANSCRIPT_TAMPERED', seq, change.toString());
    }
  });

  it('catches a whole chain rewritten with a changed fact: the sign-offs no longer hold', () => {
    const m = plain(ceremony);
    (m.entries[3]!['data'] as Record<string, unknown>)['shards'] = 5;
    rechain(m, 3);
    assertFails(verifyTranscript(m), 'TRANSCRIPT_SIGNATURE', 7);
  });

  it('catches a stripped sign-off; one stripped from the very end shows only in the final hash', () => {
    const m = plain(ceremony);
    m.entries.splice(7, 1); // bob's sign-off
    assertFails(verifyTranscript(m), 'TRANSCRIPT_TAMPERED', 8);
    const truncated = plain(ceremony);
    truncated.entries.pop();
    const r = verifyTranscript(truncated);
    assert.ok(r.ok && r.headHash !== ceremony.entries[9]!.hash, 'a shorter chain verifies; its final hash differs');
    const paper = ceremony.entries[9]!.hash;
    assertFails(verifyTranscript(truncated, { expectedHeadHash: paper }), 'TRANSCRIPT_TAMPERED', null);
    assert.ok(verifyTranscript(ceremony, { expectedHeadHash: paper.toUpperCase() }).ok);
    assertFails(verifyTranscript(ceremony, { expectedHeadHash: ceremony.entries[7]!.hash }), 'TRANSCRIPT_TAMPERED', 9, 'entries added after the paper record');
  });
});

describe('transcript: sign-offs', () => {
  /** The ceremony with one forged sign-off appended (correctly chained), as an attacker with a key could write. */
  function withForgedSignoff(data: Record<string, unknown>, base: Mutable = plain(ceremony)): Mutable {
    base.entries.push({ seq: 0, prevHash: '', at: '2025-03-01T10:00:00.000Z', kind: 'signoff', data, hash: '' });
    return rechain(base, base.entries.length - 1);
  }
  const hashOf = (seq: number): string => ceremony.entries[seq - 1]!.hash;
  const signWith = (w: WitnessSigner, seq: number): Promise<string> => w.sign(hexToBytes(hashOf(seq))).then(bytesToHex);

  it('refuses a sign-off by a key the plan does not list (and by a listed id with another key)', async () => {
    const mallory = ed25519Witness('mallory');
    assertFails(verifyTranscript(withForgedSignoff(signoffData(await signWith(mallory, 6), 6, hashOf(6), mallory))), 'TRANSCRIPT_SIGNATURE', 11);
    const fakeAlice = { ...ed25519Witness('mallory'), witnessId: 'alice' };
    assertFails(verifyTranscript(withForgedSignoff(signoffData(await signWith(fakeAlice, 6), 6, hashOf(6), fakeAlice))), 'TRANSCRIPT_SIGNATURE', 11);
    const carolAsEd = { ...ed25519Witness('x'), witnessId: 'carol' };
    assertFails(verifyTranscript(withForgedSignoff(signoffData(await signWith(carolAsEd, 6), 6, hashOf(6), carolAsEd))), 'TRANSCRIPT_SIGNATURE', 11);
    // The same forged shape by a listed witness passes: the check is about the key, not the shape.
    assert.ok(verifyTranscript(withForgedSignoff(signoffData(await signWith(bob, 4), 4, hashOf(4), bob))).ok);
  });

  it('accepts any key when the plan pins none, and says so', async () => {
    let t = createTranscript('unpinned', steppingClock());
    t = appendEntry(t, 'plan', { title: 'no witness list' });
    t = appendEntry(t, 'seal', {});
    t = await signEntry(t, 2, ed25519Witness('mallory'));
    const r = verifyTranscript(t);
    assert.ok(r.ok && r.witnessesPinned === false && r.signoffs[1]!.witnesses[0]!.id === 'mallory');
  });

  it('refuses a signature over the wrong entry, a wrong target hash, a later target and a sign-off as target', async () => {
    // Signature over entry 5 presented as a sign-off of entry 6.
    assertFails(verifyTranscript(withForgedSignoff(signoffData(await signWith(alice, 5), 6, hashOf(6), alice))), 'TRANSCRIPT_SIGNATURE', 11);
    // Names entry 6 but carries entry 5's hash (and a valid signature over it).
    assertFails(verifyTranscript(withForgedSignoff(signoffData(await signWith(alice, 5), 6, hashOf(5), alice))), 'TRANSCRIPT_SIGNATURE', 11);
    assertFails(verifyTranscript(withForgedSignoff(signoffData(await signWith(alice, 6), 11, hashOf(6), alice))), 'TRANSCRIPT_SIGNATURE', 11);
    assertFails(verifyTranscript(withForgedSignoff(signoffData(await signWith(alice, 7), 7, hashOf(7), alice))), 'TRANSCRIPT_SIGNATURE', 11);
    // A flipped bit in a signature (with the chain re-linked so only the signature is wrong).
    const good = await signWith(alice, 5);
    const bad = (good.slice(0, 10) + ((parseInt(good[10]!, 16) ^ 1).toString(16)) + good.slice(11));
    assertFails(verifyTranscript(withForgedSignoff(signoffData(bad, 5, hashOf(5), alice))), 'TRANSCRIPT_SIGNATURE', 11);
    assert.ok(verifyTranscript(withForgedSignoff(signoffData(good, 5, hashOf(5), alice))).ok);
  });

  it('review M4: 150 repeated sign-offs of one entry by one witness are refused at the first repeat, before its signature is checked', async () => {
    const sig = await signWith(alice, 5);
    const base = plain(ceremony);
    for (let i = 0; i < 150; i++) base.entries.push({ seq: 0, prevHash: '', at: '2025-03-01T10:00:00.000Z', kind: 'signoff', data: signoffData(sig, 5, hashOf(5), alice), hash: '' });
    rechain(base, 10);
    const r = verifyTranscript(base);
    assertFails(r, 'TRANSCRIPT_SIGNATURE', 12);
    assert.match(r.ok ? '' : r.reason, /signs entry 5 \(handoff\) a second time \(entry 11 already did\)/);
    // The repeat carries a signature that would not verify: the reason is the repeat, so no signature was checked.
    const other = plain(ceremony);
    other.entries.push({ seq: 0, prevHash: '', at: '2025-03-01T10:00:00.000Z', kind: 'signoff', data: signoffData(sig, 5, hashOf(5), alice), hash: '' });
    other.entries.push({ seq: 0, prevHash: '', at: '2025-03-01T10:00:00.000Z', kind: 'signoff', data: signoffData('00'.repeat(64), 5, hashOf(5), alice), hash: '' });
    const o = verifyTranscript(rechain(other, 10));
    assertFails(o, 'TRANSCRIPT_SIGNATURE', 12);
    assert.match(o.ok ? '' : o.reason, /a second time/);
  });

  it('review M4: more sign-offs of one entry than the plan has witnesses, or more entries than a ceremony writes, are refused', async () => {
    // No witness keys in the plan, three witness ids: a fourth signer of one entry is refused.
    let t = createTranscript('capped', steppingClock());
    t = appendEntry(t, 'plan', { witnessIds: ['w1', 'w2', 'w3'] });
    t = appendEntry(t, 'seal', {});
    for (const id of ['w1', 'w2', 'w3']) t = await signEntry(t, 2, ed25519Witness(id));
    assert.ok(verifyTranscript(t).ok);
    const fourth = verifyTranscript(await signEntry(t, 2, ed25519Witness('w4')));
    assertFails(fourth, 'TRANSCRIPT_SIGNATURE', 6);
    assert.match(fourth.ok ? '' : fourth.reason, /already has 3 sign-offs/);
    // An over-long file is refused before any entry is checked.
    const long = { format: 'keyshard-transcript', version: 1, ceremonyId: 'long', entries: Array.from({ length: MAX_TRANSCRIPT_ENTRIES + 1 }, () => ({})) };
    const r = verifyTranscript(long);
    assertFails(r, 'TRANSCRIPT_FORMAT', MAX_TRANSCRIPT_ENTRIES + 1);
    assert.match(r.ok ? '' : r.reason, /4097 entries/);
  });

  it('signEntry refuses unlisted witnesses, bad signatures, tampered transcripts and missing entries; records nothing', async () => {
    const isCode = (code: string) => (e: unknown) => e instanceof KeyshardError && e.code === code;
    await assert.rejects(signEntry(ceremony, 6, ed25519Witness('mallory')), isCode('TRANSCRIPT_SIGNATURE'));
    const liar: WitnessSigner = { ...alice, sign: async () => new Uint8Array(64) };
    await assert.rejects(signEntry(ceremony, 6, liar), isCode('TRANSCRIPT_SIGNATURE'));
    const wrongToken: WitnessSigner = { ...carol, sign: (h) => p256TokenWitness('someone-else').sign(h) };
    await assert.rejects(signEntry(ceremony, 6, wrongToken), isCode('TRANSCRIPT_SIGNATURE'));
    await assert.rejects(signEntry(ceremony, 11, alice), isCode('INVALID_ARGUMENT'));
    await assert.rejects(signEntry(ceremony, 7, alice), isCode('INVALID_ARGUMENT'));
    const tampered = plain(ceremony);
    tampered.entries[1]!['at'] = '2030-01-01T00:00:00.000Z';
    await assert.rejects(signEntry(tampered as unknown as Transcript, 6, alice), isCode('TRANSCRIPT_TAMPERED'));
    assert.equal(ceremony.entries.length, 10);
  });

  it('lets a witness sign a transcript read back from a file once a clock is attached', async () => {
    const fromFile = parseTranscript(ceremonyText);
    await assert.rejects(signEntry(fromFile, 4, alice), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    const t = await signEntry(resumeTranscript(fromFile, steppingClock(Date.UTC(2025, 2, 2))), 4, alice);
    const r = verifyTranscript(t);
    assert.ok(r.ok && r.signoffs[3]!.witnesses.map((w) => w.id).join() === 'carol,alice');
    assert.equal(t.entries[10]!.at, '2025-03-02T00:00:00.000Z');
  });
});

describe('transcript: writing', () => {
  const isCode = (code: string) => (e: unknown) => e instanceof KeyshardError && e.code === code;

  it('is immutable: appending leaves the old transcript alone, and later changes to the data do not leak in', () => {
    const t0 = appendEntry(createTranscript('imm', steppingClock()), 'plan', { n: 1 });
    const data = { list: [1, 2] };
    const t1 = appendEntry(t0, 'split', data);
    data.list.push(3);
    assert.equal(t0.entries.length, 1);
    assert.deepEqual(t1.entries[1]!.data, { list: [1, 2] });
    assert.ok(Object.isFrozen(t1) && Object.isFrozen(t1.entries) && Object.isFrozen(t1.entries[1]!.data));
    assert.throws(() => (t1.entries as TranscriptEntry[]).push(t1.entries[0]!));
    assert.ok(verifyTranscript(t1).ok);
  });

  it('refuses data with fields named like secrets, without echoing the values', () => {
    const t = appendEntry(createTranscript('guard', steppingClock()), 'plan', {});
    const secretish: Record<string, unknown>[] = [
      { shards: [{ custodian: 'Dana', share: 'SECRETVALUE' }] },
      { signing_share: 'SECRETVALUE' },
      { PassPhrase: 'SECRETVALUE' },
      { deep: { deeper: [{ 'master-secret': 'SECRETVALUE' }] } },
      { mnemonic: 'SECRETVALUE' },
    ];
    for (const d of secretish) {
      assert.throws(() => appendEntry(t, 'split', d), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT' && !e.message.includes('SECRETVALUE'), JSON.stringify(Object.keys(d)));
    }
    assert.equal(findSecretLookingKey({ shards: [{ custodian: 'Dana', shareFingerprint: 'ab' }], shareCount: 3 }), null);
    assert.equal(findSecretLookingKey({ a: [{ b: { Seed: 1 } }] }), '.a[0].b.Seed');
  });

  it('keeps the plan first and only, leaves sign-offs to signEntry, and checks kinds, ids and clocks', () => {
    const t = createTranscript('rules', steppingClock());
    assert.throws(() => appendEntry(t, 'split', {}), isCode('CEREMONY_TRANSITION'));
    const planned = appendEntry(t, 'plan', {});
    assert.throws(() => appendEntry(planned, 'plan', {}), isCode('CEREMONY_TRANSITION'));
    assert.throws(() => appendEntry(planned, 'signoff', {}), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(planned, 'Split Step', {}), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(planned, 'split', { ratio: 0.5 }), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(t, 'plan', { witnessKeys: [witnessEntry(alice), witnessEntry(alice)] }), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(t, 'plan', { witnessKeys: [{ id: 'x', algorithm: 'rsa', publicKey: 'ab' }] }), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(t, 'plan', { witnessKeys: [{ id: 'x', algorithm: 'ed25519', publicKey: 'ab' }] }), isCode('INVALID_ARGUMENT'));
    // The policy's witness list (people, no keys) is ordinary data.
    assert.equal(appendEntry(t, 'plan', { witnesses: [{ id: 'w1', name: 'W', organisation: 'O', observes: 'all' }] }).entries.length, 1);
    assert.throws(() => createTranscript('', steppingClock()), isCode('INVALID_ARGUMENT'));
    assert.throws(() => createTranscript('line\nbreak', steppingClock()), isCode('INVALID_ARGUMENT'));
    assert.throws(() => createTranscript('bidi\u202etrick', steppingClock()), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(createTranscript('bad-clock', () => new Date(NaN)), 'plan', {}), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(parseTranscript(ceremonyText), 'note', {}), isCode('INVALID_ARGUMENT'));
    assert.throws(() => appendEntry(planned, 'note', {}, { at: '2025-03-01 10:00' }), isCode('INVALID_ARGUMENT'));
  });

  it('records a time already taken (a ceremony record) when given one, without needing a clock', () => {
    const fromFile = parseTranscript(ceremonyText);
    const t = appendEntry(fromFile, 'destroy', { items: ['usb-scratch'] }, { at: '2025-03-01T09:30:00.000Z' });
    assert.equal(t.entries[10]!.at, '2025-03-01T09:30:00.000Z');
    assert.ok(verifyTranscript(t).ok);
  });
});

describe('transcript: reading malformed files', () => {
  const formatError = (text: string, firstBadSeq: number | null, label: string): void => {
    assert.throws(
      () => parseTranscript(text),
      (e: unknown) => e instanceof KeyshardError && e.code === 'TRANSCRIPT_FORMAT' && e.details?.['firstBadSeq'] === firstBadSeq,
      label,
    );
    assertFails(verifyTranscriptText(text, { exactLayout: false }), 'TRANSCRIPT_FORMAT', firstBadSeq, label);
  };
  const edit = (f: (m: Mutable) => void): string => {
    const m = plain(ceremony);
    f(m);
    return JSON.stringify(m);
  };

  it('names the whole file or the entry at fault', () => {
    formatError('', null, 'empty file');
    formatError(ceremonyText.slice(0, 500), null, 'cut short');
    formatError('[]', null, 'array');
    formatError(edit((m) => (m.format = 'something-else')), null, 'format');
    formatError(edit((m) => (m.version = 2)), null, 'version');
    formatError(edit((m) => ((m as unknown as Record<string, unknown>)['extra'] = 1)), null, 'extra member');
    formatError(edit((m) => (m.entries = [])), null, 'no entries');
    formatError(edit((m) => (m.ceremonyId = 'a\u0007b')), null, 'control character in id');
    formatError(edit((m) => delete m.entries[2]!['at']), 3, 'missing member');
    formatError(edit((m) => (m.entries[2]!['extra'] = true)), 3, 'extra entry member');
    formatError(edit((m) => (m.entries[4]!['at'] = '2025-03-01 09:00:04')), 5, 'time format');
    formatError(edit((m) => (m.entries[4]!['at'] = '2025-02-30T09:00:04.000Z')), 5, 'impossible date');
    formatError(edit((m) => (m.entries[3]!['hash'] = (m.entries[3]!['hash'] as string).toUpperCase())), 4, 'uppercase hex');
    formatError(edit((m) => ((m.entries[3]!['data'] as Record<string, unknown>)['x'] = 1.5)), 4, 'fraction in data');
    formatError(edit((m) => ((m.entries[6]!['data'] as Record<string, unknown>)['note'] = 'hi')), 7, 'extra sign-off member');
    formatError(edit((m) => ((m.entries[6]!['data'] as Record<string, Record<string, unknown>>)['witness']!['algorithm'] = 'rsa')), 7, 'unknown algorithm');
  });

  it('requires the plan first and only once (even with a correct chain)', () => {
    const notFirst = plain(ceremony);
    notFirst.entries[0]!['kind'] = 'note';
    assertFails(verifyTranscript(rechain(notFirst)), 'TRANSCRIPT_FORMAT', 1);
    const twice = plain(ceremony);
    twice.entries[2]!['kind'] = 'plan';
    assertFails(verifyTranscript(rechain(twice)), 'TRANSCRIPT_FORMAT', 3);
    const badList = plain(ceremony);
    (badList.entries[0]!['data'] as Record<string, unknown>)['witnessKeys'] = 'alice';
    assertFails(verifyTranscript(rechain(badList)), 'TRANSCRIPT_FORMAT', 1);
  });
});
