// Extensions as part of the backup's record (issue 17, gaps 1 and 2): a custody check finds a member an extension gave
// out, a second extension sees the first (member numbers taken, earlier extended members in the quorum), and any
// quorum mixing original and extended members recovers the same secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KindRun } from '../../core/ceremony-kinds/run';
import { checkCustodyOfWords } from '../../core/custody/check';
import { slip39ShareFingerprint } from '../../core/custody/fingerprint';
import { decodeEnvelope } from '../../core/envelope';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import { type ExtensionRecord, citeExtension, distinctExtensions } from '../../core/extend/records';
import { spokenText } from '../../core/read-aloud';
import { recordAirGap, recordDestroy, recordExtendConfirm, recordExtendHandoff, recordExtendMake, recordExtendQuorumShare, recordExtendSeal, startExtend } from '../../core/extend/steps';
import { checkExtendTranscript, citeSlip39Source, withEarlierExtensions } from '../../core/extend/transcript';
import { combineMnemonics } from '../../core/slip39/index';
import { appendEntry, createTranscript, resumeTranscript, signEntry, softwareEd25519Signer, verifyTranscript, type Transcript, type VerifyOk } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { custodyCeremony } from '../helpers/custody-fixture';
import { tickingClock } from '../helpers/lifecycle-fixture';
import { nodePbkdf2 } from './slip39-helpers';

function verified(t: Transcript): VerifyOk {
  const v = verifyTranscript(t);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return v;
}

function keyCeremony(seed: number) {
  const c = custodyCeremony('slip39', seed);
  return { ...c, words: c.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload)) };
}
type KeyCeremony = ReturnType<typeof keyCeremony>;

/** A whole extension of group 1 (unwitnessed), from `quorum`, counting `earlier` extensions; sealed unless told. */
function extension(kc: KeyCeremony, id: string, custodians: { id: string; member: number }[], quorum: string[], earlier: ExtensionRecord[] = [], seal = true) {
  const source = withEarlierExtensions(citeSlip39Source(kc.transcript), earlier);
  let run: KindRun = startExtend({ ceremonyId: id, clock: tickingClock(), label: id, source, group: 0, custodians: custodians.map((c) => ({ ...c, name: c.id })), witnessIds: [] });
  run = recordAirGap(run, { passed: true, interfacesUp: [] });
  for (const m of quorum) run = recordExtendQuorumShare(run, kc.transcript, m, earlier).run;
  const made = recordExtendMake(run, quorum);
  run = made.run;
  for (const s of made.shares) {
    run = recordExtendHandoff(run, s.custodianId, 'screen', s.mnemonic);
    run = recordExtendConfirm(run, s.custodianId, s.mnemonic, s.mnemonic, 'type-back');
  }
  run = recordDestroy(run, ['quorum shares', 'new shares']);
  if (seal) run = recordExtendSeal(run);
  return { transcript: verified(run.transcript), words: made.shares.map((s) => s.mnemonic) };
}

/** The same transcript with entry `at`'s data changed and the chain rebuilt (what a forger can do without a final hash). */
function rechained(v: VerifyOk, at: number, data: (d: Record<string, unknown>) => unknown): VerifyOk {
  let t = createTranscript(v.ceremonyId, tickingClock());
  for (const [i, e] of v.entries.entries()) t = appendEntry(t, e.kind, (i === at ? data(e.data as Record<string, unknown>) : e.data) as never, { at: e.at });
  return verified(t);
}

