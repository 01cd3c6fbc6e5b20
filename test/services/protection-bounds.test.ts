/**
 * What an encrypted shard file may cost main: an OpenPGP message compressed with zlib that expands to 64 MB of zeros
 * (about 64 KB of armor) is refused with ENVELOPE_TOO_LARGE quickly and with bounded memory - measured in a child
 * process of its own, peak RSS before and after the call - while a normal shard, compressed or not, still opens.
 * age has no compression: a file larger than any shard file, or one that decrypts to more than any shard text, is
 * refused the same way.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { armor, Encrypter } from 'age-encryption';
import * as openpgp from 'openpgp';
import { encodeSlip39Payload, EnvelopeScheme, envelopeToText } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { generateAgeIdentity, generateOpenPgpKey, openProtected, protectEnvelopeText, type OpenPgpKeyPair } from '../../electron/services/protection';
import { MAX_DECRYPTION_TRIES, MAX_OPENING_KEYS, MAX_PROTECTED_FILE_BYTES, MAX_RECIPIENTS, MAX_SHARD_PLAINTEXT_BYTES } from '../../electron/services/protection/limits';

const BOMB_BYTES = 64 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'keyshard-bomb-'));
let key: OpenPgpKeyPair;
let bombFile: string;

const TEXT = envelopeToText({
  scheme: EnvelopeScheme.slip39,
  ceremonyId: Uint8Array.from({ length: 16 }, (_, i) => i),
  custodianIndex: 2,
  custodianLabel: 'Bob',
  groupFingerprint: new Uint8Array(32).fill(0x5a),
  payload: encodeSlip39Payload('shadow pistol academic always adequate wildlife fancy gross oasis cylinder mustang wrist rescue view short owner flip making coding armed'),
});

async function compressedTo(publicKeyArmored: string, data: Uint8Array): Promise<string> {
  const message = await openpgp.createMessage({ binary: data });
  return openpgp.encrypt({
    message,
    encryptionKeys: await openpgp.readKey({ armoredKey: publicKeyArmored }),
    format: 'armored',
    config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib, v6Keys: false, aeadProtect: false },
  });
}

async function refusal(p: Promise<unknown>): Promise<KeyshardError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KeyshardError, String(e));
    return e;
  }
  assert.fail('it opened');
}
const code = async (p: Promise<unknown>): Promise<string> => (await refusal(p)).code;

/**
 * An OpenPGP message for `key` whose first packet (its public-key session key packet, made anonymous as
 * `gpg --throw-keyids` does) is repeated `copies` times: every copy is a recipient the key is tried on.
 */
async function manyAnonymousRecipients(publicKeyArmored: string, copies: number): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: new TextEncoder().encode(`${TEXT}\n`) });
  const b = (await openpgp.encrypt({
    message,
    encryptionKeys: await openpgp.readKey({ armoredKey: publicKeyArmored }),
    wildcard: true,
    format: 'binary',
    config: { v6Keys: false, aeadProtect: false },
  })) as Uint8Array;
  // New-format packet header (0xC1 = tag 1), then a one- or two-octet body length (RFC 9580 4.2.1).
  assert.equal(b[0], 0xc1);
  const [headerLength, bodyLength] = b[1]! < 192 ? [2, b[1]!] : [3, ((b[1]! - 192) << 8) + b[2]! + 192];
  const first = b.subarray(0, headerLength + bodyLength);
  const out = new Uint8Array(first.length * copies + b.length - first.length);
  for (let i = 0; i < copies; i++) out.set(first, i * first.length);
  out.set(b.subarray(first.length), first.length * copies);
  return out;
}

/** An age file with `others` recipients of throwaway keys and then `recipient`'s stanza. */
async function ageWithRecipients(recipient: string, others: number): Promise<string> {
  const encrypter = new Encrypter();
  for (let i = 0; i < others; i++) encrypter.addRecipient((await generateAgeIdentity()).recipient);
  encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(new TextEncoder().encode(`${TEXT}\n`)));
}

