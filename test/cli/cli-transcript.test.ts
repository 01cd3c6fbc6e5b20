import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spokenText } from '../../core/read-aloud';
import { witnessKeyFingerprint } from '../../core/recovery-trust';
import { appendEntry, parseTranscript, resumeTranscript, serializeTranscript } from '../../core/transcript';
import { demoCommands } from '../../electron/cli/commands/demo';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';
import { ceremonyTranscript } from '../core/transcript-fixture';

function fakeIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    readStdin: async () => '',
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await runCli(argv, io, transcriptCommands);
  return { code, out: io.out, err: io.err };
}

const dir = mkdtempSync(join(tmpdir(), 'keyshard-transcript-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const transcript = await ceremonyTranscript();
const text = serializeTranscript(transcript);
const good = join(dir, 'transcript.json');
writeFileSync(good, text);
// Entry 4 (split) says 5 shards instead of 4: one character changed.
const tamperedText = text.replace('"shards": 4', '"shards": 5');
assert.notEqual(tamperedText, text);
const tampered = join(dir, 'tampered.json');
writeFileSync(tampered, tamperedText);

describe('keyshard transcript verify', () => {
  it('exits 0 and prints a summary of an intact transcript', async () => {
    const r = await run(['transcript', 'verify', good]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /ceremony "acme-root-2025": 10 entries; every link and signature holds/);
    assert.match(r.out, /Witness keys listed in the plan: alice \(ed25519\), bob \(ed25519\), carol \(ecdsa-p256\) \(the plan is part of this file/);
    const rows = r.out.split('\n').filter((l) => l.startsWith('  \u2713'));
    assert.equal(rows.length, 10);
    assert.match(rows[0]!, /^ {2}\u2713 {2}1 {2}plan +2025-03-01T09:00:00\.000Z {2}not signed$/);
    assert.match(rows[3]!, /4 {2}split .* signed by carol$/);
    assert.match(rows[5]!, /6 {2}seal .* signed by alice, bob, carol$/);
    assert.match(rows[9]!, /10 {2}signoff .* carol signs entry 4 \(split\)$/);
    assert.ok(r.out.includes(`Final hash: ${transcript.entries[9]!.hash}`));
  });

  it('exits non-zero and names the first bad entry of a tampered transcript', async () => {
    const r = await run(['transcript', 'verify', tampered]);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /TRANSCRIPT_TAMPERED: The transcript was changed after it was written: entry 4 \(split\) does not match its hash/);
    assert.match(r.err, /USB stick/);
  });

  it('prints JSON with --json; a failure is {"error":{code,message}} on stderr, exit 1', async () => {
    const ok = await run(['transcript', 'verify', good, '--json']);
    assert.equal(ok.code, 0);
    const v = JSON.parse(ok.out) as Record<string, unknown>;
    assert.equal(v['valid'], true);
    assert.equal(v['ceremonyId'], 'acme-root-2025');
    assert.equal(v['entries'], 10);
    assert.equal(v['headHash'], transcript.entries[9]!.hash);
    assert.equal(v['sealed'], true);
    const signoffs = v['signoffs'] as { seq: number; witnesses: { id: string; keyFingerprint: string; pinned: boolean }[] }[];
    assert.deepEqual(signoffs.find((s) => s.seq === 6)!.witnesses.map((w) => w.id), ['alice', 'bob', 'carol']);
    assert.match(signoffs.find((s) => s.seq === 6)!.witnesses[0]!.keyFingerprint, /^[0-9a-f]{64}$/);

    const bad = await run(['transcript', 'verify', '--json', tampered]);
    assert.equal(bad.code, 1);
    assert.equal(bad.out, '');
    const b = JSON.parse(bad.err) as { error: { code: string; message: string } };
    assert.equal(b.error.code, 'TRANSCRIPT_TAMPERED');
    assert.match(b.error.message, /entry 4 \(split\)/);
  });

  it('checks the final hash from the paper record', async () => {
    const head = transcript.entries[9]!.hash;
    assert.equal((await run(['transcript', 'verify', good, '--final-hash', head])).code, 0);
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, serializeTranscript({ ...transcript, entries: transcript.entries.slice(0, 9) }));
    assert.equal((await run(['transcript', 'verify', cut])).code, 0, 'a transcript cut after its seal still links');
    const r = await run(['transcript', 'verify', cut, '--final-hash', head]);
    assert.equal(r.code, 1);
    assert.match(r.err, /TRANSCRIPT_TAMPERED: .*paper record/);
    assert.equal((await run(['transcript', 'verify', good, '--final-hash', 'abc'])).code, 2);
  });

  it('reports layout edits, and accepts them with --ignore-layout', async () => {
    const reformatted = join(dir, 'reformatted.json');
    writeFileSync(reformatted, JSON.stringify(JSON.parse(text)));
    const strict = await run(['transcript', 'verify', reformatted]);
    assert.equal(strict.code, 1);
    assert.match(strict.err, /TRANSCRIPT_FORMAT: .*not laid out the way keyshard wrote it/);
    assert.equal((await run(['transcript', 'verify', reformatted, '--ignore-layout'])).code, 0);
  });

  it('explains a missing file, a directory, a file that is not JSON, and bytes that are not UTF-8', async () => {
    const missing = await run(['transcript', 'verify', join(dir, 'nope.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /INVALID_ARGUMENT: Cannot read the transcript file ".*nope\.json": it does not exist/);
    const folder = await run(['transcript', 'verify', dir]);
    assert.match(folder.err, /INVALID_ARGUMENT: .*is a directory/);
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'hello');
    const nj = await run(['transcript', 'verify', notJson]);
    assert.equal(nj.code, 1);
    assert.match(nj.err, /TRANSCRIPT_FORMAT: .*not valid JSON/);
    const latin1 = join(dir, 'latin1.json');
    const bytes = Buffer.from(text, 'utf8');
    bytes[bytes.indexOf(Buffer.from('Ü', 'utf8'))] = 0xff; // never valid in UTF-8
    writeFileSync(latin1, bytes);
    const l1 = await run(['transcript', 'verify', latin1, '--json']);
    assert.equal(l1.code, 1);
    assert.equal((JSON.parse(l1.err) as { error: { code: string } }).error.code, 'TRANSCRIPT_FORMAT');
    const jsonMissing = await run(['transcript', 'verify', join(dir, 'nope.json'), '--json']);
    assert.equal((JSON.parse(jsonMissing.err) as { error: { code: string } }).error.code, 'INVALID_ARGUMENT');
  });

  it('needs exactly one file and has help', async () => {
    assert.equal((await run(['transcript', 'verify'])).code, 2);
    assert.equal((await run(['transcript', 'verify', good, good])).code, 2);
    const help = await run(['transcript', 'verify', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: keyshard transcript verify FILE/);
  });
});

describe('keyshard transcript verify: seal, sign-offs and pinned witness keys (on a keyshard demo)', () => {
  const out = join(dir, 'demo');
  let demoText = '';
  let finalHash = '';
  const keyOf = new Map<string, string>();

  it('keyshard demo writes a sealed transcript that verifies, listing each signed step and the key fingerprint of each witness', async () => {
    const io = fakeIo();
    assert.equal(await runCli(['demo', '--out', out], io, demoCommands), 0, io.err);
    demoText = readFileSync(join(out, 'transcript.json'), 'utf8');
    const r = await run(['transcript', 'verify', join(out, 'transcript.json')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\d+ entries; every link and signature holds\. Sealed at entry \d+\./);
    for (const line of r.out.split('\n')) {
      const m = /^ {2}(wendy|victor) \(ed25519\) +([0-9a-f]{64}) {2}not pinned$/.exec(line);
      if (m) keyOf.set(m[1]!, m[2]!);
    }
    assert.deepEqual([...keyOf.keys()].sort(), ['victor', 'wendy']);
    assert.match(r.out, / split +\S+ {2}signed by wendy, victor\n/);
    assert.match(r.out, / seal +\S+ {2}signed by wendy, victor\n/);
    assert.match(r.out, /NOT verified: anyone can write a transcript/);
    finalHash = /Final hash: ([0-9a-f]{64})/.exec(r.out)![1]!;
    // The key fingerprint is the one core defines for the key the plan names.
    const plan = (JSON.parse(demoText) as { entries: { data: { witnessKeys: { id: string; algorithm: 'ed25519'; publicKey: string }[] } }[] }).entries[0]!.data;
    const wendy = plan.witnessKeys.find((w) => w.id === 'wendy')!;
    assert.equal(keyOf.get('wendy'), witnessKeyFingerprint(wendy.algorithm, wendy.publicKey));
  });

  it('a pinned witness key (also in its short, spaced form) or the final hash verifies the fingerprint; a key not in the file does not', async () => {
    const path = join(out, 'transcript.json');
    const pinned = await run(['transcript', 'verify', path, '--json', '--witness-key', keyOf.get('wendy')!.slice(0, 32).match(/.{4}/g)!.join(' ')]);
    assert.equal(pinned.code, 0, pinned.err);
    const p = JSON.parse(pinned.out) as { fingerprint: { source: string; verified: boolean }; witnessKeys: { id: string; pinned: boolean }[] };
    assert.deepEqual(p.fingerprint.source, 'witness-keys');
    assert.deepEqual(p.witnessKeys.map((k) => [k.id, k.pinned]), [['wendy', true], ['victor', false]]);
    const byHash = JSON.parse((await run(['transcript', 'verify', path, '--json', '--final-hash', finalHash.toUpperCase()])).out) as { fingerprint: { source: string }; finalHashMatches: boolean };
    assert.deepEqual([byHash.fingerprint.source, byHash.finalHashMatches], ['final-hash', true]);
    // The final hash typed as its 20 words to read aloud verifies alike; the JSON gives both values' words.
    const byWords = await run(['transcript', 'verify', path, '--json', '--final-hash', spokenText(finalHash)]);
    assert.equal(byWords.code, 0, byWords.err);
    const w = JSON.parse(byWords.out) as { fingerprint: { hex: string; words: string; source: string }; headHashWords: string };
    assert.deepEqual([w.fingerprint.source, w.headHashWords, w.fingerprint.words], ['final-hash', spokenText(finalHash), spokenText(w.fingerprint.hex)]);
    const human = await run(['transcript', 'verify', path, '--final-hash', spokenText(finalHash)]);
    assert.ok(human.out.includes(`in words: ${spokenText(finalHash)}`), human.out);
    const wrongWord = spokenText(finalHash).split(' ');
    wrongWord[2] = wrongWord[2] === 'able' ? 'acid' : 'able';
    const refused = await run(['transcript', 'verify', path, '--json', '--final-hash', wrongWord.join(' ')]);
    assert.equal(refused.code, 2, 'a typed value that cannot be read is wrong usage, as bad hex is');
    assert.match(refused.err, /do not match the others/);
    const stranger = await run(['transcript', 'verify', path, '--witness-key', 'ab'.repeat(32)]);
    assert.equal(stranger.code, 0);
    assert.match(stranger.out, /NOT verified/);
    assert.match(stranger.out, /These pinned keys signed no split or seal step: (ab){32}\./);
    assert.equal((await run(['transcript', 'verify', path, '--witness-key', 'xyz'])).code, 2);
  });

  it('a transcript cut short before its seal exits 1 (TRANSCRIPT_UNSEALED) and never says everything holds; --allow-unsealed lists it as NOT SEALED', async () => {
    const t = parseTranscript(demoText);
    const seal = t.entries.findIndex((e) => e.kind === 'seal');
    const cut = join(dir, 'demo-cut.json');
    writeFileSync(cut, serializeTranscript({ ...t, entries: t.entries.slice(0, seal) }));
    const r = await run(['transcript', 'verify', cut]);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /TRANSCRIPT_UNSEALED: Not sealed: The ceremony did not finish, or the file was cut short: it ends at entry \d+ \(signoff\), before its seal/);
    assert.doesNotMatch(r.err, /every link and signature holds/);
    const json = await run(['transcript', 'verify', cut, '--json']);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.err) as { error: { code: string } }).error.code, 'TRANSCRIPT_UNSEALED');
    const allowed = await run(['transcript', 'verify', cut, '--allow-unsealed']);
    assert.equal(allowed.code, 0, allowed.err);
    assert.match(allowed.out, /NOT SEALED: The ceremony did not finish, or the file was cut short: it ends at entry \d+ \(signoff\), before its seal/);
    assert.doesNotMatch(allowed.out, /every link and signature holds/);
    const allowedJson = JSON.parse((await run(['transcript', 'verify', cut, '--allow-unsealed', '--json'])).out) as { sealed: boolean };
    assert.equal(allowedJson.sealed, false);
  });

  it("review M3: a file cut right after its seal entry, without the seal's sign-offs, is not sealed (exit 1), and a pinned key does not verify it", async () => {
    const t = parseTranscript(demoText);
    const seal = t.entries.findIndex((e) => e.kind === 'seal');
    assert.ok(t.entries.slice(seal + 1).length > 0 && t.entries.slice(seal + 1).every((e) => e.kind === 'sign-off' || e.kind === 'signoff'));
    const cut = join(dir, 'demo-cut-at-seal.json');
    writeFileSync(cut, serializeTranscript({ ...t, entries: t.entries.slice(0, seal + 1) }));
    const r = await run(['transcript', 'verify', cut]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /TRANSCRIPT_UNSEALED: Not sealed: The seal \(entry \d+ \(seal\)\) has 0 of the \d+ witness sign-offs? the plan requires/);
    assert.doesNotMatch(r.out + r.err, /every link and signature holds/);
    const allowed = await run(['transcript', 'verify', cut, '--allow-unsealed', '--json', '--witness-key', keyOf.get('wendy')!]);
    assert.equal(allowed.code, 0, allowed.err);
    const j = JSON.parse(allowed.out) as { sealed: boolean; status: string; fingerprint: { source: string; verified: boolean } };
    assert.deepEqual([j.sealed, j.status, j.fingerprint.source, j.fingerprint.verified], [false, 'unfinished', 'transcript-unfinished', false]);
  });

  it('review H2: an aborted ceremony is reported as ABORTED, and pinned keys do not verify its fingerprint', async () => {
    const t = parseTranscript(demoText);
    const seal = t.entries.findIndex((e) => e.kind === 'seal');
    const before = resumeTranscript({ ...t, entries: t.entries.slice(0, seal) }, () => new Date());
    const aborted = appendEntry(before, 'abort', { reason: 'redo with a new key', afterStep: 'destroy' });
    const path = join(dir, 'demo-aborted.json');
    writeFileSync(path, serializeTranscript(aborted));
    const r = await run(['transcript', 'verify', path, '--allow-unsealed', '--witness-key', keyOf.get('wendy')!, '--witness-key', keyOf.get('victor')!]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /NOT SEALED \(ABORTED\): The ceremony was aborted \(entry \d+ \(abort\)\)/);
    assert.match(r.out, /NOT verified: The ceremony was aborted/);
    assert.equal((await run(['transcript', 'verify', path])).code, 1);
  });
});
