/**
 * OpenPGP in a helper process (issue 16.3): protectShardText encrypts an OpenPGP shard file, and openProtectedBytes
 * opens one, in a short-lived process of their own (protection/openpgp-process.ts), so openpgp.js's copies of the
 * shard's text are never in main. Each case starts the helper through a recording launcher: if OpenPGP ran in this
 * process again, no helper would be started and the counts below fail. The helper's errors come back as the same
 * typed errors; a helper that dies is INTERNAL, with no shard text in the message.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { EnvelopeScheme, encodeEnvelope, encodeSlip39Payload, envelopeTextBytes, newCeremonyId } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import {
  dropEarlyOpenPgpHelpers,
  generateAgeIdentity,
  generateOpenPgpKey,
  openProtected,
  openProtectedBytes,
  protectShardText,
  startOpenPgpHelpersEarly,
  useOpenPgpLauncher,
  type OpenPgpLauncher,
} from '../../electron/services/protection/index';
import { spawnNodeHelper } from '../../electron/services/protection/openpgp-process';

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const WORDS = 'academic acid acne acquire acrobat activity actress adapt adequate adjust admit adorn adult advance advocate afraid again agency agree aide';

function shardText(): Uint8Array {
  const binary = encodeEnvelope({ scheme: EnvelopeScheme.slip39, ceremonyId: newCeremonyId(random), custodianIndex: 1, custodianLabel: 'Bob', groupFingerprint: random(32), payload: encodeSlip39Payload(WORDS) });
  return envelopeTextBytes(binary);
}

/** Node's launcher, counting the helpers it starts and their exit codes. */
function recording(): { launcher: OpenPgpLauncher; started: string[]; exits: Promise<number | null>[] } {
  const started: string[] = [];
  const exits: Promise<number | null>[] = [];
  const launcher: OpenPgpLauncher = (entry, execArgv) => {
    started.push(entry);
    const helper = spawnNodeHelper([...execArgv, entry]);
    exits.push(new Promise<number | null>((r) => helper.onExit(r)));
    return helper;
  };
  return { launcher, started, exits };
}

