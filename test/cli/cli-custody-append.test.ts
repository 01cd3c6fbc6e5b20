// `keyshard custody append` (issue 17.1): a witness-signed custody receipt appended after the key ceremony's seal,
// written to a new file, which `transcript verify` still verifies with the paper record's final hash. In process.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SignedCustodyReceipt } from '../../core/custody/index';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { serializeTranscript } from '../../core/transcript';
import { createCustodyCommands } from '../../electron/cli/commands/custody';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { runCommands } from '../helpers/cli';
import { custodyCeremony } from '../helpers/custody-fixture';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const PASSPHRASE = 'correct horse battery';
const commands = createCustodyCommands({ env: { WITNESS_PASS: PASSPHRASE }, now: () => new Date('2026-12-08T02:00:00.000Z') });
const custody = (argv: string[]) => runCommands(commands, ['custody', ...argv], '');
const verify = (argv: string[]) => runCommands(transcriptCommands, ['transcript', 'verify', ...argv], '');
const errorOf = (r: { code: number; stderr: string }) => {
  assert.equal(r.code, 1, r.stderr);
  return (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
};

/** A sealed ceremony on disk and Bob's receipt, checked against it and signed by Wendy. */
async function receipted() {
  const c = custodyCeremony('slip39', 41);
  const dir = mkdtempSync(join(tmpdir(), 'keyshard-append-'));
  temps.push(dir);
  const transcript = join(dir, 'transcript.json');
  writeFileSync(transcript, serializeTranscript(c.file));
  const shard = join(dir, 'bob.ks');
  writeFileSync(shard, `${envelopeToText(decodeEnvelope(c.shards[1]!))}\n`);
  const key = join(dir, 'wendy.key');
  writeFileSync(key, sealWitnessKeySync('wendy', new Uint8Array(32).fill(9), PASSPHRASE, { logN: 14 }));
  const receipt = join(dir, 'receipt.json');
  const r = await custody(['check', '--json', '--transcript', transcript, '--final-hash', c.transcript.headHash, '--witness-key', key, '--passphrase-env', 'WITNESS_PASS', '--out', receipt, shard]);
  assert.equal(r.code, 0, r.stderr);
  return { c, dir, transcript, receipt, shard, paper: c.transcript.headHash };
}

describe('keyshard custody append', () => {
  it('writes a new file with the receipt after the seal; the paper hash still verifies it; the original is unchanged', async () => {
    const { c, dir, transcript, receipt, shard, paper } = await receipted();
    const original = readFileSync(transcript, 'utf8');
    const out = join(dir, 'appended.json');
    const r = await custody(['append', '--transcript', transcript, '--receipt', receipt, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`appended as entry ${c.file.entries.length + 1} \\(custody-receipt\\), after the seal`));
    assert.equal(readFileSync(transcript, 'utf8'), original);
    const v = await verify([out, '--final-hash', paper]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /Sealed at entry \d+, with 1 custody receipt after the seal\./);
    assert.match(v.stdout, new RegExp(`The final hash given with --final-hash is entry ${c.file.entries.length}'s`));
    const json = JSON.parse((await verify([out, '--final-hash', paper, '--json'])).stdout) as Record<string, unknown>;
    assert.equal(json['sealed'], true);
    assert.equal(json['receiptsAfterSeal'], 1);
    assert.equal(json['finalHashEntry'], c.file.entries.length);
    // A later custody check against the appended file, with the paper's hash, is verified.
    const again = await custody(['check', '--json', '--transcript', out, '--final-hash', paper, shard]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { result: string }).result, 'verified');
    // The original transcript, whose head is the paper hash, verifies as before; a new file never overwrites one.
    assert.equal((await verify([transcript, '--final-hash', paper])).code, 0);
    assert.equal(errorOf(await custody(['append', '--json', '--transcript', transcript, '--receipt', receipt, '--out', out])).code, 'FILE_EXISTS');
    // A hash before the seal still says the file goes on past the paper.
    const split = c.file.entries.find((e) => e.kind === 'split')!.hash;
    assert.equal(errorOf(await verify([out, '--json', '--final-hash', split])).code, 'TRANSCRIPT_TAMPERED');
  });

  it('refuses a changed receipt and another ceremony\'s receipt; verify names a broken appended receipt', async () => {
    const { dir, transcript, receipt } = await receipted();
    const signed = JSON.parse(readFileSync(receipt, 'utf8')) as SignedCustodyReceipt;
    const changed = join(dir, 'changed.json');
    writeFileSync(changed, JSON.stringify({ ...signed, receipt: { ...signed.receipt, custodianId: 'mallory' } }));
    const bad = errorOf(await custody(['append', '--json', '--transcript', transcript, '--receipt', changed, '--out', join(dir, 'a.json')]));
    assert.equal(bad.code, 'TRANSCRIPT_SIGNATURE');
    assert.match(bad.message, /signature does not verify/);
    const other = await receipted();
    const elsewhere = errorOf(await custody(['append', '--json', '--transcript', transcript, '--receipt', other.receipt, '--out', join(dir, 'b.json')]));
    assert.equal(elsewhere.code, 'CUSTODY_OTHER_CEREMONY');
    // A file whose appended receipt was edited afterwards (chain recomputed): verify names that entry.
    const { c } = other;
    const { appendEntry, resumeTranscript } = await import('../../core/transcript');
    const forged = appendEntry(resumeTranscript(c.file, () => new Date('2026-12-08T02:00:00.000Z')), 'custody-receipt', { ...signed, receipt: { ...signed.receipt, result: 'verified', custodianId: 'x' } });
    const path = join(dir, 'forged.json');
    writeFileSync(path, serializeTranscript(forged));
    const broken = errorOf(await verify([path, '--json']));
    assert.equal(broken.code, 'TRANSCRIPT_SIGNATURE');
    assert.match(broken.message, /entry \d+ \(custody-receipt\) does not hold/);
  });
});
