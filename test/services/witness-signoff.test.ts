/**
 * A witness sign-off needs the witness each time (issue 11, points 9 and 10): the key file's passphrase (the file is
 * encrypted at rest; an unencrypted one is refused), the checkpoint's fingerprint typed back, keys dropped when the
 * ceremony ends, and no witness key that is not a real public key.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { apply, createCeremony } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { witnessPublicKeyProblem } from '../../core/policy';
import { verifyTranscriptText, type WitnessSigner } from '../../core/transcript';
import { parseSealedWitnessKey, sealWitnessKey, unsealWitnessKey } from '../../electron/services/witness/key-file';
import { cleanTemps, custodianKeys, rig, runCeremony, signAs, steppingClock, tempDir, vssPlan, type Keys } from './ceremony-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

function isError(code: string, check?: (e: KeyshardError) => void): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  };
}

const SECRET = {
  wendy: sha256(utf8ToBytes('witness-signoff test wendy')),
  victor: sha256(utf8ToBytes('witness-signoff test victor')),
};
const PASSPHRASE = { wendy: 'wendy walks at dawn', victor: 'victor votes at noon' };

/** The identity point, an order-8 point, and all zeros (an order-4 point): none is a key. */
const ED_IDENTITY = `01${'00'.repeat(31)}`;
const ED_ZEROS = '00'.repeat(32);
const ED_ORDER_8 = 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a';

async function keyFiles(dir: string): Promise<Record<'wendy' | 'victor', string>> {
  const out = { wendy: join(dir, 'wendy.key'), victor: join(dir, 'victor.key') };
  for (const id of ['wendy', 'victor'] as const) writeFileSync(out[id], await sealWitnessKey(id, SECRET[id], PASSPHRASE[id], { logN: 14 }));
  return out;
}

describe('the encrypted witness key file', () => {
  it('opens only with its passphrase; a wrong one is WITNESS_PASSPHRASE, naming no secret', async () => {
    const text = await sealWitnessKey('wendy', SECRET.wendy, PASSPHRASE.wendy, { logN: 14 });
    assert.ok(!text.includes(bytesToHex(SECRET.wendy)), 'the secret key is not in the file');
    const sealed = parseSealedWitnessKey(text, 'wendy');
    assert.equal(sealed.publicKeyHex, bytesToHex(ed25519.getPublicKey(SECRET.wendy)));
    const opened = await unsealWitnessKey(sealed, PASSPHRASE.wendy);
    assert.equal(bytesToHex(opened), bytesToHex(SECRET.wendy));
    await assert.rejects(
      unsealWitnessKey(sealed, 'wendy walks at dusk'),
      isError('WITNESS_PASSPHRASE', (e) => {
        for (const s of ['wendy walks at dusk', PASSPHRASE.wendy, bytesToHex(SECRET.wendy)]) assert.ok(!e.message.includes(s) && !JSON.stringify(e.details).includes(s));
      }),
    );
    await assert.rejects(unsealWitnessKey(sealed, ''), isError('WITNESS_ACT_NEEDED'));
  });

  it('binds its header: another public key or a cheaper KDF in the same file does not open', async () => {
    const text = await sealWitnessKey('wendy', SECRET.wendy, PASSPHRASE.wendy, { logN: 14 });
    const o = JSON.parse(text) as Record<string, unknown>;
    const swapped = { ...o, publicKeyHex: bytesToHex(ed25519.getPublicKey(SECRET.victor)) };
    await assert.rejects(unsealWitnessKey(parseSealedWitnessKey(JSON.stringify(swapped)), PASSPHRASE.wendy), isError('WITNESS_PASSPHRASE'));
    const renamed = { ...o, witnessId: 'victor' };
    await assert.rejects(unsealWitnessKey(parseSealedWitnessKey(JSON.stringify(renamed)), PASSPHRASE.wendy), isError('WITNESS_PASSPHRASE'));
    const costly = { ...o, kdf: { ...(o['kdf'] as object), N: 2 ** 22 } };
    assert.throws(() => parseSealedWitnessKey(JSON.stringify(costly)), isError('WITNESS_KEY', (e) => assert.match(e.message, /scrypt cost/)));
    assert.throws(() => parseSealedWitnessKey(text, 'victor'), isError('WITNESS_KEY', (e) => assert.match(e.message, /belongs to witness "wendy"/)));
  });

  it('refuses an unencrypted key file (hex or secretKeyHex JSON)', () => {
    const hex = bytesToHex(SECRET.wendy);
    assert.throws(() => parseSealedWitnessKey(hex, 'wendy'), isError('WITNESS_KEY_UNENCRYPTED', (e) => assert.ok(!e.message.includes(hex))));
    assert.throws(() => parseSealedWitnessKey(JSON.stringify({ witnessId: 'wendy', algorithm: 'ed25519', secretKeyHex: hex })), isError('WITNESS_KEY_UNENCRYPTED'));
  });

  it('unlocking does not hold the event loop (scrypt yields while it stretches the passphrase)', async () => {
    const sealed = parseSealedWitnessKey(await sealWitnessKey('wendy', SECRET.wendy, PASSPHRASE.wendy, { logN: 16 }));
    // Timer ticks while it unlocks (no clock read: a busy machine only makes the unlock longer). A synchronous scrypt
    // holds the loop from start to end, so no tick runs before it returns.
    let ticks = 0;
    const timer = setInterval(() => void ticks++, 5);
    let ticksWhenDone = -1;
    try {
      await unsealWitnessKey(sealed, PASSPHRASE.wendy).then(() => (ticksWhenDone = ticks));
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticksWhenDone >= 3, `only ${ticksWhenDone} timer ticks ran while the key was unlocked`);
  });
});

