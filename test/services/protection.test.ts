import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { armor } from 'age-encryption';
import { EnvelopeScheme, encodeSlip39Payload, envelopeToText } from '../../core/envelope';
import type { Envelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import {
  ageIdentityFile,
  detectProtection,
  generateAgeIdentity,
  generateOpenPgpKey,
  openPgpFingerprint,
  openProtected,
  openProtectedEnvelope,
  protectEnvelopeText,
} from '../../electron/services/protection';
import type { OpeningKey, Protection } from '../../electron/services/protection';

// ---------------------------------------------------------------------------------------------------------------
// temp dirs, external commands

const tempDirs: string[] = [];
const gpgHomes: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ks-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

after(() => {
  // stop the gpg-agent each test home started (only ours: it is addressed by its homedir), then delete
  for (const home of gpgHomes) spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { timeout: 10_000 });
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[], input?: string | Uint8Array): { stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, args, { input, timeout: 60_000 });
  assert.equal(r.error, undefined, `${cmd} could not run`);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr?.toString()}`);
  return { stdout: r.stdout, stderr: r.stderr.toString() };
}

function gpgHome(): string {
  const home = tempDir('gpg');
  gpgHomes.push(home);
  return home;
}

function gpg(home: string, args: string[], options: { passphrase?: string; input?: string | Uint8Array } = {}): Buffer {
  const base = ['--homedir', home, '--batch', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', options.passphrase ?? ''];
  return run('gpg', [...base, ...args], options.input).stdout;
}

// ---------------------------------------------------------------------------------------------------------------
// a sample shard text

const MNEMONIC =
  'shadow pistol academic always adequate wildlife fancy gross oasis cylinder mustang wrist rescue view short owner flip making coding armed';

function sampleEnvelope(): Envelope {
  return {
    scheme: EnvelopeScheme.slip39,
    ceremonyId: Uint8Array.from({ length: 16 }, (_, i) => i),
    custodianIndex: 4,
    custodianLabel: 'Dana',
    groupFingerprint: new Uint8Array(32).fill(0x42),
    payload: encodeSlip39Payload(MNEMONIC),
  };
}

const TEXT = envelopeToText(sampleEnvelope());
const PAPER_TEXT = envelopeToText(sampleEnvelope(), { groupSize: 5, groupsPerLine: 6 });

async function expectDecryptError(promise: Promise<unknown>, reason: string): Promise<KeyshardError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, 'ENVELOPE_DECRYPT', e.message);
    assert.equal(e.details?.['reason'], reason, e.message);
    return e;
  }
  assert.fail('expected ENVELOPE_DECRYPT, got success');
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<KeyshardError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, got success`);
}

/** Flips one bit inside an armored file's binary body and re-armors it, so only the crypto can notice. */
function tamperAgeArmor(armored: string, offsetFromEnd: number): string {
  const bytes = armor.decode(armored);
  bytes[bytes.length - offsetFromEnd]! ^= 0x01;
  return armor.encode(bytes);
}

/** The binary packets inside an armored OpenPGP message (base64 between the blank line and the =CRC line). */
function dearmorPgp(armored: string): Uint8Array {
  const lines = armored.trim().split('\n');
  const body = lines.slice(lines.indexOf('') + 1, -1).filter((l) => !l.startsWith('='));
  return new Uint8Array(Buffer.from(body.join(''), 'base64'));
}

/** Every error any test below provoked, checked at the end for leaked secrets. */
const provoked: KeyshardError[] = [];

// ---------------------------------------------------------------------------------------------------------------

