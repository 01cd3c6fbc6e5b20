/**
 * A shard's text as bytes in main (issue 16.3): core makes the KS1 text as ASCII bytes, the protection service
 * encrypts bytes and opens files to bytes, and a read-back compares the opened bytes. Each must give what the string
 * functions give for the same shard, so files stay readable by `age -d` / `gpg -d` and by keyshard's text readers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { encodeBase32, encodeBase32Ascii } from '../../core/base32';
import { EnvelopeScheme, decodeEnvelope, encodeEnvelope, encodeSlip39Payload, envelopeTextBytes, envelopeToText, newCeremonyId } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { compareShardTextAscii } from '../../electron/services/ceremony/compare';
import { generateAgeIdentity, generateOpenPgpKey, openProtected, openProtectedBytes, protectShardText } from '../../electron/services/protection/index';

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const WORDS = 'academic acid acne acquire acrobat activity actress adapt adequate adjust admit adorn adult advance advocate afraid again agency agree aide';
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function binaryShard(): Uint8Array {
  return encodeEnvelope({ scheme: EnvelopeScheme.slip39, ceremonyId: newCeremonyId(random), custodianIndex: 1, custodianLabel: 'Bob', groupFingerprint: random(32), payload: encodeSlip39Payload(WORDS) });
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof KeyshardError && e.code === code);
}

describe('shard text as bytes', () => {
  it('encodeBase32Ascii gives encodeBase32 characters for every length 0-41; envelopeTextBytes gives envelopeToText', () => {
    for (let n = 0; n <= 41; n++) {
      const b = random(n);
      assert.equal(text(encodeBase32Ascii(b)), encodeBase32(b), `length ${n}`);
    }
    const binary = binaryShard();
    const expected = envelopeToText(decodeEnvelope(binary));
    assert.equal(text(envelopeTextBytes(binary)), expected);
  });

  it('age and OpenPGP files made from bytes open to the same text; the caller keeps its bytes, the opened bytes are the trimmed text', async () => {
    const age = await generateAgeIdentity();
    const pgp = await generateOpenPgpKey('Bob Example');
    const shard = envelopeTextBytes(binaryShard());
    const given = shard.slice();
    const cases = [
      [{ kind: 'age', recipient: age.recipient }, { kind: 'age', identity: age.identity }, '.age'],
      [{ kind: 'openpgp', publicKeyArmored: pgp.publicKeyArmored }, { kind: 'openpgp', privateKeyArmored: pgp.privateKeyArmored }, '.asc'],
    ] as const;
    for (const [protection, key, extension] of cases) {
      const file = await protectShardText(given, protection);
      assert.ok(file.data instanceof Uint8Array);
      assert.equal(file.fileExtension, extension);
      assert.ok(!text(file.data).includes(text(shard).slice(3, 30)), 'the file holds no plaintext');
      assert.deepEqual(given, shard, 'protectShardText leaves the caller\'s bytes as they were (the caller wipes them)');
      assert.deepEqual(await openProtectedBytes(file.data, key), shard);
      assert.equal(await openProtected(file.data, key), text(shard));
    }
    const plain = await protectShardText(ascii(`  ${text(shard).toLowerCase()}\n\n`), { kind: 'none' });
    assert.equal(text(plain.data), `${text(shard).toLowerCase()}\n`, "'none': the trimmed text and one newline");
  });

  it('refuses bytes that are not a shard text, and a file that opens to something else', async () => {
    for (const bad of ['', 'KS1', 'KS2ABCDEF', `${WORDS}`, 'KS1 ABC!DEF', 'KS1ABC\u00e9']) {
      await rejects(protectShardText(ascii(bad), { kind: 'none' }), 'INVALID_ARGUMENT');
    }
    await rejects(protectShardText('KS1ABCDEFG' as unknown as Uint8Array, { kind: 'none' }), 'INVALID_ARGUMENT');
    const age = await generateAgeIdentity();
    const { encryptToAgeRecipient } = await import('../../electron/services/protection/age');
    const notAShard = ascii(await encryptToAgeRecipient('{"not":"a shard"}', age.recipient));
    await rejects(openProtectedBytes(notAShard, { kind: 'age', identity: age.identity }), 'ENVELOPE_FORMAT');
    await rejects(openProtectedBytes(ascii('hello'), { kind: 'none' }), 'ENVELOPE_FORMAT');
  });

  it('compareShardTextAscii: the text in any case and spacing is equal; a changed character is named by its group', () => {
    const binary = binaryShard();
    const shard = text(envelopeTextBytes(binary));
    assert.equal(compareShardTextAscii(binary, ascii(shard)), null);
    assert.equal(compareShardTextAscii(binary, ascii(`KS1 ${shard.slice(3).toLowerCase().replace(/(.{4})/g, '$1 ')}\n`)), null);
    const at = 3 + 12; // one character of the body
    const changed = shard.slice(0, at) + (shard[at] === 'A' ? 'B' : 'A') + shard.slice(at + 1);
    const m = compareShardTextAscii(binary, ascii(changed));
    assert.ok(m !== null && m.groups !== undefined && m.groups.length === 1 && !m.lengthDiffers);
    const shorter = compareShardTextAscii(binary, ascii(shard.slice(0, -1)));
    assert.ok(shorter !== null && shorter.lengthDiffers);
  });
});