describe('OpenPGP in a helper process', () => {
  after(() => useOpenPgpLauncher((entry, execArgv) => recording().launcher(entry, execArgv)));

  it('encrypts and opens in one helper each, which exits 0; the file opens in main too and holds no plaintext', async () => {
    const rec = recording();
    useOpenPgpLauncher(rec.launcher);
    const bob = await generateOpenPgpKey('Bob', { passphrase: 'correct horse' });
    const text = shardText();
    const expected = new TextDecoder().decode(text).trim();
    const file = await protectShardText(text, { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored });
    assert.equal(rec.started.length, 1, 'encryption ran in a helper');
    assert.match(rec.started[0]!, /openpgp-child\.ts$/);
    const armored = new TextDecoder().decode(file.data);
    assert.match(armored, /^-----BEGIN PGP MESSAGE-----/);
    assert.ok(!armored.includes(expected.slice(3, 30)), 'no plaintext in the file');
    assert.equal(new TextDecoder().decode(text).trim(), expected, "the caller's bytes are left alone");
    const key = { kind: 'openpgp', privateKeyArmored: bob.privateKeyArmored, passphrase: 'correct horse' } as const;
    const opened = await openProtectedBytes(file.data, key);
    assert.equal(rec.started.length, 2, 'opening ran in a helper');
    assert.equal(new TextDecoder().decode(opened), expected);
    // openProtected (recovery's string path) opens the same file in main, by design.
    assert.equal(await openProtected(file.data, key), expected);
    assert.equal(rec.started.length, 2);
    assert.deepEqual(await Promise.all(rec.exits), [0, 0], 'each helper exits by itself once it answered');
  });

  it('an age shard file is encrypted in a helper too (the age library keeps an unwiped copy of the plaintext); it opens in main', async () => {
    const rec = recording();
    useOpenPgpLauncher(rec.launcher);
    const identity = await generateAgeIdentity();
    const text = shardText();
    const expected = new TextDecoder().decode(text).trim();
    const file = await protectShardText(text, { kind: 'age', recipient: identity.recipient });
    assert.equal(rec.started.length, 1, 'age encryption ran in a helper');
    assert.match(rec.started[0]!, /openpgp-child\.ts$/);
    const armored = new TextDecoder().decode(file.data);
    assert.match(armored, /^-----BEGIN AGE ENCRYPTED FILE-----/);
    assert.ok(!armored.includes(expected.slice(3, 30)), 'no plaintext in the file');
    assert.equal(new TextDecoder().decode(text).trim(), expected, "the caller's bytes are left alone");
    const opened = await openProtectedBytes(file.data, { kind: 'age', identity: identity.identity });
    assert.equal(new TextDecoder().decode(opened), expected);
    assert.equal(rec.started.length, 1, 'age files are opened in main (its chunks are wiped there)');
    assert.deepEqual(await Promise.all(rec.exits), [0], 'the helper exits by itself once it answered');
  });

  it("the helper's refusals come back typed: a wrong key, a wrong passphrase, a key that is not a public key", async () => {
    const rec = recording();
    useOpenPgpLauncher(rec.launcher);
    const [bob, carol] = await Promise.all([generateOpenPgpKey('Bob', { passphrase: 'pw' }), generateOpenPgpKey('Carol')]);
    const file = await protectShardText(shardText(), { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored });
    const refused = async (p: Promise<unknown>, code: string, reason?: string): Promise<void> => {
      await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof KeyshardError, String(e));
        assert.equal(e.code, code, e.message);
        if (reason !== undefined) assert.equal(e.details?.['reason'], reason);
        return true;
      });
    };
    await refused(openProtectedBytes(file.data, { kind: 'openpgp', privateKeyArmored: carol.privateKeyArmored }), 'ENVELOPE_DECRYPT', 'wrong-key');
    await refused(openProtectedBytes(file.data, { kind: 'openpgp', privateKeyArmored: bob.privateKeyArmored, passphrase: 'nope' }), 'ENVELOPE_DECRYPT', 'wrong-passphrase');
    await refused(protectShardText(shardText(), { kind: 'openpgp', publicKeyArmored: bob.privateKeyArmored }), 'INVALID_ARGUMENT');
    assert.equal(rec.started.length, 4);
    assert.deepEqual(await Promise.all(rec.exits), [0, 0, 0, 0]);
  });

  it('helpers started early serve the next requests, one each; a dead one is INTERNAL when asked; unused ones are ended', async () => {
    const rec = recording();
    useOpenPgpLauncher(rec.launcher);
    const bob = await generateOpenPgpKey('Bob');
    const text = shardText();
    const expected = new TextDecoder().decode(text).trim();
    startOpenPgpHelpersEarly(2);
    startOpenPgpHelpersEarly(5); // at most two wait
    assert.equal(rec.started.length, 2, 'both started before any request');
    const file = await protectShardText(text, { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored });
    const opened = await openProtectedBytes(file.data, { kind: 'openpgp', privateKeyArmored: bob.privateKeyArmored });
    assert.equal(new TextDecoder().decode(opened), expected);
    assert.equal(rec.started.length, 2, 'the two requests used the early helpers');
    assert.deepEqual(await Promise.all(rec.exits), [0, 0]);
    // An early helper that died while waiting: its end was kept, so the request fails at once instead of waiting.
    let died: Promise<number | null> | undefined;
    useOpenPgpLauncher(() => {
      const helper = spawnNodeHelper(['-e', 'process.exit(3)']);
      died = new Promise<number | null>((r) => helper.onExit(r));
      return helper;
    });
    startOpenPgpHelpersEarly();
    assert.equal(await died, 3, 'it ended before its request');
    await assert.rejects(protectShardText(text, { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored }), (e: unknown) => e instanceof KeyshardError && e.code === 'INTERNAL');
    // Unused: dropped, each ends (killed by a signal, so no exit code).
    const rec2 = recording();
    useOpenPgpLauncher(rec2.launcher);
    startOpenPgpHelpersEarly(2);
    dropEarlyOpenPgpHelpers();
    assert.deepEqual(await Promise.all(rec2.exits), [null, null]);
    await protectShardText(text, { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored });
    assert.equal(rec2.started.length, 3, 'after a drop, a request starts its own helper');
  });

  it('a helper that dies before answering (or never starts) is INTERNAL, naming no shard text', async () => {
    const bob = await generateOpenPgpKey('Bob');
    const text = shardText();
    const plain = new TextDecoder().decode(text);
    // A helper that exits at once without reading its request.
    useOpenPgpLauncher(() => spawnNodeHelper(['-e', 'process.exit(3)']));
    for (const p of [protectShardText(text, { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored })]) {
      await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.equal(e.code, 'INTERNAL');
        assert.equal(e.details?.['reason'], 'openpgp-helper-failed');
        assert.ok(!plain.includes(e.message) && !e.message.includes(plain.slice(3, 20)));
        return true;
      });
    }
    // A helper that reads its request and dies without an answer.
    useOpenPgpLauncher(() => spawnNodeHelper(['-e', "process.stdin.once('data',()=>process.exit(1))"]));
    await assert.rejects(protectShardText(text, { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored }), (e: unknown) => e instanceof KeyshardError && e.code === 'INTERNAL');
  });
});
