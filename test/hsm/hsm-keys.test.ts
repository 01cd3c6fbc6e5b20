/**
 * Keys on the token: shards sealed to a token key and opened by the token (checked against an independent software
 * computation of the construction in protection/pkcs11.ts), witness signatures verified by core/transcript, and
 * imported keys that the token keeps sensitive and non-extractable.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { gcm } from '@noble/ciphers/aes.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import * as graphene from 'graphene-pk11';
import { encodeEnvelope, envelopeToText } from '../../core/envelope';
import { appendEntry, createTranscript, signEntry, verifyTranscript, verifyWitnessSignature } from '../../core/transcript';
import { openHsm } from '../../electron/services/hsm/index';
import type { HsmPort, HsmSession } from '../../electron/services/hsm/index';
import { detectProtection, openProtectedEnvelope, openSealedWithSoftwareKey, parseSealed, protectEnvelopeText } from '../../electron/services/protection/index';
import { SEAL_AAD_LABEL, SEAL_ARMOR_BEGIN } from '../../electron/services/protection/pkcs11';
import { readShards, writeShard } from '../../electron/services/usb/index';
import { dealEnvelopes, random, rejectsCode } from './fixtures';
import { makeSoftHsm, SOFTHSM_MODULE, USER_PIN } from './softhsm';
import type { SoftHsm } from './softhsm';

let env: SoftHsm | undefined;
const ports: HsmPort[] = [];

afterEach(async () => {
  for (const p of ports.splice(0)) await p.close();
  env?.cleanup();
  env = undefined;
});

async function sessionOn(...labels: string[]): Promise<HsmSession[]> {
  env = makeSoftHsm(labels);
  const port = await openHsm(SOFTHSM_MODULE);
  ports.push(port);
  const out: HsmSession[] = [];
  for (const label of labels) out.push(await port.openSession({ label }, USER_PIN, { require: ['ec-p256-keygen', 'ecdh-derive', 'aes-gcm', 'ecdsa'] }));
  return out;
}

/** The construction computed from scratch (not through protection/pkcs11.ts): raw ECDH x as the AES-256-GCM key. */
function independentOpen(file: string, recipientSecret: Uint8Array): Uint8Array {
  const body = file.trim().split('\n').slice(1, -1).join('');
  const bin = new Uint8Array(Buffer.from(body, 'base64'));
  assert.deepEqual([...bin.subarray(0, 4)], [0x4b, 0x53, 0x50, 0x01]);
  const recipient = bin.subarray(4, 69);
  assert.deepEqual(recipient, p256.getPublicKey(recipientSecret, false));
  const ephemeral = bin.subarray(69, 134);
  const nonce = bin.subarray(134, 146);
  const x = p256.Point.fromBytes(ephemeral).multiply(p256.Point.Fn.fromBytes(recipientSecret)).toAffine().x;
  const key = p256.Point.Fp.toBytes(x);
  const aad = concatBytes(utf8ToBytes(SEAL_AAD_LABEL), bin.subarray(0, 146));
  return gcm(key, nonce, aad).decrypt(bin.subarray(146));
}