describe('age protection', () => {
  it('makes X25519 keys that age-keygen agrees with', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    assert.match(recipient, /^age1[0-9a-z]{58}$/);
    const dir = tempDir('age');
    const keyFile = join(dir, 'key.txt');
    writeFileSync(keyFile, ageIdentityFile(identity, recipient), { mode: 0o600 });
    assert.equal(run('age-keygen', ['-y', keyFile]).stdout.toString().trim(), recipient);
  });

  it('round-trips a shard text (compact and paper layout)', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    for (const text of [TEXT, PAPER_TEXT]) {
      const shard = await protectEnvelopeText(text, { kind: 'age', recipient });
      assert.equal(shard.kind, 'age');
      assert.equal(shard.fileExtension, '.age');
      assert.ok(typeof shard.data === 'string' && shard.data.startsWith('-----BEGIN AGE ENCRYPTED FILE-----'));
      assert.ok(!(shard.data as string).includes(TEXT.slice(3, 20)));
      assert.equal(await openProtected(shard.data, { kind: 'age', identity }), text.trim());
      // and as bytes, as read from a file
      assert.equal(await openProtected(new TextEncoder().encode(shard.data as string), { kind: 'age', identity }), text.trim());
    }
  });

  it('our file opens with Debian age -d -i keyfile', async () => {
    const { identity, recipient } = await generateAgeIdentity();
    const dir = tempDir('age');
    const keyFile = join(dir, 'key.txt');
    const shardFile = join(dir, 'shard.age');
    writeFileSync(keyFile, ageIdentityFile(identity, recipient), { mode: 0o600 });
    const shard = await protectEnvelopeText(TEXT, { kind: 'age', recipient });
    writeFileSync(shardFile, shard.data);
    assert.equal(run('age', ['-d', '-i', keyFile, shardFile]).stdout.toString(), `${TEXT}\n`);
  });

  it('a file from age -r (binary and armored) opens with ours, using the age-keygen key file', async () => {
    const dir = tempDir('age');
    const keyFile = join(dir, 'key.txt');
    run('age-keygen', ['-o', keyFile]);
    const keyFileText = readFileSync(keyFile, 'utf8');
    const recipient = run('age-keygen', ['-y', keyFile]).stdout.toString().trim();
    const binary = run('age', ['-r', recipient], `${TEXT}\n`).stdout;
    const armored = run('age', ['-r', recipient, '-a'], `${PAPER_TEXT}\n`).stdout;
    assert.equal(detectProtection(new Uint8Array(binary)), 'age');
    assert.equal(await openProtected(new Uint8Array(binary), { kind: 'age', identity: keyFileText }), TEXT);
    assert.equal(await openProtected(armored.toString(), { kind: 'age', identity: keyFileText }), PAPER_TEXT);
    const envelope = await openProtectedEnvelope(new Uint8Array(binary), { kind: 'age', identity: keyFileText });
    assert.deepEqual(envelope.payload, sampleEnvelope().payload);
  });

  it('a wrong key, a damaged file and a bad key file give ENVELOPE_DECRYPT', async () => {
    const alice = await generateAgeIdentity();
    const mallory = await generateAgeIdentity();
    const shard = await protectEnvelopeText(TEXT, { kind: 'age', recipient: alice.recipient });
    const armored = shard.data as string;
    provoked.push(await expectDecryptError(openProtected(armored, { kind: 'age', identity: mallory.identity }), 'wrong-key'));
    // the payload (last bytes) and the header MAC: the key still matches, the integrity check does not
    provoked.push(await expectDecryptError(openProtected(tamperAgeArmor(armored, 3), { kind: 'age', identity: alice.identity }), 'damaged'));
    provoked.push(await expectDecryptError(openProtected(tamperAgeArmor(armored, 40), { kind: 'age', identity: alice.identity }), 'damaged'));
    const lines = armored.split('\n');
    lines[2] = `${lines[2]!.slice(0, 10)}!${lines[2]!.slice(11)}`;
    provoked.push(await expectDecryptError(openProtected(lines.join('\n'), { kind: 'age', identity: alice.identity }), 'damaged'));
    provoked.push(await expectDecryptError(openProtected(armored, { kind: 'age', identity: 'not a key' }), 'bad-key'));
    provoked.push(await expectDecryptError(openProtected(armored, { kind: 'age', identity: alice.identity.slice(0, -1) }), 'bad-key'));
    // shard text is fine, the age file around it is cut short
    provoked.push(await expectDecryptError(openProtected(armored.slice(0, armored.length - 30), { kind: 'age', identity: alice.identity }), 'damaged'));
  });

  it('refuses recipients that Debian age cannot serve', async () => {
    const { recipient } = await generateAgeIdentity();
    const lastChar = recipient.at(-1) === 'q' ? 'p' : 'q'; // right shape, wrong bech32 checksum
    for (const bad of ['age1xyz', `${recipient}q`, recipient.slice(0, -1) + lastChar, recipient.toUpperCase(), `age1pq1${'q'.repeat(60)}`, 'ssh-ed25519 AAAA']) {
      await expectCode(protectEnvelopeText(TEXT, { kind: 'age', recipient: bad }), 'INVALID_ARGUMENT');
    }
  });
});

