// `keyshard custody check`, `keyshard custody drill` and `keyshard slip39 extend` (issue 17.1, 17.2), in process.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifySignedCustodyReceipt, type SignedCustodyReceipt } from '../../core/custody/index';
import { decodeEnvelope, encodeEnvelope, envelopeToText } from '../../core/envelope';
import { combineMnemonics } from '../../core/slip39/index';
import { serializeTranscript } from '../../core/transcript';
import { createCustodyCommands } from '../../electron/cli/commands/custody';
import { slip39ExtendCommands } from '../../electron/cli/commands/slip39-extend';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { runCommands } from '../helpers/cli';
import { CUSTODIANS, custodyCeremony } from '../helpers/custody-fixture';
import { loadVectors, nodePbkdf2 } from '../core/slip39-helpers';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-custody-'));
  temps.push(d);
  return d;
}

const NOW = new Date('2026-12-07T13:00:00.000Z');
const PASSPHRASE = 'correct horse battery';
const commands = createCustodyCommands({ env: { WITNESS_PASS: PASSPHRASE, WRONG_PASS: 'not the passphrase' }, now: () => NOW });
const custody = (argv: string[], stdin = '') => runCommands(commands, ['custody', ...argv], stdin);
const errorOf = (r: { code: number; stdout: string; stderr: string }, exit = 1) => {
  assert.equal(r.code, exit, r.stderr);
  assert.equal(r.stdout, '');
  return (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
};

/** A ceremony written out: transcript.json and one KS1 text file per custodian. */
function written(kind: Parameters<typeof custodyCeremony>[0], seed: number, o: Parameters<typeof custodyCeremony>[2] = {}) {
  const m = custodyCeremony(kind, seed, o);
  const dir = tempDir();
  const transcript = join(dir, 'transcript.json');
  writeFileSync(transcript, serializeTranscript(m.file));
  const files = m.shards.map((b, i) => {
    const f = join(dir, `${CUSTODIANS[i]}.ks`);
    writeFileSync(f, `${envelopeToText(decodeEnvelope(b))}\n`);
    return f;
  });
  return { ...m, dir, transcript, files, finalHash: m.transcript.headHash };
}

describe('keyshard custody check', () => {
  for (const kind of ['slip39', 'ed25519'] as const) {
    it(`${kind}: the receipt names the custodian and is verified only with the paper final hash`, async () => {
      const c = written(kind, 11);
      const r = await custody(['check', '--transcript', c.transcript, '--final-hash', c.finalHash, '--json', c.files[1]!]);
      assert.equal(r.code, 0, r.stderr);
      const receipt = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(receipt).sort(), ['ceremonyId', 'checkedAgainst', 'checkedAt', 'custodianId', 'custodianIndex', 'format', 'label', 'result', 'scheme', 'shardFingerprint', 'source', 'transcriptFinalHash', 'version']);
      assert.equal(receipt['ceremonyId'], c.ceremonyId);
      assert.equal(receipt['custodianIndex'], 1);
      assert.equal(receipt['label'], 'bob');
      assert.equal(receipt['checkedAt'], NOW.toISOString());
      assert.equal(receipt['transcriptFinalHash'], c.finalHash);
      assert.equal(receipt['result'], 'verified');
      const loose = await custody(['check', '--transcript', c.transcript, c.files[1]!]);
      assert.equal(loose.code, 0, loose.stderr);
      assert.match(loose.stdout, /^UNVERIFIED: the shard of custodian #2 \(bob, bob\)/);
      assert.match(loose.stdout, /--final-hash/);
    });
  }

  it('a shard of another ceremony, or a changed one, exits 1 with its code and prints no receipt', async () => {
    const c = written('ed25519', 12);
    const other = written('ed25519', 13);
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', c.transcript, other.files[0]!])).code, 'CUSTODY_OTHER_CEREMONY');
    // bob's share in alice's wrapping: only the record tells.
    const env = decodeEnvelope(c.shards[1]!);
    const forged = join(c.dir, 'forged.ks');
    writeFileSync(forged, envelopeToText(decodeEnvelope(encodeEnvelope({ ...env, custodianIndex: 0, custodianLabel: 'alice' }))));
    const e = errorOf(await custody(['check', '--json', '--transcript', c.transcript, forged]));
    assert.equal(e.code, 'CUSTODY_MISMATCH');
    assert.match(e.message, /another custodian's share/);
    // A wrong final hash from the paper record.
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', c.transcript, '--final-hash', 'ab'.repeat(32), c.files[0]!])).code, 'FINAL_HASH_MISMATCH');
  });

  it('an old transcript without shard fingerprints cannot check a SLIP-39 shard alone: CUSTODY_NOT_RECORDED names the drill', async () => {
    const c = written('slip39', 14, { fingerprints: false });
    const e = errorOf(await custody(['check', '--json', '--transcript', c.transcript, c.files[0]!]));
    assert.equal(e.code, 'CUSTODY_NOT_RECORDED');
    assert.match(e.message, /custody drill/);
  });

  it('--witness-key signs the receipt with the witness key file and --out writes it; a wrong passphrase signs nothing', async () => {
    const c = written('p256', 15);
    const keyFile = join(c.dir, 'wendy.key');
    writeFileSync(keyFile, sealWitnessKeySync('wendy', new Uint8Array(32).fill(9), PASSPHRASE, { logN: 14 }));
    const out = join(c.dir, 'receipt.json');
    const r = await custody(['check', '--json', '--transcript', c.transcript, '--final-hash', c.finalHash, '--witness-key', keyFile, '--passphrase-env', 'WITNESS_PASS', '--out', out, c.files[2]!]);
    assert.equal(r.code, 0, r.stderr);
    const signed = JSON.parse(r.stdout) as SignedCustodyReceipt;
    assert.equal(signed.witness.id, 'wendy');
    assert.equal(signed.receipt.custodianId, 'carol');
    assert.equal(verifySignedCustodyReceipt(signed), true);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), signed);
    // The receipt file is never replaced.
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', c.transcript, '--out', out, c.files[2]!])).code, 'FILE_EXISTS');

    const other = join(c.dir, 'other.json');
    const wrong = errorOf(await custody(['check', '--json', '--transcript', c.transcript, '--witness-key', keyFile, '--passphrase-env', 'WRONG_PASS', '--out', other, c.files[2]!]));
    assert.equal(wrong.code, 'WITNESS_PASSPHRASE');
    assert.equal(existsSync(other), false);
  });

  it('--words: a SLIP-39 shard typed as words (on standard input) names its custodian from the handoff record', async () => {
    const c = written('slip39', 17);
    const words = new TextDecoder().decode(decodeEnvelope(c.shards[2]!).payload);
    const r = await custody(['check', '--json', '--words', '--transcript', c.transcript, '--final-hash', c.finalHash], `${words.replace(/ /g, '\n')}\n`);
    assert.equal(r.code, 0, r.stderr);
    const receipt = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(receipt['custodianId'], 'carol');
    assert.equal(receipt['result'], 'verified');
    assert.equal(errorOf(await custody(['check', '--json', '--words', '--transcript', c.transcript, c.files[0]!], words), 2).code, 'INVALID_ARGUMENT');
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', c.transcript]), 2).code, 'INVALID_ARGUMENT');
  });

  it('reads are bounded: a device as transcript, shard or witness key is FILE_NOT_REGULAR at once', async () => {
    const c = written('ed25519', 18);
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', '/dev/zero', c.files[0]!])).code, 'FILE_NOT_REGULAR');
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', c.transcript, '/dev/zero'])).code, 'FILE_NOT_REGULAR');
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', c.transcript, '--witness-key', '/dev/zero', '--passphrase-env', 'WITNESS_PASS', c.files[0]!])).code, 'FILE_NOT_REGULAR');
    assert.equal(errorOf(await custody(['drill', '--json', '--transcript', '/dev/zero', c.files[0]!, c.files[1]!])).code, 'FILE_NOT_REGULAR');
  });

  it('usage: --transcript is required, --passphrase-env only with --witness-key (exit 2)', async () => {
    const c = written('ed25519', 16);
    assert.equal(errorOf(await custody(['check', '--json', c.files[0]!]), 2).code, 'INVALID_ARGUMENT');
    assert.equal(errorOf(await custody(['check', '--json', '--transcript', c.transcript, '--passphrase-env', 'WITNESS_PASS', c.files[0]!]), 2).code, 'INVALID_ARGUMENT');
  });
});

