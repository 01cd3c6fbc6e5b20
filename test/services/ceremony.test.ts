import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { CeremonyRecord } from '../../core/ceremony';
import { decodeVssPayload, envelopeFromText, wipeEnvelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { combineMnemonics } from '../../core/slip39/index';
import { verifyTranscriptText } from '../../core/transcript';
import { combineShares, groupFingerprint, verifyShare } from '../../core/vss/index';
import { openProtected } from '../../electron/services/protection/index';
import { assertCompleteCeremony } from '../core/ceremony-driver';
import {
  allZero,
  cleanTemps,
  custodianKeys,
  given,
  nodePbkdf2,
  responseFor,
  rig,
  runCeremony,
  shown,
  shownShards,
  signAs,
  signPending,
  slip39Plan,
  vssPlan,
  WITNESSES,
  type Keys,
} from './ceremony-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

function transcriptOf(dir: string): { text: string; records: CeremonyRecord[] } {
  const text = readFileSync(join(dir, 'transcript.json'), 'utf8');
  const parsed = JSON.parse(text) as { entries: { kind: string; at: string; data: Record<string, unknown> }[] };
  const records = parsed.entries.filter((e) => e.kind !== 'signoff').map((e) => ({ step: e.kind, at: e.at, data: e.data }) as unknown as CeremonyRecord);
  return { text, records };
}

function isError(code: string, check?: (e: KeyshardError) => void): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  };
}