describe('shards sealed to a token key', () => {
  it('a generated token key: seal in software, open on the token; the key pair is found again, not re-made', async () => {
    const [session] = await sessionOn('Alice');
    const key = await session!.ensureKeyPair('keyshard-seal', 'decrypt');
    assert.equal(key.curve, 'p256');
    assert.equal(key.canDerive, true);
    assert.equal(key.publicKey.length, 65);
    const again = await session!.ensureKeyPair('keyshard-seal', 'decrypt');
    assert.equal(again.id, key.id);
    assert.equal(again.publicKeyHex, key.publicKeyHex);
    const protection = await session!.keyProtection('keyshard-seal');
    assert.deepEqual(protection, { sensitive: true, extractable: false, alwaysSensitive: true, neverExtractable: true, valueReadable: false });

    const envelope = dealEnvelopes().envelopes[0]!;
    const text = envelopeToText(envelope);
    const shard = await protectEnvelopeText(text, { kind: 'pkcs11', publicKey: key.publicKeyHex });
    assert.equal(shard.kind, 'pkcs11');
    assert.equal(shard.fileExtension, '.p11');
    assert.ok(typeof shard.data === 'string' && shard.data.startsWith(SEAL_ARMOR_BEGIN));
    assert.ok(!String(shard.data).includes(text.slice(3, 40)), 'the shard text is not in the file');
    assert.equal(detectProtection(shard.data), 'pkcs11');
    const opened = await openProtectedEnvelope(shard.data, { kind: 'pkcs11', token: session! });
    assert.deepEqual(encodeEnvelope(opened), encodeEnvelope(envelope));
  });

  it('the token and two software computations agree (a key imported from a known secret)', async () => {
    const [session] = await sessionOn('Alice');
    const secret = p256.utils.randomSecretKey();
    const key = await session!.importPrivateKey({ curve: 'p256', secretKey: secret, label: 'known', purpose: 'decrypt' });
    assert.deepEqual(key.publicKey, p256.getPublicKey(secret, false));
    for (let i = 0; i < 5; i++) {
      const text = envelopeToText(dealEnvelopes().envelopes[i % 3]!);
      const shard = await protectEnvelopeText(text, { kind: 'pkcs11', publicKey: key.publicKeyHex });
      const expected = `${text}\n`;
      const onToken = new TextDecoder().decode(await session!.openSealed(parseSealed(shard.data)));
      const software = new TextDecoder().decode(openSealedWithSoftwareKey(parseSealed(shard.data), secret));
      const independent = new TextDecoder().decode(independentOpen(String(shard.data), secret));
      assert.equal(onToken, expected);
      assert.equal(software, expected);
      assert.equal(independent, expected);
    }
  });

  it('a damaged file, a changed header, a foreign token and an off-curve ephemeral key are all refused', async () => {
    const [alice, bob] = await sessionOn('Alice', 'Bob');
    const key = await alice!.ensureKeyPair('keyshard-seal', 'decrypt');
    await bob!.ensureKeyPair('keyshard-seal', 'decrypt');
    const text = envelopeToText(dealEnvelopes().envelopes[0]!);
    const shard = await protectEnvelopeText(text, { kind: 'pkcs11', publicKey: key.publicKeyHex });
    const sealed = parseSealed(shard.data);

    const flippedCt = { ...sealed, ciphertextAndTag: Uint8Array.from(sealed.ciphertextAndTag) };
    flippedCt.ciphertextAndTag[3]! ^= 0x40;
    const damaged = await rejectsCode(alice!.openSealed(flippedCt), 'ENVELOPE_DECRYPT');
    assert.equal(damaged.details?.['reason'], 'damaged');

    // The header is bound through the associated data: a changed nonce or header byte fails the tag.
    const changedAad = { ...sealed, aad: Uint8Array.from(sealed.aad) };
    changedAad.aad[changedAad.aad.length - 1]! ^= 0x01;
    assert.equal((await rejectsCode(alice!.openSealed(changedAad), 'ENVELOPE_DECRYPT')).details?.['reason'], 'damaged');

    const foreign = await rejectsCode(bob!.openSealed(sealed), 'ENVELOPE_DECRYPT');
    assert.equal(foreign.details?.['reason'], 'wrong-key');
    assert.match(foreign.message, /custodian's own token/);

    const offCurve = { ...sealed, ephemeralPublicKey: Uint8Array.from(sealed.ephemeralPublicKey) };
    offCurve.ephemeralPublicKey[64]! ^= 0x01;
    assert.equal((await rejectsCode(alice!.openSealed(offCurve), 'ENVELOPE_DECRYPT')).details?.['reason'], 'damaged');

    // The session still works after those failures (no operation left active).
    const ok = new TextDecoder().decode(await alice!.openSealed(sealed));
    assert.equal(ok, `${text}\n`);
    // The armored file cut short.
    await rejectsCode(openProtectedEnvelope(String(shard.data).split('\n').slice(0, 3).join('\n'), { kind: 'pkcs11', token: alice! }), 'ENVELOPE_DECRYPT');
  });

  it('a sealed shard file on a stick: written by the USB service, listed by readShards, opened by the token', async () => {
    const [session] = await sessionOn('Alice');
    const key = await session!.ensureKeyPair('keyshard-seal', 'decrypt');
    const envelope = dealEnvelopes().envelopes[1]!;
    const mount = join(env!.root, 'stick');
    mkdirSync(mount);
    const written = await writeShard({ mountPoint: mount }, envelope, { protection: { kind: 'pkcs11', publicKey: key.publicKeyHex } });
    assert.match(written.file, /-c1\.p11$/);
    const { shards, problems } = await readShards({ mountPoint: mount });
    assert.deepEqual(problems, []);
    const found = shards[0]!;
    assert.equal(found.protection, 'pkcs11');
    const opened = await openProtectedEnvelope(found.data, { kind: 'pkcs11', token: session! });
    assert.deepEqual(encodeEnvelope(opened), encodeEnvelope(envelope));
  });

  it('a key made for signing cannot open shards, and a bad public key cannot be sealed to', async () => {
    const [session] = await sessionOn('Alice');
    await session!.ensureKeyPair('keyshard-witness', 'sign');
    await rejectsCode(session!.ensureKeyPair('keyshard-witness', 'decrypt'), 'HSM_MECHANISM');
    await rejectsCode(protectEnvelopeText(envelopeToText(dealEnvelopes().envelopes[0]!), { kind: 'pkcs11', publicKey: '04' + '00'.repeat(64) }), 'INVALID_ARGUMENT');
  });

  it('a token pulled before opening is HSM_TOKEN_ABSENT', async () => {
    const [session] = await sessionOn('Alice');
    const key = await session!.ensureKeyPair('keyshard-seal', 'decrypt');
    const shard = await protectEnvelopeText(envelopeToText(dealEnvelopes().envelopes[0]!), { kind: 'pkcs11', publicKey: key.publicKeyHex });
    env!.removeToken('Alice');
    await rejectsCode(session!.openSealed(parseSealed(shard.data)), 'HSM_TOKEN_ABSENT');
  });
});

describe('witness signatures with a token key', () => {
  it('signs transcript entries as ecdsa-p256; core/transcript verifies them against the pinned key', async () => {
    const [session] = await sessionOn('Witness');
    const key = await session!.ensureKeyPair('keyshard-witness', 'sign');
    const signer = await session!.witnessSigner('wanda', 'keyshard-witness');
    assert.equal(signer.algorithm, 'ecdsa-p256');
    assert.deepEqual(signer.publicKey, key.publicKey);
    let clock = Date.parse('2025-03-01T10:00:00.000Z');
    let t = createTranscript('token-witness-test', () => new Date((clock += 1000)));
    t = appendEntry(t, 'plan', { witnessKeys: [{ id: 'wanda', algorithm: 'ecdsa-p256', publicKey: key.publicKeyHex }] });
    t = appendEntry(t, 'split', { shares: 3, threshold: 2 });
    t = await signEntry(t, 1, signer);
    t = await signEntry(t, 2, signer);
    const result = verifyTranscript(t);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.deepEqual(
      result.signoffs.map((s) => s.witnesses.map((w) => w.id)),
      [['wanda'], ['wanda']],
    );
    // Tampering with the signature is caught.
    const tampered = JSON.parse(JSON.stringify(t)) as { entries: { data: { signature?: string } }[] };
    const sig = tampered.entries[2]!.data.signature!;
    tampered.entries[2]!.data.signature = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    assert.equal(verifyTranscript(tampered).ok, false);
  });

  it('raw ECDSA over the 32-byte hash: every signature verifies (high-S included), none with another hash', async () => {
    const [session] = await sessionOn('Witness');
    const key = await session!.ensureKeyPair('w', 'sign');
    const signer = await session!.witnessSigner('w', 'w');
    // Sign until the token has produced both a low-S and a high-S signature (each is 1/2 per signature; 64 tries
    // leave a 2^-63 chance of a spurious failure): both kinds must verify as the transcript checks them.
    let highS = 0;
    let lowS = 0;
    for (let i = 0; i < 64 && (highS === 0 || lowS === 0 || i < 8); i++) {
      const hash = sha256(random(16));
      const sig = await signer.sign(hash);
      assert.equal(sig.length, 64);
      assert.ok(verifyWitnessSignature('ecdsa-p256', key.publicKey, hash, sig));
      assert.ok(!verifyWitnessSignature('ecdsa-p256', key.publicKey, sha256(hash), sig));
      if (p256.Signature.fromBytes(sig).hasHighS()) highS++;
      else lowS++;
    }
    assert.ok(highS > 0 && lowS > 0, `high-S ${highS}, low-S ${lowS}`);
    await rejectsCode(signer.sign(new Uint8Array(31)), 'INVALID_ARGUMENT');
  });

  it('a key that cannot sign is refused as a witness key', async () => {
    const [session] = await sessionOn('Witness');
    await session!.ensureKeyPair('seal', 'decrypt');
    await rejectsCode(session!.witnessSigner('w', 'seal'), 'HSM_MECHANISM');
    await rejectsCode(session!.witnessSigner('w', 'no-such-key'), 'HSM_OBJECT_NOT_FOUND');
  });
});

describe('importing a recovered key', () => {
  for (const [curve, impl] of [
    ['p256', p256],
    ['secp256k1', secp256k1],
  ] as const) {
    it(`imports a ${curve} key as sensitive and non-extractable; reading CKA_VALUE is refused`, async () => {
      const [session] = await sessionOn('Vault');
      const secret = impl.utils.randomSecretKey();
      const copy = Uint8Array.from(secret);
      const info = await session!.importPrivateKey({ curve, secretKey: secret, label: `recovered-${curve}` });
      assert.deepEqual(secret, copy, 'the caller\'s key is left to the caller');
      assert.equal(info.curve, curve);
      assert.deepEqual(info.publicKey, impl.getPublicKey(secret, false));
      const protection = await session!.keyProtection(`recovered-${curve}`);
      assert.equal(protection.sensitive, true);
      assert.equal(protection.extractable, false);
      assert.equal(protection.valueReadable, false);
      // The token signs with it (SoftHSM supports secp256k1 through OpenSSL).
      await ports[0]!.close();
      // Outside keyshard, with graphene directly: CKA_VALUE is refused, the signature verifies.
      const module = graphene.Module.load(SOFTHSM_MODULE, 'raw');
      module.initialize();
      try {
        const raw = module.getSlots(true).items(0).open(graphene.SessionFlag.RW_SESSION | graphene.SessionFlag.SERIAL_SESSION);
        raw.login(USER_PIN);
        const key = raw.find({ class: graphene.ObjectClass.PRIVATE_KEY, label: `recovered-${curve}` }).items(0).toType<graphene.PrivateKey>();
        assert.throws(() => key.getAttribute('value'), /CKR_ATTRIBUTE_SENSITIVE/);
        const hash = sha256(random(8));
        const sig = raw.createSign('ECDSA', key).once(Buffer.from(hash));
        assert.ok(impl.verify(new Uint8Array(sig), hash, info.publicKey, { prehash: false, lowS: false }));
        raw.close();
      } finally {
        module.finalize();
      }
    });
  }

  it('an imported P-256 key can be a witness key', async () => {
    const [session] = await sessionOn('Vault');
    const secret = p256.utils.randomSecretKey();
    await session!.importPrivateKey({ curve: 'p256', secretKey: secret, label: 'imported-witness' });
    const signer = await session!.witnessSigner('vera', 'imported-witness');
    const hash = sha256(random(8));
    assert.ok(verifyWitnessSignature('ecdsa-p256', p256.getPublicKey(secret), hash, await signer.sign(hash)));
  });

  it('refuses an invalid key or a label in use, and leaves nothing behind', async () => {
    const [session] = await sessionOn('Vault');
    await rejectsCode(session!.importPrivateKey({ curve: 'p256', secretKey: new Uint8Array(32), label: 'zero' }), 'INVALID_ARGUMENT');
    await rejectsCode(session!.importPrivateKey({ curve: 'p256', secretKey: new Uint8Array(31).fill(1), label: 'short' }), 'INVALID_ARGUMENT');
    const n = p256.Point.CURVE().n;
    const order = Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
    await rejectsCode(session!.importPrivateKey({ curve: 'p256', secretKey: order, label: 'order' }), 'INVALID_ARGUMENT');
    await session!.importPrivateKey({ curve: 'p256', secretKey: p256.utils.randomSecretKey(), label: 'taken' });
    const err = await rejectsCode(session!.importPrivateKey({ curve: 'p256', secretKey: p256.utils.randomSecretKey(), label: 'taken' }), 'INVALID_ARGUMENT');
    assert.match(err.message, /already has an object labelled "taken"/);
    await rejectsCode(session!.findKey('zero'), 'HSM_OBJECT_NOT_FOUND');
    assert.equal(bytesToHex((await session!.findKey('taken')).publicKey).length, 130);
  });
});