describe('keyshard custody drill', () => {
  it('a quorum rebuilds the key in memory and only its fingerprint is shown, matched with the transcript', async () => {
    for (const kind of ['slip39', 'secp256k1'] as const) {
      const c = written(kind, 21);
      const r = await custody(['drill', '--json', '--transcript', c.transcript, '--final-hash', c.finalHash, c.files[0]!, c.files[2]!]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.equal(out['match'], true);
      assert.equal(out['fingerprint'], c.fingerprint);
      assert.equal(out['expectedFingerprint'], c.fingerprint);
      assert.equal(out['result'], 'verified');
      assert.equal(out['ceremonyId'], c.ceremonyId);
      assert.ok(!('secretHex' in out) && !('mnemonic' in out));
      const text = await custody(['drill', '--transcript', c.transcript, c.files[1]!, c.files[2]!]);
      assert.match(text.stdout, /^UNVERIFIED: the quorum rebuilt/);
      assert.match(text.stdout, /The key was wiped/);
    }
  });

  it('one shard short is BELOW_THRESHOLD; shards of another ceremony are a FINGERPRINT_MISMATCH against this transcript', async () => {
    const c = written('ed25519', 22);
    const other = written('ed25519', 23);
    assert.equal(errorOf(await custody(['drill', '--json', '--transcript', c.transcript, c.files[0]!])).code, 'BELOW_THRESHOLD');
    assert.equal(errorOf(await custody(['drill', '--json', '--transcript', c.transcript, other.files[0]!, other.files[1]!])).code, 'FINGERPRINT_MISMATCH');
  });
});

describe('keyshard slip39 extend', () => {
  const vectors = loadVectors();
  const extend = (argv: string[], stdin: string) => runCommands(slip39ExtendCommands, ['slip39', 'extend', ...argv], stdin);

  it('vector 43: new members 5 and 6 combine with an old share; each comes with its shard fingerprint', async () => {
    const [, mnemonics, secretHex] = vectors[42]!;
    const r = await extend(['--member', '5', '--member', '6', '--json'], `${mnemonics.join('\n')}\n`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { group: number; memberThreshold: number; extendable: boolean; shares: { member: number; mnemonic: string; shardFingerprint: string }[] };
    assert.deepEqual(out.shares.map((s) => s.member), [5, 6]);
    assert.equal(out.extendable, true);
    for (const s of out.shares) {
      assert.match(s.shardFingerprint, /^[0-9a-f]{64}$/);
      assert.equal(Buffer.from(combineMnemonics([mnemonics[0]!, s.mnemonic], 'TREZOR', nodePbkdf2)).toString('hex'), secretHex);
    }
  });

  it('a non-extendable backup is SLIP39_NOT_EXTENDABLE (exit 1); no --member or a bad one is a usage error (exit 2)', async () => {
    const [, nonExtendable] = vectors[3]!;
    const e = errorOf(await extend(['--member', '5', '--json'], nonExtendable.join('\n')));
    assert.equal(e.code, 'SLIP39_NOT_EXTENDABLE');
    assert.ok(!nonExtendable.some((m) => e.message.includes(m.split(' ')[3]!)), 'the message repeats no word of a share');
    assert.equal(errorOf(await extend(['--json'], vectors[42]![1].join('\n')), 2).code, 'INVALID_ARGUMENT');
    assert.equal(errorOf(await extend(['--member', '17', '--json'], vectors[42]![1].join('\n')), 2).code, 'INVALID_ARGUMENT');
    assert.equal(errorOf(await extend(['--member', '5', '--json'], `${'word '.repeat(20)}\n`.repeat(17))).code, 'INVALID_ARGUMENT');
  });
});