describe('ceremony service: a whole SLIP-39 2-of-3 ceremony', () => {
  it('runs from plan to sealed transcript; the transcript verifies; every secret buffer ends zeroed; recovery matches', async () => {
    const plan = slip39Plan(k);
    const r = rig();
    const run = await runCeremony(r, plan, k);

    const { text, records } = transcriptOf(r.dir);
    const v = verifyTranscriptText(text);
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.equal(v.headHash, run.headHash);
    assert.equal(v.witnessesPinned, true);
    assertCompleteCeremony(plan, records);
    // Every checkpoint entry carries Wendy's signature.
    for (const s of v.signoffs) {
      if (['airgap-check', 'generate', 'split', 'confirm', 'test-recovery', 'destroy', 'seal'].includes(s.kind)) {
        assert.deepEqual(s.witnesses.map((w) => w.id), ['wendy'], `entry ${s.seq} (${s.kind})`);
      }
    }

    // Every buffer the service ever put in its secret store (entropy, split seed, master secret, 3 shards) is zero.
    assert.ok(r.buffers.length >= 6, `buffers tracked: ${r.buffers.map((b) => b.label).join(', ')}`);
    for (const b of r.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);

    // Independently of the service: the shards the custodians got (paper words, the age file, the screen QR text)
    // recombine to a seed whose fingerprint is the one generated.
    assert.equal(run.recoveredFingerprint, run.generatedFingerprint);
    const alice = shown(run.views.get('alice')!.shards[0]!).words!.join(' ');
    const bobFile = readFileSync(run.views.get('bob')!.files[0]!.location);
    const bobText = await openProtected(new Uint8Array(bobFile), { kind: 'age', identity: k.age.identity });
    const bobEnvelope = envelopeFromText(bobText);
    const bob = new TextDecoder().decode(bobEnvelope.payload);
    assert.equal(bytesToHex(bobEnvelope.groupFingerprint), run.generatedFingerprint);
    for (const pair of [[alice, bob], [bob, shown(run.views.get('carol')!.shards[0]!).words!.join(' ')]]) {
      const seed = combineMnemonics(pair, '', nodePbkdf2);
      assert.equal(fingerprintOf(seedIdentity(seed)).hex, run.generatedFingerprint);
    }
    wipeEnvelope(bobEnvelope);

    // No shard, word sequence or entropy made it into the public record.
    for (const view of run.views.values()) {
      for (const s of shownShards(view)) {
        assert.ok(!text.includes(s.envelopeText.slice(3, 40)), 'shard text in the transcript');
        assert.ok(!text.includes((s.words ?? []).slice(0, 3).join(' ')), 'mnemonic words in the transcript');
      }
    }
    assert.ok(!text.includes('3 1 4 1 5'), 'dice rolls in the transcript');
    assert.match(text, /"dice-10-rolls"/);
  });

  it('refuses a confirmation with a wrong word, naming its position and not the word; records only the exception; then accepts the right words', async () => {
    const plan = slip39Plan(k);
    const r = rig();
    const s = r.service;
    await s.registerWitnessSigner(WITNESSES.wendy);
    await s.start({ plan });
    await s.checkAirGap();
    await signPending(s);
    await s.gatherEntropy();
    await s.generate();
    await signPending(s);
    await s.split();
    await signPending(s);
    const view = await s.handoff({ custodianId: 'alice' });
    const words = [...shown(view.shards[0]!).words!];
    const wrong = words.map((w, i) => (i === 6 ? (w === 'academic' ? 'acid' : 'academic') : w));
    const entries = (await s.status()).transcript.entries;
    // Each mismatch is a deviation: recorded as an exception, signed by Wendy, before the next try (issue 13.5).
    const exception = () => s.recordException({ reason: 'Alice tries again.', witnessId: 'wendy' });
    await assert.rejects(
      s.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ words: wrong.join(' ') })] }),
      isError('CONFIRM_MISMATCH', (e) => {
        assert.deepEqual(e.details?.['words'], [7]);
        // The whole message is fixed text plus the position: nothing in it can come from the shard. (Checking for each
        // word by substring is not enough: SLIP-39 has words such as "that" and "again" that fixed text uses too.)
        assert.equal(e.message, 'What was typed back does not match the shard that was handed out: word 7 differs. Check against your copy and try again.');
        // Likewise the details are positions and flags only (a substring check would trip on the word "false").
        assert.deepEqual(e.details, { custodianId: 'alice', shard: 1, words: [7], parts: ['share'], lengthDiffers: false });
      }),
    );
    await exception();
    // A word missing at the end: the count and the position are named.
    await assert.rejects(
      s.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ words: words.slice(0, -1).join(' ') })] }),
      isError('CONFIRM_MISMATCH', (e) => {
        assert.deepEqual(e.details?.['words'], [words.length]);
        assert.match(e.message, new RegExp(`${words.length - 1} words were given; the shard has ${words.length}`));
      }),
    );
    await exception();
    // A typo in the typed shard text: the paper group is named.
    const paper = shown(view.shards[0]!).paperText;
    const groups = paper.slice(4).split(/\s+/);
    const g = 9;
    const typo = groups.map((x, i) => (i === g ? (x[0] === 'A' ? 'B' : 'A') + x.slice(1) : x));
    await assert.rejects(
      s.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ text: `KS1 ${typo.join(' ')}` })] }),
      isError('CONFIRM_MISMATCH', (e) => {
        assert.deepEqual(e.details?.['groups'], [g + 1]);
        assert.ok(!e.message.includes(groups[g]!), 'the message shows the group');
      }),
    );
    await exception();
    assert.equal((await s.status()).transcript.entries, entries + 6, 'a refused confirmation records only its exception and signature');
    assert.equal((await s.status()).awaitingConfirmation, 'alice');
    const ok = await s.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ text: paper.toLowerCase() })] });
    assert.deepEqual(ok.status.confirmed, ['alice']);
    // The display is dropped once confirmed.
    assert.equal(await s.currentHandoff(), null);
    await s.abort({ reason: 'test over' });
  });
});

