/**
 * `keyshard hsm list|store|load` through runCli with a fake io and environment, against real SoftHSM2 tokens.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { ceremonyIdToHex, encodeEnvelope, envelopeFromText, envelopeToText } from '../../core/envelope';
import { createHsmCommands } from '../../electron/cli/commands/hsm';
import type { HsmCliDeps } from '../../electron/cli/commands/hsm';
import { runCli } from '../../electron/cli/main';
import { generateAgeIdentity, protectEnvelopeText } from '../../electron/services/protection/index';
import { dealEnvelopes } from './fixtures';
import { makeSoftHsm, SOFTHSM_MODULE, USER_PIN } from './softhsm';
import type { SoftHsm } from './softhsm';

let env: SoftHsm | undefined;
afterEach(() => {
  env?.cleanup();
  env = undefined;
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly prompts: readonly string[];
}

async function cli(argv: readonly string[], deps: Partial<HsmCliDeps> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const prompts: string[] = [];
  const commands = createHsmCommands({
    env: {},
    readPin: async (prompt) => {
      prompts.push(prompt);
      return USER_PIN;
    },
    ...deps,
  });
  const code = await runCli(argv, { readStdin: async () => '', stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, commands);
  return { code, stdout, stderr, prompts };
}

function shardFile(dir: string, text: string, name = 'shard.txt'): string {
  const path = join(dir, name);
  writeFileSync(path, `${text}\n`);
  return path;
}

describe('keyshard hsm list', () => {
  it('prints slots and tokens with what each has and lacks (--json), and a readable table without it', async () => {
    env = makeSoftHsm(['Alice token', 'Bob token']);
    const r = await cli(['hsm', 'list', '--module', SOFTHSM_MODULE, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { module: { path: string }; slots: { token: null | Record<string, unknown> }[] };
    assert.equal(out.module.path, SOFTHSM_MODULE);
    const tokens = out.slots.map((s) => s.token).filter((t): t is Record<string, unknown> => t !== null && t['initialized'] === true);
    assert.deepEqual(tokens.map((t) => t['label']).sort(), ['Alice token', 'Bob token']);
    for (const t of tokens) {
      assert.equal(t['manufacturer'], 'SoftHSM project');
      assert.equal(t['model'], 'SoftHSM v2');
      assert.equal(t['loginRequired'], true);
      assert.match(String(t['serial']), /^[0-9a-f]{16}$/);
      assert.deepEqual(t['has'], ['random', 'ec-p256-keygen', 'ecdh-derive', 'aes-gcm', 'ecdsa', 'data-objects']);
      assert.deepEqual(t['lacks'], []);
    }
    const human = await cli(['hsm', 'list', '--module', SOFTHSM_MODULE]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /"Alice token"\s+serial [0-9a-f]{16}\s+SoftHSM project SoftHSM v2/);
    assert.match(human.stdout, /yes {2}ECDSA signatures/);
    assert.deepEqual(r.prompts, [], 'listing needs no PIN');
  });

  it('a wrong module path exits non-zero with HSM_MODULE on stderr and the usual paths', async () => {
    const r = await cli(['hsm', 'list', '--module', '/usr/lib/x86_64-linux-gnu/libc.so.6', '--json']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
    assert.equal(err.error.code, 'HSM_MODULE');
    assert.match(err.error.message, /libsofthsm2\.so/);
    const missing = await cli(['hsm', 'list', '--json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--module is required/);
  });
});

describe('keyshard hsm store and load', () => {
  it('stores a shard file (PIN from --pin-env) and loads it back to stdout and to a new file', async () => {
    env = makeSoftHsm(['Alice']);
    const { envelopes } = dealEnvelopes();
    const envelope = envelopes[0]!;
    const text = envelopeToText(envelope, { groupSize: 5, groupsPerLine: 8 }); // as printed on paper
    const file = shardFile(env.root, text);
    const store = await cli(['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', file, '--pin-env', 'ALICE_PIN', '--json'], {
      env: { ALICE_PIN: USER_PIN },
      readPin: async () => assert.fail('no prompt when --pin-env is given'),
    });
    assert.equal(store.code, 0, store.stderr);
    const stored = JSON.parse(store.stdout) as Record<string, unknown>;
    const hex = ceremonyIdToHex(envelope.ceremonyId);
    assert.equal(stored['stored'], true);
    assert.equal(stored['alreadyStored'], false);
    assert.equal(stored['ceremonyId'], hex);
    assert.equal(stored['custodianIndex'], 0);
    assert.equal((stored['token'] as { label: string }).label, 'Alice');
    assert.ok(!store.stdout.includes(envelopeToText(envelope).slice(3, 30)), 'store never prints the shard');

    // The same file again: nothing written, said so.
    const again = await cli(['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', file, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { alreadyStored: boolean }).alreadyStored, true);
    assert.equal(again.prompts.length, 1);
    assert.match(again.prompts[0]!, /PIN for token "Alice" \(serial [0-9a-f]{16}\)/);

    // Load: by serial, to stdout as JSON.
    const serial = (stored['token'] as { serial: string }).serial;
    const load = await cli(['hsm', 'load', '--module', SOFTHSM_MODULE, '--serial', serial, '--ceremony', hex, '--json']);
    assert.equal(load.code, 0, load.stderr);
    const loaded = JSON.parse(load.stdout) as { shard: string; custodianLabel: string; scheme: string };
    assert.equal(loaded.custodianLabel, 'Alice');
    assert.equal(loaded.scheme, 'vss-p256');
    assert.deepEqual(encodeEnvelope(envelopeFromText(loaded.shard)), encodeEnvelope(envelope));

    // Load to a file: owner-only, not on stdout, and never over an existing file.
    const out = join(env.root, 'recovered.txt');
    const toFile = await cli(['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--ceremony', hex, '--out', out]);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.ok(!toFile.stdout.includes('KS1'));
    assert.deepEqual(encodeEnvelope(envelopeFromText(readFileSync(out, 'utf8'))), encodeEnvelope(envelope));
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const clash = await cli(['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--ceremony', hex, '--out', out]);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /already exists/);

    // Plain load prints the text itself.
    const plain = await cli(['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--ceremony', hex]);
    assert.equal(plain.stdout.trim(), envelopeToText(envelope));
  });

  it('refuses --pin with a reason (and never echoes it), in both commands', async () => {
    env = makeSoftHsm(['Alice']);
    const file = shardFile(env.root, envelopeToText(dealEnvelopes().envelopes[0]!));
    for (const argv of [
      ['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', file, '--pin', '424242'],
      ['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--ceremony', '00'.repeat(16), '--pin=424242', '--json'],
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--pin is not accepted/);
      assert.match(r.stderr, /--pin-env/);
      assert.ok(!r.stderr.includes('424242'));
      assert.deepEqual(r.prompts, []);
    }
  });

  it('a wrong PIN, a second shard, a missing shard and a missing token all exit non-zero with their codes', async () => {
    env = makeSoftHsm(['Alice']);
    const { envelopes } = dealEnvelopes();
    const first = shardFile(env.root, envelopeToText(envelopes[0]!), 'a.txt');
    const second = shardFile(env.root, envelopeToText(envelopes[1]!), 'b.txt');
    const wrong = await cli(['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', first, '--json'], { readPin: async () => '000000' });
    assert.equal(wrong.code, 1);
    assert.equal((JSON.parse(wrong.stderr) as { error: { code: string } }).error.code, 'HSM_PIN_INCORRECT');
    assert.ok(!wrong.stderr.includes('000000'));
    assert.equal((await cli(['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', first])).code, 0);
    const twice = await cli(['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', second]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /HSM_SHARD_EXISTS/);
    const none = await cli(['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--ceremony', 'ab'.repeat(16)]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /HSM_OBJECT_NOT_FOUND/);
    const absent = await cli(['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Nobody', '--ceremony', 'ab'.repeat(16)]);
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /HSM_TOKEN_ABSENT/);
    assert.deepEqual(absent.prompts, [], 'no PIN asked for a token that is not there');
  });

  it('checks its arguments before touching a token', async () => {
    env = makeSoftHsm(['Alice']);
    const age = await generateAgeIdentity();
    const encrypted = join(env.root, 'shard.age');
    const sealed = await protectEnvelopeText(envelopeToText(dealEnvelopes().envelopes[0]!), { kind: 'age', recipient: age.recipient });
    writeFileSync(encrypted, sealed.data);
    const cases: [readonly string[], RegExp][] = [
      [['hsm', 'store', '--module', SOFTHSM_MODULE, '--file', encrypted], /--token LABEL or --serial/],
      [['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--serial', '1', '--file', encrypted], /one of them/],
      [['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', encrypted], /encrypted \(age\)/],
      [['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', encrypted, '--pin-env', '123456'], /NAME of an environment variable/],
      [['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--ceremony', 'xyz'], /32 hex digits/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.deepEqual(r.prompts, []);
    }
    // A missing file is not wrong usage: exit 1 with its own code and a plain message (no ENOENT), before any token.
    const missing = await cli(['hsm', 'store', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--file', join(env.root, 'missing.txt')]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /FILE_NOT_FOUND: .*missing\.txt does not exist/);
    assert.doesNotMatch(missing.stderr, /ENOENT/);
    assert.deepEqual(missing.prompts, []);
    const unset = await cli(['hsm', 'load', '--module', SOFTHSM_MODULE, '--token', 'Alice', '--ceremony', 'ab'.repeat(16), '--pin-env', 'NOT_SET']);
    assert.equal(unset.code, 2);
    assert.match(unset.stderr, /NOT_SET .*not set/);
    assert.ok(!existsSync(join(env.root, 'recovered.txt')));
  });

  it('prints help for each command', async () => {
    for (const action of ['list', 'store', 'load']) {
      const r = await cli(['hsm', action, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: keyshard hsm ${action} --module PATH`));
    }
    assert.match((await cli(['hsm', 'store', '--help'])).stdout, /There is no --pin/);
  });
});
