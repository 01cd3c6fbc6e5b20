// Refresh and repair as ceremony kinds: their runs, transcripts, and the checks of what the chain cannot prove.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { abortKindRun, nextKindSteps, signKindCheckpoint, type KindRun } from '../../core/ceremony-kinds/run';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { KeyshardError } from '../../core/errors';
import {
  recordAirGap,
  recordConfirm,
  recordDestroy,
  recordHandoff,
  recordQuorumShare,
  recordRefresh,
  recordRepair,
  recordSeal,
  startLifecycle,
} from '../../core/lifecycle/steps';
import { checkLifecycleTranscript, checkSourceCommitments, citeSource } from '../../core/lifecycle/transcript';
import { appendEntry, createTranscript, serializeTranscript, verifyTranscript, verifyTranscriptText, type Transcript, type VerifyOk } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { combineShares, verifyShare, type VssShare } from '../../core/vss/index';
import { ed25519Witness, witnessEntry } from './transcript-fixture';
import { nodeRandom, tickingClock, vssKeyCeremony } from '../helpers/lifecycle-fixture';

const wendy = ed25519Witness('wendy');
const hex = bytesToHex;

async function signIfPending(run: KindRun): Promise<KindRun> {
  return run.pending === null ? run : signKindCheckpoint(run, wendy);
}

function verified(t: Transcript): VerifyOk {
  const v = verifyTranscript(t);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return v;
}

/** A whole refresh of every custodian's share, a witness signing each checkpoint. */
async function refreshRun(witnessed: boolean) {
  const source = vssKeyCeremony();
  const ref = citeSource(source.verified);
  checkSourceCommitments(ref, source.deal.commitments);
  const custodians = source.deal.shares.map((s, i) => ({ id: `c${i + 1}`, name: `Custodian ${i + 1}`, identifier: hex(s.identifier) }));
  let run = startLifecycle({
    ceremonyId: 'refresh-1',
    clock: tickingClock(),
    label: 'Yearly refresh',
    source: ref,
    ciphersuite: 'ed25519',
    custodians,
    refresh: { method: 'refresh', newThreshold: 3 },
    witnessIds: witnessed ? ['wendy'] : [],
    ...(witnessed ? { witnessKeys: [witnessEntry(wendy)] } : {}),
  });
  run = await signIfPending(recordAirGap(run, { passed: true, interfacesUp: [] }));
  for (const [i, s] of source.deal.shares.entries()) run = recordQuorumShare(run, s, `c${i + 1}`).run;
  const made = recordRefresh(run, source.deal.shares, nodeRandom);
  run = await signIfPending(made.run);
  for (const [i, s] of made.deal.shares.entries()) {
    run = recordHandoff(run, { custodianId: `c${i + 1}`, medium: 'paper' });
    run = await signIfPending(recordConfirm(run, `c${i + 1}`, s, { identifier: s.identifier.slice(), signingShare: s.signingShare.slice() }, 'type-back'));
  }
  run = await signIfPending(recordDestroy(run, ['quorum shares', 'new shares']));
  run = await signIfPending(recordSeal(run));
  return { source, run, deal: made.deal };
}

