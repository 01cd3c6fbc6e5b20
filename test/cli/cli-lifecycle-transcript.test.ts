// keyshard vss refresh / vss repair --transcript-out: transcripts of their ceremony kinds that transcript verify accepts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { appendEntry, createTranscript, parseTranscript, serializeTranscript } from '../../core/transcript';
import { createLifecycleCommands } from '../../electron/cli/commands/lifecycle';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';
import type { AirGapReport } from '../../electron/services/airgap/index';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { vssKeyCeremony } from '../helpers/lifecycle-fixture';

const PASSPHRASE = 'correct horse battery';
const dir = mkdtempSync(join(tmpdir(), 'keyshard-lifecycle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const airgapped: AirGapReport = { ok: true, interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'] }], radios: [], problems: [], sources: ['os'], checkedAt: '2026-12-07T12:00:00.000Z' };
let tick = Date.parse('2026-12-07T12:00:00.000Z');
const commands = [
  ...createLifecycleCommands({ env: { KS_LIFECYCLE_PASS: PASSPHRASE }, now: () => new Date((tick += 1000)), airgap: async () => airgapped }),
  ...transcriptCommands,
];

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io: CliIo & { out: string; err: string } = {
    out: '',
    err: '',
    readStdin: async () => stdin,
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
  };
  const code = await runCli(argv, io, commands);
  return { code, out: io.out, err: io.err };
}

const kc = vssKeyCeremony('ed25519', 3, 5);
const source = join(dir, 'key-ceremony.json');
writeFileSync(source, kc.text);
const dealJson = (shares = kc.deal.shares) =>
  JSON.stringify({
    ciphersuite: 'ed25519',
    threshold: 3,
    commitments: kc.deal.commitments.map(bytesToHex),
    shares: shares.map((s) => ({ identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) })),
  });
const witnessKey = join(dir, 'wendy.key');
writeFileSync(witnessKey, sealWitnessKeySync('wendy', new Uint8Array(32).fill(9), PASSPHRASE, { logN: 14 }));

function ok(r: { code: number; out: string; err: string }): string {
  assert.equal(r.code, 0, r.err);
  return r.out;
}

