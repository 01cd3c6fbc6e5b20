// Extended SLIP-39 members on the command line (issue 17, gaps 1 and 2): custody check and custody drill take
// --extension FILE:HASH, and slip39 extend --extension sees the earlier extension (numbers taken, its members in the quorum).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import { serializeTranscript } from '../../core/transcript';
import { spokenText, spokenWords } from '../../core/read-aloud';
import { createCustodyCommands } from '../../electron/cli/commands/custody';
import { createSlip39ExtendCommands } from '../../electron/cli/commands/slip39-extend';
import type { AirGapReport } from '../../electron/services/airgap/index';
import { runCommands } from '../helpers/cli';
import { custodyCeremony } from '../helpers/custody-fixture';

const dir = mkdtempSync(join(tmpdir(), 'keyshard-extend-custody-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const airgapped: AirGapReport = { ok: true, interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'] }], radios: [], problems: [], sources: ['os'], checkedAt: '2026-12-07T12:00:00.000Z' };
let tick = Date.parse('2026-12-07T12:00:00.000Z');
const now = () => new Date((tick += 1000));
const commands = [...createSlip39ExtendCommands({ env: {}, now, airgap: async () => airgapped }), ...createCustodyCommands({ env: {}, now })];
const run = (argv: string[], stdin = '') => runCommands(commands, argv, stdin);
const errorOf = (r: { code: number; stdout: string; stderr: string }, exit = 1) => {
  assert.equal(r.code, exit, r.stderr);
  return (JSON.parse(r.stderr) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
};

const kc = custodyCeremony('slip39', 31);
const words = kc.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
const source = join(dir, 'key-ceremony.json');
writeFileSync(source, serializeTranscript(kc.file));
const kcHash = kc.transcript.headHash;
const aliceShard = join(dir, 'alice.txt');
writeFileSync(aliceShard, `${envelopeToText(decodeEnvelope(kc.shards[0]!))}\n`);

interface Made {
  shares: { member: number; mnemonic: string }[];
  transcript: { file: string; finalHash: string };
}

async function extend(name: string, members: number[], quorum: string[], extensions: string[] = []): Promise<Made> {
  const out = join(dir, `${name}.json`);
  const r = await run(
    ['slip39', 'extend', ...members.flatMap((m) => ['--member', String(m)]), '--transcript', source, '--final-hash', kcHash, '--transcript-out', out, '--ceremony-id', name, ...extensions.flatMap((e) => ['--extension', e]), '--json'],
    `${quorum.join('\n')}\n`,
  );
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Made;
}

describe('extended members on the command line', async () => {
  const first = await extend('ext-1', [4, 5], [words[0]!, words[1]!]);
  const ext1 = `${first.transcript.file}:${first.transcript.finalHash}`;

  it('custody check --words --extension: an extended share passes, verified; without the extension it is refused', async () => {
    const check = ['custody', 'check', '--transcript', source, '--final-hash', kcHash, '--words'];
    assert.equal(errorOf(await run([...check, '--json'], first.shares[1]!.mnemonic)).code, 'CUSTODY_MISMATCH');
    const r = await run([...check, '--extension', ext1, '--json'], first.shares[1]!.mnemonic);
    assert.equal(r.code, 0, r.stderr);
    const receipt = JSON.parse(r.stdout) as { custodianId: string; result: string; extension: { ceremonyId: string; member: number } };
    assert.deepEqual([receipt.custodianId, receipt.result, receipt.extension.ceremonyId, receipt.extension.member], ['member-5', 'verified', 'ext-1', 4]);
    // Both final hashes as their 20 words to read aloud (issue 14.2): the same verified receipt; a wrong word is named.
    const spoken = await run(['custody', 'check', '--transcript', source, '--final-hash', spokenText(kcHash), '--words', '--extension', `${first.transcript.file}:${spokenText(first.transcript.finalHash)}`, '--json'], first.shares[1]!.mnemonic);
    assert.equal(spoken.code, 0, spoken.stderr);
    assert.equal((JSON.parse(spoken.stdout) as { result: string }).result, 'verified');
    const wrong = spokenWords(first.transcript.finalHash);
    wrong[4] = 'abcd';
    assert.equal(errorOf(await run([...check, '--extension', `${first.transcript.file}:${wrong.join(' ')}`, '--json'], first.shares[1]!.mnemonic)).code, 'READ_ALOUD_WORD');
    const text = await run([...check, '--extension', first.transcript.file], first.shares[0]!.mnemonic);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^UNVERIFIED: the shard of member-4 \(member 4 of group 1\) is the one share extension ext-1 handed over/);
    assert.match(text.stdout, /--extension FILE:HASH/);
  });

  it('custody check refuses a tampered extension file, a wrong hash, another ceremony\'s extension (named), a shard file with --extension', async () => {
    const check = ['custody', 'check', '--transcript', source, '--words', '--json'];
    const tampered = join(dir, 'ext-1-tampered.json');
    writeFileSync(tampered, readFileSync(first.transcript.file, 'utf8').replace('"member-4"', '"member-9"'));
    assert.match(errorOf(await run([...check, '--extension', tampered], first.shares[0]!.mnemonic)).code, /^TRANSCRIPT_/);
    assert.equal(errorOf(await run([...check, '--extension', `${first.transcript.file}:${'a'.repeat(64)}`], first.shares[0]!.mnemonic)).code, 'FINAL_HASH_MISMATCH');
    const other = custodyCeremony('slip39', 32);
    const otherSource = join(dir, 'other.json');
    writeFileSync(otherSource, serializeTranscript(other.file));
    const otherWords = other.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
    const out = join(dir, 'ext-other.json');
    assert.equal((await run(['slip39', 'extend', '--member', '4', '--transcript', otherSource, '--transcript-out', out, '--ceremony-id', 'ext-other'], `${otherWords[0]}\n${otherWords[1]}\n`)).code, 0);
    const e = errorOf(await run([...check, '--extension', out], first.shares[0]!.mnemonic));
    assert.equal(e.code, 'CUSTODY_OTHER_CEREMONY');
    assert.match(e.message, new RegExp(`ext-other.json: The extension ext-other extends ceremony ${other.ceremonyId}`));
    assert.equal(errorOf(await run(['custody', 'check', '--transcript', source, '--extension', ext1, '--json', aliceShard]), 2).code, 'INVALID_ARGUMENT');
  });

  it('a second extension sees the first: taken numbers named with their holder; an extended member in its quorum', async () => {
    const e = errorOf(await run(['slip39', 'extend', '--member', '5', '--transcript', source, '--transcript-out', join(dir, 'never.json'), '--extension', ext1, '--json'], `${words[0]}\n${words[2]}\n`));
    assert.equal(e.code, 'SLIP39_PARAMETERS');
    assert.match(e.message, /Member 5 of group 1 is held by member-5 \(extension ext-1\)/);
    assert.equal(errorOf(await run(['slip39', 'extend', '--member', '6', '--transcript', source, '--transcript-out', join(dir, 'never2.json'), '--json'], `${first.shares[0]!.mnemonic}\n${words[2]}\n`)).code, 'CUSTODY_MISMATCH');
    const second = await extend('ext-2', [6], [first.shares[0]!.mnemonic, words[2]!], [ext1]);
    const t = JSON.parse(readFileSync(second.transcript.file, 'utf8')) as { entries: { kind: string; data: Record<string, unknown> }[] };
    assert.deepEqual(t.entries.filter((x) => x.kind === 'quorum-share').map((x) => x.data['custodianId']), ['member-4', 'carol']);
    assert.deepEqual(t.entries[0]!.data['earlierExtensions'], [{ ceremonyId: 'ext-1', finalHash: first.transcript.finalHash }]);

    // The quorum drill: a key-ceremony shard file plus an extended member's words, and two extended members alone.
    const ext2 = `${second.transcript.file}:${second.transcript.finalHash}`;
    const drill = ['custody', 'drill', '--transcript', source, '--final-hash', kcHash, '--extension', ext1, '--extension', ext2, '--words', '--json'];
    const mixed = await run([...drill, aliceShard], `${second.shares[0]!.mnemonic}\n`);
    assert.equal(mixed.code, 0, mixed.stderr);
    const m = JSON.parse(mixed.stdout) as { match: boolean; result: string; fingerprint: string };
    assert.deepEqual([m.match, m.result, m.fingerprint], [true, 'verified', kc.fingerprint]);
    const extendedOnly = await run(drill, `${first.shares[1]!.mnemonic}\n${second.shares[0]!.mnemonic}\n`);
    assert.equal(extendedOnly.code, 0, extendedOnly.stderr);
    assert.equal(mixed.stdout.includes(second.shares[0]!.mnemonic.split(' ')[3]!), false);
    // Without the second extension its member is named as unknown, before anything is combined.
    const e2 = errorOf(await run(['custody', 'drill', '--transcript', source, '--extension', ext1, '--words', '--json'], `${first.shares[1]!.mnemonic}\n${second.shares[0]!.mnemonic}\n`));
    assert.equal(e2.code, 'CUSTODY_MISMATCH');
    assert.match(e2.message, /^share 2 on standard input: /);
    assert.equal(errorOf(await run(['custody', 'drill', '--transcript', source, '--words', '--json'], `${words[0]}\n`)).code, 'BELOW_THRESHOLD');
  });
});
