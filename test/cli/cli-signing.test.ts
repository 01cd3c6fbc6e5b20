// `keyshard frost ...` from a key ceremony's shard files to a signing transcript, and `keyshard custody check
// --transcript-out`, in process (issue 17.1, 17.5): each writes a transcript `keyshard transcript verify` accepts;
// the signature verifies with plain noble; a second sign-share with the same nonces and a changed transcript fail.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { serializeTranscript } from '../../core/transcript';
import { commands } from '../../electron/cli/commands/index';
import { createCustodyCommands } from '../../electron/cli/commands/custody';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { type CliRun, runCommands } from '../helpers/cli';
import { CUSTODIANS, custodyCeremony } from '../helpers/custody-fixture';

const dir = mkdtempSync(join(tmpdir(), 'ks-signing-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PASSPHRASE = 'correct horse battery';
process.env['KS_SIGNING_TEST_PASS'] = PASSPHRASE;
const run = (argv: string[], stdin = ''): Promise<CliRun> => runCommands(commands, argv, stdin);
let n = 0;
const file = (name: string) => join(dir, `${n++}-${name}`);

function ok(r: CliRun): string {
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
function errorOf(r: CliRun): { code: string; message: string } {
  assert.notEqual(r.code, 0, 'expected a failure');
  return (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
}

function keyCeremony(suite: 'ed25519' | 'secp256k1', seed: number) {
  const m = custodyCeremony(suite, seed);
  const transcript = file('key-ceremony.json');
  writeFileSync(transcript, serializeTranscript(m.file));
  const shards = m.shards.map((b, i) => {
    const f = file(`${CUSTODIANS[i]}.ks`);
    writeFileSync(f, `${envelopeToText(decodeEnvelope(b))}\n`);
    return f;
  });
  return { ...m, transcriptFile: transcript, shardFiles: shards };
}

function witnessKey(): string {
  const f = file('wendy.key');
  writeFileSync(f, sealWitnessKeySync('wendy', new Uint8Array(32).fill(7), PASSPHRASE, { logN: 14 }));
  return f;
}

describe('keyshard frost from shard files to a signing transcript', () => {
  for (const suite of ['ed25519', 'secp256k1'] as const) {
    it(`${suite}: two of three custodians sign; the transcript verifies as a signing and its signature checks with plain noble`, async () => {
      const kc = keyCeremony(suite, suite === 'ed25519' ? 61 : 62);
      const signers = [kc.shardFiles[0]!, kc.shardFiles[2]!];
      const nonces = signers.map(() => file('nonces.json'));
      const commitments = [];
      for (const [i, shard] of signers.entries()) commitments.push(ok(await run(['frost', 'commit', '--shard', shard, '--nonces-out', nonces[i]!, '--json'])));
      const request = ok(await run(['frost', 'request', '--key-transcript', kc.transcriptFile, '--message-hex', '6b6579736861726421', '--json'], commitments.join('')));
      const requestFile = file('request.json');
      writeFileSync(requestFile, request);
      const shares = [];
      for (const [i, shard] of signers.entries()) shares.push(ok(await run(['frost', 'sign-share', '--shard', shard, '--nonces', nonces[i]!, '--json'], request)));
      // A second round with the same nonce state is refused.
      assert.equal(errorOf(await run(['frost', 'sign-share', '--shard', signers[0]!, '--nonces', nonces[0]!, '--json'], request)).code, 'FROST_NONCE_USED');
      const out = file('signing.json');
      const agg = JSON.parse(
        ok(await run(['frost', 'aggregate', '--request', requestFile, '--transcript-out', out, '--key-transcript', kc.transcriptFile, '--witness-key', witnessKey(), '--passphrase-env', 'KS_SIGNING_TEST_PASS', '--json'], shares.join(''))),
      ) as { signature: string; message: string; groupPublicKey: string; verifyingKey: string; finalHash: string };
      const sig = hexToBytes(agg.signature);
      const msg = hexToBytes(agg.message);
      assert.equal(suite === 'ed25519' ? ed25519.verify(sig, msg, hexToBytes(agg.verifyingKey)) : schnorr.verify(sig, msg, hexToBytes(agg.verifyingKey)), true);
      const v = JSON.parse(ok(await run(['transcript', 'verify', out, '--final-hash', agg.finalHash, '--json']))) as { valid: boolean; sealed: boolean; ceremonyKind?: string };
      assert.equal(v.valid, true);
      assert.equal(v.sealed, true);
      const text = readFileSync(out, 'utf8');
      assert.ok(text.includes(kc.transcript.headHash), 'the key ceremony final hash is cited');
      assert.ok(!/nonce/i.test(text));
      // One changed character of the signature: the transcript no longer verifies.
      const bad = file('tampered.json');
      writeFileSync(bad, text.replace(agg.signature, agg.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'))));
      assert.notEqual((await run(['transcript', 'verify', bad, '--json'])).code, 0);
    });
  }

  it('a transcript needs the key ceremony it cites, of the same key', async () => {
    const kc = keyCeremony('ed25519', 63);
    const other = keyCeremony('ed25519', 64);
    const nonces = [file('n.json'), file('n.json')];
    const c = [ok(await run(['frost', 'commit', '--shard', kc.shardFiles[0]!, '--nonces-out', nonces[0]!])), ok(await run(['frost', 'commit', '--shard', kc.shardFiles[1]!, '--nonces-out', nonces[1]!]))];
    const request = ok(await run(['frost', 'request', '--key-transcript', kc.transcriptFile, '--message-hex', '01'], c.join('')));
    const requestFile = file('request.json');
    writeFileSync(requestFile, request);
    const shares = [ok(await run(['frost', 'sign-share', '--shard', kc.shardFiles[0]!, '--nonces', nonces[0]!], request)), ok(await run(['frost', 'sign-share', '--shard', kc.shardFiles[1]!, '--nonces', nonces[1]!], request))];
    assert.equal(errorOf(await run(['frost', 'aggregate', '--json', '--request', requestFile, '--transcript-out', file('t.json')], shares.join(''))).code, 'INVALID_ARGUMENT');
    assert.equal(errorOf(await run(['frost', 'aggregate', '--json', '--request', requestFile, '--transcript-out', file('t.json'), '--key-transcript', other.transcriptFile], shares.join(''))).code, 'FROST_COMMITMENT');
  });
});

describe('keyshard custody check --transcript-out', () => {
  it("writes the check as a sealed custody-check transcript a witness signed; transcript verify accepts it", async () => {
    const kc = keyCeremony('ed25519', 65);
    const custody = createCustodyCommands({ env: { WITNESS_PASS: PASSPHRASE }, now: () => new Date('2026-12-07T13:00:00.000Z') });
    const out = file('custody.json');
    ok(await runCommands(custody, ['custody', 'check', '--json', '--transcript', kc.transcriptFile, '--final-hash', kc.transcript.headHash, '--witness-key', witnessKey(), '--passphrase-env', 'WITNESS_PASS', '--transcript-out', out, kc.shardFiles[1]!]));
    const v = JSON.parse(ok(await run(['transcript', 'verify', out, '--json']))) as { valid: boolean; sealed: boolean };
    assert.deepEqual([v.valid, v.sealed], [true, true]);
    assert.ok(readFileSync(out, 'utf8').includes(kc.transcript.headHash));
  });
});