describe('custody check of an extended share', () => {
  const kc = keyCeremony(21);
  const ext = extension(kc, 'ext-1', [{ id: 'dora', member: 3 }, { id: 'ed', member: 4 }], [kc.words[0]!, kc.words[2]!]);
  const trust = { finalHash: kc.transcript.headHash };

  it('passes, verified, when the key ceremony and the extension are both vouched for by their final hashes', () => {
    const record = citeExtension(kc.transcript, ext.transcript, { finalHash: ext.transcript.headHash });
    const c = checkCustodyOfWords(kc.transcript, ext.words[1]!, trust, [record]);
    assert.equal(c.custodianId, 'ed');
    assert.equal(c.result, 'verified');
    assert.equal(c.source, 'final-hash');
    assert.equal(c.custodianIndex, -1);
    assert.equal(c.shardFingerprint, slip39ShareFingerprint(ext.words[1]!));
    assert.deepEqual(c.extension, { ceremonyId: 'ext-1', finalHash: ext.transcript.headHash, group: 0, member: 4 });
    // A key ceremony member is checked as before, with no extension field.
    const old = checkCustodyOfWords(kc.transcript, kc.words[1]!, trust, [record]);
    assert.equal(old.custodianId, 'bob');
    assert.equal(old.extension, undefined);
  });

  it('takes both final hashes typed as their 20 words to read aloud (issue 14.2); words of another hash are refused', () => {
    const record = citeExtension(kc.transcript, ext.transcript, { finalHash: spokenText(ext.transcript.headHash) });
    const c = checkCustodyOfWords(kc.transcript, ext.words[1]!, { finalHash: spokenText(kc.transcript.headHash) }, [record]);
    assert.equal(c.result, 'verified');
    assert.deepEqual(c.extension, { ceremonyId: 'ext-1', finalHash: ext.transcript.headHash, group: 0, member: 4 });
    assert.throws(() => citeExtension(kc.transcript, ext.transcript, { finalHash: spokenText(kc.transcript.headHash) }), { code: 'FINAL_HASH_MISMATCH' });
    const wrong = spokenText(ext.transcript.headHash).split(' ');
    wrong[0] = 'abcd';
    assert.throws(() => citeExtension(kc.transcript, ext.transcript, { finalHash: wrong.join(' ') }), { code: 'READ_ALOUD_WORD' });
  });

  it('is unverified when nothing vouches for the extension file; refused without the extension', () => {
    const unvouched = citeExtension(kc.transcript, ext.transcript);
    const c = checkCustodyOfWords(kc.transcript, ext.words[0]!, trust, [unvouched]);
    assert.equal(c.custodianId, 'dora');
    assert.equal(c.result, 'unverified');
    assert.equal(c.source, 'transcript-unsigned');
    assert.throws(() => checkCustodyOfWords(kc.transcript, ext.words[0]!, trust), { code: 'CUSTODY_MISMATCH' });
  });

  it('fails for a tampered share and a tampered extension transcript', () => {
    const record = citeExtension(kc.transcript, ext.transcript, { finalHash: ext.transcript.headHash });
    const w = ext.words[0]!.split(' ');
    w[5] = w[5] === 'academic' ? 'acid' : 'academic';
    assert.throws(() => checkCustodyOfWords(kc.transcript, w.join(' '), trust, [record]), { code: 'SLIP39_CHECKSUM' });
    // The seal rewritten to list another share for Dora, the chain rebuilt: the content check refuses it...
    const sealAt = ext.transcript.entries.findIndex((e) => e.kind === 'seal');
    const forged = rechained(ext.transcript, sealAt, (d) => ({ ...d, shares: (d['shares'] as Record<string, unknown>[]).map((s, i) => (i === 0 ? { ...s, shardFingerprint: slip39ShareFingerprint(kc.words[1]!) } : s)) }));
    assert.throws(() => citeExtension(kc.transcript, forged), { code: 'TRANSCRIPT_FORMAT' });
    // ...and the paper record's final hash refuses any rewritten file, even one whose content holds.
    const relabelled = rechained(ext.transcript, 0, (d) => ({ ...d, label: 'another label' }));
    assert.throws(() => citeExtension(kc.transcript, relabelled, { finalHash: ext.transcript.headHash }), { code: 'FINAL_HASH_MISMATCH' });
  });

  it("refuses another ceremony's extension, naming it; an unsealed one; the same one twice", () => {
    const other = keyCeremony(22);
    const foreign = extension(other, 'ext-other', [{ id: 'fay', member: 3 }], [other.words[0]!, other.words[1]!]);
    assert.throws(() => citeExtension(kc.transcript, foreign.transcript), (e: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(e.code, 'CUSTODY_OTHER_CEREMONY');
      assert.match(e.message, new RegExp(`extension ext-other extends ceremony ${other.ceremonyId}`));
      assert.equal(e.details?.['citedCeremonyId'], other.ceremonyId);
      return true;
    });
    const open = extension(kc, 'ext-open', [{ id: 'gus', member: 5 }], [kc.words[0]!, kc.words[1]!], [], false);
    assert.throws(() => citeExtension(kc.transcript, open.transcript), { code: 'TRANSCRIPT_UNSEALED' });
    const r = citeExtension(kc.transcript, ext.transcript);
    assert.throws(() => distinctExtensions([r, r]), { code: 'INVALID_ARGUMENT' });
  });
});