describe('OpenPGP protection', () => {
  it('makes v4 ECC keys (Ed25519 + Curve25519 legacy)', async () => {
    const key = await generateOpenPgpKey('Alice Example');
    const home = gpgHome();
    gpg(home, ['--import'], { input: key.publicKeyArmored });
    const listing = gpg(home, ['--with-colons', '--list-keys']).toString();
    assert.match(listing, /^pub:[^:]*:255:22:/m, 'primary: EdDSA (22) on 255-bit curve');
    assert.match(listing, /^sub:[^:]*:255:18:/m, 'subkey: ECDH (18) on 255-bit curve');
    assert.match(listing, new RegExp(`^fpr:+${key.fingerprint}:`, 'm'));
    assert.equal(await openPgpFingerprint(key.publicKeyArmored), key.fingerprint);
  });

  it('round-trips with and without a passphrase', async () => {
    for (const passphrase of [undefined, 'correct horse battery staple']) {
      const key = await generateOpenPgpKey('Bob', passphrase === undefined ? {} : { passphrase });
      const shard = await protectEnvelopeText(PAPER_TEXT, { kind: 'openpgp', publicKeyArmored: key.publicKeyArmored });
      assert.equal(shard.kind, 'openpgp');
      assert.equal(shard.fileExtension, '.asc');
      assert.ok(typeof shard.data === 'string' && shard.data.startsWith('-----BEGIN PGP MESSAGE-----'));
      const opening: OpeningKey = { kind: 'openpgp', privateKeyArmored: key.privateKeyArmored, ...(passphrase === undefined ? {} : { passphrase }) };
      assert.equal(await openProtected(shard.data, opening), PAPER_TEXT);
    }
  });

  it('our file and our passphrase-protected key open with gpg --decrypt', async () => {
    const passphrase = 'pass phrase 7';
    const key = await generateOpenPgpKey('Carol', { passphrase });
    const home = gpgHome();
    gpg(home, ['--import'], { input: key.privateKeyArmored, passphrase });
    const shard = await protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: key.publicKeyArmored });
    const file = join(tempDir('pgp'), 'shard.asc');
    writeFileSync(file, shard.data);
    assert.equal(gpg(home, ['--decrypt', file], { passphrase }).toString(), `${TEXT}\n`);
  });

  it('a file from gpg --encrypt (binary and armored) opens with ours', async () => {
    const key = await generateOpenPgpKey('Dave');
    const home = gpgHome();
    gpg(home, ['--import'], { input: key.publicKeyArmored });
    const encrypt = (extra: string[], input: string) =>
      gpg(home, ['--trust-model', 'always', '--recipient', key.fingerprint, '--encrypt', ...extra], { input });
    const binary = new Uint8Array(encrypt([], `${TEXT}\n`));
    const armored = encrypt(['--armor'], `${TEXT}\n`).toString();
    assert.equal(detectProtection(binary), 'openpgp');
    const opening: OpeningKey = { kind: 'openpgp', privateKeyArmored: key.privateKeyArmored };
    assert.equal(await openProtected(binary, opening), TEXT);
    assert.equal(await openProtected(armored, opening), TEXT);
  });

  it("works with a custodian's own gpg key, both ways (passphrase-protected)", async () => {
    const passphrase = 'erin secret';
    const home = gpgHome();
    gpg(home, ['--quick-generate-key', 'Erin <erin@example.org>', 'future-default', 'default', 'never'], { passphrase });
    const publicKeyArmored = gpg(home, ['--armor', '--export', 'erin@example.org']).toString();
    const privateKeyArmored = gpg(home, ['--armor', '--export-secret-keys', 'erin@example.org'], { passphrase }).toString();
    // ours -> gpg
    const shard = await protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored });
    assert.equal(gpg(home, ['--decrypt'], { input: shard.data as string, passphrase }).toString(), `${TEXT}\n`);
    // gpg -> ours
    const fromGpg = gpg(home, ['--trust-model', 'always', '--recipient', 'erin@example.org', '--encrypt'], { input: `${TEXT}\n` });
    assert.equal(await openProtected(new Uint8Array(fromGpg), { kind: 'openpgp', privateKeyArmored, passphrase }), TEXT);
    provoked.push(await expectDecryptError(openProtected(new Uint8Array(fromGpg), { kind: 'openpgp', privateKeyArmored, passphrase: 'nope' }), 'wrong-passphrase'));
  });

  it('a wrong key, wrong or missing passphrase, damaged file or bad key give ENVELOPE_DECRYPT', async () => {
    const passphrase = 'frank pass';
    const frank = await generateOpenPgpKey('Frank', { passphrase });
    const grace = await generateOpenPgpKey('Grace');
    const shard = await protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: frank.publicKeyArmored });
    const armored = shard.data as string;
    const asFrank: OpeningKey = { kind: 'openpgp', privateKeyArmored: frank.privateKeyArmored, passphrase };
    provoked.push(await expectDecryptError(openProtected(armored, { kind: 'openpgp', privateKeyArmored: grace.privateKeyArmored }), 'wrong-key'));
    provoked.push(await expectDecryptError(openProtected(armored, { ...asFrank, passphrase: 'frank pas' }), 'wrong-passphrase'));
    provoked.push(await expectDecryptError(openProtected(armored, { kind: 'openpgp', privateKeyArmored: frank.privateKeyArmored }), 'passphrase-required'));
    provoked.push(await expectDecryptError(openProtected(armored, { kind: 'openpgp', privateKeyArmored: frank.publicKeyArmored }), 'bad-key'));
    provoked.push(await expectDecryptError(openProtected(armored, { kind: 'openpgp', privateKeyArmored: 'garbage' }), 'bad-key'));
    // tamper with the binary message: the encrypted data near the end, and the wrapped session key
    const binary = dearmorPgp(armored);
    assert.equal(detectProtection(binary), 'openpgp');
    assert.equal(await openProtected(binary, asFrank), TEXT); // untouched, it opens
    for (const at of [binary.length - 5, binary.length - 30, 40]) {
      const bad = binary.slice();
      bad[at]! ^= 0x01;
      provoked.push(await expectDecryptError(openProtected(bad, asFrank), 'damaged'));
    }
    // armored text with a broken line (armor checksum or base64 breaks)
    const lines = armored.split('\n');
    lines[3] = `${lines[3]!.slice(0, 5)}*${lines[3]!.slice(6)}`;
    provoked.push(await expectDecryptError(openProtected(lines.join('\n'), asFrank), 'damaged'));
  });

  it('refuses unusable recipient keys', async () => {
    const key = await generateOpenPgpKey('Heidi');
    await expectCode(protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: 'not a key' }), 'INVALID_ARGUMENT');
    const privateAsPublic = await expectCode(protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: key.privateKeyArmored }), 'INVALID_ARGUMENT');
    assert.match(privateAsPublic.message, /private key/);
    await expectCode(generateOpenPgpKey(''), 'INVALID_ARGUMENT');
  });
});

