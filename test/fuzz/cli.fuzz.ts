/**
 * Fuzzing the CLI's standard input (electron/cli, run in-process by test/helpers/cli.ts): `slip39 combine` (one
 * mnemonic a line), `vss combine` and `vss verify-share` (JSON), with random text, valid input damaged character by
 * character, and valid JSON edited (hostile member names too). Property: the run returns an exit code (0, 1 or 2),
 * never throws, never reports INTERNAL (what an untyped error becomes), reports errors as JSON on stderr under
 * --json, never prints three consecutive words of a mnemonic or a signing share it was given on stderr, and when it
 * succeeds with verification on, prints the right secret.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { combineMnemonics } from '../../core/slip39/index';
import { slip39Commands } from '../../electron/cli/commands/slip39';
import { slip39ExtendCommands } from '../../electron/cli/commands/slip39-extend';
import { nodePbkdf2 } from '../core/slip39-helpers';
import { vssCommands } from '../../electron/cli/commands/vss';
import { runCommands, type CliRun } from '../helpers/cli';
import { CallClock, fuzzRuns, mutatedJson, mutatedText, params } from './fuzz-kit';
import { SLIP39_SECRET_HEX, SLIP39_SIMPLE, VSS_SETS } from './fixtures';

const RUNS = fuzzRuns(300);

const secretsOf = (stdin: string): string[] => {
  const needles: string[] = [];
  for (const m of SLIP39_SIMPLE) {
    const w = m.split(' ');
    for (let i = 0; i + 3 <= w.length; i++) needles.push(w.slice(i, i + 3).join(' '));
  }
  for (const s of VSS_SETS) for (const sh of s.deal.shares) needles.push(bytesToHex(sh.signingShare));
  return needles.filter((n) => stdin.toLowerCase().includes(n));
};

async function run(clock: CallClock, commands: Parameters<typeof runCommands>[0], argv: string[], stdin: string): Promise<CliRun> {
  const r = await clock.runAsync(() => runCommands(commands, argv, stdin));
  assert.ok(r.ok, `keyshard ${argv.join(' ')} threw`);
  const out = r.value;
  assert.ok([0, 1, 2].includes(out.code), `exit code ${out.code}`);
  if (out.code !== 0) {
    assert.ok(out.stderr.length > 0, 'a failure with nothing on stderr');
    assert.ok(!/INTERNAL|Unexpected failure/.test(out.stderr), `keyshard ${argv.join(' ')}: ${out.stderr.slice(0, 300)}`);
    if (argv.includes('--json')) {
      const err = JSON.parse(out.stderr) as { error: { code: string; message: string } };
      assert.ok(err.error.code.length > 0 && err.error.message.length > 0);
    }
  }
  for (const n of secretsOf(stdin)) assert.ok(!out.stderr.toLowerCase().includes(n), 'stderr repeats secret input');
  return out;
}

const vssInput = (setIndex: number, pick: [number, number], withCommitments: boolean) => {
  const s = VSS_SETS[setIndex]!;
  return {
    ciphersuite: s.ciphersuite,
    threshold: s.deal.threshold,
    ...(withCommitments ? { commitments: s.deal.commitments.map(bytesToHex) } : {}),
    shares: pick.map((i) => ({ identifier: bytesToHex(s.deal.shares[i]!.identifier), signingShare: bytesToHex(s.deal.shares[i]!.signingShare) })),
  };
};

describe('fuzz: CLI standard input', () => {
  it('slip39 combine: random and damaged mnemonics on stdin', async () => {
    const clock = new CallClock('keyshard slip39 combine');
    const valid = fc.shuffledSubarray(SLIP39_SIMPLE, { minLength: 1 }).map((ms) => ms.join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedText(valid, fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz \n\r\t')), valid, fc.string({ maxLength: 300 })), fc.boolean(), async (stdin, json) => {
        const argv = ['slip39', 'combine', ...(json ? ['--json'] : [])];
        const out = await run(clock, slip39Commands, argv, stdin);
        if (out.code === 0) assert.ok(out.stdout.includes(SLIP39_SECRET_HEX), 'combined to a wrong secret');
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('slip39 extend: random and damaged quorums on stdin; any share it issues combines with an old one to the secret', async () => {
    const clock = new CallClock('keyshard slip39 extend');
    const valid = fc.shuffledSubarray(SLIP39_SIMPLE, { minLength: 1 }).map((ms) => ms.join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedText(valid, fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz \n\r\t')), valid, fc.string({ maxLength: 300 })), fc.integer({ min: 4, max: 16 }), async (stdin, member) => {
        const out = await run(clock, slip39ExtendCommands, ['slip39', 'extend', '--member', String(member), '--json'], stdin);
        if (out.code !== 0) return;
        // A damaged quorum never yields a share: whatever is issued is a true share of the backup.
        const issued = JSON.parse(out.stdout) as { shares: { mnemonic: string }[] };
        for (const s of issued.shares) assert.equal(bytesToHex(combineMnemonics([SLIP39_SIMPLE[0]!, s.mnemonic], '', nodePbkdf2)), SLIP39_SECRET_HEX);
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('vss combine: random, damaged and edited JSON on stdin; with verification on, only the right secret', async () => {
    const clock = new CallClock('keyshard vss combine');
    const valid = fc.tuple(fc.integer({ min: 0, max: VSS_SETS.length - 1 }), fc.constantFrom<[number, number]>([0, 1], [1, 2], [2, 0]), fc.boolean()).map(([s, p, c]) => vssInput(s, p, c));
    // A share that is well-formed but wrong: one hex digit of its signing share changed, or a share of another deal.
    const otherShares = VSS_SETS.flatMap((s) => s.deal.shares.map((sh) => ({ identifier: bytesToHex(sh.identifier), signingShare: bytesToHex(sh.signingShare) })));
    const wrongShare = fc
      .tuple(valid, fc.nat(), fc.nat(), fc.constantFrom(...'0123456789abcdef'), fc.option(fc.constantFrom(...otherShares), { freq: 2 }))
      .map(([v, which, digit, hex, other]) => {
        const shares = v.shares.map((sh) => ({ ...sh }));
        const i = which % shares.length;
        if (other !== null) shares[i] = other;
        else {
          const ss = shares[i]!.signingShare;
          const at = digit % ss.length;
          shares[i]!.signingShare = ss.slice(0, at) + hex + ss.slice(at + 1);
        }
        return JSON.stringify({ ...v, shares });
      });
    const stdinArb = fc.oneof(
      wrongShare,
      valid.chain((v) => mutatedJson(v)).map((v) => JSON.stringify(v) ?? ''),
      valid.chain((v) => mutatedText(JSON.stringify(v))),
      valid.map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
    );
    await fc.assert(
      fc.asyncProperty(stdinArb, fc.boolean(), async (stdin, noVerify) => {
        const argv = ['vss', 'combine', '--json', ...(noVerify ? ['--no-verify'] : [])];
        const out = await run(clock, vssCommands, argv, stdin);
        if (out.code === 0 && !noVerify) {
          const secretHex = (JSON.parse(out.stdout) as { secretHex: string }).secretHex;
          assert.ok(VSS_SETS.some((s) => s.secretHex === secretHex), 'vss combine with verification printed a wrong secret');
        }
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('vss verify-share: random, damaged and edited JSON on stdin', async () => {
    const clock = new CallClock('keyshard vss verify-share');
    const valid = fc.tuple(fc.integer({ min: 0, max: VSS_SETS.length - 1 }), fc.integer({ min: 0, max: 2 })).map(([si, i]) => {
      const v = vssInput(si, [i, i], true);
      return { ciphersuite: v.ciphersuite, threshold: v.threshold, commitments: v.commitments, share: v.shares[0] };
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(valid.chain((v) => mutatedJson(v)).map((v) => JSON.stringify(v) ?? ''), valid.chain((v) => mutatedText(JSON.stringify(v))), fc.string({ maxLength: 200 })), fc.boolean(), async (stdin, json) => {
        await run(clock, vssCommands, ['vss', 'verify-share', ...(json ? ['--json'] : [])], stdin);
      }),
      params(RUNS),
    );
    clock.report();
  });
});
