import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { OpenSignOff } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { appendEntry, createTranscript, verifyTranscript, type WitnessSigner } from '../../core/transcript';
import {
  checkWitnessSigner,
  loadWitnessKeyFile,
  parseWitnessKeyFile,
  signAndVerify,
  witnessKeyFileText,
  witnessKeyOf,
} from '../../electron/services/witness/index';
import { sealWitnessKey } from '../../electron/services/witness/key-file';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SK = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const SK2 = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);

function code(c: string, check?: (e: KeyshardError) => void): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, String(e));
    assert.equal(e.code, c, e.message);
    check?.(e);
    return true;
  };
}

function transcriptPinning(...signers: WitnessSigner[]) {
  let t = createTranscript('witness-test', () => new Date(Date.UTC(2025, 2, 1)));
  t = appendEntry(t, 'plan', { witnessKeys: signers.map(witnessKeyOf) });
  return appendEntry(t, 'split', { fingerprint: 'ab12' });
}

describe('witness key files', () => {
  it('reads the JSON file keyshard writes and a bare hex key, and derives the Ed25519 public key', () => {
    const fromJson = parseWitnessKeyFile(witnessKeyFileText('wendy', SK));
    assert.equal(fromJson.key.id, 'wendy');
    assert.equal(fromJson.key.algorithm, 'ed25519');
    assert.equal(fromJson.key.publicKey, bytesToHex(ed25519.getPublicKey(SK)));
    const fromHex = parseWitnessKeyFile(`${bytesToHex(SK).toUpperCase()}\n`, 'wendy');
    assert.deepEqual(fromHex.key, fromJson.key);
  });

  it('refuses a bare key without a witness id, a file of another witness, other algorithms and damaged keys', () => {
    assert.throws(() => parseWitnessKeyFile(bytesToHex(SK)), code('WITNESS_KEY'));
    assert.throws(() => parseWitnessKeyFile(witnessKeyFileText('wendy', SK), 'victor'), code('WITNESS_KEY', (e) => assert.match(e.message, /belongs to witness "wendy"/)));
    assert.throws(() => parseWitnessKeyFile(JSON.stringify({ witnessId: 'w', algorithm: 'ecdsa-p256', secretKeyHex: bytesToHex(SK) })), code('WITNESS_KEY'));
    assert.throws(() => parseWitnessKeyFile(JSON.stringify({ witnessId: 'w', secretKeyHex: bytesToHex(SK).slice(2) })), code('WITNESS_KEY'));
    assert.throws(() => parseWitnessKeyFile('not a key'), code('WITNESS_KEY'));
    // The secret key never appears in an error.
    try {
      parseWitnessKeyFile(JSON.stringify({ witnessId: 'w', algorithm: 'rsa', secretKeyHex: bytesToHex(SK) }));
    } catch (e) {
      assert.ok(!(e as Error).message.includes(bytesToHex(SK)));
    }
  });

  it('loads an encrypted key file from disk, and refuses an unencrypted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyshard-witness-'));
    dirs.push(dir);
    const path = join(dir, 'wendy.json');
    writeFileSync(path, await sealWitnessKey('wendy', SK, 'correct horse', { logN: 14 }));
    assert.equal((await loadWitnessKeyFile(path)).witnessId, 'wendy');
    writeFileSync(path, witnessKeyFileText('wendy', SK));
    await assert.rejects(loadWitnessKeyFile(path), code('WITNESS_KEY_UNENCRYPTED'));
    await assert.rejects(loadWitnessKeyFile(join(dir, 'missing.json')), code('WITNESS_KEY'));
  });
});

describe('witness sign-off checks', () => {
  const names = (id: string): string => id.toUpperCase();
  const open = (o: Partial<OpenSignOff> = {}): OpenSignOff => ({ checkpoint: 'confirm', custodianId: 'alice', eligible: ['wendy'], required: 1, signedBy: [], ...o });

  it('accepts a pinned, eligible witness who has not signed yet', () => {
    const w = parseWitnessKeyFile(witnessKeyFileText('wendy', SK));
    assert.doesNotThrow(() => checkWitnessSigner(w.signer, [w.key], open(), names));
  });

  it('refuses an unknown witness or another key (WITNESS_KEY), and a witness not allowed to sign now (WITNESS_NOT_ELIGIBLE)', () => {
    const wendy = parseWitnessKeyFile(witnessKeyFileText('wendy', SK));
    const impostor = parseWitnessKeyFile(witnessKeyFileText('wendy', SK2));
    const victor = parseWitnessKeyFile(witnessKeyFileText('victor', SK2));
    assert.throws(() => checkWitnessSigner(impostor.signer, [wendy.key], open(), names), code('WITNESS_KEY', (e) => assert.match(e.message, /not the key registered for witness WENDY/)));
    assert.throws(() => checkWitnessSigner(victor.signer, [wendy.key], open(), names), code('WITNESS_KEY'));
    assert.throws(() => checkWitnessSigner(victor.signer, [wendy.key, victor.key], open(), names), code('WITNESS_NOT_ELIGIBLE', (e) => assert.match(e.message, /does not observe ALICE/)));
    assert.throws(() => checkWitnessSigner(wendy.signer, [wendy.key], open({ signedBy: ['wendy'] }), names), code('WITNESS_NOT_ELIGIBLE', (e) => assert.match(e.message, /already signed/)));
    assert.throws(() => checkWitnessSigner(wendy.signer, [wendy.key], null, names), code('WITNESS_NOT_ELIGIBLE'));
  });

  it('signs, and the signature verifies in the transcript', async () => {
    const w = parseWitnessKeyFile(witnessKeyFileText('wendy', SK));
    const t = await signAndVerify(transcriptPinning(w.signer), 2, w.signer);
    const v = verifyTranscript(t);
    assert.ok(v.ok);
    assert.deepEqual(v.signoffs.find((s) => s.seq === 2)?.witnesses.map((x) => x.id), ['wendy']);
  });

  it('refuses a signature that does not verify (wrong token, lying signer) and a destroyed key; records nothing', async () => {
    const w = parseWitnessKeyFile(witnessKeyFileText('wendy', SK));
    const t = transcriptPinning(w.signer);
    const liar: WitnessSigner = { ...w.signer, sign: async () => new Uint8Array(64).fill(1) };
    await assert.rejects(signAndVerify(t, 2, liar), code('WITNESS_KEY'));
    const otherKey: WitnessSigner = { ...w.signer, sign: async (h) => ed25519.sign(h, SK2) };
    await assert.rejects(signAndVerify(t, 2, otherKey), code('WITNESS_KEY'));
    const unpinned = parseWitnessKeyFile(witnessKeyFileText('wendy', SK2));
    await assert.rejects(signAndVerify(t, 2, unpinned.signer), code('WITNESS_KEY'));
    w.destroy();
    await assert.rejects(signAndVerify(t, 2, w.signer), code('SECRET_DESTROYED'));
    assert.equal(t.entries.length, 2);
  });
});