before(async () => {
  key = await generateOpenPgpKey('Bomb Test');
  bombFile = join(dir, 'bomb.asc');
  writeFileSync(bombFile, await compressedTo(key.publicKeyArmored, new Uint8Array(BOMB_BYTES)));
  writeFileSync(join(dir, 'key.asc'), key.privateKeyArmored);
  writeFileSync(join(dir, 'small.asc'), await compressedTo(key.publicKeyArmored, new TextEncoder().encode(`${TEXT}\n`)));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('bounds on encrypted shard files', () => {
  it('refuses a zlib bomb (64 MB of zeros) with ENVELOPE_TOO_LARGE, fast and with bounded memory, in a process of its own', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { openProtected } from './electron/services/protection/index.ts';
      const data = new Uint8Array(readFileSync(${JSON.stringify(bombFile)}));
      const privateKeyArmored = readFileSync(${JSON.stringify(join(dir, 'key.asc'))}, 'utf8');
      // Warm up the library on a small message first, so its own one-time allocations are not counted.
      await openProtected(readFileSync(${JSON.stringify(join(dir, 'small.asc'))}, 'utf8'), { kind: 'openpgp', privateKeyArmored });
      globalThis.gc?.();
      const peakBefore = process.resourceUsage().maxRSS;
      const started = performance.now();
      let code = 'opened';
      try { await openProtected(data, { kind: 'openpgp', privateKeyArmored }); } catch (e) { code = e.code ?? String(e); }
      const ms = performance.now() - started;
      const peakAfter = process.resourceUsage().maxRSS;
      console.log(JSON.stringify({ code, ms, peakDeltaKiB: peakAfter - peakBefore, bombBytes: data.length }));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { code: string; ms: number; peakDeltaKiB: number; bombBytes: number };
    console.log(`zlib bomb: ${m.bombBytes} bytes of armor for ${BOMB_BYTES} bytes of plaintext: ${m.code} in ${Math.round(m.ms)} ms, peak RSS +${Math.round(m.peakDeltaKiB / 1024)} MiB`);
    assert.ok(m.bombBytes < MAX_PROTECTED_FILE_BYTES, 'the bomb fits the file cap (the cap on the output is what stops it)');
    assert.equal(m.code, 'ENVELOPE_TOO_LARGE');
    // Generous upper bounds for a busy 2-core machine; unbounded, this costs 64 MB and more (1.1 GiB for a 1 MB file).
    assert.ok(m.ms < 5000, `took ${Math.round(m.ms)} ms`);
    assert.ok(m.peakDeltaKiB < 24 * 1024, `peak RSS grew by ${m.peakDeltaKiB} KiB`);
  });

  it('still opens a normal shard, compressed (as gpg writes by default) or not', async () => {
    const plain = await protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: key.publicKeyArmored });
    assert.equal(await openProtected(plain.data, { kind: 'openpgp', privateKeyArmored: key.privateKeyArmored }), TEXT);
    const compressed = await compressedTo(key.publicKeyArmored, new TextEncoder().encode(`${TEXT}\n`));
    assert.equal(await openProtected(compressed, { kind: 'openpgp', privateKeyArmored: key.privateKeyArmored }), TEXT);
    // Just above the bound is refused; the largest paper-grouped text of the largest envelope is below it.
    const over = await compressedTo(key.publicKeyArmored, new Uint8Array(MAX_SHARD_PLAINTEXT_BYTES + 1).fill(0x41));
    assert.equal(await code(openProtected(over, { kind: 'openpgp', privateKeyArmored: key.privateKeyArmored })), 'ENVELOPE_TOO_LARGE');
  });

  it('age: a file larger than any shard file, or one that decrypts to more than any shard text, is ENVELOPE_TOO_LARGE', async () => {
    const id = await generateAgeIdentity();
    const encrypter = new Encrypter();
    encrypter.addRecipient(id.recipient);
    const big = armor.encode(await encrypter.encrypt(new Uint8Array(MAX_SHARD_PLAINTEXT_BYTES + 1).fill(0x41)));
    assert.equal(await code(openProtected(big, { kind: 'age', identity: id.identity })), 'ENVELOPE_TOO_LARGE');
    const huge = new Uint8Array(MAX_PROTECTED_FILE_BYTES + 1);
    huge.set(new TextEncoder().encode('age-encryption.org/v1\n'));
    const started = performance.now();
    assert.equal(await code(openProtected(huge, { kind: 'age', identity: id.identity })), 'ENVELOPE_TOO_LARGE');
    assert.ok(performance.now() - started < 2000);
    const normal = await protectEnvelopeText(TEXT, { kind: 'age', recipient: id.recipient });
    assert.equal(await openProtected(normal.data, { kind: 'age', identity: id.identity }), TEXT);
  });

  // Review M2: recipients and keys are counted before any key is tried. The proofs are structural, not timed: the
  // refused files hold a recipient the given key opens, so had any key been tried on them they would have opened.
  it('OpenPGP: more anonymous recipients than MAX_RECIPIENTS is ENVELOPE_TOO_LARGE before any key is tried; up to it opens', async () => {
    const opening = { kind: 'openpgp', privateKeyArmored: key.privateKeyArmored } as const;
    assert.equal(await openProtected(await manyAnonymousRecipients(key.publicKeyArmored, MAX_RECIPIENTS), opening), TEXT);
    const e = await refusal(openProtected(await manyAnonymousRecipients(key.publicKeyArmored, MAX_RECIPIENTS + 1), opening));
    assert.equal(e.code, 'ENVELOPE_TOO_LARGE');
    assert.equal(e.details?.['reason'], 'too-many-recipients');
    assert.match(e.message, /no key was tried/);
    // 10,000 copies (about 1 MB, each an ECDH try for an anonymous recipient) is refused the same way.
    const flood = await manyAnonymousRecipients(key.publicKeyArmored, 10_000);
    assert.ok(flood.length < MAX_PROTECTED_FILE_BYTES);
    assert.equal((await refusal(openProtected(flood, opening))).details?.['reason'], 'too-many-recipients');
  });

  it('age: more stanzas than MAX_RECIPIENTS is ENVELOPE_TOO_LARGE before any identity is tried; up to it opens', async () => {
    const id = await generateAgeIdentity();
    assert.equal(await openProtected(await ageWithRecipients(id.recipient, MAX_RECIPIENTS - 1), { kind: 'age', identity: id.identity }), TEXT);
    const e = await refusal(openProtected(await ageWithRecipients(id.recipient, MAX_RECIPIENTS), { kind: 'age', identity: id.identity }));
    assert.equal(e.code, 'ENVELOPE_TOO_LARGE');
    assert.equal(e.details?.['reason'], 'too-many-recipients');
  });

  it('a key file with more keys than MAX_OPENING_KEYS is refused before any is tried (each key is tried on each recipient)', async () => {
    const id = await generateAgeIdentity();
    const file = await ageWithRecipients(id.recipient, 0);
    const others = await Promise.all(Array.from({ length: MAX_OPENING_KEYS - 1 }, () => generateAgeIdentity()));
    // The custodian's key last among MAX_OPENING_KEYS opens; one more key and nothing is tried.
    const keys = [...others.map((o) => o.identity), id.identity];
    assert.equal(await openProtected(file, { kind: 'age', identity: keys.join('\n') }), TEXT);
    const e = await refusal(openProtected(file, { kind: 'age', identity: [(await generateAgeIdentity()).identity, ...keys].join('\n') }));
    assert.equal(e.code, 'ENVELOPE_DECRYPT');
    assert.equal(e.details?.['reason'], 'too-many-keys');
  });

  it("an OpenPGP key whose passphrase protection costs more than two packets at Argon2's default is refused before any S2K runs", async () => {
    // Argon2 S2K runs on main's thread (2^18 KiB x 6 passes on two packets took 5 s of CPU; a key may ask for 2^30 KiB
    // and 255 passes). openpgp.js's own default, 3 passes over 2^16 KiB, still opens.
    const argon2Key = async (passes: number, memoryExponent: number): Promise<{ privateKey: string; message: string }> => {
      const k = await openpgp.generateKey({
        type: 'ecc',
        curve: 'ed25519Legacy',
        userIDs: [{ name: 'Argon Two' }],
        passphrase: 'pw-argon',
        format: 'armored',
        config: { s2kType: openpgp.enums.s2k.argon2, s2kArgon2Params: { passes, parallelism: 1, memoryExponent }, v6Keys: false, aeadProtect: true },
      });
      const message = await protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: k.publicKey });
      return { privateKey: k.privateKey, message: message.data as string };
    };
    const usual = await argon2Key(3, 16);
    assert.equal(await openProtected(usual.message, { kind: 'openpgp', privateKeyArmored: usual.privateKey, passphrase: 'pw-argon' }), TEXT);
    // 255 passes over 2^10 KiB: cheap to make here, yet more work than allowed (2 x 255 x 2^10 > 2 x 3 x 2^16).
    const costly = await argon2Key(255, 10);
    const e = await refusal(openProtected(costly.message, { kind: 'openpgp', privateKeyArmored: costly.privateKey, passphrase: 'pw-argon' }));
    assert.equal(e.code, 'ENVELOPE_DECRYPT');
    assert.equal(e.details?.['reason'], 'key-too-costly');
  });

  it('OpenPGP: anonymous recipients times decryption subkeys is bounded too (each is a private-key operation)', async () => {
    // Two encryption subkeys: every anonymous recipient is tried with both.
    const k = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Two Subkeys' }], subkeys: [{}, {}], format: 'armored', config: { v6Keys: false, aeadProtect: false } });
    const opening = { kind: 'openpgp', privateKeyArmored: k.privateKey } as const;
    const half = MAX_DECRYPTION_TRIES / 2;
    assert.equal(await openProtected(await manyAnonymousRecipients(k.publicKey, half), opening), TEXT);
    const e = await refusal(openProtected(await manyAnonymousRecipients(k.publicKey, half + 1), opening));
    assert.equal(e.code, 'ENVELOPE_TOO_LARGE');
    assert.equal(e.details?.['reason'], 'too-many-recipients');
  });

  it('OpenPGP: a key above 4,096 bits (RSA) is refused before any private-key operation', async () => {
    // A private operation with a 16,384-bit RSA key takes seconds on main's thread; gpg makes none above 4,096 bits.
    const fixture = (name: string): string =>
      readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('# '))
        .join('\n');
    const message = await protectEnvelopeText(TEXT, { kind: 'openpgp', publicKeyArmored: fixture('rsa-4160-throwaway.pub.asc') });
    const e = await refusal(openProtected(message.data, { kind: 'openpgp', privateKeyArmored: fixture('rsa-4160-throwaway.asc') }));
    assert.equal(e.code, 'ENVELOPE_DECRYPT');
    assert.equal(e.details?.['reason'], 'key-too-costly');
  });
});