describe('protection service', () => {
  it("'none' keeps the text as a plain file and reads it back", async () => {
    const shard = await protectEnvelopeText(PAPER_TEXT, { kind: 'none' });
    assert.deepEqual(shard, { kind: 'none', data: `${PAPER_TEXT}\n`, fileExtension: '.txt' });
    assert.equal(detectProtection(shard.data), 'none');
    const envelope = await openProtectedEnvelope(shard.data, { kind: 'none' });
    assert.equal(envelope.custodianLabel, 'Dana');
    assert.deepEqual(envelope.payload, sampleEnvelope().payload);
  });

  it('protects only shard texts', async () => {
    for (const protection of [{ kind: 'none' }, { kind: 'age', recipient: (await generateAgeIdentity()).recipient }] as Protection[]) {
      await expectCode(protectEnvelopeText(MNEMONIC, protection), 'INVALID_ARGUMENT');
      await expectCode(protectEnvelopeText('KS1 not base32!', protection), 'INVALID_ARGUMENT');
    }
  });

  it('refuses pkcs11 protection without the token public key, naming PKCS#11', async () => {
    const err = await expectCode(protectEnvelopeText(TEXT, { kind: 'pkcs11' } as unknown as Protection), 'INVALID_ARGUMENT');
    assert.match(err.message, /PKCS#11/);
  });

  it('says so when the key does not match the kind of file', async () => {
    const age = await generateAgeIdentity();
    const pgp = await generateOpenPgpKey('Ivan');
    const ageShard = await protectEnvelopeText(TEXT, { kind: 'age', recipient: age.recipient });
    const pgpShard = await protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: pgp.publicKeyArmored });
    assert.equal(detectProtection(ageShard.data), 'age');
    assert.equal(detectProtection(pgpShard.data), 'openpgp');
    assert.equal(detectProtection('hello'), 'unknown');
    provoked.push(await expectDecryptError(openProtected(ageShard.data, { kind: 'openpgp', privateKeyArmored: pgp.privateKeyArmored }), 'wrong-kind'));
    provoked.push(await expectDecryptError(openProtected(pgpShard.data, { kind: 'age', identity: age.identity }), 'wrong-kind'));
    provoked.push(await expectDecryptError(openProtected(ageShard.data, { kind: 'none' }), 'wrong-kind'));
    provoked.push(await expectDecryptError(openProtected('hello', { kind: 'age', identity: age.identity }), 'not-protected'));
  });

  it('reports a file that opens but holds no shard text', async () => {
    const age = await generateAgeIdentity();
    const dir = tempDir('age');
    const keyFile = join(dir, 'key.txt');
    writeFileSync(keyFile, ageIdentityFile(age.identity, age.recipient), { mode: 0o600 });
    const other = run('age', ['-r', age.recipient], 'a grocery list\n').stdout;
    provoked.push(await expectCode(openProtected(new Uint8Array(other), { kind: 'age', identity: age.identity }), 'ENVELOPE_FORMAT'));
  });

  it('no error message or detail carries the shard text, its words or a passphrase', () => {
    assert.ok(provoked.length >= 15, `expected the tests above to provoke many errors, got ${provoked.length}`);
    const body = TEXT.slice(3);
    for (const err of provoked) {
      const said = `${err.message} ${JSON.stringify(err.details ?? {})}`;
      for (let i = 0; i + 12 <= body.length; i += 4) assert.ok(!said.toUpperCase().includes(body.slice(i, i + 12)), `shard text leaked: ${said}`);
      for (const w of MNEMONIC.split(' ').filter((x) => x.length >= 6)) assert.ok(!said.includes(w), `word leaked: ${said}`);
      for (const p of ['frank pas', 'erin secret', 'correct horse']) assert.ok(!said.includes(p), `secret leaked: ${said}`);
      assert.doesNotMatch(said, /[A-Z2-7]{12,}/);
    }
  });
});
