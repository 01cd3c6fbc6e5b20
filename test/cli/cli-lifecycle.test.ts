// keyshard vss refresh / repair and frost commit / request / sign-share / aggregate, run in-process through the real
// command catalogue; files in a temporary folder stand for what is carried between air-gapped laptops.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { commands } from '../../electron/cli/commands/index';
import { type CliRun, runCommands } from '../helpers/cli';

const run = (argv: string[], stdin = ''): Promise<CliRun> => runCommands(commands, argv, stdin);
const dir = mkdtempSync(join(tmpdir(), 'ks-lifecycle-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string) => join(dir, `${n++}-${name}`);

interface Deal {
  ciphersuite: string;
  threshold: number;
  groupPublicKey: string;
  commitments: string[];
  shares: { identifier: string; signingShare: string }[];
}

function ok(r: CliRun): string {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

function errorOf(r: CliRun): { code: string; message: string } {
  assert.notEqual(r.code, 0, 'expected a failure');
  assert.equal(r.stdout, '');
  return (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
}

async function deal(suite: string, t: number, count: number): Promise<Deal> {
  return JSON.parse(ok(await run(['vss', 'deal', '--ciphersuite', suite, '--threshold', String(t), '--shares', String(count), '--json']))) as Deal;
}

async function combine(d: Omit<Deal, 'shares'>, shares: Deal['shares'], withCommitments = true): Promise<CliRun> {
  const input = { ciphersuite: d.ciphersuite, threshold: d.threshold, ...(withCommitments ? { commitments: d.commitments } : {}), shares };
  return run(['vss', 'combine', '--json', ...(withCommitments ? [] : ['--no-verify'])], JSON.stringify(input));
}

function shareFile(d: Omit<Deal, 'shares'>, share: Deal['shares'][number]): string {
  const p = file('share.json');
  writeFileSync(p, JSON.stringify({ ciphersuite: d.ciphersuite, threshold: d.threshold, groupPublicKey: d.groupPublicKey, commitments: d.commitments, share }), { mode: 0o600 });
  return p;
}

describe('keyshard vss refresh', () => {
  it('prints new shares of the same group key; a quorum of them recovers the same secret; old and new do not mix', async () => {
    const old = await deal('ed25519', 2, 3);
    const before = JSON.parse(ok(await combine(old, old.shares.slice(0, 2)))) as { secretHex: string };
    const next = JSON.parse(ok(await run(['vss', 'refresh', '--json'], JSON.stringify(old)))) as Deal;
    assert.equal(next.groupPublicKey, old.groupPublicKey);
    assert.equal(next.threshold, 2);
    assert.deepEqual(next.shares.map((s) => s.identifier), old.shares.map((s) => s.identifier));
    const after = JSON.parse(ok(await combine(next, next.shares.slice(1)))) as { secretHex: string };
    assert.equal(after.secretHex, before.secretHex);
    assert.equal(errorOf(await combine(next, [old.shares[0]!, next.shares[1]!])).code, 'VSS_SHARE_INVALID');
    const mixed = JSON.parse(ok(await combine(next, [old.shares[0]!, next.shares[1]!], false))) as { groupPublicKey: string };
    assert.notEqual(mixed.groupPublicKey, old.groupPublicKey);
  });

  it('raises the threshold, re-shares to a lower one, and refuses to lower it without --reshare', async () => {
    const old = await deal('secp256k1', 2, 4);
    const raised = JSON.parse(ok(await run(['vss', 'refresh', '--new-threshold', '3', '--json'], JSON.stringify(old)))) as Deal;
    assert.equal(raised.threshold, 3);
    assert.equal(raised.commitments.length, 3);
    assert.equal(errorOf(await combine(raised, raised.shares.slice(0, 2))).code, 'BELOW_THRESHOLD');
    const re = JSON.parse(ok(await run(['vss', 'refresh', '--reshare', '--new-threshold', '2', '--new-shares', '5', '--json'], JSON.stringify(raised)))) as Deal;
    assert.equal(re.shares.length, 5);
    assert.equal(re.groupPublicKey, old.groupPublicKey);
    const a = JSON.parse(ok(await combine(re, re.shares.slice(3)))) as { secretHex: string };
    const b = JSON.parse(ok(await combine(old, old.shares.slice(0, 2)))) as { secretHex: string };
    assert.equal(a.secretHex, b.secretHex);
    const lower = await run(['vss', 'refresh', '--new-threshold', '2', '--json'], JSON.stringify(raised));
    assert.equal(lower.code, 1);
    assert.equal(errorOf(lower).code, 'INVALID_ARGUMENT');
    const usage = await run(['vss', 'refresh', '--reshare', '--json'], JSON.stringify(raised));
    assert.equal(usage.code, 2);
  });

  it('names a share of another deal without printing any share value', async () => {
    const a = await deal('p256', 2, 3);
    const b = await deal('p256', 2, 3);
    const r = await run(['vss', 'refresh', '--json'], JSON.stringify({ ...a, shares: [a.shares[0], b.shares[1], a.shares[2]] }));
    const e = errorOf(r);
    assert.equal(e.code, 'VSS_SHARE_INVALID');
    for (const s of [...a.shares, ...b.shares]) assert.ok(!r.stderr.includes(s.signingShare));
  });
});

describe('keyshard vss repair', () => {
  it('rebuilds the lost share exactly, as a share file vss verify-share accepts', async () => {
    for (const suite of ['ed25519', 'secp256k1', 'p256']) {
      const d = await deal(suite, 3, 5);
      const r = JSON.parse(ok(await run(['vss', 'repair', '--identifier', '2', '--json'], JSON.stringify({ ...d, shares: [d.shares[0], d.shares[3], d.shares[4]] })))) as { share: Deal['shares'][number] };
      assert.deepEqual(r.share, d.shares[1], suite);
      ok(await run(['vss', 'verify-share', '--json'], JSON.stringify(r)));
      // By identifier hex too.
      const byHex = JSON.parse(ok(await run(['vss', 'repair', '--identifier', d.shares[1]!.identifier, '--json'], JSON.stringify({ ...d, shares: d.shares.slice(2) })))) as { share: Deal['shares'][number] };
      assert.deepEqual(byHex.share, d.shares[1]);
    }
  });

  it('refuses too few helpers, and a lost identifier that is among them', async () => {
    const d = await deal('ed25519', 3, 5);
    assert.equal(errorOf(await run(['vss', 'repair', '--identifier', '5', '--json'], JSON.stringify({ ...d, shares: d.shares.slice(0, 2) }))).code, 'BELOW_THRESHOLD');
    assert.equal(errorOf(await run(['vss', 'repair', '--identifier', '1', '--json'], JSON.stringify({ ...d, shares: d.shares.slice(0, 3) }))).code, 'INVALID_ARGUMENT');
    assert.equal((await run(['vss', 'repair', '--json'], JSON.stringify(d))).code, 2);
  });
});

async function signRound(d: Deal, signers: number[], messageHex: string) {
  const commitments: string[] = [];
  const noncesFiles: string[] = [];
  const keys = signers.map((i) => shareFile(d, d.shares[i]!));
  for (const key of keys) {
    const nonces = file('nonces.json');
    commitments.push(ok(await run(['frost', 'commit', '--key', key, '--nonces-out', nonces])));
    noncesFiles.push(nonces);
  }
  const publicFile = shareFile(d, d.shares[0]!); // any share file holds the public deal; request reads only that
  const request = ok(await run(['frost', 'request', '--deal', publicFile, '--message-hex', messageHex], commitments.join('')));
  const requestFile = file('request.json');
  writeFileSync(requestFile, request);
  const sigShares: string[] = [];
  for (let i = 0; i < keys.length; i++) sigShares.push(ok(await run(['frost', 'sign-share', '--key', keys[i]!, '--nonces', noncesFiles[i]!], request)));
  return { keys, noncesFiles, commitments, request, requestFile, sigShares };
}

describe('keyshard frost (commit, request, sign-share, aggregate)', () => {
  for (const suite of ['ed25519', 'secp256k1'] as const) {
    it(`${suite}: a quorum signs; the signature verifies with plain ${suite === 'ed25519' ? 'ed25519.verify' : 'schnorr.verify'}; nonces are not reused`, async () => {
      const d = await deal(suite, 2, 3);
      const message = bytesToHex(new TextEncoder().encode('keyshard'));
      const round = await signRound(d, [2, 0], message);
      const out = JSON.parse(ok(await run(['frost', 'aggregate', '--request', round.requestFile, '--json'], round.sigShares.join('\n')))) as { signature: string; verifyingKey: string; groupPublicKey: string; verified: boolean };
      assert.equal(out.groupPublicKey, d.groupPublicKey);
      const sig = hexToBytes(out.signature);
      const msg = hexToBytes(message);
      const verified = suite === 'ed25519' ? ed25519.verify(sig, msg, hexToBytes(d.groupPublicKey)) : schnorr.verify(sig, msg, hexToBytes(d.groupPublicKey).subarray(1));
      assert.ok(verified);
      assert.equal(out.verifyingKey, suite === 'ed25519' ? d.groupPublicKey : d.groupPublicKey.slice(2));
      // The nonces file is burnt: no nonce left in it, and a second round with it is refused.
      const state = JSON.parse(readFileSync(round.noncesFiles[0]!, 'utf8')) as Record<string, unknown>;
      assert.equal(state['used'], true);
      assert.equal(state['hiding'], undefined);
      const again = await run(['frost', 'sign-share', '--key', round.keys[0]!, '--nonces', round.noncesFiles[0]!, '--json'], round.request);
      assert.equal(again.code, 1);
      assert.equal(errorOf(again).code, 'FROST_NONCE_USED');
    });
  }

  it('a stale commitment in the request is refused and leaves the nonces unused; a replayed commitment is refused by the coordinator', async () => {
    const d = await deal('ed25519', 2, 3);
    const round = await signRound(d, [0, 1], '00');
    // Signer 0 commits again (new nonces file) but the coordinator reuses the old request: stale, nothing signed.
    const fresh = file('nonces.json');
    ok(await run(['frost', 'commit', '--key', round.keys[0]!, '--nonces-out', fresh]));
    const stale = await run(['frost', 'sign-share', '--key', round.keys[0]!, '--nonces', fresh, '--json'], round.request);
    assert.equal(errorOf(stale).code, 'FROST_COMMITMENT');
    assert.equal((JSON.parse(readFileSync(fresh, 'utf8')) as { used: boolean }).used, false);
    // One commitment given twice (a replay under the same identifier) or another's nonce points copied under a second identifier.
    const dup = await run(['frost', 'request', '--deal', round.keys[0]!, '--message-hex', '00', '--json'], round.commitments[0]! + round.commitments[0]!);
    assert.equal(errorOf(dup).code, 'DUPLICATE_SHARE');
    const copied = { ...(JSON.parse(round.commitments[0]!) as object), identifier: d.shares[2]!.identifier };
    const replay = await run(['frost', 'request', '--deal', round.keys[0]!, '--message-hex', '00', '--json'], round.commitments[0]! + JSON.stringify(copied));
    assert.equal(errorOf(replay).code, 'FROST_COMMITMENT');
    // A signature share for another request is named.
    const other = await signRound(d, [0, 1], '01');
    const bad = await run(['frost', 'aggregate', '--request', round.requestFile, '--json'], round.sigShares[0]! + other.sigShares[1]!);
    assert.equal(errorOf(bad).code, 'FROST_SHARE_INVALID');
    // Too few signers.
    assert.equal(errorOf(await run(['frost', 'request', '--deal', round.keys[0]!, '--message-hex', '00', '--json'], round.commitments[0]!)).code, 'BELOW_THRESHOLD');
  });

  it('refuses p256 keys, a key file with several shares, and a commitment of another key', async () => {
    const p = await deal('p256', 2, 2);
    const pk = shareFile(p, p.shares[0]!);
    assert.equal(errorOf(await run(['frost', 'commit', '--key', pk, '--nonces-out', file('n.json'), '--json'])).code, 'VSS_CIPHERSUITE');
    const d = await deal('ed25519', 2, 2);
    const many = file('many.json');
    writeFileSync(many, JSON.stringify(d));
    assert.equal((await run(['frost', 'commit', '--key', many, '--nonces-out', file('n.json'), '--json'])).code, 2);
    const e = await deal('ed25519', 2, 2);
    const c1 = ok(await run(['frost', 'commit', '--key', shareFile(d, d.shares[0]!), '--nonces-out', file('n.json')]));
    const c2 = ok(await run(['frost', 'commit', '--key', shareFile(e, e.shares[1]!), '--nonces-out', file('n.json')]));
    assert.equal(errorOf(await run(['frost', 'request', '--deal', shareFile(d, d.shares[1]!), '--message-hex', '00', '--json'], c1 + c2)).code, 'FROST_COMMITMENT');
  });
});
