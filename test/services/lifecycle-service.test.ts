// The refresh / repair service in main: shares typed or scanned in, new shares handed over and confirmed, the
// transcript saved at every step; what a forger or a wrong share meets.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { KeyshardError } from '../../core/errors';
import { checkLifecycleTranscript } from '../../core/lifecycle/transcript';
import { envelopeFromText } from '../../core/envelope';
import { verifyTranscriptText } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { combineShares, groupFingerprint, verifyShare, type VssShare } from '../../core/vss/index';
import { recoverCommands } from '../../electron/cli/commands/recover';
import { runCli } from '../../electron/cli/main';
import { createLifecycleService, type LifecycleService } from '../../electron/services/lifecycle/index';
import { createRecoveryService } from '../../electron/services/recovery/index';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { nodeRandom, shareOfText, shardText, tickingClock, vssKeyCeremony } from '../helpers/lifecycle-fixture';

const root = mkdtempSync(join(tmpdir(), 'keyshard-lifecycle-svc-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const PASS = 'witness passphrase';
const keyFile = join(root, 'wendy.key');
writeFileSync(keyFile, sealWitnessKeySync('wendy', new Uint8Array(32).fill(5), PASS, { logN: 14 }));

function service(ok = true, listDrives?: () => Promise<readonly RemovableDrive[]>): { svc: LifecycleService; dir: string } {
  const dir = join(root, `t${n++}`);
  const svc = createLifecycleService({
    ...(listDrives === undefined ? {} : { listDrives }),
    clock: tickingClock(),
    random: nodeRandom,
    transcriptDir: dir,
    airgap: { check: async () => ({ ok, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }, ...(ok ? [] : [{ name: 'eth0', up: true, kind: 'ethernet' }])] }) },
  });
  return { svc, dir };
}

const isCode = (code: string) => (e: unknown) => e instanceof KeyshardError && e.code === code;

async function savedTranscript(svc: LifecycleService) {
  const text = readFileSync((await svc.status()).transcriptPath, 'utf8');
  const v = verifyTranscriptText(text);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return { text, v };
}

