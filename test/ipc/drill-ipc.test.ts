// The quorum drill in the app (custody:drill-*, issue 17.1) through the real IPC handlers: the shards go to main one
// by one, a wrong one is named and refused before anything is combined, the key is rebuilt in main and only its
// fingerprint comes back; the drill's transcript, saved through custody:save-transcript, verifies through the CLI's
// entry point (runCli: keyshard transcript verify). No answer and no transcript holds a share.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeEnvelope, decodeSlip39Payload, decodeVssPayload, envelopeToText } from '../../core/envelope';
import { serializeTranscript } from '../../core/transcript';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import { signingLaptop as laptop } from './signing-laptop';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { runCommands } from '../helpers/cli';
import { custodyCeremony } from '../helpers/custody-fixture';

const PASSPHRASE = 'correct horse battery';
const dir = mkdtempSync(join(tmpdir(), 'ks-drill-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  return { code: 'no error', message: '' };
}

const text = (b: Uint8Array) => envelopeToText(decodeEnvelope(b));
type Status = { shards: { custodianId: string; shardFingerprint: string }[]; expectedFingerprint: string; result: string };
type Outcome = { fingerprint: string; expectedFingerprint: string; result: string; custodians: string[]; signedBy: string | null; transcriptText: string; finalHash: string };

/** Every run of three consecutive words of a SLIP-39 share: none may appear in what leaves main. */
function wordRuns(mnemonic: string): string[] {
  const w = mnemonic.split(' ');
  return w.slice(0, -2).map((_, i) => w.slice(i, i + 3).join(' '));
}

describe('quorum drill over IPC', () => {
  it('SLIP-39, witnessed: a wrong shard is named, the key is rebuilt in main, the transcript verifies through the CLI', async () => {
    const c = custodyCeremony('slip39', 91);
    const other = custodyCeremony('slip39', 92);
    const keyFile = join(dir, 'wendy.key');
    writeFileSync(keyFile, sealWitnessKeySync('wendy', new Uint8Array(32).fill(9), PASSPHRASE, { logN: 14 }));
    const wendy = { keyFileText: readFileSync(keyFile, 'utf8'), passphrase: PASSPHRASE };
    const l = laptop();
    assert.equal((await refusal(l.call('custody:drill-add-shard', { text: text(c.shards[0]!) }))).code, 'CEREMONY_TRANSITION');
    const started = (await l.call('custody:drill-start', { transcriptText: serializeTranscript(c.file), finalHash: c.transcript.headHash })) as Status;
    assert.deepEqual([started.expectedFingerprint, started.result, started.shards.length], [c.fingerprint, 'verified', 0]);

    let s = (await l.call('custody:drill-add-shard', { text: text(c.shards[0]!) })) as Status;
    assert.deepEqual(s.shards.map((x) => x.custodianId), ['alice']);
    // Another backup's share wrapped as bob's: refused by the record before any combination, and named.
    const swapped = decodeEnvelope(c.shards[1]!);
    const wrong = envelopeToText({ ...swapped, payload: decodeEnvelope(other.shards[1]!).payload });
    const named = await refusal(l.call('custody:drill-add-shard', { text: wrong }));
    assert.equal(named.code, 'CUSTODY_MISMATCH');
    assert.match(named.message, /^Shard 2 given \(labelled bob\): .*bob/);
    assert.equal((await refusal(l.call('custody:drill-add-shard', { text: text(c.shards[0]!) }))).code, 'DUPLICATE_SHARE');
    // One shard of a 2-of-3: below the quorum the shard is kept for the next custodian.
    assert.equal((await refusal(l.call('custody:drill-run', { witness: null }))).code, 'BELOW_THRESHOLD');
    assert.equal(((await l.call('custody:drill-status')) as Status).shards.length, 1);
    s = (await l.call('custody:drill-add-shard', { text: text(c.shards[2]!) })) as Status;
    assert.deepEqual(s.shards.map((x) => x.custodianId), ['alice', 'carol']);
    // A wrong witness passphrase stops before the rebuild: the shards stay in for another try.
    assert.equal((await refusal(l.call('custody:drill-run', { witness: { ...wendy, passphrase: 'not it' } }))).code, 'WITNESS_PASSPHRASE');
    // A wrong SLIP-39 passphrase rebuilds another key: nothing is recorded, and everything is wiped.
    assert.equal((await refusal(l.call('custody:drill-run', { passphrase: 'TREZOR', witness: null }))).code, 'FINGERPRINT_MISMATCH');
    assert.equal(((await l.call('custody:drill-status')) as Status).shards.length, 0);
    assert.match((await refusal(l.call('custody:drill-run', { witness: null }))).message, /No shard has been given/);

    await l.call('custody:drill-add-shard', { text: text(c.shards[2]!) });
    await l.call('custody:drill-add-shard', { text: text(c.shards[1]!) });
    const r = (await l.call('custody:drill-run', { witness: wendy })) as Outcome;
    assert.deepEqual([r.fingerprint, r.expectedFingerprint, r.result, r.signedBy], [c.fingerprint, c.fingerprint, 'verified', 'wendy']);
    assert.deepEqual(r.custodians, ['carol', 'bob']);
    // The shards were wiped with the key: another rebuild has nothing to combine.
    assert.match((await refusal(l.call('custody:drill-run', { witness: null }))).message, /No shard has been given/);

    const out = await l.choose('transcript-file', join(dir, 'drill-transcript.json'));
    const saved = (await l.call('custody:save-transcript', { path: out })) as { finalHash: string };
    assert.equal(saved.finalHash, r.finalHash);
    assert.equal(readFileSync(out, 'utf8'), r.transcriptText);
    const v = await runCommands(transcriptCommands, ['transcript', 'verify', out, '--final-hash', r.finalHash, '--json']);
    assert.equal(v.code, 0, v.stderr);
    const summary = JSON.parse(v.stdout) as { ceremonyKind: string; sealed: boolean; signoffs: { kind: string; witnesses: unknown[] }[] };
    assert.deepEqual([summary.ceremonyKind, summary.sealed], ['quorum-drill', true]);
    assert.deepEqual(summary.signoffs.filter((x) => x.witnesses.length > 0).map((x) => x.kind), ['quorum-drill', 'seal']);
    // A changed byte fails the CLI's check.
    const forged = join(dir, 'drill-forged.json');
    writeFileSync(forged, r.transcriptText.replace(c.fingerprint, c.fingerprint.replace(/^./, (x) => (x === 'a' ? 'b' : 'a'))));
    assert.notEqual((await runCommands(transcriptCommands, ['transcript', 'verify', forged, '--json'])).code, 0);

    const leaks = [...c.shards, ...other.shards].flatMap((b) => [text(b).slice(10, 40), ...wordRuns(decodeSlip39Payload(decodeEnvelope(b).payload))]);
    for (const place of [...l.answers, readFileSync(out, 'utf8')]) for (const x of leaks) assert.ok(!place.includes(x), 'a share in an answer or the transcript');
  });

  it('verifiable shares, no witness: the group key is rebuilt and checked, no signing share leaves main', async () => {
    const c = custodyCeremony('ed25519', 93);
    const l = laptop();
    const s = (await l.call('custody:drill-start', { transcriptText: serializeTranscript(c.file) })) as Status;
    assert.equal(s.result, 'unverified');
    // A share of the same ceremony given under another custodian's place fails the commitments check.
    const bobAsCarol = decodeEnvelope(c.shards[1]!);
    const named = await refusal(l.call('custody:drill-add-shard', { text: envelopeToText({ ...bobAsCarol, custodianIndex: 2, custodianLabel: 'carol' }) }));
    assert.equal(named.code, 'CUSTODY_MISMATCH');
    assert.match(named.message, /^Shard 1 given \(labelled carol\)/);
    await l.call('custody:drill-add-shard', { text: text(c.shards[0]!) });
    assert.match((await refusal(l.call('custody:drill-run', { witness: null }))).message, /1 of the 2 shards needed/);
    await l.call('custody:drill-add-shard', { text: text(c.shards[2]!) });
    const r = (await l.call('custody:drill-run', { witness: null })) as Outcome;
    assert.deepEqual([r.fingerprint, r.result, r.signedBy], [c.fingerprint, 'unverified', null]);
    const file = join(dir, 'vss-drill.json');
    writeFileSync(file, r.transcriptText);
    const w = await runCommands(transcriptCommands, ['transcript', 'verify', file, '--json']);
    assert.equal(w.code, 0, w.stderr);
    const secrets = c.shards.map((b) => bytesToHex(decodeVssPayload(decodeEnvelope(b).scheme, decodeEnvelope(b).payload).signingShare));
    for (const a of l.answers) for (const x of secrets) assert.ok(!a.includes(x), 'a signing share in an answer');
    assert.equal(await l.call('custody:drill-clear'), null);
  });

  it('a SLIP-39 transcript from before shard fingerprints: shards taken by their label, the combination decides', async () => {
    const c = custodyCeremony('slip39', 94, { fingerprints: false });
    const other = custodyCeremony('slip39', 95, { fingerprints: false });
    const l = laptop();
    await l.call('custody:drill-start', { transcriptText: serializeTranscript(c.file), finalHash: c.transcript.headHash });
    await l.call('custody:drill-add-shard', { text: text(c.shards[0]!) });
    // Another ceremony's shard is still refused by its ceremony id, and named.
    assert.match((await refusal(l.call('custody:drill-add-shard', { text: text(other.shards[1]!) }))).message, /^Shard 2 given \(labelled bob\)/);
    const s = (await l.call('custody:drill-add-shard', { text: text(c.shards[1]!) })) as Status;
    assert.deepEqual(s.shards.map((x) => x.custodianId), ['alice', 'bob']);
    const r = (await l.call('custody:drill-run', { witness: null })) as Outcome;
    assert.deepEqual([r.fingerprint, r.result], [c.fingerprint, 'verified']);
  });

  it('SLIP-39 shares asking for more key stretching than keyshard writes are refused, and wiped', async () => {
    const c = custodyCeremony('slip39', 96, { iterationExponent: 2 });
    const l = laptop();
    await l.call('custody:drill-start', { transcriptText: serializeTranscript(c.file) });
    await l.call('custody:drill-add-shard', { text: text(c.shards[0]!) });
    await l.call('custody:drill-add-shard', { text: text(c.shards[1]!) });
    const r = await refusal(l.call('custody:drill-run', { witness: null }));
    assert.equal(r.code, 'SLIP39_SLOW_KDF');
    assert.match(r.message, /exponent 2.*keyshard custody drill/);
    assert.equal(((await l.call('custody:drill-status')) as Status).shards.length, 0);
  });

  it('refuses malformed requests before the service', async () => {
    const l = laptop();
    assert.equal((await refusal(l.call('custody:drill-start', { transcriptText: 'x', extra: 1 }))).code, 'INVALID_ARGUMENT');
    assert.equal((await refusal(l.call('custody:drill-add-shard', { text: '' }))).code, 'INVALID_ARGUMENT');
    assert.equal((await refusal(l.call('custody:drill-run', { passphrase: 7, witness: null }))).code, 'INVALID_ARGUMENT');
    assert.equal((await refusal(l.call('custody:drill-run', {}))).code, 'INVALID_ARGUMENT');
    assert.equal((await refusal(l.call('custody:drill-start', { transcriptText: '{}' }))).code === 'INVALID_ARGUMENT', false);
  });
});
