// keyshard recover --transcript with a refresh or repair transcript (issue 17): a refresh changes the shares, never the
// key, so the expected fingerprint is the group key's. Refreshed shards recover against the refresh transcript with its
// final hash (verified) or a pinned witness who signed the refresh (verified); a repair transcript works the same way;
// shards of another key against it are a mismatch; a forged plan whose group key differs from its seal's is refused.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { expectedFromTranscript, witnessKeyFingerprint } from '../../core/recovery-trust';
import { parseTranscript, verifyTranscript } from '../../core/transcript';
import { groupFingerprint, type VssDeal } from '../../core/vss/index';
import { createLifecycleCommands } from '../../electron/cli/commands/lifecycle';
import { recoverCommands } from '../../electron/cli/commands/recover';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';
import type { AirGapReport } from '../../electron/services/airgap/index';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { shardText, vssKeyCeremony } from '../helpers/lifecycle-fixture';

const PASSPHRASE = 'correct horse battery';
const dir = mkdtempSync(join(tmpdir(), 'keyshard-recover-lifecycle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const airgapped: AirGapReport = { ok: true, interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'] }], radios: [], problems: [], sources: ['os'], checkedAt: '2026-12-07T12:00:00.000Z' };
let tick = Date.parse('2026-12-07T12:00:00.000Z');
const commands = [...createLifecycleCommands({ env: { KS_LIFECYCLE_PASS: PASSPHRASE }, now: () => new Date((tick += 1000)), airgap: async () => airgapped }), ...recoverCommands];

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io: CliIo & { out: string; err: string } = { out: '', err: '', readStdin: async () => stdin, stdout: (t) => void (io.out += t), stderr: (t) => void (io.err += t) };
  const code = await runCli(argv, io, commands);
  return { code, out: io.out, err: io.err };
}
function ok(r: { code: number; out: string; err: string }): string {
  assert.equal(r.code, 0, r.err);
  return r.out;
}

const kc = vssKeyCeremony('ed25519', 3, 5);
const source = join(dir, 'key-ceremony.json');
writeFileSync(source, kc.text);
const wendySecret = new Uint8Array(32).fill(9);
const witnessKey = join(dir, 'wendy.key');
writeFileSync(witnessKey, sealWitnessKeySync('wendy', wendySecret, PASSPHRASE, { logN: 14 }));
const wendyPin = witnessKeyFingerprint('ed25519', ed25519.getPublicKey(wendySecret));
const dealJson = (deal: VssDeal, shares = deal.shares) =>
  JSON.stringify({
    ciphersuite: 'ed25519',
    threshold: deal.threshold,
    commitments: deal.commitments.map(bytesToHex),
    shares: shares.map((s) => ({ identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) })),
  });

/** A quorum of the deal's shares as shard files in a fresh folder, as `recover DIR` reads a stick. */
function shardFolder(name: string, deal: VssDeal, indexes: readonly number[]): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const i of indexes) writeFileSync(join(folder, `c${i + 1}.ks`), `${shardText(deal, i)}\n`);
  return folder;
}

const headOf = (path: string): string => {
  const v = verifyTranscript(parseTranscript(readFileSync(path, 'utf8')));
  assert.ok(v.ok);
  return v.headHash;
};

