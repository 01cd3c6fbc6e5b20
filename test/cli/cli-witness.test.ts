/**
 * `keyshard witness keygen`: an encrypted witness key file that opens only with the witness's passphrase, whose public
 * key is printed to pin in the plan; the passphrase never on the command line; no file overwritten.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createWitnessCommands, type WitnessCliDeps } from '../../electron/cli/commands/witness';
import { runCli } from '../../electron/cli/main';
import { loadWitnessKeyFile } from '../../electron/services/witness/index';
import { unsealWitnessKey } from '../../electron/services/witness/key-file';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-witness-cli-'));
  dirs.push(d);
  return d;
}

const PASSPHRASE = 'wendy keeps this one';

async function run(argv: string[], deps: Partial<WitnessCliDeps> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { readStdin: async () => '', stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, createWitnessCommands(deps));
  return { code, stdout, stderr };
}

describe('keyshard witness keygen', () => {
  it('writes an encrypted key file (owner-only) that opens with the passphrase from --passphrase-env, and prints its public key', async () => {
    const out = join(dir(), 'wendy.key');
    const r = await run(['witness', 'keygen', '--id', 'wendy', '--out', out, '--passphrase-env', 'WITNESS_PASS', '--cost', '14', '--json'], { env: { WITNESS_PASS: PASSPHRASE } });
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { witnessId: string; algorithm: string; publicKey: string; file: string };
    assert.deepEqual([printed.witnessId, printed.algorithm, printed.file], ['wendy', 'ed25519', out]);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.ok(!r.stdout.includes(PASSPHRASE) && !readFileSync(out, 'utf8').includes(PASSPHRASE));
    const sealed = await loadWitnessKeyFile(out, 'wendy');
    assert.equal(sealed.publicKeyHex, printed.publicKey);
    const secret = await unsealWitnessKey(sealed, PASSPHRASE);
    assert.equal(bytesToHex(ed25519.getPublicKey(secret)), printed.publicKey);
    await assert.rejects(unsealWitnessKey(sealed, 'someone else'), (e: unknown) => (e as { code?: string }).code === 'WITNESS_PASSPHRASE');
  });

  it('asks twice at a hidden prompt; refuses a mismatch, a short passphrase, one on the command line, and an existing file', async () => {
    const d = dir();
    const prompts: string[] = [];
    const typed = (answers: string[]) => async (prompt: string) => {
      prompts.push(prompt);
      return answers.shift() ?? '';
    };
    const ok = await run(['witness', 'keygen', '--id', 'victor', '--out', join(d, 'victor.key'), '--cost', '14'], { readHidden: typed([PASSPHRASE, PASSPHRASE]) });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(prompts.length, 2);
    assert.match(ok.stdout, /Public key \(pin it for victor in the plan\): ed25519 [0-9a-f]{64}/);

    const differ = await run(['witness', 'keygen', '--id', 'victor', '--out', join(d, 'v2.key'), '--cost', '14'], { readHidden: typed([PASSPHRASE, `${PASSPHRASE}!`]) });
    assert.equal(differ.code, 2);
    assert.equal(existsSync(join(d, 'v2.key')), false);
    const short = await run(['witness', 'keygen', '--id', 'victor', '--out', join(d, 'v3.key')], { readHidden: typed(['short', 'short']) });
    assert.notEqual(short.code, 0);
    const onLine = await run(['witness', 'keygen', '--id', 'victor', '--out', join(d, 'v4.key'), '--passphrase', PASSPHRASE]);
    assert.equal(onLine.code, 2);
    assert.ok(!onLine.stderr.includes(PASSPHRASE), 'the passphrase is not repeated');
    writeFileSync(join(d, 'taken.key'), 'something');
    const taken = await run(['witness', 'keygen', '--id', 'victor', '--out', join(d, 'taken.key'), '--passphrase-env', 'P', '--cost', '14'], { env: { P: PASSPHRASE } });
    assert.equal(taken.code, 2);
    assert.equal(readFileSync(join(d, 'taken.key'), 'utf8'), 'something', 'never overwritten');
  });
});
