// signing:*, signer:* and custody:check through the real IPC handlers (createIpcHandlers), as the window calls them:
// three laptops (a coordinator, two signers) each with their own handlers, exchanging only the QR texts they answer.
// The signature verifies with plain noble; a replayed commitment and a second signature with the same nonces are
// refused with their codes; no answer carries share material; the transcript verifies and a changed one fails.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { decodeVssPayload } from '../../core/envelope-payload';
import { serializeTranscript, verifyTranscriptText } from '../../core/transcript';
import { signingLaptop as laptop } from './signing-laptop';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { custodyCeremony } from '../helpers/custody-fixture';

const dir = mkdtempSync(join(tmpdir(), 'ks-signing-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
}

describe('signing over IPC: coordinator and two signers', () => {
  it('a witnessed ed25519 signing: plain verify, refusals by code, no share in any answer, transcript verifies', async () => {
    const kc = custodyCeremony('ed25519', 81);
    const keyFile = join(dir, 'wendy.key');
    writeFileSync(keyFile, sealWitnessKeySync('wendy', new Uint8Array(32).fill(5), 'correct horse battery', { logN: 14 }));
    const wendy = { keyFileText: readFileSync(keyFile, 'utf8'), passphrase: 'correct horse battery' };
    const coordinator = laptop();
    const alice = laptop();
    await coordinator.choose('witness-key', keyFile);
    const bob = laptop();
    type Status = { pendingSignOff: string | null; requestQr: string[] | null; signature: string | null; verifyingKey: string | null; step: string; finalHash: string | null; messageHash: string };
    type SignerStatus = { commitmentQr: string[] | null; shareQr: string[] | null; request: { messageText: string | null; messageHash: string } | null };
    let s = (await coordinator.call('signing:start', { transcriptText: serializeTranscript(kc.file), finalHash: kc.transcript.headHash, message: { text: 'keyshard' }, witnessKeyFiles: [wendy.keyFileText] })) as Status;
    assert.equal(s.pendingSignOff, 'plan');
    assert.equal(await code(coordinator.call('signing:sign-off', { ...wendy, passphrase: 'wrong passphrase' })), 'WITNESS_PASSPHRASE');
    await coordinator.call('signing:sign-off', wendy);
    const shards = kc.shards.map((b) => envelopeToText(decodeEnvelope(b)));
    await alice.call('signer:load-shard', { text: shards[0] });
    await bob.call('signer:load-shard', { text: shards[1] });
    const ca = ((await alice.call('signer:commit')) as SignerStatus).commitmentQr!;
    const cb = ((await bob.call('signer:commit')) as SignerStatus).commitmentQr!;
    await coordinator.call('signing:add-commitment', { urParts: ca });
    assert.equal(await code(coordinator.call('signing:add-commitment', { urParts: ca })), 'DUPLICATE_SHARE');
    await coordinator.call('signing:add-commitment', { urParts: cb });
    s = (await coordinator.call('signing:make-request')) as Status;
    for (const signer of [alice, bob]) {
      const r = (await signer.call('signer:read-request', { urParts: s.requestQr })) as SignerStatus;
      assert.equal(r.request!.messageText, 'keyshard');
      assert.equal(r.request!.messageHash, s.messageHash);
    }
    const sa = ((await alice.call('signer:sign')) as SignerStatus).shareQr!;
    assert.equal(await code(alice.call('signer:sign')), 'FROST_NONCE_USED');
    const sb = ((await bob.call('signer:sign')) as SignerStatus).shareQr!;
    await coordinator.call('signing:add-share', { urParts: sa });
    await coordinator.call('signing:add-share', { urParts: sb });
    s = (await coordinator.call('signing:aggregate')) as Status;
    assert.equal(ed25519.verify(hexToBytes(s.signature!), new TextEncoder().encode('keyshard'), hexToBytes(s.verifyingKey!)), true);
    await coordinator.call('signing:sign-off', wendy);
    await coordinator.call('signing:seal');
    s = (await coordinator.call('signing:sign-off', wendy)) as Status;
    assert.equal(s.step, 'sealed');
    const { text } = (await coordinator.call('signing:transcript')) as { text: string };
    assert.ok(verifyTranscriptText(text, { expectedHeadHash: s.finalHash! }).ok);
    assert.equal(verifyTranscriptText(text.replace(s.signature!, s.signature!.replace(/^./, (c) => (c === 'f' ? 'e' : 'f')))).ok, false);
    // A replayed commitment in the coordinator's next signing is refused.
    await coordinator.call('signing:start', { transcriptText: serializeTranscript(kc.file), message: { hex: '00ff' } });
    assert.equal(await code(coordinator.call('signing:add-commitment', { urParts: ca })), 'FROST_COMMITMENT');
    // No answer on any laptop carries a signing share.
    const secrets = kc.shards.map((b) => bytesToHex(decodeVssPayload(decodeEnvelope(b).scheme, decodeEnvelope(b).payload).signingShare));
    for (const l of [coordinator, alice, bob]) for (const a of l.answers) for (const x of secrets) assert.ok(!a.includes(x), 'a share in an answer');
    await alice.call('signer:clear');
  });

  it('refuses oversized and malformed requests before any service runs', async () => {
    const l = laptop();
    assert.equal(await code(l.call('signing:add-commitment', { urParts: Array(1000).fill('UR:BYTES/X') })), 'INVALID_ARGUMENT');
    assert.equal(await code(l.call('signer:load-shard', { text: 'x', extra: 1 })), 'INVALID_ARGUMENT');
    assert.equal(await code(l.call('signing:start', { transcriptText: 'x', message: { hex: 'zz' } })), 'INVALID_ARGUMENT');
    assert.equal(await code(l.call('signer:read-request', { urParts: ['UR:BYTES/NOTACODE'] })), 'CEREMONY_TRANSITION');
  });

  it('custody:check records the check as a sealed transcript the witness signed', async () => {
    const kc = custodyCeremony('ed25519', 82);
    const keyFile = join(dir, 'victor.key');
    writeFileSync(keyFile, sealWitnessKeySync('victor', new Uint8Array(32).fill(6), 'correct horse battery', { logN: 14 }));
    const l = laptop();
    const r = (await l.call('custody:check', {
      transcriptText: serializeTranscript(kc.file),
      finalHash: kc.transcript.headHash,
      shard: { text: envelopeToText(decodeEnvelope(kc.shards[2]!)) },
      witness: { keyFileText: readFileSync(keyFile, 'utf8'), passphrase: 'correct horse battery' },
    })) as { result: string; signedBy: string; transcriptText: string; finalHash: string; custodianId: string };
    assert.deepEqual([r.result, r.signedBy, r.custodianId], ['verified', 'victor', 'carol']);
    assert.ok(verifyTranscriptText(r.transcriptText, { expectedHeadHash: r.finalHash }).ok);
    // Saved where main's dialog named: the same record, byte for byte; never over an existing file.
    const out = await l.choose('transcript-file', join(dir, 'custody-transcript.json'));
    const saved = (await l.call('custody:save-transcript', { path: out })) as { name: string; finalHash: string };
    assert.deepEqual([saved.name, saved.finalHash], ['custody-transcript.json', r.finalHash]);
    assert.equal(readFileSync(out, 'utf8'), r.transcriptText);
    assert.equal(await code(l.call('custody:save-transcript', { path: out })), 'FILE_EXISTS');
    const other = laptop();
    assert.equal(await code(other.call('custody:save-transcript', { path: await other.choose('transcript-file', join(dir, 'none.json')) })), 'CEREMONY_TRANSITION');
  });

  it('a witness key file chosen in main\'s dialog (a path), an abort recorded and saved; a file already there is kept', async () => {
    const kc = custodyCeremony('ed25519', 83);
    const keyFile = join(dir, 'willa.key');
    writeFileSync(keyFile, sealWitnessKeySync('willa', new Uint8Array(32).fill(7), 'correct horse battery', { logN: 14 }));
    type Status = { pendingSignOff: string | null; requestQr: string[] | null; step: string; finalHash: string | null; committed: string[] };
    const coordinator = laptop();
    const alice = laptop();
    await coordinator.choose('witness-key', keyFile);
    await coordinator.call('signing:start', { transcriptText: serializeTranscript(kc.file), message: { text: 'abort me' }, witnessKeyPaths: [keyFile] });
    assert.equal(await code(coordinator.call('signing:sign-off', { keyFilePath: keyFile, passphrase: 'wrong passphrase' })), 'WITNESS_PASSPHRASE');
    let s = (await coordinator.call('signing:sign-off', { keyFilePath: keyFile, passphrase: 'correct horse battery' })) as Status;
    assert.equal(s.pendingSignOff, null);
    await alice.call('signer:load-shard', { text: envelopeToText(decodeEnvelope(kc.shards[0]!)) });
    const a = (await alice.call('signer:commit')) as { commitmentQr: string[] };
    s = (await coordinator.call('signing:add-commitment', { urParts: a.commitmentQr })) as Status;
    assert.equal(s.committed.length, 1);
    s = (await coordinator.call('signing:abort', { reason: 'The second signer did not come.' })) as Status;
    assert.deepEqual([s.step, s.committed.length, s.requestQr, s.finalHash], ['aborted', 0, null, null]);
    assert.equal(await code(coordinator.call('signing:add-commitment', { urParts: a.commitmentQr })), 'CEREMONY_TRANSITION');
    const out = await coordinator.choose('transcript-file', join(dir, 'aborted-signing.json'));
    writeFileSync(out, 'someone else\'s record');
    assert.equal(await code(coordinator.call('signing:save-transcript', { path: out })), 'FILE_EXISTS');
    assert.equal(readFileSync(out, 'utf8'), 'someone else\'s record');
    const fresh = await coordinator.choose('transcript-file', join(dir, 'aborted-signing-2.json'));
    await coordinator.call('signing:save-transcript', { path: fresh });
    const v = verifyTranscriptText(readFileSync(fresh, 'utf8'));
    assert.ok(v.ok, 'the saved file verifies');
    assert.equal(v.entries[v.entries.length - 1]!.kind, 'abort');
    // A path the page names itself (not from main's dialog) is refused, relative or not.
    assert.equal(await code(coordinator.call('signing:save-transcript', { path: 'relative.json' })), 'FILE_NOT_CHOSEN');
    await alice.call('signer:clear');
  });
});
