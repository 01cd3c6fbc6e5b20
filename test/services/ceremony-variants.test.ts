import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { KeyshardError } from '../../core/errors';
import { fingerprintOf, keyIdentity, seedIdentity } from '../../core/fingerprint';
import type { CeremonyPlan, KeyCurve, SecretPlan } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import { groupFingerprint, publicKeyOf } from '../../core/vss/index';
import { allZero, cleanTemps, responseFor, rig, unwitnessedPlan, type Rig } from './ceremony-harness';

after(cleanTemps);

function isError(code: string, check?: (e: KeyshardError) => void): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  };
}

const plan = (secret: SecretPlan, scheme: 'slip39' | 'vss', curve: KeyCurve = 'ed25519'): CeremonyPlan => unwitnessedPlan(secret, scheme, curve);

async function toSplit(r: Rig, p: CeremonyPlan, secretHex?: string): Promise<string> {
  const s = r.service;
  await s.start({ plan: p });
  await s.checkAirGap();
  await s.gatherEntropy();
  const made = secretHex === undefined ? await s.generate() : await s.importSecret({ secretHex });
  const split = await s.split();
  assert.equal(split.fingerprint.hex, made.fingerprint.hex);
  return made.fingerprint.hex;
}

async function finish(r: Rig, p: CeremonyPlan): Promise<void> {
  const s = r.service;
  for (const c of p.custodians) {
    const view = await s.handoff({ custodianId: c.id });
    await s.confirm({ custodianId: c.id, method: 'scan-qr', responses: responseFor(view, p) });
    await s.receipt({ custodianId: c.id });
  }
  const rec = await s.testRecovery({ custodianIds: ['ben', 'cat'] });
  assert.equal(rec.fingerprintMatch, true);
  await s.destroy({ confirmed: true });
  const sealed = await s.seal();
  assert.equal(sealed.sealed, true, 'no witness: the seal closes the ceremony at once');
  const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok);
  assert.equal(v.headHash, sealed.headHash);
  for (const b of r.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
}

