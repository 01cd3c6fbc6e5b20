// Extending a SLIP-39 backup as a ceremony kind (issue 17.2): the run, its transcript, and the check of what the
// chain cannot prove.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signKindCheckpoint, type KindRun } from '../../core/ceremony-kinds/run';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { slip39ShareFingerprint } from '../../core/custody/fingerprint';
import { decodeEnvelope } from '../../core/envelope';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import { recordAirGap, recordDestroy, recordExtendConfirm, recordExtendHandoff, recordExtendMake, recordExtendQuorumShare, recordExtendSeal, startExtend } from '../../core/extend/steps';
import { checkExtendTranscript, citeSlip39Source } from '../../core/extend/transcript';
import { checkKindContent } from '../../core/kind-content';
import { combineMnemonics, splitMasterSecret } from '../../core/slip39/index';
import { appendEntry, createTranscript, serializeTranscript, verifyTranscript, type Transcript, type VerifyOk } from '../../core/transcript';
import { custodyCeremony } from '../helpers/custody-fixture';
import { tickingClock } from '../helpers/lifecycle-fixture';
import { nodePbkdf2, seededRandom } from './slip39-helpers';
import { ed25519Witness } from './transcript-fixture';

const wendy = ed25519Witness('wendy');

function verified(t: Transcript): VerifyOk {
  const v = verifyTranscript(t);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return v;
}

/** A sealed SLIP-39 key ceremony (2-of-3, one group, fingerprints recorded) and its custodians' words. */
function keyCeremony(seed: number) {
  const c = custodyCeremony('slip39', seed);
  const words = c.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
  return { ...c, words };
}

const NEW = [
  { id: 'dora', name: 'Dora', member: 3 },
  { id: 'ed', name: 'Ed', member: 4 },
];

async function signIfPending(run: KindRun, witnessed: boolean): Promise<KindRun> {
  return witnessed && run.pending !== null ? signKindCheckpoint(run, wendy) : run;
}

async function extendRun(witnessed: boolean, seed = 5) {
  const kc = keyCeremony(seed);
  const source = citeSlip39Source(kc.transcript);
  let run = startExtend({
    ceremonyId: 'extend-1',
    clock: tickingClock(),
    label: 'Two new custodians',
    source,
    group: 0,
    custodians: NEW,
    witnessIds: witnessed ? ['wendy'] : [],
    ...(witnessed ? { witnessKeys: [{ id: 'wendy', algorithm: 'ed25519', publicKey: Buffer.from(wendy.publicKey).toString('hex') }] } : {}),
  });
  run = await signIfPending(recordAirGap(run, { passed: true, interfacesUp: [] }), witnessed);
  const quorum = [kc.words[2]!, kc.words[0]!];
  const holders: (string | null)[] = [];
  for (const m of quorum) {
    const r = recordExtendQuorumShare(run, kc.transcript, m);
    holders.push(r.custodianId);
    run = r.run;
  }
  const made = recordExtendMake(run, quorum);
  run = await signIfPending(made.run, witnessed);
  for (const s of made.shares) {
    run = recordExtendHandoff(run, s.custodianId, 'screen', s.mnemonic);
    run = await signIfPending(recordExtendConfirm(run, s.custodianId, s.mnemonic, s.mnemonic.toUpperCase(), 'type-back'), witnessed);
  }
  run = await signIfPending(recordDestroy(run, ['quorum shares', 'new shares']), witnessed);
  run = await signIfPending(recordExtendSeal(run), witnessed);
  return { kc, run, made, holders };
}

