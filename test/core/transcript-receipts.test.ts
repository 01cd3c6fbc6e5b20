// A custody receipt appended to the key ceremony's transcript after its seal (issue 17.1): the transcript stays
// sealed when the receipt holds, its first broken entry is the receipt when it does not, and the paper's final hash
// (written before the receipt) still vouches for it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { custodyReceipt, signCustodyReceipt, type SignedCustodyReceipt } from '../../core/custody/index';
import { expectedFromTranscript } from '../../core/recovery-trust';
import { appendEntry, createTranscript, serializeTranscript, signEntry, softwareEd25519Signer, verifyTranscript, verifyTranscriptText, type Transcript, type VerifyOk } from '../../core/transcript';
import { paperHashEntry, transcriptEnd, verifyAgainstPaper } from '../../core/transcript-status';
import { custodyCeremony } from '../helpers/custody-fixture';
import { tickingClock } from '../helpers/lifecycle-fixture';

const WENDY = new Uint8Array(32).fill(3);
const OTHER = new Uint8Array(32).fill(9);
const wendyKey = { id: 'wendy', algorithm: 'ed25519', publicKey: bytesToHex(ed25519.getPublicKey(WENDY)) };

function verified(t: Transcript): VerifyOk {
  const v = verifyTranscript(t);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return v;
}

/** A sealed key ceremony (SLIP-39, the fixture's steps) whose plan pins Wendy's key, the seal signed by her. */
async function pinnedCeremony(): Promise<Transcript> {
  const base = custodyCeremony('slip39', 31).file;
  let t = createTranscript(base.ceremonyId, tickingClock());
  for (const e of base.entries) t = appendEntry(t, e.kind, e.kind === 'plan' ? { ...(e.data as object), witnessIds: ['wendy'], witnessKeys: [wendyKey] } : e.data);
  return signEntry(t, t.entries.length, softwareEd25519Signer('wendy', WENDY));
}

async function receiptFor(t: Transcript, o: { ceremonyId?: string; finalHash?: string; key?: Uint8Array; id?: string } = {}): Promise<SignedCustodyReceipt> {
  const r = custodyReceipt(
    {
      ceremonyId: o.ceremonyId ?? t.ceremonyId,
      custodianIndex: 1,
      custodianId: 'bob',
      label: 'bob',
      scheme: 'slip39',
      shardFingerprint: 'ab'.repeat(32),
      transcriptFinalHash: o.finalHash ?? t.entries[t.entries.length - 1]!.hash,
      checkedAgainst: 'shard-fingerprint',
      result: 'verified',
      source: 'final-hash',
    },
    new Date('2026-03-01T10:00:00.000Z'),
  );
  return signCustodyReceipt(r, softwareEd25519Signer(o.id ?? 'wendy', o.key ?? WENDY));
}

const append = (t: Transcript, signed: SignedCustodyReceipt): Transcript => appendEntry(t, 'custody-receipt', signed as never);

describe('a custody receipt appended after the seal', () => {
  it('keeps the transcript sealed, counts the receipts, and the steps still fit the key ceremony', async () => {
    const t = await pinnedCeremony();
    const once = append(t, await receiptFor(t));
    const twice = append(once, await receiptFor(once));
    const end = transcriptEnd(verified(twice));
    assert.equal(end.status, 'sealed', end.why ?? '');
    assert.equal(end.receiptsAfterSeal, 2);
    assert.equal(end.brokenSeq, null);
    assert.deepEqual(checkKindSteps(twice.entries).ok, true);
    // A receipt before the seal is still a stray step of a key ceremony.
    const early = custodyCeremony('slip39', 32, { seal: false }).file;
    const stray = appendEntry(append(early, await receiptFor(early)), 'seal', {});
    assert.equal(checkKindSteps(stray.entries).ok, false);
  });

  it('the paper hash of the seal (or its sign-off) still vouches for the appended transcript', async () => {
    const t = await pinnedCeremony();
    const paper = t.entries[t.entries.length - 1]!.hash;
    const seal = t.entries.find((e) => e.kind === 'seal')!;
    const grown = verified(append(t, await receiptFor(t)));
    assert.deepEqual(paperHashEntry(grown, paper), { seq: t.entries.length, appended: 1, receipts: 1 });
    assert.equal(paperHashEntry(grown, seal.hash.slice(0, 32))?.seq, seal.seq);
    assert.equal(expectedFromTranscript(grown, { finalHash: paper }).source, 'final-hash');
    // A hash before the seal is still a file that goes on after the paper.
    const split = t.entries.find((e) => e.kind === 'split')!;
    assert.equal(paperHashEntry(grown, split.hash), null);
    assert.throws(() => expectedFromTranscript(grown, { finalHash: split.hash }), { code: 'FINAL_HASH_MISMATCH' });
    // The same rule for a file read with the paper's hash (the services and screens that take a typed final hash).
    const text = serializeTranscript(append(t, await receiptFor(t)));
    const read = (hash: string) => verifyAgainstPaper((o) => verifyTranscriptText(text, o), hash);
    assert.equal(read(paper).result.ok, true);
    assert.equal(read(paper).paper?.seq, t.entries.length);
    const before = read(split.hash).result;
    assert.equal(before.ok, false);
    assert.equal(before.ok ? '' : before.code, 'TRANSCRIPT_TAMPERED');
    assert.equal(verifyTranscriptText(text, { expectedHeadHash: paper }).ok, false);
  });

  const refused: [string, (t: Transcript) => Promise<SignedCustodyReceipt>, RegExp][] = [
    ['a signature that does not verify', async (t) => {
      const s = await receiptFor(t);
      return { ...s, receipt: { ...s.receipt, custodianId: 'mallory' } };
    }, /signature does not verify/],
    ['another ceremony\'s receipt', (t) => receiptFor(t, { ceremonyId: 'another-ceremony' }), /another ceremony's receipt/],
    ['a final hash from before the seal', (t) => receiptFor(t, { finalHash: t.entries.find((e) => e.kind === 'split')!.hash }), /at or after its seal/],
    ['a final hash not in the chain', (t) => receiptFor(t, { finalHash: 'cd'.repeat(32) }), /at or after its seal/],
    ['a witness the plan does not pin', (t) => receiptFor(t, { key: OTHER }), /not one the plan pins/],
  ];
  for (const [what, make, why] of refused) {
    it(`is the broken entry with ${what}`, async () => {
      const t = await pinnedCeremony();
      const bad = append(t, await make(t));
      const end = transcriptEnd(verified(bad));
      assert.equal(end.status, 'unfinished');
      assert.equal(end.brokenSeq, bad.entries.length);
      assert.match(end.why ?? '', why);
      assert.match(end.why ?? '', /custody-receipt/);
      assert.equal(paperHashEntry(verified(bad), t.entries[t.entries.length - 1]!.hash), null);
    });
  }

  it('any witness key is taken when the plan pins none', async () => {
    const t = custodyCeremony('slip39', 33).file;
    const end = transcriptEnd(verified(append(t, await receiptFor(t, { key: OTHER, id: 'someone' }))));
    assert.equal(end.status, 'sealed', end.why ?? '');
  });
});
