import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeEnvelope, decodeSlip39Payload, decodeVssPayload, encodeEnvelope, envelopeFromText, wipeEnvelope, type Envelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { parsePlan } from '../../core/policy';
import { createQrAssembler } from '../../core/qr/index';
import { combineMnemonics, decodeShare, DEFAULT_ITERATION_EXPONENT } from '../../core/slip39/index';
import { combineShares, groupFingerprint } from '../../core/vss/index';
import { demoCommands, type DemoSummary } from '../../electron/cli/commands/demo';
import { transcriptCommands, verifyTranscriptBytes } from '../../electron/cli/commands/transcript';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';
import { openProtected, type OpeningKey } from '../../electron/services/protection/index';
import { isUnencryptedWitnessKeyText, parseSealedWitnessKey, unsealWitnessKey } from '../../electron/services/witness/key-file';
import { binPath, ensureCliBundle } from '../helpers/cli-bundle';
import { readQrTexts } from '../helpers/zxing';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const temps: string[] = [];
const gpgHomes: string[] = [];
function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `keyshard-demo-${label}-`));
  temps.push(d);
  return d;
}
after(() => {
  for (const home of gpgHomes) spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { timeout: 10_000 });
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

async function cli(argv: string[], commands = demoCommands): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { readStdin: async () => '', stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await runCli(argv, io, commands);
  return { code, stdout, stderr };
}

/** Runs `keyshard demo ...` in its own process, through the installed command (rebuilt first if a source is newer). */
function spawnDemo(args: string[]): { status: number | null; stdout: string; stderr: string; via: string } {
  ensureCliBundle();
  const r = spawnSync(process.execPath, [binPath, ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, via: 'bin/keyshard.mjs' };
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function checkSummaryShape(dir: string, summary: DemoSummary): void {
  assert.deepEqual(Object.keys(summary), ['fingerprint', 'transcript', 'shards', 'qr', 'finalHash', 'witnesses']);
  assert.match(summary.fingerprint, /^[0-9a-f]{64}$/);
  // The final hash is the transcript's last entry hash (what the paper record keeps).
  const entries = (JSON.parse(readFileSync(join(dir, 'transcript.json'), 'utf8')) as { entries: { hash: string }[] }).entries;
  assert.equal(summary.finalHash, entries[entries.length - 1]!.hash);
  assert.equal(summary.transcript, 'transcript.json');
  assert.equal(summary.shards.length, 5);
  for (const s of summary.shards) {
    assert.deepEqual(Object.keys(s), s.protection === 'none' ? ['custodian', 'file', 'protection'] : ['custodian', 'file', 'protection', 'key']);
    // Envelope texts by custodian id; protected files under the USB service's shard file names (what recovery reads).
    assert.match(s.file, s.protection === 'none' ? /^shards\/[a-z]+\.ks$/ : /^shards\/keyshard-[0-9a-f]{32}-c\d+(-s\d+)?\.(age|asc)$/);
    assert.equal(s.file.split('.').pop(), { none: 'ks', age: 'age', openpgp: 'asc', pkcs11: 'p11' }[s.protection]);
    if (s.key !== undefined) assert.match(s.key, /^keys\//);
  }
  assert.ok(summary.shards.some((s) => s.protection === 'age'), 'an age-protected shard');
  assert.ok(summary.shards.some((s) => s.protection === 'openpgp'), 'an OpenPGP-protected shard');
  assert.equal(summary.qr.length, summary.shards.filter((s) => s.protection === 'none').length, 'one QR per unprotected shard (single codes)');
  for (const q of summary.qr) assert.match(q, /^qr\/[a-z]+(-\d{2})?\.png$/);
  for (const p of [summary.transcript, ...summary.shards.flatMap((s) => [s.file, ...(s.key === undefined ? [] : [s.key])]), ...summary.qr]) {
    assert.ok(existsSync(join(dir, p)), `${p} exists`);
  }
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')), summary);
  // The witnesses' key files are encrypted (a real witness's would be refused otherwise); the summary names each
  // throwaway passphrase.
  assert.deepEqual(summary.witnesses.map((w) => w.id), ['wendy', 'victor']);
  for (const w of summary.witnesses) {
    const text = readFileSync(join(dir, w.key), 'utf8');
    assert.equal(isUnencryptedWitnessKeyText(text), false, `${w.key} is encrypted`);
    assert.equal(parseSealedWitnessKey(text, w.id).witnessId, w.id);
  }
}

/** Each custodian's envelope text, opened with the throwaway key the summary names (by keyshard's own code). */
async function shardTexts(dir: string, summary: DemoSummary): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of summary.shards) {
    const data = new Uint8Array(readFileSync(join(dir, s.file)));
    let key: OpeningKey = { kind: 'none' };
    if (s.protection === 'age') key = { kind: 'age', identity: readFileSync(join(dir, s.key!), 'utf8') };
    if (s.protection === 'openpgp') key = { kind: 'openpgp', privateKeyArmored: readFileSync(join(dir, s.key!), 'utf8') };
    out.set(s.custodian, await openProtected(data, key));
  }
  return out;
}

/** Recovers the secret from these envelopes with core (not the service) and returns its fingerprint. */
function fingerprintFrom(envelopes: Envelope[]): string {
  const scheme = envelopes[0]!.scheme;
  if (scheme === 1) {
    const seed = combineMnemonics(envelopes.map((e) => decodeSlip39Payload(e.payload)));
    try {
      return fingerprintOf(seedIdentity(seed)).hex;
    } finally {
      seed.fill(0);
    }
  }
  const payloads = envelopes.map((e) => decodeVssPayload(e.scheme, e.payload));
  const { secret, groupPublicKey } = combineShares({
    ciphersuite: 'ed25519',
    threshold: 3,
    shares: payloads.map((p) => ({ identifier: p.identifier, signingShare: p.signingShare })),
    commitments: payloads[0]!.commitments.map((c) => Uint8Array.from(c)),
  });
  secret.fill(0);
  return groupFingerprint('ed25519', groupPublicKey).hex;
}

function combinations<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return xs.flatMap((x, i) => combinations(xs.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
}

async function checkDemoDir(dir: string, summary: DemoSummary, scheme: 'slip39' | 'vss'): Promise<void> {
  checkSummaryShape(dir, summary);
  const plan = parsePlan(readFileSync(join(dir, 'plan.json'), 'utf8'));
  assert.equal(plan.scheme.type, scheme);
  const texts = await shardTexts(dir, summary);

  // The standard tools open the protected shards to the same envelope text.
  for (const s of summary.shards.filter((x) => x.protection === 'age')) {
    assert.equal(run('age', ['-d', '-i', join(dir, s.key!), join(dir, s.file)]).trim(), texts.get(s.custodian));
  }
  for (const s of summary.shards.filter((x) => x.protection === 'openpgp')) {
    const home = tempDir('gpg');
    gpgHomes.push(home);
    run('gpg', ['--batch', '--homedir', home, '--import', join(dir, s.key!)]);
    assert.equal(run('gpg', ['--batch', '--homedir', home, '--pinentry-mode', 'loopback', '--decrypt', join(dir, s.file)]).trim(), texts.get(s.custodian));
  }

  // Every envelope belongs to this ceremony and its custodian, and carries the summary's fingerprint.
  const envelopes = new Map<string, Envelope>();
  for (const [id, text] of texts) {
    const e = envelopeFromText(text);
    assert.equal(e.custodianIndex, plan.custodians.findIndex((c) => c.id === id));
    assert.equal(bytesToHex(e.groupFingerprint), summary.fingerprint);
    envelopes.set(id, e);
  }

  // Every QR image decodes (zxing, an independent reader) to exactly its custodian's shard.
  const byCustodian = new Map<string, string[]>();
  for (const q of summary.qr) {
    const id = /^qr\/([a-z]+)/.exec(q)![1]!;
    const found = await readQrTexts(new Uint8Array(readFileSync(join(dir, q))));
    assert.equal(found.length, 1, `${q} holds one readable QR code`);
    byCustodian.set(id, [...(byCustodian.get(id) ?? []), found[0]!]);
  }
  for (const s of summary.shards.filter((x) => x.protection === 'none')) {
    const frames = byCustodian.get(s.custodian);
    assert.ok(frames !== undefined, `a QR image for ${s.custodian}`);
    const assembler = createQrAssembler();
    for (const f of frames) assembler.receive(f);
    const scanned = assembler.result();
    assert.deepEqual(scanned, encodeEnvelope(envelopes.get(s.custodian)!));
    const decoded = decodeEnvelope(scanned);
    assert.equal(decoded.custodianIndex, plan.custodians.findIndex((c) => c.id === s.custodian));
    wipeEnvelope(decoded);
  }

  // Any 3 custodians' shard files recover the fingerprint in summary.json; any 2 do not recover anything.
  const ids = [...envelopes.keys()];
  for (const three of combinations(ids, 3)) assert.equal(fingerprintFrom(three.map((id) => envelopes.get(id)!)), summary.fingerprint, three.join(','));
  for (const two of combinations(ids, 2).slice(0, 3)) {
    assert.throws(() => fingerprintFrom(two.map((id) => envelopes.get(id)!)), (e: unknown) => e instanceof KeyshardError && e.code === 'BELOW_THRESHOLD');
  }
  envelopes.forEach(wipeEnvelope);

  // keyshard transcript verify passes (through runCli and through the real binary, where it is registered).
  const verified = await cli(['transcript', 'verify', join(dir, 'transcript.json')], transcriptCommands);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /every link and signature holds/);
  // The first test gets here before any spawned demo has (re)built the bundle: build it if a source is newer or it is missing.
  ensureCliBundle();
  const bin = spawnSync(process.execPath, [join(repo, 'bin/keyshard.mjs'), 'transcript', 'verify', join(dir, 'transcript.json'), '--json'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  assert.equal(bin.status, 0, bin.stderr);
  const report = JSON.parse(bin.stdout) as { valid: boolean; witnessesPinned: boolean; signoffs: { kind: string; witnesses: { id: string }[] }[] };
  assert.equal(report.valid, true);
  assert.equal(report.witnessesPinned, true);
  // The ceremony signs with the witnesses' keys as the demo holds them (no key file opened): each written key file opens
  // with the passphrase the summary gives, to the very key the transcript pins for that witness.
  const pinned = (JSON.parse(readFileSync(join(dir, 'transcript.json'), 'utf8')) as { entries: { data: { witnessKeys: { id: string; publicKey: string }[] } }[] }).entries[0]!.data.witnessKeys;
  for (const w of summary.witnesses) {
    const sealed = parseSealedWitnessKey(readFileSync(join(dir, w.key), 'utf8'), w.id);
    const secret = await unsealWitnessKey(sealed, w.passphrase);
    assert.equal(bytesToHex(ed25519.getPublicKey(secret)), pinned.find((k) => k.id === w.id)?.publicKey, `${w.key} holds ${w.id}'s pinned key`);
    secret.fill(0);
  }
  // Both witnesses signed every checkpoint.
  for (const s of report.signoffs.filter((x) => ['generate', 'split', 'confirm', 'test-recovery', 'destroy', 'seal'].includes(x.kind))) {
    assert.deepEqual(s.witnesses.map((w) => w.id).sort(), ['victor', 'wendy'], s.kind);
  }
}

/** Byte spans of each entry in the file as keyshard lays it out (entry n starts at `{\n      "seq": n,`). */
function entrySpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (let n = 1; ; n++) {
    const start = text.indexOf(`{\n      "seq": ${n},`);
    if (start < 0) return spans;
    spans.push({ start, end: text.indexOf('\n    }', start) + '\n    }'.length });
  }
}

/** A replacement that likely keeps the JSON valid: another digit, another hex letter, another letter. */
function replacement(c: number, salt: number): number {
  if (c >= 0x30 && c <= 0x39) return 0x30 + ((c - 0x30 + 1 + (salt % 9)) % 10);
  if (c >= 0x61 && c <= 0x66) return 0x61 + ((c - 0x61 + 1 + (salt % 5)) % 6);
  if (c >= 0x61 && c <= 0x7a) return c === 0x7a ? 0x79 : c + 1;
  if (c >= 0x41 && c <= 0x5a) return c === 0x5a ? 0x59 : c + 1;
  return c ^ 0x01;
}

function stillJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}

let slip39Dir: string;
let slip39Summary: DemoSummary;

describe('keyshard demo', () => {
  before(async () => {
    slip39Dir = join(tempDir('out'), 'demo');
    const r = await cli(['demo', '--out', slip39Dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    slip39Summary = JSON.parse(r.stdout) as DemoSummary;
  });

  it('(runCli, SLIP-39) writes the summary, shards, keys, QR images and a transcript that all check out', { timeout: 120_000 }, async () => {
    await checkDemoDir(slip39Dir, slip39Summary, 'slip39');
    assert.deepEqual(readdirSync(slip39Dir).sort(), ['keys', 'plan.json', 'qr', 'shards', 'summary.json', 'transcript.json']);
  });

  it('(spawned, VSS) prints each step with the fingerprint and files, and its output checks out the same way', { timeout: 120_000 }, async () => {
    const dir = join(tempDir('out'), 'demo-vss');
    const r = spawnDemo(['demo', '--out', dir, '--scheme', 'vss']);
    assert.equal(r.status, 0, `${r.via}: ${r.stderr}`);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as DemoSummary;
    const display = (summary.fingerprint.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ');
    assert.match(r.stdout, new RegExp(`Fingerprint: ${display}`));
    for (const s of summary.shards) assert.ok(r.stdout.includes(s.file), `the output names ${s.file}`);
    assert.match(r.stdout, /Air gap: (no network interface|this machine is online)/);
    assert.match(r.stdout, /Test recovery from .* matches/);
    assert.match(r.stdout, /Sealed\. Transcript: transcript\.json \(\d+ entries\)\. Final hash: [0-9a-f]{64}/);
    // The "check it yourself" age command names the age shard file the demo wrote.
    const ageFile = summary.shards.find((s) => s.protection === 'age')!.file;
    assert.ok(r.stdout.includes(`age -d -i ${join(dir, 'keys')}`) && r.stdout.includes(join(dir, ageFile)), 'the age command names the written file');
    assert.ok(existsSync(join(dir, ageFile)));
    const airgap = JSON.parse(readFileSync(join(dir, 'transcript.json'), 'utf8')).entries.filter((e: { kind: string }) => e.kind === 'airgap-check');
    if (/this machine is online/.test(r.stdout)) {
      assert.equal(airgap.at(-1).data.override.witnessId, 'wendy', 'the override is recorded with the witness');
    } else {
      assert.equal(airgap.at(-1).data.passed, true);
    }
    await checkDemoDir(dir, summary, 'vss');
  });

  it('makes verification fail, naming the entry, when any sampled byte of the transcript changes', { timeout: 120_000 }, () => {
    const text = readFileSync(join(slip39Dir, 'transcript.json'), 'utf8');
    const bytes = new TextEncoder().encode(text);
    assert.equal(bytes.length, text.length, 'the demo transcript is ASCII');
    assert.ok(verifyTranscriptBytes(bytes).ok);
    const spans = entrySpans(text);
    assert.ok(spans.length > 40, `${spans.length} entries`);
    // In every entry: its seq, prevHash, time, kind, hash, a brace, and a few places in its data (the signature in a sign-off).
    let tried = 0;
    let json = 0;
    spans.forEach((span, i) => {
      const seq = i + 1;
      const entry = text.slice(span.start, span.end);
      const at = (needle: string, offset = 0): number => span.start + entry.indexOf(needle) + needle.length + offset;
      const dataStart = at('"data": ');
      const dataEnd = span.start + entry.indexOf(',\n      "hash": ');
      const positions = [
        span.start,
        at('"seq": '),
        at('"prevHash": "', 5),
        at('"at": "', 17),
        at('"kind": "', 1),
        at('"hash": "', 63),
        span.end - 1,
        ...[0.2, 0.5, 0.8].map((f) => dataStart + Math.floor((dataEnd - dataStart) * f)),
      ];
      for (const [k, p] of positions.entries()) {
        const mutated = bytes.slice();
        mutated[p] = replacement(bytes[p]!, seq + k);
        if (mutated[p] === bytes[p]) continue;
        const r = verifyTranscriptBytes(mutated);
        tried++;
        assert.equal(r.ok, false, `entry ${seq}, byte ${p}: still verifies`);
        if (r.ok) continue;
        if (stillJson(mutated)) {
          json++;
          assert.equal(r.firstBadSeq, seq, `entry ${seq}, byte ${p} (${JSON.stringify(text[p])}): ${r.reason}`);
        } else {
          assert.equal(r.code, 'TRANSCRIPT_FORMAT');
        }
      }
    });
    assert.ok(tried >= spans.length * 8, `${tried} changes tried`);
    assert.ok(json > tried / 2, `most changes keep the JSON valid, so the blame is checked (${json} of ${tried})`);
  });

  it('names the changed entry in `keyshard transcript verify` output', async () => {
    const dir = tempDir('tamper');
    const text = readFileSync(join(slip39Dir, 'transcript.json'), 'utf8');
    const at = text.indexOf('"kind": "split"');
    const p = text.lastIndexOf('"seq": ', at) + '"seq": '.length;
    const seq = Number(/^\d+/.exec(text.slice(p))![0]);
    const fp = text.indexOf('"fingerprint": "', at) + '"fingerprint": "'.length;
    const edited = text.slice(0, fp) + (text[fp] === 'a' ? 'b' : 'a') + text.slice(fp + 1);
    writeFileSync(join(dir, 't.json'), edited);
    const r = await cli(['transcript', 'verify', join(dir, 't.json')], transcriptCommands);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`entry ${seq} \\(split\\)`));
  });

  it('replaces a previous demo, and refuses a non-empty directory that is not one, saying what to do', { timeout: 120_000 }, async () => {
    const again = await cli(['demo', '--out', slip39Dir, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const summary = JSON.parse(again.stdout) as DemoSummary;
    assert.notEqual(summary.fingerprint, slip39Summary.fingerprint, 'a fresh ceremony');
    checkSummaryShape(slip39Dir, summary);

    const foreign = tempDir('foreign');
    writeFileSync(join(foreign, 'thesis.tex'), 'do not delete');
    const r = await cli(['demo', '--out', foreign]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not empty and does not hold a previous keyshard demo/);
    assert.match(r.stderr, /new or empty directory/);
    assert.deepEqual(readdirSync(foreign), ['thesis.tex']);

    const missing = await cli(['demo']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--out DIR is required/);
    const badScheme = await cli(['demo', '--out', join(foreign, 'x'), '--scheme', 'shamir']);
    assert.equal(badScheme.code, 2);
    assert.match(badScheme.stderr, /--scheme must be slip39 or vss/);
  });

  it('--iteration-exponent E writes SLIP-39 shares stretched with exponent E (default: keyshard\'s own), and refuses what SLIP-39 cannot carry', { timeout: 120_000 }, async () => {
    const exponents = async (dir: string, summary: DemoSummary): Promise<number[]> =>
      [...(await shardTexts(dir, summary)).values()].map((t) => decodeShare(decodeSlip39Payload(envelopeFromText(t).payload)).iterationExponent);
    assert.deepEqual(await exponents(slip39Dir, JSON.parse(readFileSync(join(slip39Dir, 'summary.json'), 'utf8')) as DemoSummary), Array(5).fill(DEFAULT_ITERATION_EXPONENT));

    const dir = join(tempDir('out'), 'demo-e0');
    const r = await cli(['demo', '--out', dir, '--iteration-exponent', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SLIP-39, PBKDF2 iteration exponent 0 ceremony with throwaway keys/);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as DemoSummary;
    assert.deepEqual(await exponents(dir, summary), [0, 0, 0, 0, 0]);
    await checkDemoDir(dir, summary, 'slip39');

    for (const bad of ['16', '-1', '1.5', 'one', '']) {
      const refused = await cli(['demo', '--out', join(dir, 'x'), `--iteration-exponent=${bad}`]);
      assert.equal(refused.code, 2, bad);
      assert.match(refused.stderr, /INVALID_ARGUMENT: --iteration-exponent must be a whole number from 0 to 15/, bad);
    }
    const vss = await cli(['demo', '--out', join(dir, 'x'), '--scheme', 'vss', '--iteration-exponent', '0']);
    assert.equal(vss.code, 2);
    assert.match(vss.stderr, /applies to SLIP-39 shares only/);
    assert.equal(existsSync(join(dir, 'x')), false, 'nothing written for a refused option');
    const help = await cli(['demo', '--help']);
    assert.match(help.stdout, /--iteration-exponent E\n\s+SLIP-39 only: the shares' PBKDF2 iteration exponent, 0 to 15/);
  });
});