describe('a second extension sees the first', () => {
  const kc = keyCeremony(23);
  const first = extension(kc, 'ext-1', [{ id: 'dora', member: 3 }, { id: 'ed', member: 4 }], [kc.words[0]!, kc.words[1]!]);
  const r1 = citeExtension(kc.transcript, first.transcript, { finalHash: first.transcript.headHash });

  it('refuses member numbers given out anywhere, saying which and by whom', () => {
    const source = withEarlierExtensions(citeSlip39Source(kc.transcript), [r1]);
    const plan = { ceremonyId: 'ext-2', clock: tickingClock(), label: 'x', source, group: 0, witnessIds: [] };
    assert.throws(() => startExtend({ ...plan, custodians: [{ id: 'fay', name: 'Fay', member: 4 }, { id: 'gus', name: 'Gus', member: 1 }] }), (e: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(e.code, 'SLIP39_PARAMETERS');
      assert.match(e.message, /Member 5 of group 1 is held by ed \(extension ext-1\); Member 2 of group 1 is held by bob/);
      assert.match(e.message, /free numbers 6, 7/);
      assert.deepEqual(e.details?.['taken'], [{ member: 5, heldBy: 'ed (extension ext-1)' }, { member: 2, heldBy: 'bob' }]);
      return true;
    });
    // Without the earlier extension the same number would be handed out twice (what the check prevents).
    assert.doesNotThrow(() => startExtend({ ...plan, source: citeSlip39Source(kc.transcript), custodians: [{ id: 'fay', name: 'Fay', member: 4 }] }));
  });

  it("takes an earlier extension's member into the quorum, records the earlier extension, and its members check", () => {
    assert.throws(() => extension(kc, 'ext-2', [{ id: 'fay', member: 5 }], [first.words[0]!, kc.words[2]!]), { code: 'CUSTODY_MISMATCH' });
    const second = extension(kc, 'ext-2', [{ id: 'fay', member: 5 }], [first.words[0]!, kc.words[2]!], [r1]);
    const quorum = second.transcript.entries.filter((e) => e.kind === 'quorum-share').map((e) => (e.data as { custodianId: string }).custodianId);
    assert.deepEqual(quorum, ['dora', 'carol']);
    const plan = second.transcript.entries[0]!.data as { membersInUse: number[]; earlierExtensions: unknown };
    assert.deepEqual(plan.membersInUse, [0, 1, 2, 3, 4]);
    assert.deepEqual(plan.earlierExtensions, [{ ceremonyId: 'ext-1', finalHash: first.transcript.headHash }]);
    assert.ok(checkExtendTranscript(second.transcript).ok);
    const r2 = citeExtension(kc.transcript, second.transcript, { finalHash: second.transcript.headHash });
    const c = checkCustodyOfWords(kc.transcript, second.words[0]!, { finalHash: kc.transcript.headHash }, [r1, r2]);
    assert.equal(c.custodianId, 'fay');
    assert.equal(c.extension?.ceremonyId, 'ext-2');
    assert.equal(c.result, 'verified');
  });

  it('any quorum mixing original and extended members recovers the same secret', () => {
    const second = extension(kc, 'ext-2', [{ id: 'fay', member: 5 }, { id: 'gus', member: 15 }], [first.words[1]!, kc.words[2]!], [r1]);
    const all = [...kc.words, ...first.words, ...second.words];
    assert.equal(all.length, 7);
    const secret = Buffer.from(combineMnemonics([kc.words[0]!, kc.words[1]!], '', nodePbkdf2)).toString('hex');
    // Every subset of two or more of the 7 members (120 quorums), each in a rotated order.
    let quorums = 0;
    for (let mask = 0; mask < 1 << all.length; mask++) {
      const pick = all.filter((_, i) => (mask >> i) & 1);
      if (pick.length < 2) continue;
      const rotated = [...pick.slice(mask % pick.length), ...pick.slice(0, mask % pick.length)];
      assert.equal(Buffer.from(combineMnemonics(rotated, '', nodePbkdf2)).toString('hex'), secret, `members ${pick.length}, mask ${mask}`);
      quorums++;
    }
    assert.equal(quorums, 120);
  });
});