describe('ceremony service: secrets of every kind', () => {
  for (const [label, p] of [
    ['new 128-bit seed, SLIP-39', plan({ type: 'new-seed', bits: 128 }, 'slip39')],
    ['new ed25519 key, SLIP-39', plan({ type: 'new-key', curve: 'ed25519' }, 'slip39')],
    ['new secp256k1 key, SLIP-39', plan({ type: 'new-key', curve: 'secp256k1' }, 'slip39')],
    ['new secp256k1 key, FROST', plan({ type: 'new-key', curve: 'secp256k1' }, 'vss', 'secp256k1')],
    ['new P-256 key, FROST', plan({ type: 'new-key', curve: 'p256' }, 'vss', 'p256')],
  ] as const) {
    it(`${label}: generate, split, hand off, confirm, recover, destroy, seal`, async () => {
      const r = rig();
      await toSplit(r, p);
      await finish(r, p);
    });
  }

  it('imports an existing seed: its fingerprint is the seed\'s own, and the secret is never recorded', async () => {
    const seedHex = '0f'.repeat(16) + 'a5'.repeat(16);
    const p = plan({ type: 'import', kind: 'seed', lengthBytes: 32 }, 'slip39');
    const r = rig();
    const fp = await toSplit(r, p, seedHex);
    assert.equal(fp, fingerprintOf(seedIdentity(Buffer.from(seedHex, 'hex'))).hex);
    await finish(r, p);
    assert.ok(!readFileSync(join(r.dir, 'transcript.json'), 'utf8').includes(seedHex.slice(0, 16)));
  });

  it('imports an existing key: under FROST as the group scalar, under SLIP-39 as a plain private key', async () => {
    const keyHex = '11'.repeat(31) + '07';
    const frost = plan({ type: 'import', kind: 'secp256k1', lengthBytes: 32 }, 'vss', 'secp256k1');
    const r1 = rig();
    assert.equal(await toSplit(r1, frost, keyHex), groupFingerprint('secp256k1', publicKeyOf('secp256k1', Buffer.from(keyHex, 'hex'))).hex);
    await finish(r1, frost);
    const slip = plan({ type: 'import', kind: 'ed25519', lengthBytes: 32 }, 'slip39');
    const r2 = rig();
    assert.equal(await toSplit(r2, slip, keyHex), fingerprintOf(keyIdentity('ed25519', ed25519.getPublicKey(Buffer.from(keyHex, 'hex')))).hex);
    await finish(r2, slip);
  });

  it('refuses an imported secret of the wrong length, an invalid key or bad hex, without echoing it; nothing is recorded', async () => {
    const r = rig();
    const s = r.service;
    await s.start({ plan: plan({ type: 'import', kind: 'secp256k1', lengthBytes: 32 }, 'vss', 'secp256k1') });
    await s.checkAirGap();
    await s.gatherEntropy();
    const secretish = 'ab'.repeat(16);
    await assert.rejects(s.importSecret({ secretHex: secretish }), isError('SECRET_LENGTH', (e) => assert.ok(!e.message.includes(secretish))));
    await assert.rejects(s.importSecret({ secretHex: 'ff'.repeat(32) }), isError('INVALID_ARGUMENT', (e) => assert.match(e.message, /not a valid secp256k1 private key/)));
    await assert.rejects(s.importSecret({ secretHex: `${'12'.repeat(31)}zz` }), isError('INVALID_HEX', (e) => assert.ok(!e.message.includes('1212'))));
    assert.equal((await s.status()).lastStep, 'entropy');
    assert.equal(r.buffers.filter((b) => b.label === 'master-secret').length, 0);
  });

  it('shows the same shard again when asked twice before confirming, recording one handoff', async () => {
    const p = plan({ type: 'new-seed', bits: 128 }, 'slip39');
    const r = rig();
    await toSplit(r, p);
    const first = await r.service.handoff({ custodianId: 'ann' });
    const entries = (await r.service.status()).transcript.entries;
    const second = await r.service.handoff({ custodianId: 'ann' });
    assert.deepEqual(second.shards, first.shards);
    assert.deepEqual((await r.service.currentHandoff())?.shards, first.shards);
    assert.equal((await r.service.status()).transcript.entries, entries);
    await assert.rejects(r.service.handoff({ custodianId: 'ben' }), isError('CEREMONY_TRANSITION'));
    await r.service.abort({ reason: 'test over' });
  });

  it('refuses a step out of order with CEREMONY_TRANSITION naming what comes next, before doing any work', async () => {
    const r = rig();
    const s = r.service;
    await assert.rejects(s.checkAirGap(), isError('CEREMONY_TRANSITION', (e) => assert.match(e.message, /No ceremony is running/)));
    await s.start({ plan: plan({ type: 'new-seed', bits: 128 }, 'slip39') });
    await assert.rejects(s.gatherEntropy(), isError('CEREMONY_TRANSITION', (e) => assert.match(e.message, /Check the air gap/)));
    assert.equal(r.buffers.length, 0, 'no entropy was gathered for a refused step');
    await assert.rejects(s.start({ plan: plan({ type: 'new-seed', bits: 128 }, 'slip39') }), isError('CEREMONY_TRANSITION'));
  });

  it('refuses a PKCS#11 handoff clearly until the HSM service exists', async () => {
    const p = plan({ type: 'new-seed', bits: 128 }, 'slip39');
    const withToken: CeremonyPlan = {
      ...p,
      custodians: p.custodians.map((c, i) => (i === 0 ? { ...c, medium: 'pkcs11' as const, protection: { type: 'pkcs11' as const } } : c)),
    };
    const r = rig();
    await toSplit(r, withToken);
    const entries = (await r.service.status()).transcript.entries;
    await assert.rejects(r.service.handoff({ custodianId: 'ann' }), isError('HSM_MODULE', (e) => assert.match(e.message, /PKCS#11/)));
    assert.equal((await r.service.status()).transcript.entries, entries);
    await r.service.abort({ reason: 'test over' });
  });

  it('public keys and fingerprints are lowercase hex in responses, as the transcript records them', async () => {
    const p = plan({ type: 'new-key', curve: 'ed25519' }, 'vss');
    const r = rig();
    const s = r.service;
    await s.start({ plan: p });
    await s.checkAirGap();
    await s.gatherEntropy();
    const g = await s.generate();
    assert.match(g.publicKey ?? '', /^[0-9a-f]{64}$/);
    assert.equal(groupFingerprint('ed25519', Buffer.from(g.publicKey!, 'hex')).hex, g.fingerprint.hex);
    assert.match(g.fingerprint.display, /^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    const split = await s.split();
    assert.equal(split.commitments?.[0], g.publicKey);
    await s.abort({ reason: 'test over' });
  });

  it('answers every call with plain data that survives a structured clone (what Electron\'s IPC does; a shown shard is bytes)', async () => {
    const p = plan({ type: 'new-seed', bits: 128 }, 'slip39');
    const r = rig();
    const s = r.service;
    const same = (v: unknown): void => assert.deepEqual(structuredClone(v), v);
    same(await s.status());
    same(await s.start({ plan: JSON.parse(JSON.stringify(p)) }));
    same(await s.checkAirGap());
    same(await s.gatherEntropy({ diceRolls: '1 2 3' }));
    same(await s.generate());
    same(await s.split());
    for (const c of p.custodians) {
      const view = await s.handoff({ custodianId: c.id });
      same(view);
      same(await s.confirm({ custodianId: c.id, method: 'scan-qr', responses: responseFor(view, p) }));
      same(await s.receipt({ custodianId: c.id }));
    }
    same(await s.testRecovery());
    same(await s.destroy({ confirmed: true }));
    same(await s.seal());
    same(await s.resume());
  });
});
