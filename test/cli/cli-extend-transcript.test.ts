// keyshard slip39 extend --transcript-out: an `extend` ceremony's transcript that transcript verify accepts (issue 17.2).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeEnvelope } from '../../core/envelope';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import { combineMnemonics } from '../../core/slip39/index';
import { serializeTranscript } from '../../core/transcript';
import { createSlip39ExtendCommands } from '../../electron/cli/commands/slip39-extend';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import type { AirGapReport } from '../../electron/services/airgap/index';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { runCommands } from '../helpers/cli';
import { custodyCeremony } from '../helpers/custody-fixture';
import { nodePbkdf2 } from '../core/slip39-helpers';

const PASSPHRASE = 'correct horse battery';
const dir = mkdtempSync(join(tmpdir(), 'keyshard-extend-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const airgapped: AirGapReport = { ok: true, interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'] }], radios: [], problems: [], sources: ['os'], checkedAt: '2026-12-07T12:00:00.000Z' };
let tick = Date.parse('2026-12-07T12:00:00.000Z');
const commands = [...createSlip39ExtendCommands({ env: { KS_PASS: PASSPHRASE }, now: () => new Date((tick += 1000)), airgap: async () => airgapped }), ...transcriptCommands];
const run = (argv: string[], stdin = '') => runCommands(commands, argv, stdin);

const kc = custodyCeremony('slip39', 21);
const words = kc.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
const source = join(dir, 'key-ceremony.json');
writeFileSync(source, serializeTranscript(kc.file));
const witnessKey = join(dir, 'wendy.key');
writeFileSync(witnessKey, sealWitnessKeySync('wendy', new Uint8Array(32).fill(9), PASSPHRASE, { logN: 14 }));
const errorOf = (r: { code: number; stdout: string; stderr: string }, exit = 1) => {
  assert.equal(r.code, exit, r.stderr);
  return (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
};

describe('keyshard slip39 extend --transcript-out', () => {
  it('a witnessed extension: shares that combine with the old ones, and a sealed transcript that verifies and holds none', async () => {
    const out = join(dir, 'extend.json');
    const r = await run(
      ['slip39', 'extend', '--member', '4', '--member', '5', '--transcript', source, '--final-hash', kc.transcript.headHash, '--transcript-out', out, '--witness-key', witnessKey, '--passphrase-env', 'KS_PASS', '--json'],
      `${words[1]}\n${words[2]}\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    const made = JSON.parse(r.stdout) as { shares: { member: number; mnemonic: string; shardFingerprint: string }[]; transcript: { file: string; finalHash: string } };
    assert.deepEqual(made.shares.map((s) => s.member), [4, 5]);
    const secret = Buffer.from(combineMnemonics([words[0]!, words[1]!], '', nodePbkdf2)).toString('hex');
    assert.equal(Buffer.from(combineMnemonics([made.shares[0]!.mnemonic, words[0]!], '', nodePbkdf2)).toString('hex'), secret);
    const text = readFileSync(out, 'utf8');
    for (const m of [...made.shares.map((s) => s.mnemonic), ...words]) assert.equal(text.includes(m.split(' ').slice(3, 6).join(' ')), false);
    const v = await run(['transcript', 'verify', out, '--final-hash', made.transcript.finalHash, '--json']);
    assert.equal(v.code, 0, v.stderr);
    const summary = JSON.parse(v.stdout) as { ceremonyKind: string; sealed: boolean; signoffs: { kind: string; witnesses: unknown[] }[] };
    assert.deepEqual([summary.ceremonyKind, summary.sealed], ['extend', true]);
    assert.deepEqual(summary.signoffs.filter((s) => s.witnesses.length > 0).map((s) => s.kind), ['airgap-check', 'extend', 'destroy', 'seal']);
    // The text summary names what was extended and each new share's fingerprint, not "no key fingerprint".
    const human = (await run(['transcript', 'verify', out])).stdout;
    assert.match(human, new RegExp(`Extends group 1 of SLIP-39 backup \\d+ of "${kc.ceremonyId}", final hash ${kc.transcript.headHash}`));
    for (const s of made.shares) assert.ok(human.includes(`member ${s.member}, shard fingerprint ${s.shardFingerprint}`));
    const t = JSON.parse(text) as { entries: { kind: string; data: Record<string, unknown> }[] };
    const plan = t.entries[0]!.data;
    assert.deepEqual(plan['source'], { ceremonyId: kc.ceremonyId, ceremonyKind: 'key-ceremony', finalHash: kc.transcript.headHash });
    const seal = t.entries.find((e) => e.kind === 'seal')!.data as { shares: { member: number; shardFingerprint: string }[] };
    assert.deepEqual(seal.shares.map((s) => [s.member + 1, s.shardFingerprint]), made.shares.map((s) => [s.member, s.shardFingerprint]));
    assert.deepEqual(t.entries.filter((e) => e.kind === 'quorum-share').map((e) => e.data['custodianId']), ['bob', 'carol']);
  });

  it('refuses a wrong final hash, a share the key ceremony did not hand out, a member in use, half-given options', async () => {
    const base = ['slip39', 'extend', '--member', '6', '--transcript', source, '--transcript-out', join(dir, 'never.json'), '--json'];
    assert.equal(errorOf(await run([...base, '--final-hash', '0'.repeat(64)], `${words[0]}\n${words[1]}\n`)).code, 'TRANSCRIPT_TAMPERED');
    const other = custodyCeremony('slip39', 22);
    const otherWords = other.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
    assert.equal(errorOf(await run(base, `${otherWords[0]}\n${otherWords[1]}\n`)).code, 'SHARES_MISMATCH');
    assert.equal(errorOf(await run(['slip39', 'extend', '--member', '2', '--transcript', source, '--transcript-out', join(dir, 'never.json'), '--json'], `${words[0]}\n${words[2]}\n`)).code, 'SLIP39_PARAMETERS');
    assert.equal(errorOf(await run(['slip39', 'extend', '--member', '6', '--transcript', source, '--json'], words[0]!), 2).code, 'INVALID_ARGUMENT');
    assert.equal(errorOf(await run(['slip39', 'extend', '--member', '6', '--transcript-out', join(dir, 'x.json'), '--json'], words[0]!), 2).code, 'INVALID_ARGUMENT');
  });
});