describe('witness public keys that are no keys', () => {
  it('are named by witnessPublicKeyProblem: zeros, identity, small order, mixed order, off the curve', () => {
    const real = bytesToHex(ed25519.getPublicKey(SECRET.wendy));
    assert.equal(witnessPublicKeyProblem('ed25519', real), null);
    assert.match(witnessPublicKeyProblem('ed25519', ED_ZEROS) ?? '', /all zeros/);
    assert.match(witnessPublicKeyProblem('ed25519', ED_IDENTITY) ?? '', /identity/);
    assert.match(witnessPublicKeyProblem('ed25519', ED_ORDER_8) ?? '', /small-order/);
    const mixed = ed25519.Point.fromBytes(ed25519.getPublicKey(SECRET.wendy)).add(ed25519.Point.fromBytes(Uint8Array.from(Buffer.from(ED_ORDER_8, 'hex'))));
    assert.match(witnessPublicKeyProblem('ed25519', mixed.toHex()) ?? '', /small-order component/);
    const token = bytesToHex(p256.getPublicKey(SECRET.victor, false));
    assert.equal(witnessPublicKeyProblem('ecdsa-p256', token), null);
    assert.match(witnessPublicKeyProblem('ecdsa-p256', '00'.repeat(33)) ?? '', /all zeros/);
    assert.match(witnessPublicKeyProblem('ecdsa-p256', `04${'11'.repeat(64)}`) ?? '', /not a point/);
  });

  it('are refused in the plan record the transcript pins', () => {
    const plan = vssPlan(k);
    const start = createCeremony(plan, steppingClock());
    for (const publicKey of [ED_ZEROS, ED_IDENTITY, ED_ORDER_8]) {
      assert.throws(
        () => apply(start, { step: 'plan', witnessKeys: [{ id: 'wendy', algorithm: 'ed25519', publicKey }] }),
        (e: unknown) => e instanceof KeyshardError && /not a usable witness key/.test(e.message),
        publicKey,
      );
    }
  });

  it('are refused at start and when a signer is registered, before anything is written', async () => {
    const plan = vssPlan(k);
    const r = rig();
    for (const publicKey of [ED_ZEROS, ED_IDENTITY]) {
      const keys = [
        { id: 'wendy', algorithm: 'ed25519' as const, publicKey },
        { id: 'victor', algorithm: 'ed25519' as const, publicKey: bytesToHex(ed25519.getPublicKey(SECRET.victor)) },
      ];
      await assert.rejects(r.service.start({ plan, witnessKeys: keys }), isError('WITNESS_KEY'));
      const fake: WitnessSigner = { witnessId: 'wendy', algorithm: 'ed25519', publicKey: Uint8Array.from(Buffer.from(publicKey, 'hex')), sign: async () => new Uint8Array(64) };
      await assert.rejects(r.service.registerWitnessSigner(fake), isError('WITNESS_KEY'));
    }
    assert.equal((await r.service.status()).transcript.entries, 0);
  });
});