describe('a key ceremony transcript appended to after an extension cited it', () => {
  const kc = keyCeremony(24);
  const first = extension(kc, 'ext-1', [{ id: 'dora', member: 3 }], [kc.words[0]!, kc.words[1]!]);
  // A witness signs the seal later (still sealed), then a custody receipt is appended: the cited chain is a prefix.
  const grown = async (): Promise<{ signed: VerifyOk; receipted: VerifyOk }> => {
    const sealSeq = kc.transcript.entries.find((e) => e.kind === 'seal')!.seq;
    const t = await signEntry(resumeTranscript(kc.file, tickingClock()), sealSeq, softwareEd25519Signer('late-witness', new Uint8Array(32).fill(7)));
    const signed = verified(t);
    assert.equal(transcriptEnd(signed).status, 'sealed');
    return { signed, receipted: verified(appendEntry(t, 'custody-receipt', { receipt: { ceremonyId: kc.ceremonyId, custodianId: 'bob' } })) };
  };

  it('still reads the extension; its members check and are taken for a second extension', async () => {
    const { signed, receipted } = await grown();
    for (const later of [signed, receipted]) {
      assert.notEqual(later.headHash, kc.transcript.headHash);
      const r1 = citeExtension(later, first.transcript, { finalHash: first.transcript.headHash });
      assert.equal(r1.keyCeremony.finalHash, kc.transcript.headHash);
      const c = checkCustodyOfWords(later, first.words[0]!, {}, [r1]);
      assert.equal(c.custodianId, 'dora');
      assert.equal(c.extension?.ceremonyId, 'ext-1');
    }
    // A second extension of the signed transcript counts the first's member as taken.
    const r1 = citeExtension(signed, first.transcript, { finalHash: first.transcript.headHash });
    const source = withEarlierExtensions(citeSlip39Source(signed), [r1]);
    assert.deepEqual(source.membersInUse.get(0), [0, 1, 2, 3]);
  });

  it('still refuses a cited hash that is not in the chain, or one before the seal', async () => {
    const { receipted } = await grown();
    const split = kc.transcript.entries.find((e) => e.kind === 'split')!;
    const cites = (finalHash: string) => rechained(first.transcript, 0, (d) => ({ ...d, source: { ...(d['source'] as object), finalHash } }));
    assert.throws(() => citeExtension(receipted, cites(split.hash)), { code: 'CUSTODY_OTHER_CEREMONY' });
    assert.throws(() => citeExtension(receipted, cites('ab'.repeat(32))), { code: 'CUSTODY_OTHER_CEREMONY' });
  });
});