describe('extend ceremony kind', () => {
  for (const witnessed of [false, true]) {
    it(`${witnessed ? 'witnessed' : 'unwitnessed'}: new shares combine with the old ones to the same secret; the transcript verifies and holds no share`, async () => {
      const { kc, run, made, holders } = await extendRun(witnessed);
      assert.equal(run.status, 'sealed');
      assert.deepEqual(holders, ['carol', 'alice']);
      const secret = Buffer.from(combineMnemonics([kc.words[0]!, kc.words[1]!], '', nodePbkdf2)).toString('hex');
      const fresh = made.shares.map((s) => s.mnemonic);
      for (const pair of [[fresh[0]!, kc.words[1]!], [kc.words[2]!, fresh[1]!], [fresh[0]!, fresh[1]!]]) {
        assert.equal(Buffer.from(combineMnemonics(pair, '', nodePbkdf2)).toString('hex'), secret);
      }
      const text = serializeTranscript(run.transcript);
      const v = verified(run.transcript);
      assert.equal(checkKindSteps(v.entries).kind?.id, 'extend');
      assert.deepEqual(checkKindContent('extend', v), { ok: true });
      const check = checkExtendTranscript(v);
      assert.ok(check.ok);
      assert.equal(check.source.finalHash, kc.transcript.headHash);
      assert.deepEqual(
        check.shares.map((s) => [s.custodianId, s.member, s.shardFingerprint]),
        made.shares.map((s) => [s.custodianId, s.member, slip39ShareFingerprint(s.mnemonic)]),
      );
      // No share's words in the file: not the new ones, not the quorum's, not even three words in a row of any.
      for (const m of [...fresh, ...kc.words]) {
        const w = m.split(' ');
        for (let i = 0; i + 3 <= w.length; i++) assert.equal(text.includes(w.slice(i, i + 3).join(' ')), false);
      }
      if (witnessed) {
        const signed = v.signoffs.filter((s) => s.witnesses.length > 0).map((s) => v.entries[s.seq - 1]!.kind);
        assert.deepEqual(signed, ['airgap-check', 'extend', 'confirm', 'confirm', 'destroy', 'seal']);
      }
    });
  }

  it('a re-chained transcript whose recorded facts were changed fails the content check, naming the entry', async () => {
    const { run, kc } = await extendRun(false, 6);
    const entries = run.transcript.entries;
    const rechain = (at: number, data: (d: Record<string, unknown>) => unknown) => {
      let t = createTranscript(run.transcript.ceremonyId, tickingClock());
      for (const [i, e] of entries.entries()) t = appendEntry(t, e.kind, (i === at ? data(e.data as Record<string, unknown>) : e.data) as never, { at: e.at });
      return checkExtendTranscript(verified(t));
    };
    const confirmAt = entries.findIndex((e) => e.kind === 'confirm');
    const other = slip39ShareFingerprint(kc.words[1]!);
    const c1 = rechain(confirmAt, (d) => ({ ...d, shardFingerprint: other }));
    assert.equal(!c1.ok && c1.firstBadSeq, confirmAt + 1);
    assert.match(!c1.ok ? c1.reason : '', /not the one handed/);
    const sealAt = entries.findIndex((e) => e.kind === 'seal');
    const c2 = rechain(sealAt, (d) => ({ ...d, shares: (d['shares'] as unknown[]).slice(1) }));
    assert.equal(!c2.ok && c2.firstBadSeq, sealAt + 1);
    const c3 = rechain(0, (d) => ({ ...d, membersInUse: [0, 1, 2, 3] }));
    assert.equal(!c3.ok && c3.firstBadSeq, 1);
    const extendAt = entries.findIndex((e) => e.kind === 'extend');
    const c4 = rechain(extendAt, (d) => ({ ...d, quorumMembers: [0], memberThreshold: 1 }));
    assert.equal(!c4.ok && c4.firstBadSeq, extendAt + 1);
    // transcript verify's hook says the same.
    let t = createTranscript(run.transcript.ceremonyId, tickingClock());
    for (const [i, e] of entries.entries()) t = appendEntry(t, e.kind, (i === confirmAt ? { ...(e.data as object), shardFingerprint: other } : e.data) as never, { at: e.at });
    const hook = checkKindContent('extend', verified(t));
    assert.equal(!hook.ok && hook.firstBadSeq, confirmAt + 1);
  });

  it('refuses a non-extendable share at once, a member already in use, another group, a repeat, a wrong typed-back copy', async () => {
    const kc = keyCeremony(7);
    const source = citeSlip39Source(kc.transcript);
    const plan = { ceremonyId: 'x', clock: tickingClock(), label: 'x', source, group: 0, witnessIds: [] };
    assert.throws(() => startExtend({ ...plan, custodians: [{ id: 'dora', name: 'Dora', member: 2 }] }), { code: 'SLIP39_PARAMETERS' });
    assert.throws(() => startExtend({ ...plan, group: 1, custodians: NEW }), { code: 'INVALID_ARGUMENT' });
    let run = recordAirGap(startExtend({ ...plan, custodians: NEW }), { passed: true, interfacesUp: [] });
    const random = seededRandom(99);
    const [old] = splitMasterSecret(random(16), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], random, iterationExponent: 0, extendable: false, pbkdf2: nodePbkdf2 });
    assert.throws(() => recordExtendQuorumShare(run, kc.transcript, old![0]!), { code: 'SLIP39_NOT_EXTENDABLE' });
    run = recordExtendQuorumShare(run, kc.transcript, kc.words[0]!).run;
    assert.throws(() => recordExtendQuorumShare(run, kc.transcript, kc.words[0]!), { code: 'DUPLICATE_SHARE' });
    assert.throws(() => recordExtendMake(run, [kc.words[0]!, kc.words[1]!]), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => recordExtendMake(run, [kc.words[0]!]), { code: 'BELOW_THRESHOLD' });
    run = recordExtendQuorumShare(run, kc.transcript, kc.words[1]!).run;
    const made = recordExtendMake(run, [kc.words[0]!, kc.words[1]!]);
    run = recordExtendHandoff(made.run, 'dora', 'screen', made.shares[0]!.mnemonic);
    assert.throws(() => recordExtendConfirm(run, 'dora', made.shares[0]!.mnemonic, made.shares[1]!.mnemonic, 'type-back'), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'SHARES_MISMATCH');
      assert.equal(e.message.includes(made.shares[1]!.mnemonic.split(' ')[4]!), false);
      return true;
    });
  });

  it('cites only a sealed SLIP-39 key ceremony', () => {
    assert.throws(() => citeSlip39Source(custodyCeremony('ed25519', 3).transcript), { code: 'TRANSCRIPT_FORMAT' });
    assert.throws(() => citeSlip39Source(custodyCeremony('slip39', 3, { seal: false }).transcript), { code: 'TRANSCRIPT_UNSEALED' });
    const s = citeSlip39Source(keyCeremony(8).transcript);
    assert.deepEqual(s.membersInUse.get(0), [0, 1, 2]);
  });
});