describe('a sign-off takes the witness each time', () => {
  it('asks for the passphrase and the checkpoint fingerprint, refuses a wrong one of either, then signs', async () => {
    const plan = vssPlan(k);
    const r = rig();
    const s = r.service;
    const files = await keyFiles(tempDir('witness-keys'));
    const wendy = await s.loadWitnessKey({ path: files.wendy });
    assert.deepEqual({ unlock: wendy.unlock, id: wendy.id }, { unlock: 'passphrase', id: 'wendy' });
    await s.loadWitnessKey({ path: files.victor });
    await s.start({ plan });
    await s.checkAirGap();
    const so = (await s.status()).signOff!;
    // Before there is a key, the witness types back the checkpoint's own hash.
    const airgapEntry = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
    assert.ok(airgapEntry.ok);
    const checkpoint = airgapEntry.entries.find((e) => e.kind === 'airgap-check')!;
    assert.equal(so.confirm.kind, 'checkpoint-hash');
    assert.equal(so.confirm.display.replace(/ /g, '').toLowerCase(), checkpoint.hash.slice(0, 32));
    const entries = (await s.status()).transcript.entries;

    await assert.rejects(signAs(s, 'wendy'), isError('WITNESS_ACT_NEEDED'), 'one click is not enough');
    await assert.rejects(
      signAs(s, 'wendy', { passphrase: 'not her passphrase' }),
      isError('WITNESS_PASSPHRASE', (e) => assert.ok(!e.message.includes('not her passphrase') && !e.message.includes(PASSPHRASE.wendy))),
    );
    await assert.rejects(s.signOff({ witnessId: 'wendy', passphrase: PASSPHRASE.wendy }), isError('WITNESS_FINGERPRINT'));
    const wrong = `${so.confirm.display.slice(0, -1)}${so.confirm.display.endsWith('0') ? '1' : '0'}`;
    await assert.rejects(s.signOff({ witnessId: 'wendy', fingerprint: wrong, passphrase: PASSPHRASE.wendy }), isError('WITNESS_FINGERPRINT'));
    // Victor's passphrase does not open Wendy's key.
    await assert.rejects(signAs(s, 'wendy', { passphrase: PASSPHRASE.victor }), isError('WITNESS_PASSPHRASE'));
    assert.equal((await s.status()).transcript.entries, entries, 'nothing was recorded');

    // Typed as read aloud: lower case, without spaces, is the same fingerprint.
    const ok = await s.signOff({ witnessId: 'wendy', fingerprint: so.confirm.display.replace(/ /g, '').toLowerCase(), passphrase: PASSPHRASE.wendy });
    assert.equal(ok.checkpoint, 'airgap-check');

    // Once there is a key, the witness types back the key's fingerprint read aloud.
    await s.gatherEntropy();
    await s.generate();
    const after = await s.status();
    assert.equal(after.signOff!.confirm.kind, 'key-fingerprint');
    assert.equal(after.signOff!.confirm.display, after.fingerprint!.display);
    await assert.rejects(s.signOff({ witnessId: 'victor', fingerprint: so.confirm.display, passphrase: PASSPHRASE.victor }), isError('WITNESS_FINGERPRINT'), 'an earlier checkpoint code');
    await signAs(s, 'victor', { passphrase: PASSPHRASE.victor });
    await s.abort({ reason: 'test over' });
  });

  it("drops every witness key once the aborted ceremony's exception is recorded: the next ceremony needs them loaded again", async () => {
    const plan = vssPlan(k);
    const r = rig();
    const s = r.service;
    const files = await keyFiles(tempDir('witness-keys'));
    await s.loadWitnessKey({ path: files.wendy });
    await s.loadWitnessKey({ path: files.victor });
    await s.start({ plan });
    assert.equal((await s.witnessKeys()).length, 2);
    await s.abort({ reason: 'custodian missing' });
    // Kept after the wipe so a witness can sign the abort's exception, which Wendy does with her passphrase.
    assert.equal((await s.witnessKeys()).length, 2);
    await s.recordException({ reason: 'A custodian is missing.', witnessId: 'wendy', passphrase: PASSPHRASE.wendy });
    assert.deepEqual(await s.witnessKeys(), []);
    await assert.rejects(signAs(s, 'wendy', { passphrase: PASSPHRASE.wendy }), isError('WITNESS_KEY', (e) => assert.match(e.message, /not loaded/)));
  });

  it('drops every witness key when the ceremony is sealed', async () => {
    const plan = vssPlan(k);
    const r = rig();
    await runCeremony(r, plan, k);
    assert.equal((await r.service.status()).phase, 'sealed');
    assert.deepEqual(await r.service.witnessKeys(), []);
  });
});