describe('ceremony service: a whole VSS (FROST ed25519) 3-of-5 ceremony', () => {
  it('runs from plan to sealed transcript with two witnesses; shares verify; every buffer ends zeroed; recovery matches', async () => {
    const plan = vssPlan(k);
    const r = rig();
    const run = await runCeremony(r, plan, k);
    const { text, records } = transcriptOf(r.dir);
    const v = verifyTranscriptText(text);
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assertCompleteCeremony(plan, records);
    for (const b of r.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
    assert.equal(run.recoveredFingerprint, run.generatedFingerprint);

    // The split record's commitments vouch for every shard; each confirm recorded its verifying share.
    const split = records.find((x) => x.step === 'split')!;
    const commitments = (split.data['commitments'] as string[]).map((c) => Uint8Array.from(Buffer.from(c, 'hex')));
    const bobFile = readFileSync(run.views.get('bob')!.files[0]!.location, 'utf8');
    assert.match(bobFile, /BEGIN PGP MESSAGE/);
    const texts = [
      ...['alice', 'carol', 'dan', 'erin'].map((id) => shown(run.views.get(id)!.shards[0]!).envelopeText),
      await openProtected(bobFile, { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored }),
    ];
    const shares = texts.map((t) => {
      const env = envelopeFromText(t);
      const p = decodeVssPayload(env.scheme, env.payload);
      return { identifier: Uint8Array.from(p.identifier), signingShare: Uint8Array.from(p.signingShare) };
    });
    const confirms = records.filter((x) => x.step === 'confirm');
    for (const sh of shares) {
      const vs = bytesToHex(verifyShare('ed25519', 3, commitments, sh));
      assert.ok(confirms.some((c) => c.data['verifyingShare'] === vs), 'verifying share recorded');
    }
    // Any 3 of the 5 recombine to the generated key (independently of the service).
    const { secret, groupPublicKey } = combineShares({ ciphersuite: 'ed25519', threshold: 3, shares: [shares[4]!, shares[1]!, shares[3]!], commitments });
    assert.equal(groupFingerprint('ed25519', groupPublicKey).hex, run.generatedFingerprint);
    secret.fill(0);

  });

  it('refuses a witness who may not sign a checkpoint, and a key that is not the pinned one; records nothing', async () => {
    const plan = vssPlan(k);
    const r = rig();
    const s = r.service;
    await s.registerWitnessSigner(WITNESSES.wendy);
    await s.registerWitnessSigner(WITNESSES.victor);
    await s.start({ plan });
    await s.checkAirGap();
    await signPending(s);
    await s.gatherEntropy();
    await s.generate();
    await signPending(s);
    await s.split();
    await signPending(s);
    const view = await s.handoff({ custodianId: 'alice' });
    await s.confirm({ custodianId: 'alice', method: 'scan-qr', responses: responseFor(view, plan) });
    const before = (await s.status()).transcript.entries;
    await assert.rejects(signAs(s, 'victor'), isError('WITNESS_NOT_ELIGIBLE', (e) => assert.match(e.message, /does not observe Alice/)));
    const impostor = { ...WITNESSES.wendy, publicKey: WITNESSES.victor.publicKey };
    await assert.rejects(s.signOffWith(impostor), isError('WITNESS_KEY'));
    const liar = { ...WITNESSES.wendy, sign: async () => new Uint8Array(64).fill(7) };
    await assert.rejects(s.signOffWith(liar), isError('WITNESS_KEY'));
    await assert.rejects(signAs(s, 'mallory'), isError('WITNESS_KEY'));
    assert.equal((await s.status()).transcript.entries, before);
    // Nothing moves on until an eligible witness signs.
    await assert.rejects(s.handoff({ custodianId: 'dan' }), isError('CEREMONY_TRANSITION'));
    const ok = await signAs(s, 'wendy');
    assert.equal(ok.checkpoint, 'confirm');
    assert.equal(ok.custodianId, 'alice');
    await s.receipt({ custodianId: 'alice' });
    // Victor may sign Dan's confirmation.
    const dan = await s.handoff({ custodianId: 'dan' });
    await s.confirm({ custodianId: 'dan', method: 'type-back', responses: responseFor(dan, plan) });
    const byVictor = await signAs(s, 'victor');
    assert.equal(byVictor.custodianId, 'dan');
    const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
    assert.ok(v.ok);
    const target = v.entries[byVictor.targetSeq - 1]!;
    assert.equal(target.kind, 'confirm');
    assert.deepEqual(v.signoffs.find((x) => x.seq === byVictor.targetSeq)!.witnesses.map((w) => w.id), ['victor']);
    await s.abort({ reason: 'test over' });
    for (const b of r.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
  });

  it('hands every custodian only their own shard, with the envelope naming them', async () => {
    const plan = vssPlan(k);
    const r = rig();
    const run = await runCeremony(r, plan, k);
    plan.custodians.forEach((c, i) => {
      const view = run.views.get(c.id)!;
      assert.equal(view.custodianId, c.id);
      for (const s of shownShards(view)) {
        const env = envelopeFromText(s.envelopeText);
        assert.equal(env.custodianIndex, i);
        assert.equal(env.custodianLabel, c.name);
        assert.equal(bytesToHex(env.groupFingerprint), run.generatedFingerprint);
        wipeEnvelope(env);
      }
    });
  });
});
