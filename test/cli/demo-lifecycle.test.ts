/**
 * `keyshard demo --lifecycle` (issue 17): summary.json's "lifecycle" is checked here without keyshard's own VSS code,
 * by plain bigint Lagrange interpolation over the ed25519 group order and noble's ed25519.verify: the refreshed shares
 * recombine to the group key, old and new shares do not mix, the repaired share is the lost one, and the FROST
 * signature verifies as an ordinary Ed25519 signature. The refresh, the repair and the signing each leave a sealed
 * transcript that `keyshard transcript verify` accepts as its kind, each citing the one before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { demoCommands, type DemoSummary } from '../../electron/cli/commands/demo';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';

const work = mkdtempSync(join(tmpdir(), 'keyshard-demo-lifecycle-'));
after(() => rmSync(work, { recursive: true, force: true }));

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const mod = (a: bigint) => ((a % L) + L) % L;
function inv(a: bigint): bigint {
  let [r, x, e] = [1n, mod(a), L - 2n];
  while (e > 0n) {
    if (e & 1n) r = mod(r * x);
    x = mod(x * x);
    e >>= 1n;
  }
  return r;
}
/** FROST(Ed25519) encodes scalars little-endian. */
const scalar = (hex: string) => BigInt(`0x${bytesToHex(hexToBytes(hex).reverse())}`);
function interpolateAtZero(points: { identifier: string; signingShare: string }[]): bigint {
  const xs = points.map((p) => scalar(p.identifier));
  let sum = 0n;
  points.forEach((p, i) => {
    let num = 1n;
    let den = 1n;
    xs.forEach((xj, j) => {
      if (j === i) return;
      num = mod(num * xj);
      den = mod(den * (xj - xs[i]!));
    });
    sum = mod(sum + scalar(p.signingShare) * num * inv(den));
  });
  return sum;
}
const publicOf = (s: bigint) => bytesToHex(ed25519.Point.BASE.multiply(s).toBytes());

describe('keyshard demo --lifecycle', () => {
  it('refreshes, repairs and FROST-signs; an outside check agrees on every claim', { timeout: 180_000 }, async () => {
    let stdout = '';
    const io: CliIo = { readStdin: async () => '', stdout: (t) => void (stdout += t), stderr: () => {} };
    const out = join(work, 'demo');
    assert.equal(await runCli(['demo', '--scheme', 'vss', '--lifecycle', '--json', '--out', out], io, demoCommands), 0);
    const summary = JSON.parse(stdout) as DemoSummary;
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).lifecycle, summary.lifecycle, 'summary.json has it too');
    const lc = summary.lifecycle;
    assert.ok(lc, 'a lifecycle section');
    assert.equal(lc.oldShares.length, 5);
    assert.equal(lc.newShares.length, 5);

    // Any three refreshed shares give the group key; so do any three old ones; a mix of old and new does not.
    for (const pick of [[0, 1, 2], [1, 3, 4], [0, 2, 4]]) {
      assert.equal(publicOf(interpolateAtZero(pick.map((i) => lc.newShares[i]!))), lc.groupPublicKey);
      assert.equal(publicOf(interpolateAtZero(pick.map((i) => lc.oldShares[i]!))), lc.groupPublicKey);
    }
    assert.notEqual(publicOf(interpolateAtZero([lc.oldShares[0]!, lc.oldShares[1]!, lc.newShares[2]!])), lc.groupPublicKey);
    for (const [i, s] of lc.newShares.entries()) assert.notEqual(s.signingShare, lc.oldShares[i]!.signingShare, `share ${i + 1} changed`);

    // The repaired share is custodian 2's refreshed share.
    assert.deepEqual(lc.repaired, lc.newShares[1]);

    // The signature is plain Ed25519 under the group key, over "keyshard"; one flipped bit is not.
    const msg = hexToBytes(lc.message);
    assert.equal(new TextDecoder().decode(msg), 'keyshard');
    assert.equal(ed25519.verify(hexToBytes(lc.signature), msg, hexToBytes(lc.groupPublicKey)), true);
    const flipped = hexToBytes(lc.signature);
    flipped[40]! ^= 1;
    assert.equal(ed25519.verify(flipped, msg, hexToBytes(lc.groupPublicKey)), false);

    // The old shares are the demo ceremony's own (its transcript's split commitments are what they were checked against).
    // Each lifecycle transcript named in summary.json: `keyshard transcript verify` accepts it as its sealed kind, and
    // each cites the one before it by final hash (key ceremony -> refresh -> repair -> signing).
    assert.deepEqual(lc.transcripts, { refresh: 'refresh-transcript.json', repair: 'repair-transcript.json', signing: 'signing-transcript.json' });
    type Report = { ceremonyKind: string; sealed: boolean; headHash: string; ceremonyId: string; witnessesPinned: boolean; signoffs: { kind: string; witnesses: unknown[] }[] };
    const verify = async (file: string): Promise<Report> => {
      let report = '';
      let err = '';
      const vio: CliIo = { readStdin: async () => '', stdout: (t) => void (report += t), stderr: (t) => void (err += t) };
      assert.equal(await runCli(['transcript', 'verify', join(out, file), '--json'], vio, transcriptCommands), 0, err);
      return JSON.parse(report) as Report;
    };
    const kinds: string[] = [];
    for (const [kind, file] of Object.entries(lc.transcripts)) {
      const v = await verify(file);
      assert.deepEqual([v.ceremonyKind, v.sealed], [kind, true], file);
      // The demo's witness, pinned in each plan, signed off each one's checkpoints, the seal among them.
      assert.equal(v.witnessesPinned, true, file);
      assert.ok(v.signoffs.some((x) => x.kind === 'seal' && x.witnesses.length === 1), `${file}: the seal is signed off`);
      kinds.push(kind);
    }
    assert.deepEqual(kinds, ['refresh', 'repair', 'signing']);
    const cites = (file: string): string => readFileSync(join(out, file), 'utf8');
    assert.ok(cites(lc.transcripts.refresh).includes(summary.finalHash), 'the refresh cites the key ceremony');
    assert.ok(cites(lc.transcripts.repair).includes((await verify(lc.transcripts.refresh)).headHash), 'the repair cites the refresh');
    assert.ok(cites(lc.transcripts.signing).includes((await verify(lc.transcripts.repair)).headHash), 'the signing cites the repair');
    assert.ok(cites(lc.transcripts.signing).includes(lc.signature), 'the signing records the signature');
    const texts: string[] = Object.values(lc.transcripts).map((name: string) => cites(name));
    for (const share of [...lc.oldShares, ...lc.newShares]) for (const text of texts) assert.equal(text.includes(share.signingShare), false, 'no share in a transcript');
  });

  it('without --lifecycle the summary has no lifecycle section', { timeout: 180_000 }, async () => {
    let stdout = '';
    const io: CliIo = { readStdin: async () => '', stdout: (t) => void (stdout += t), stderr: () => {} };
    assert.equal(await runCli(['demo', '--scheme', 'vss', '--json', '--out', join(work, 'plain')], io, demoCommands), 0);
    assert.equal('lifecycle' in (JSON.parse(stdout) as object), false);
  });
});
