/**
 * transcript:verify (main) lists a transcript's steps the way the window does for a file it checks itself
 * (renderer/transcript): the sign-off records and the witness signatures are the signers of the step they attest,
 * never steps of their own; each step carries its name in plain words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { appendEntry, createTranscript, serializeTranscript, signEntry, softwareEd25519Signer, type Transcript } from '../../core/transcript';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import { createCameraGate } from '../../electron/main/permissions';
import { entryRows, verifyText } from '../../renderer/transcript/readTranscript';
import { isSigningEntry, stepName } from '../../core/step-names';

function clock(): () => Date {
  let n = 0;
  return () => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + 60_000 * n++);
}

const WENDY_KEY = new Uint8Array(32).fill(7);
const VICTOR_KEY = new Uint8Array(32).fill(9);

/** A ceremony as keyshard records it: each witness's sign-off record, then their signature over the checkpoint. */
async function ceremonyTranscript(): Promise<string> {
  const wendy = softwareEd25519Signer('wendy', WENDY_KEY);
  const victor = softwareEd25519Signer('victor', VICTOR_KEY);
  const witnessKeys = [
    { id: 'wendy', algorithm: 'ed25519', publicKey: bytesToHex(ed25519.getPublicKey(WENDY_KEY)) },
    { id: 'victor', algorithm: 'ed25519', publicKey: bytesToHex(ed25519.getPublicKey(VICTOR_KEY)) },
  ];
  const signOff = async (t: Transcript, seq: number, checkpoint: string, signer: typeof wendy, custodianId?: string): Promise<Transcript> => {
    const record = appendEntry(t, 'sign-off', { checkpoint, witnessId: signer.witnessId, ...(custodianId === undefined ? {} : { custodianId }) });
    return signEntry(record, seq, signer);
  };
  let t = createTranscript('verify-2025', clock());
  t = appendEntry(t, 'plan', { label: 'Verify 2025', scheme: 'slip39', witnessKeys }); // 1
  t = appendEntry(t, 'token-check', { tokens: [{ custodianId: 'alice', tokenLabel: 'alice-token', tokenSerial: 'A1' }] }); // 2
  t = appendEntry(t, 'airgap-check', { passed: true }); // 3
  t = await signOff(t, 3, 'airgap-check', wendy); // 4, 5
  t = appendEntry(t, 'entropy', { sources: ['os-csprng'] }); // 6
  t = appendEntry(t, 'generate', { fingerprint: 'ab'.repeat(32) }); // 7
  t = await signOff(t, 7, 'generate', wendy); // 8, 9
  t = await signOff(t, 7, 'generate', victor); // 10, 11
  t = appendEntry(t, 'token-store', { custodianId: 'alice', tokenLabel: 'alice-token' }); // 12
  t = appendEntry(t, 'handoff', { custodianId: 'alice' }); // 13
  t = appendEntry(t, 'seal', {}); // 14
  t = await signOff(t, 14, 'seal', victor); // 15, 16
  return serializeTranscript(t);
}

function handlers() {
  return createIpcHandlers({
    appInfo: () => assert.fail('not asked'),
    checkAirGap: async () => assert.fail('not asked'),
    camera: createCameraGate(),
  });
}

describe('transcript:verify', () => {
  it('lists the steps with their signers: no sign-off record and no signature is a step of its own', async () => {
    const text = await ceremonyTranscript();
    const answer = await handlers()['transcript:verify']({ text });
    assert.ok(answer.ok, JSON.stringify(answer));
    const summary = answer.value;
    assert.ok(summary.valid, JSON.stringify(summary));
    assert.equal(summary.entries, 16);
    assert.equal(summary.sealed, true);
    assert.deepEqual(
      summary.steps.map((s) => [s.seq, s.kind, s.witnessIds.join('+')]),
      [
        [1, 'plan', ''],
        [2, 'token-check', ''],
        [3, 'airgap-check', 'wendy'],
        [6, 'entropy', ''],
        [7, 'generate', 'wendy+victor'],
        [12, 'token-store', ''],
        [13, 'handoff', ''],
        [14, 'seal', 'victor'],
      ],
    );
    assert.ok(summary.steps.every((s) => !isSigningEntry(s.kind)));
    // Names in plain words, as the window shows them.
    assert.deepEqual(
      summary.steps.map((s) => s.name),
      summary.steps.map((s) => stepName(s.kind)),
    );
    assert.equal(summary.steps.find((s) => s.kind === 'airgap-check')?.name, 'Air-gap check');
    assert.equal(summary.steps.find((s) => s.kind === 'token-check')?.name, 'Tokens checked before the start');
  });

  it('agrees with the window: every row it lists that is not a signing row is a step, and every sign-off row is a signer of its step', async () => {
    const text = await ceremonyTranscript();
    const answer = await handlers()['transcript:verify']({ text });
    assert.ok(answer.ok && answer.value.valid);
    const steps = answer.value.steps;
    const loaded = verifyText('transcript.json', text);
    assert.ok(loaded.result.ok);
    const rows = entryRows(text);
    assert.deepEqual(
      steps.map((s) => s.seq),
      rows.filter((r) => !isSigningEntry(r.kind)).map((r) => r.position),
    );
    for (const step of steps) assert.equal(step.at, rows[step.seq - 1]?.at);
    // Each sign-off record's witness signs the last step of its checkpoint's kind before it.
    for (const r of rows.filter((x) => x.signOff !== undefined)) {
      const attested = [...steps].reverse().find((s) => s.kind === r.signOff!.checkpoint && s.seq < r.position);
      assert.ok(attested?.witnessIds.includes(r.signOff!.witness), `${r.signOff!.witness} signs ${r.signOff!.checkpoint}`);
    }
    // And the signature rows point at exactly those steps.
    for (const r of rows.filter((x) => x.signs !== undefined)) {
      assert.ok(steps.find((s) => s.seq === r.signs!.seq)?.witnessIds.includes(r.signs!.witness));
    }
  });

  it('a transcript that does not verify has no steps, only where it breaks', async () => {
    const text = (await ceremonyTranscript()).replace('"Verify 2025"', '"Verify 2026"');
    const answer = await handlers()['transcript:verify']({ text });
    assert.ok(answer.ok);
    assert.equal(answer.value.valid, false);
    assert.ok(!answer.value.valid && answer.value.firstBadSeq === 1);
    assert.equal('steps' in answer.value, false);
  });
});