describe('keyshard vss refresh / repair --transcript-out', () => {
  it('a refresh signed by a witness: new shares of the same key, and a sealed refresh transcript that verifies', async () => {
    const out = join(dir, 'refresh.json');
    const printed = JSON.parse(
      ok(await run(['vss', 'refresh', '--transcript', source, '--final-hash', kc.verified.headHash, '--transcript-out', out, '--witness-key', witnessKey, '--passphrase-env', 'KS_LIFECYCLE_PASS', '--json'], dealJson())),
    ) as { groupPublicKey: string; commitments: string[]; shares: { signingShare: string }[] };
    assert.equal(printed.groupPublicKey, bytesToHex(kc.deal.groupPublicKey));
    const v = JSON.parse(ok(await run(['transcript', 'verify', out, '--json']))) as { ceremonyKind: string; sealed: boolean; signoffs: { kind: string; witnesses: unknown[] }[] };
    assert.equal(v.ceremonyKind, 'refresh');
    assert.equal(v.sealed, true);
    assert.ok(v.signoffs.filter((s) => s.witnesses.length > 0).map((s) => s.kind).includes('refresh'));
    const text = readFileSync(out, 'utf8');
    for (const s of [...printed.shares.map((x) => x.signingShare), ...kc.deal.shares.map((x) => bytesToHex(x.signingShare))]) assert.equal(text.includes(s), false);
    assert.match(text, new RegExp(kc.verified.headHash));
    const human = ok(await run(['transcript', 'verify', out]));
    assert.match(human, /\(Share refresh\): \d+ entries; every link and signature holds\. Sealed/);
    // No split, so no key fingerprint: it names the group key it kept and the key ceremony it works on instead.
    assert.match(human, new RegExp(`Group key \\(unchanged\\): ${bytesToHex(kc.deal.groupPublicKey)}`));
    assert.match(human, new RegExp(`Works on: "key-ceremony-fixture" \\(key-ceremony\\), final hash ${kc.verified.headHash}`));
    assert.doesNotMatch(human, /none a recovery could use/);
  });

  it('a repair without a witness: the lost share, and a repair transcript that verifies; a tampered one fails', async () => {
    const out = join(dir, 'repair.json');
    const helpers = [kc.deal.shares[0]!, kc.deal.shares[2]!, kc.deal.shares[4]!];
    const printed = JSON.parse(ok(await run(['vss', 'repair', '--identifier', '2', '--transcript', source, '--transcript-out', out, '--json'], dealJson(helpers)))) as { share: { signingShare: string } };
    assert.equal(printed.share.signingShare, bytesToHex(kc.deal.shares[1]!.signingShare));
    const v = JSON.parse(ok(await run(['transcript', 'verify', out, '--json']))) as { ceremonyKind: string; sealed: boolean };
    assert.deepEqual([v.ceremonyKind, v.sealed], ['repair', true]);
    const tampered = join(dir, 'repair-tampered.json');
    writeFileSync(tampered, readFileSync(out, 'utf8').replace('"matchesCommitments": true', '"matchesCommitments": false'));
    const bad = await run(['transcript', 'verify', tampered, '--json']);
    assert.equal(bad.code, 1);
    assert.equal((JSON.parse(bad.err) as { error: { code: string } }).error.code, 'TRANSCRIPT_TAMPERED');
  });

  it('a re-chained forgery (every hash recomputed, a verifying share swapped) fails the kind content check, naming its entry', async () => {
    const out = join(dir, 'repair-2.json');
    ok(await run(['vss', 'repair', '--identifier', '4', '--transcript', source, '--transcript-out', out, '--json'], dealJson([kc.deal.shares[0]!, kc.deal.shares[1]!, kc.deal.shares[2]!])));
    const t = parseTranscript(readFileSync(out, 'utf8'));
    const at = t.entries.findIndex((e) => e.kind === 'repair');
    const other = t.entries.find((e) => e.kind === 'quorum-share')!.data as { verifyingShare: string };
    let forged = createTranscript(t.ceremonyId, () => new Date());
    for (const [i, e] of t.entries.entries()) forged = appendEntry(forged, e.kind, i === at ? { ...(e.data as object), verifyingShare: other.verifyingShare } : e.data, { at: e.at });
    const path = join(dir, 'repair-forged.json');
    writeFileSync(path, serializeTranscript(forged));
    const bad = await run(['transcript', 'verify', path, '--json']);
    assert.equal(bad.code, 1);
    const err = (JSON.parse(bad.err) as { error: { code: string; message: string } }).error;
    assert.equal(err.code, 'TRANSCRIPT_TAMPERED');
    assert.match(err.message, new RegExp(`^Entry ${at + 1}: the repaired share's verifying share does not match`));
  });

  it('refuses shares whose commitments are not the source transcript’s, a wrong final hash, and a half-given set of options', async () => {
    const other = vssKeyCeremony('ed25519', 3, 5);
    const foreign = JSON.stringify({ ciphersuite: 'ed25519', threshold: 3, commitments: other.deal.commitments.map(bytesToHex), shares: other.deal.shares.map((s) => ({ identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) })) });
    const r = await run(['vss', 'refresh', '--transcript', source, '--transcript-out', join(dir, 'x.json'), '--json'], foreign);
    assert.equal(r.code, 1);
    assert.match(r.err, /VSS_COMMITMENT/);
    const wrongHash = await run(['vss', 'refresh', '--transcript', source, '--final-hash', 'ab'.repeat(32), '--transcript-out', join(dir, 'y.json'), '--json'], dealJson());
    assert.equal(wrongHash.code, 1);
    assert.match(wrongHash.err, /TRANSCRIPT_TAMPERED/);
    assert.equal((await run(['vss', 'refresh', '--transcript-out', join(dir, 'z.json')], dealJson())).code, 2);
    assert.equal((await run(['vss', 'repair', '--identifier', '2', '--witness-key', witnessKey], dealJson())).code, 2);
  });
});