describe('lifecycle service: refresh', () => {
  it('refreshes every share with a witness: same group key, old and new do not mix, the saved transcript verifies and re-checks', async () => {
    const kc = vssKeyCeremony('ed25519', 3, 5);
    const { svc } = service();
    await svc.loadWitnessKey({ path: keyFile });
    const custodians = [1, 2, 3, 4, 5].map((k) => ({ id: `c${k}`, name: `Custodian ${k}`, number: k }));
    let st = await svc.start({ kind: 'refresh', label: 'Yearly refresh', sourceTranscript: kc.text, finalHash: kc.verified.headHash, ciphersuite: 'ed25519', custodians, witnessIds: ['wendy'] });
    assert.deepEqual(st.next, ['airgap-check']);
    st = await svc.checkAirGap();
    assert.equal(st.pendingSignOff?.checkpoint, 'airgap-check');
    await assert.rejects(svc.addShare({ input: { text: shardText(kc.deal, 0) } }), isCode('CEREMONY_TRANSITION'));
    await assert.rejects(svc.signOff({ witnessId: 'wendy', passphrase: 'wrong passphrase' }));
    st = await svc.signOff({ witnessId: 'wendy', passphrase: PASS });
    for (let i = 0; i < 5; i++) {
      const r = await svc.addShare({ input: { text: shardText(kc.deal, i) } });
      assert.equal(r.verifyingShare.length, 64);
    }
    st = await svc.make();
    st = await svc.signOff({ witnessId: 'wendy', passphrase: PASS });
    const fresh: VssShare[] = [];
    for (const c of custodians) {
      const view = await svc.handoff({ custodianId: c.id });
      assert.equal(view.number, c.number);
      assert.ok(view.qrFrames.length >= 1);
      // A custodian typing a wrong share back is refused; the right one is recorded.
      const other = c.number === 1 ? shardText(kc.deal, 0) : view.envelopeText.replace(/.$/, (x) => (x === 'A' ? 'B' : 'A'));
      await assert.rejects(svc.confirm({ custodianId: c.id, method: 'type-back', response: { text: other } }));
      await svc.confirm({ custodianId: c.id, method: 'type-back', response: { text: view.paperText } });
      await svc.signOff({ witnessId: 'wendy', passphrase: PASS });
      fresh.push(shareOfText(view.envelopeText));
    }
    const destroyed = await svc.destroy();
    assert.ok(destroyed.wiped >= 5);
    await svc.signOff({ witnessId: 'wendy', passphrase: PASS });
    st = await svc.seal();
    assert.equal(st.pendingSignOff?.checkpoint, 'seal');
    st = await svc.signOff({ witnessId: 'wendy', passphrase: PASS });
    assert.equal(st.status, 'sealed');

    const { text, v } = await savedTranscript(svc);
    assert.equal(transcriptEnd(v).status, 'sealed');
    assert.equal(checkKindSteps(v.entries).ok, true);
    const check = checkLifecycleTranscript(v);
    assert.ok(check.ok, check.ok ? '' : check.reason);
    const commitments = check.commitments.map((c) => Uint8Array.from(Buffer.from(c, 'hex')));
    assert.equal(check.groupPublicKey, bytesToHex(kc.deal.groupPublicKey));
    assert.equal(bytesToHex(combineShares({ ciphersuite: 'ed25519', threshold: 3, shares: fresh.slice(2), commitments }).groupPublicKey), bytesToHex(kc.deal.groupPublicKey));
    assert.throws(() => verifyShare('ed25519', 3, commitments, kc.deal.shares[0]!), isCode('VSS_SHARE_INVALID'));
    assert.throws(() => combineShares({ ciphersuite: 'ed25519', threshold: 3, shares: [fresh[0]!, fresh[1]!, kc.deal.shares[2]!], commitments }), isCode('VSS_SHARE_INVALID'));
    for (const s of [...fresh, ...kc.deal.shares]) assert.equal(text.includes(bytesToHex(s.signingShare)), false);
    // Changed after sealing: the chain breaks at that entry.
    const tampered = text.replace(/"verifyingShare": "([0-9a-f])/, (_m, d: string) => `"verifyingShare": "${d === '0' ? '1' : '0'}`);
    const bad = verifyTranscriptText(tampered);
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.code, 'TRANSCRIPT_TAMPERED');
    await svc.close();
  });

  it('refuses a share of another deal, a source transcript with the wrong final hash, and a network that is up', async () => {
    const kc = vssKeyCeremony('secp256k1', 2, 3);
    const other = vssKeyCeremony('secp256k1', 2, 3);
    const custodians = [1, 2, 3].map((k) => ({ id: `c${k}`, name: `C${k}`, number: k }));
    const { svc } = service();
    await assert.rejects(svc.start({ kind: 'refresh', label: 'x', sourceTranscript: kc.text, finalHash: 'ab'.repeat(32), ciphersuite: 'secp256k1', custodians }), isCode('TRANSCRIPT_TAMPERED'));
    await assert.rejects(svc.start({ kind: 'refresh', label: 'x', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians }), isCode('VSS_CIPHERSUITE'));
    await svc.start({ kind: 'refresh', label: 'x', sourceTranscript: kc.text, ciphersuite: 'secp256k1', custodians });
    await svc.checkAirGap();
    await assert.rejects(svc.addShare({ input: { text: shardText(other.deal, 0) } }), isCode('VSS_SHARE_INVALID'));
    await svc.addShare({ input: { text: shardText(kc.deal, 0) } });
    await assert.rejects(svc.make(), isCode('BELOW_THRESHOLD'));
    const aborted = await svc.abort({ reason: 'practice run' });
    assert.equal(aborted.status, 'aborted');
    const offline = service(false);
    await offline.svc.start({ kind: 'refresh', label: 'x', sourceTranscript: kc.text, ciphersuite: 'secp256k1', custodians });
    await assert.rejects(offline.svc.checkAirGap(), isCode('AIRGAP_NETWORK_UP'));
  });

  it('re-shares 2-of-3 to 3-of-4 new custodians; the key is the same', async () => {
    const kc = vssKeyCeremony('ed25519', 2, 3);
    const { svc } = service();
    const custodians = [1, 2, 3, 4].map((k) => ({ id: `n${k}`, name: `New ${k}`, number: k }));
    await svc.start({ kind: 'refresh', reshare: true, newThreshold: 3, label: 'New board', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians });
    await svc.checkAirGap();
    await svc.addShare({ input: { text: shardText(kc.deal, 0) } });
    await svc.addShare({ input: { text: shardText(kc.deal, 2) } });
    const st = await svc.make();
    assert.equal(st.threshold, 3);
    const fresh: VssShare[] = [];
    for (const c of custodians) {
      const view = await svc.handoff({ custodianId: c.id });
      await svc.confirm({ custodianId: c.id, method: 'type-back', response: { text: view.envelopeText } });
      fresh.push(shareOfText(view.envelopeText));
    }
    await svc.destroy();
    assert.equal((await svc.seal()).status, 'sealed');
    const { v } = await savedTranscript(svc);
    assert.ok(checkLifecycleTranscript(v).ok);
    assert.equal(bytesToHex(combineShares({ ciphersuite: 'ed25519', threshold: 3, shares: [fresh[0]!, fresh[1]!, fresh[3]!] }).groupPublicKey), bytesToHex(kc.deal.groupPublicKey));
  });
});

describe('lifecycle service: repair', () => {
  it("rebuilds custodian 2's lost share from three helpers; it equals the lost one and verifies; the transcript is sealed", async () => {
    const kc = vssKeyCeremony('ed25519', 3, 5);
    const { svc } = service();
    await svc.start({ kind: 'repair', label: 'Lost share', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [{ id: 'bob', name: 'Bob', number: 2 }] });
    await svc.checkAirGap();
    await assert.rejects(svc.addShare({ input: { text: shardText(kc.deal, 1) } }), /rebuilding/);
    for (const i of [0, 3]) await svc.addShare({ input: { text: shardText(kc.deal, i) } });
    await assert.rejects(svc.make(), isCode('BELOW_THRESHOLD'));
    await svc.addShare({ input: { text: shardText(kc.deal, 4) } });
    await svc.make();
    // New shares are made once: a second make is refused, nothing recorded.
    await assert.rejects(svc.make(), isCode('CEREMONY_TRANSITION'));
    const view = await svc.handoff({ custodianId: 'bob' });
    const repaired = shareOfText(view.envelopeText);
    assert.equal(bytesToHex(repaired.signingShare), bytesToHex(kc.deal.shares[1]!.signingShare));
    verifyShare('ed25519', 3, kc.deal.commitments, repaired);
    await assert.rejects(svc.destroy(), isCode('CEREMONY_TRANSITION'));
    await svc.confirm({ custodianId: 'bob', method: 'type-back', response: { text: view.paperText } });
    await svc.destroy();
    assert.equal((await svc.seal()).status, 'sealed');
    const { v, text } = await savedTranscript(svc);
    const steps = checkKindSteps(v.entries);
    assert.equal(steps.ok && steps.kind.id, 'repair');
    assert.ok(checkLifecycleTranscript(v).ok);
    assert.equal(text.includes(bytesToHex(repaired.signingShare)), false);
  });

  it('the repaired share joins its share set (the source ceremony\'s envelope id), so `keyshard recover` takes it with two others', async () => {
    const id = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    const kc = vssKeyCeremony('ed25519', 3, 5, id);
    const { svc, dir } = service();
    await svc.start({ kind: 'repair', label: 'Lost share', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [{ id: 'bob', name: 'Bob', number: 2 }] });
    await svc.checkAirGap();
    for (const i of [0, 3, 4]) await svc.addShare({ input: { text: shardText(kc.deal, i, hexToBytes(id)) } });
    await svc.make();
    const view = await svc.handoff({ custodianId: 'bob' });
    assert.equal(bytesToHex(envelopeFromText(view.envelopeText).ceremonyId), id);
    // The repair's own transcript keeps an id of its own.
    assert.notEqual((await svc.status()).ceremonyId, id);
    // Bob's repaired shard with Alice's and Erin's: before, a repaired shard was "a shard of another ceremony" (SHARES_MISMATCH).
    const files = [view.envelopeText, shardText(kc.deal, 0, hexToBytes(id)), shardText(kc.deal, 4, hexToBytes(id))].map((text, i) => {
      const f = join(dir, `recover-${i}.ks`);
      writeFileSync(f, `${text}\n`);
      return f;
    });
    let out = '';
    let err = '';
    const code = await runCli(['recover', '--json', ...files], { readStdin: async () => '', stdout: (t) => void (out += t), stderr: (t) => void (err += t) }, recoverCommands);
    assert.equal(code, 0, err);
    assert.equal((JSON.parse(out) as { fingerprint: string }).fingerprint, groupFingerprint('ed25519', kc.deal.groupPublicKey).hex);
    await svc.abort({ reason: 'test over' });
  });

  it("the repaired share's envelope carries its custodian's own index in the set, so `keyshard recover` matches it to that custodian's bag", async () => {
    // The plan lists carol, alice, bob; alice holds signer 1, bob 2, carol 3, each share sealed in a bag of their own.
    const id = '7c'.repeat(16);
    const signer: Record<string, number> = { alice: 1, bob: 2, carol: 3 };
    const bag: Record<string, string> = { alice: 'BAGALICE1', bob: 'BAGBOB22', carol: 'BAGCAROL3' };
    const order = ['carol', 'alice', 'bob'];
    const kc = vssKeyCeremony('ed25519', 2, 3, id, { custodianIds: order, realFingerprint: true, handoff: (who) => ({ shares: [{ signer: signer[who]! }], bagSerial: bag[who]! }) });
    const { svc, dir } = service();
    await svc.start({ kind: 'repair', label: 'Lost share', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [{ id: 'bob', name: 'Bob', number: 2 }] });
    await svc.checkAirGap();
    await svc.addShare({ input: { text: shardText(kc.deal, 0, hexToBytes(id), order.indexOf('alice')) } });
    await svc.addShare({ input: { text: shardText(kc.deal, 2, hexToBytes(id), order.indexOf('carol')) } });
    await svc.make();
    const view = await svc.handoff({ custodianId: 'bob' });
    // Bob is third in the plan: index 2 (not 0, his place in the repair's list, nor 1, his share number less one).
    assert.equal(envelopeFromText(view.envelopeText).custodianIndex, order.indexOf('bob'));
    const transcript = join(dir, 'key-ceremony.json');
    writeFileSync(transcript, kc.text);
    const files = [view.envelopeText, shardText(kc.deal, 2, hexToBytes(id), order.indexOf('carol'))].map((text, i) => {
      const f = join(dir, `bagged-${i}.ks`);
      writeFileSync(f, `${text}\n`);
      return f;
    });
    let out = '';
    let err = '';
    const code = await runCli(['recover', '--json', '--transcript', transcript, '--bag', bag['bob']!, '--bag', bag['carol']!, ...files], { readStdin: async () => '', stdout: (t) => void (out += t), stderr: (t) => void (err += t) }, recoverCommands);
    assert.equal(code, 0, err);
    const result = JSON.parse(out) as { fingerprint: string; bags: { custodianId: string; recorded: string; outcome: string }[] };
    assert.equal(result.fingerprint, groupFingerprint('ed25519', kc.deal.groupPublicKey).hex);
    assert.deepEqual(result.bags.map((b) => `${b.custodianId} ${b.recorded} ${b.outcome}`), ['bob BAGBOB22 matched', 'carol BAGCAROL3 matched']);
    await svc.abort({ reason: 'test over' });
  });

  it('takes helpers\' shard files from a listed USB drive, read by main as the recovery screen reads them; refuses the rest', async () => {
    const kc = vssKeyCeremony('secp256k1', 2, 3);
    const stick = join(root, `stick${n}`);
    mkdirSync(stick);
    const drive: RemovableDrive = { device: 'sdb1', label: 'ALICE', mountPoint: stick, sizeBytes: null, freeBytes: null, readOnly: false, fsType: 'vfat', transport: 'usb' };
    let plugged = [drive];
    const { svc } = service(true, async () => plugged);
    const ceremony = '01'.repeat(16); // the fixture's ceremony id
    writeFileSync(join(stick, `keyshard-${ceremony}-c0.txt`), shardText(kc.deal, 0, new Uint8Array(16).fill(1)));
    // A file named for custodian 3 that holds custodian 2's shard (copied by hand), and a file with no shard name.
    writeFileSync(join(stick, `keyshard-${ceremony}-c2.txt`), shardText(kc.deal, 1));
    writeFileSync(join(stick, 'notes.txt'), shardText(kc.deal, 1));
    await svc.start({ kind: 'repair', label: 'Lost share', sourceTranscript: kc.text, ciphersuite: 'secp256k1', custodians: [{ id: 'carol', name: 'Carol', number: 3 }] });
    await svc.checkAirGap();
    await assert.rejects(svc.addShare({ input: { driveFile: { mountPoint: stick, file: `keyshard-${ceremony}-c2.txt` } } }), isCode('SHARES_MISMATCH'));
    await assert.rejects(svc.addShare({ input: { driveFile: { mountPoint: stick, file: 'notes.txt' } } }), isCode('INVALID_ARGUMENT'));
    await assert.rejects(svc.addShare({ input: { driveFile: { mountPoint: root, file: `keyshard-${ceremony}-c0.txt` } } }), isCode('USB_REMOVED'));
    // A token is read through the module main was given; without one it says to choose it (test/hsm/lifecycle-tokens reads real tokens).
    await assert.rejects(svc.addShare({ input: { token: { serial: 'x', label: 'x' }, pin: '1234' } }), isCode('HSM_MODULE'));
    assert.equal((await svc.status()).quorum.length, 0);
    const r = await svc.addShare({ input: { driveFile: { mountPoint: stick, file: `keyshard-${ceremony}-c0.txt` } } });
    assert.equal(r.quorum.length, 1);
    // The stick is pulled: the same file is no longer read.
    plugged = [];
    await assert.rejects(svc.addShare({ input: { driveFile: { mountPoint: stick, file: `keyshard-${ceremony}-c0.txt` } } }), isCode('USB_REMOVED'));
    await svc.addShare({ input: { text: shardText(kc.deal, 1) } });
    await svc.make();
    const view = await svc.handoff({ custodianId: 'carol' });
    assert.equal(bytesToHex(shareOfText(view.envelopeText).signingShare), bytesToHex(kc.deal.shares[2]!.signingShare));
    await svc.confirm({ custodianId: 'carol', method: 'type-back', response: { text: view.paperText } });
    await svc.destroy();
    assert.equal((await svc.seal()).status, 'sealed');
    const { v } = await savedTranscript(svc);
    assert.ok(checkLifecycleTranscript(v).ok);
  });
});

describe('lifecycle service, then recovery in the app', () => {
  it('the refresh transcript, then the repair transcript, each guides a recovery of the shares it leaves in force: verified by its final hash', async () => {
    const kc = vssKeyCeremony('ed25519', 2, 3, 'a1'.repeat(16));
    const custodians = [1, 2, 3].map((k) => ({ id: `c${k}`, name: `C${k}`, number: k }));
    const refresh = service();
    await refresh.svc.start({ kind: 'refresh', label: 'Yearly refresh', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians });
    await refresh.svc.checkAirGap();
    for (const i of [0, 1, 2]) await refresh.svc.addShare({ input: { text: shardText(kc.deal, i, hexToBytes('a1'.repeat(16))) } });
    await refresh.svc.make();
    const fresh: string[] = [];
    for (const c of custodians) {
      const view = await refresh.svc.handoff({ custodianId: c.id });
      await refresh.svc.confirm({ custodianId: c.id, method: 'type-back', response: { text: view.envelopeText } });
      fresh.push(view.envelopeText);
    }
    await refresh.svc.destroy();
    await refresh.svc.seal();
    const refreshed = await savedTranscript(refresh.svc);
    const key = groupFingerprint('ed25519', kc.deal.groupPublicKey).hex;

    const recovery = createRecoveryService();
    const recoverWith = async (transcriptText: string, finalHash: string, texts: readonly string[]) => {
      const st = await recovery.start({ transcriptText, finalHash });
      assert.equal(st.expected?.source, 'final-hash');
      for (const text of texts) {
        const r = await recovery.addShard({ text });
        assert.equal(r.outcome, 'accepted', r.outcome === 'rejected' ? `${r.error.code}: ${r.error.message}` : r.outcome);
      }
      return recovery.finish();
    };
    const afterRefresh = await recoverWith(refreshed.text, refreshed.v.headHash, [fresh[0]!, fresh[2]!]);
    assert.deepEqual([afterRefresh.verdict, afterRefresh.source], ['verified', 'final-hash']);
    assert.equal(afterRefresh.recovered.fingerprint.hex, key);
    await recovery.clear();

    // Custodian 2 loses the refreshed share; 1 and 3 repair it from the refresh transcript.
    const repair = service();
    await repair.svc.start({ kind: 'repair', label: 'Lost share', sourceTranscript: refreshed.text, ciphersuite: 'ed25519', custodians: [{ id: 'c2', name: 'C2', number: 2 }] });
    await repair.svc.checkAirGap();
    for (const text of [fresh[0]!, fresh[2]!]) await repair.svc.addShare({ input: { text } });
    await repair.svc.make();
    const view = await repair.svc.handoff({ custodianId: 'c2' });
    await repair.svc.confirm({ custodianId: 'c2', method: 'type-back', response: { text: view.paperText } });
    await repair.svc.destroy();
    await repair.svc.seal();
    const repaired = await savedTranscript(repair.svc);
    const afterRepair = await recoverWith(repaired.text, repaired.v.headHash, [view.envelopeText, fresh[2]!]);
    assert.deepEqual([afterRepair.verdict, afterRepair.source, afterRepair.recovered.fingerprint.hex], ['verified', 'final-hash', key]);
    // The old shares are another share set (the key ceremony's): refused against the refresh's record.
    await recovery.clear();
    await recovery.start({ transcriptText: refreshed.text, finalHash: refreshed.v.headHash });
    const old = await recovery.addShard({ text: shardText(kc.deal, 0, hexToBytes('a1'.repeat(16))) });
    assert.equal(old.outcome, 'rejected');
    await recovery.shutdown();
  });
});