describe('refresh ceremony', () => {
  it('keeps the group key; old and new shares do not combine; the transcript verifies, is sealed and re-checks', async () => {
    for (const witnessed of [false, true]) {
      const { source, run, deal } = await refreshRun(witnessed);
      assert.equal(run.status, 'sealed');
      assert.equal(hex(deal.groupPublicKey), hex(source.deal.groupPublicKey));
      const t = 3;
      const fresh = combineShares({ ciphersuite: 'ed25519', threshold: t, shares: deal.shares.slice(0, t), commitments: deal.commitments });
      assert.equal(hex(fresh.groupPublicKey), hex(source.deal.groupPublicKey));
      // Two new shares and one old: not of this deal (against the new commitments) and a wrong key without them.
      const mixed = [deal.shares[0]!, deal.shares[1]!, source.deal.shares[2]!];
      assert.throws(() => combineShares({ ciphersuite: 'ed25519', threshold: t, shares: mixed, commitments: deal.commitments }), (e: unknown) => e instanceof KeyshardError);
      let wrong: string | null = null;
      try {
        wrong = hex(combineShares({ ciphersuite: 'ed25519', threshold: t, shares: mixed }).groupPublicKey);
      } catch {
        wrong = null;
      }
      assert.notEqual(wrong, hex(source.deal.groupPublicKey));
      assert.throws(() => verifyShare('ed25519', t, deal.commitments, source.deal.shares[0]!), (e: unknown) => e instanceof KeyshardError && e.code === 'VSS_SHARE_INVALID');

      const text = serializeTranscript(run.transcript);
      const v = verifyTranscriptText(text);
      assert.ok(v.ok);
      assert.equal(transcriptEnd(v).status, 'sealed');
      const steps = checkKindSteps(v.entries);
      assert.equal(steps.ok && steps.kind.id, 'refresh');
      const check = checkLifecycleTranscript(v);
      assert.ok(check.ok, check.ok ? '' : check.reason);
      assert.deepEqual(check.commitments, deal.commitments.map(hex));
      assert.equal(check.source?.finalHash, source.verified.headHash);
      // No share in the transcript, in any encoding of its bytes.
      for (const s of [...deal.shares, ...source.deal.shares]) assert.equal(text.includes(hex(s.signingShare)), false);
      assert.equal(witnessed, v.signoffs.some((s) => s.witnesses.length > 0));
      // The new commitments are what a later refresh or repair cites.
      assert.deepEqual(citeSource(v).commitments, deal.commitments.map(hex));
    }
  });

  it('a re-chained transcript whose recorded facts were changed fails the content check, naming the entry', async () => {
    const { run } = await refreshRun(false);
    // Rewrite the entries with a confirm whose verifying share is another's, re-hashing the chain (what a forger can do).
    const entries = run.transcript.entries;
    const confirmAt = entries.findIndex((e) => e.kind === 'confirm');
    const other = entries.filter((e) => e.kind === 'confirm')[1]!;
    let t = createTranscript(run.transcript.ceremonyId, tickingClock());
    for (const [i, e] of entries.entries()) t = appendEntry(t, e.kind, i === confirmAt ? { ...(e.data as object), verifyingShare: (other.data as { verifyingShare: string }).verifyingShare } : e.data, { at: e.at });
    const check = checkLifecycleTranscript(verified(t));
    assert.equal(!check.ok && check.firstBadSeq, confirmAt + 1);
    // A new group key in the refresh entry is refused too.
    const refreshAt = entries.findIndex((e) => e.kind === 'refresh');
    t = createTranscript(run.transcript.ceremonyId, tickingClock());
    for (const [i, e] of entries.entries()) {
      const d = e.data as { commitments: string[] };
      t = appendEntry(t, e.kind, i === refreshAt ? { ...d, commitments: [...d.commitments].reverse() } : e.data, { at: e.at });
    }
    assert.equal(!checkLifecycleTranscript(verified(t)).ok && (checkLifecycleTranscript(verified(t)) as { firstBadSeq: number }).firstBadSeq, refreshAt + 1);
  });

  it('keeps the catalogue order and waits for the witness; a share of another deal is refused', async () => {
    const source = vssKeyCeremony();
    const other = vssKeyCeremony();
    let run = startLifecycle({
      ceremonyId: 'r',
      clock: tickingClock(),
      label: 'x',
      source: citeSource(source.verified),
      ciphersuite: 'ed25519',
      custodians: source.deal.shares.map((s, i) => ({ id: `c${i}`, name: `C${i}`, identifier: hex(s.identifier) })),
      refresh: { method: 'refresh', newThreshold: 3 },
      witnessIds: ['wendy'],
    });
    assert.deepEqual(nextKindSteps(run), ['airgap-check']);
    assert.throws(() => recordQuorumShare(run, source.deal.shares[0]!), (e: unknown) => e instanceof KeyshardError && e.code === 'CEREMONY_TRANSITION');
    run = recordAirGap(run, { passed: true, interfacesUp: [] });
    assert.deepEqual(nextKindSteps(run), []);
    assert.throws(() => recordQuorumShare(run, source.deal.shares[0]!), /must sign off the air-gap check \(entry 2\)/);
    await assert.rejects(signKindCheckpoint(run, ed25519Witness('mallory')), (e: unknown) => e instanceof KeyshardError && e.code === 'WITNESS_NOT_ELIGIBLE');
    run = await signKindCheckpoint(run, wendy);
    assert.throws(() => recordQuorumShare(run, other.deal.shares[0]!), (e: unknown) => e instanceof KeyshardError && e.code === 'VSS_SHARE_INVALID');
    run = recordQuorumShare(run, source.deal.shares[0]!).run;
    assert.throws(() => recordQuorumShare(run, source.deal.shares[0]!), (e: unknown) => e instanceof KeyshardError && e.code === 'DUPLICATE_SHARE');
    // A refresh needs every planned custodian's share.
    assert.throws(() => recordRefresh(run, [source.deal.shares[0]!], nodeRandom), (e: unknown) => e instanceof KeyshardError && e.code === 'BELOW_THRESHOLD');
    run = abortKindRun(run, 'practice');
    assert.equal(run.status, 'aborted');
    assert.equal(transcriptEnd(verified(run.transcript)).status, 'aborted');
  });

  it('a re-share to a new threshold and new custodians keeps the key; the commitments of another deal are refused as the source', () => {
    const source = vssKeyCeremony('secp256k1', 3, 5);
    assert.throws(() => checkSourceCommitments(citeSource(source.verified), vssKeyCeremony('secp256k1').deal.commitments), (e: unknown) => e instanceof KeyshardError && e.code === 'VSS_COMMITMENT');
    const custodians = [1, 2, 3, 4].map((n) => ({ id: `n${n}`, name: `New ${n}`, identifier: '' }));
    // Re-shares number the new custodians 1..N: the suite's identifier encoding (big-endian for secp256k1).
    const ids = [1, 2, 3, 4].map((n) => n.toString(16).padStart(64, '0'));
    let run = startLifecycle({
      ceremonyId: 'reshare',
      clock: tickingClock(),
      label: '2 of 4',
      source: citeSource(source.verified),
      ciphersuite: 'secp256k1',
      custodians: custodians.map((c, i) => ({ ...c, identifier: ids[i]! })),
      refresh: { method: 'reshare', newThreshold: 2 },
      witnessIds: [],
    });
    run = recordAirGap(run, { passed: true, interfacesUp: [] });
    const quorum = source.deal.shares.slice(1, 4);
    for (const s of quorum) run = recordQuorumShare(run, s).run;
    const { deal } = recordRefresh(run, quorum, nodeRandom);
    assert.equal(deal.threshold, 2);
    assert.equal(deal.shares.length, 4);
    assert.equal(hex(combineShares({ ciphersuite: 'secp256k1', threshold: 2, shares: [deal.shares[0]!, deal.shares[3]!], commitments: deal.commitments }).groupPublicKey), hex(source.deal.groupPublicKey));
  });
});