describe('keyshard recover --transcript from a refresh or repair transcript', () => {
  const refreshPath = join(dir, 'refresh.json');
  let refreshed: VssDeal;

  it('refreshed shards recover against the refresh transcript: verified by its final hash, and by a pinned witness', async () => {
    const printed = JSON.parse(
      ok(await run(['vss', 'refresh', '--transcript', source, '--final-hash', kc.verified.headHash, '--transcript-out', refreshPath, '--witness-key', witnessKey, '--passphrase-env', 'KS_LIFECYCLE_PASS', '--json'], dealJson(kc.deal))),
    ) as { commitments: string[]; shares: { identifier: string; signingShare: string }[] };
    refreshed = {
      ciphersuite: 'ed25519',
      threshold: 3,
      groupPublicKey: kc.deal.groupPublicKey,
      commitments: printed.commitments.map((c) => hexToBytes(c)),
      shares: printed.shares.map((s) => ({ identifier: hexToBytes(s.identifier), signingShare: hexToBytes(s.signingShare) })),
    } as VssDeal;
    const folder = shardFolder('refreshed', refreshed, [0, 2, 4]);
    const expected = groupFingerprint('ed25519', kc.deal.groupPublicKey).hex;

    const byHash = JSON.parse(ok(await run(['recover', '--transcript', refreshPath, '--final-hash', headOf(refreshPath), '--json', folder]))) as { fingerprint: string; verified: boolean; source: string; groupPublicKey: string };
    assert.deepEqual([byHash.fingerprint, byHash.verified, byHash.source, byHash.groupPublicKey], [expected, true, 'final-hash', bytesToHex(kc.deal.groupPublicKey)]);

    const byWitness = JSON.parse(ok(await run(['recover', '--transcript', refreshPath, '--witness-key', wendyPin, '--json', folder]))) as { verified: boolean; source: string };
    assert.deepEqual([byWitness.verified, byWitness.source], [true, 'witness-keys']);

    // Nothing typed or pinned: the file alone vouches for nothing.
    const alone = JSON.parse(ok(await run(['recover', '--transcript', refreshPath, '--json', folder]))) as { verified: boolean; source: string };
    assert.deepEqual([alone.verified, alone.source], [false, 'transcript-unsigned']);

    // Wendy's signature binds the key through the refresh entry (it records the unchanged group key) and the seal.
    const v = verifyTranscript(parseTranscript(readFileSync(refreshPath, 'utf8')));
    assert.ok(v.ok);
    const binding = expectedFromTranscript(v, { witnessKeys: [wendyPin] }).bindingSignoffs.map((b) => v.entries[b.targetSeq - 1]!.kind);
    assert.deepEqual(binding, ['refresh', 'seal']);
  });

  it('a repair transcript gives the same key; shards of another key against it are a mismatch', async () => {
    const repairPath = join(dir, 'repair.json');
    const helpers = [refreshed.shares[0]!, refreshed.shares[2]!, refreshed.shares[3]!];
    ok(await run(['vss', 'repair', '--identifier', '2', '--transcript', refreshPath, '--transcript-out', repairPath, '--json'], dealJson(refreshed, helpers)));
    const folder = shardFolder('after-repair', refreshed, [1, 3, 4]);
    const r = JSON.parse(ok(await run(['recover', '--transcript', repairPath, '--final-hash', headOf(repairPath), '--json', folder]))) as { fingerprint: string; verified: boolean; source: string };
    assert.deepEqual([r.fingerprint, r.verified, r.source], [groupFingerprint('ed25519', kc.deal.groupPublicKey).hex, true, 'final-hash']);

    const other = vssKeyCeremony('ed25519', 3, 5).deal;
    const wrong = await run(['recover', '--transcript', repairPath, '--final-hash', headOf(repairPath), '--json', shardFolder('other-key', other, [0, 1, 2])]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.err + wrong.out, /FINGERPRINT_MISMATCH/);
  });

  it('refuses a refresh transcript whose seal names another group key than its plan', () => {
    const v = verifyTranscript(parseTranscript(readFileSync(refreshPath, 'utf8')));
    assert.ok(v.ok);
    const other = bytesToHex(vssKeyCeremony('ed25519', 3, 5).deal.groupPublicKey);
    const forged = { ...v, entries: v.entries.map((e) => (e.kind === 'seal' ? { ...e, data: { ...(e.data as Record<string, unknown>), groupPublicKey: other } } : e)) } as typeof v;
    assert.throws(() => expectedFromTranscript(forged, { finalHash: v.headHash }), (e: { code?: string }) => e.code === 'TRANSCRIPT_FORMAT');
  });
});