describe('repair ceremony', () => {
  it('rebuilds the lost share, equal to the original and verifying against the commitments; the transcript verifies', async () => {
    const source = vssKeyCeremony('ed25519', 3, 5);
    const lost = source.deal.shares[1]!;
    let run = startLifecycle({
      ceremonyId: 'repair-1',
      clock: tickingClock(),
      label: 'Bob lost his share',
      source: citeSource(source.verified),
      ciphersuite: 'ed25519',
      custodians: [{ id: 'bob', name: 'Bob', identifier: hex(lost.identifier) }],
      repair: { identifier: hex(lost.identifier), custodianId: 'bob' },
      witnessIds: ['wendy'],
    });
    run = await signIfPending(recordAirGap(run, { passed: true, interfacesUp: [] }));
    assert.throws(() => recordQuorumShare(run, lost), /rebuilding/);
    const helpers: VssShare[] = [source.deal.shares[0]!, source.deal.shares[3]!];
    for (const h of helpers) run = recordQuorumShare(run, h).run;
    assert.throws(() => recordRepair(run, helpers, nodeRandom), (e: unknown) => e instanceof KeyshardError && e.code === 'BELOW_THRESHOLD');
    helpers.push(source.deal.shares[4]!);
    run = recordQuorumShare(run, source.deal.shares[4]!).run;
    const repaired = recordRepair(run, helpers, nodeRandom);
    assert.equal(hex(repaired.share.signingShare), hex(lost.signingShare));
    verifyShare('ed25519', 3, source.deal.commitments, repaired.share);
    run = await signIfPending(repaired.run);
    run = recordHandoff(run, { custodianId: 'bob', medium: 'paper' });
    const typo = { identifier: lost.identifier, signingShare: Uint8Array.from(lost.signingShare, (b, i) => (i === 0 ? b ^ 1 : b)) };
    assert.throws(() => recordConfirm(run, 'bob', repaired.share, typo, 'type-back'), (e: unknown) => e instanceof KeyshardError && e.code === 'SHARES_MISMATCH');
    run = await signIfPending(recordConfirm(run, 'bob', repaired.share, lost, 'type-back'));
    run = await signIfPending(recordDestroy(run, ['helper shares', 'repaired share']));
    run = await signIfPending(recordSeal(run));
    assert.equal(run.status, 'sealed');
    const v = verified(run.transcript);
    assert.equal(transcriptEnd(v).status, 'sealed');
    const steps = checkKindSteps(v.entries);
    assert.equal(steps.ok && steps.kind.id, 'repair');
    assert.ok(checkLifecycleTranscript(v).ok);
    const text = serializeTranscript(run.transcript);
    assert.equal(text.includes(hex(lost.signingShare)), false);
    assert.match(text, new RegExp(`"identifier": "${hex(lost.identifier)}"`));
    // A repair's transcript leaves the same commitments in force.
    assert.deepEqual(citeSource(v).commitments, source.deal.commitments.map(hex));
  });
});
