/**
 * Shards stored on tokens as private, non-modifiable data objects: store and read back, one shard per ceremony
 * per token, a token pulled during store or read, a full token, a write that does not read back, and a whole
 * 2-of-3 hand-off to three tokens recovered from a quorum.
 *
 * What SoftHSM2 cannot do: run out of room (it writes files; a full disk gives CKR_GENERAL_ERROR, not
 * CKR_DEVICE_MEMORY), nor report free memory. Token-full is injected at the session level with the binding's own
 * Pkcs11Error, which is exactly what pkcs11js throws for a real token that answers CKR_DEVICE_MEMORY.
 * A pulled token is its directory deleted (SoftHSM then behaves like a removed reader: searches return nothing,
 * C_GetTokenInfo fails).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import * as graphene from 'graphene-pk11';
import { ceremonyIdToHex, decodeVssPayload, describeEnvelope, encodeEnvelope, wipeEnvelope } from '../../core/envelope';
import type { Envelope } from '../../core/envelope';
import { combineShares } from '../../core/vss/index';
import type { HsmPort, HsmSession } from '../../electron/services/hsm/index';
import { dealEnvelopes, errorText, rejectsCode } from './fixtures';
import { closeOpenedPorts, interceptSession, makeSoftHsm, openSoftHsmPort, pkcs11Error, SOFTHSM_MODULE, USER_PIN } from './softhsm';
import type { SoftHsm } from './softhsm';

let env: SoftHsm | undefined;

const open = openSoftHsmPort;

afterEach(async () => {
  await closeOpenedPorts();
  env?.cleanup();
  env = undefined;
});

async function login(port: HsmPort, label: string): Promise<HsmSession> {
  return port.openSession({ label }, USER_PIN, { require: ['data-objects'] });
}

/** What a raw PKCS#11 session sees on the token (graphene directly, after every port is closed). */
function rawView(label: string, pin?: string): { count: number; attributes: graphene.ITemplate[]; modifyRefused: boolean } {
  const module = graphene.Module.load(SOFTHSM_MODULE, 'raw');
  module.initialize();
  try {
    const slots = module.getSlots(true);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots.items(i);
      if (slot.getToken().label !== label) continue;
      const session = slot.open(graphene.SessionFlag.RW_SESSION | graphene.SessionFlag.SERIAL_SESSION);
      try {
        if (pin !== undefined) session.login(pin);
        const found = session.find({ class: graphene.ObjectClass.DATA });
        const attributes: graphene.ITemplate[] = [];
        let modifyRefused = true;
        for (let j = 0; j < found.length; j++) {
          const o = found.items(j);
          attributes.push(o.getAttribute({ token: null, private: null, modifiable: null, label: null, application: null }));
          try {
            o.setAttribute('label', 'changed');
            modifyRefused = false;
          } catch {
            // refused, as it must be
          }
        }
        return { count: found.length, attributes, modifyRefused };
      } finally {
        session.close();
      }
    }
    throw new Error(`no token ${label}`);
  } finally {
    module.finalize();
  }
}

function sameEnvelope(a: Envelope, b: Envelope): void {
  assert.deepEqual(encodeEnvelope(a), encodeEnvelope(b));
}

describe('storing shards on a token', () => {
  it('stores a shard as a private, non-modifiable data object and reads it back byte for byte', async () => {
    env = makeSoftHsm(['Alice']);
    const { envelopes } = dealEnvelopes();
    const envelope = envelopes[0]!;
    const port = await open();
    const session = await login(port, 'Alice');
    const stored = await session.storeShard(envelope);
    const hex = ceremonyIdToHex(envelope.ceremonyId);
    assert.deepEqual(stored, {
      objectLabel: `keyshard-${hex}-c0`,
      ceremonyId: hex,
      custodianIndex: 0,
      custodianLabel: 'Alice',
      scheme: 'vss-p256',
      bytes: encodeEnvelope(envelope).length,
      alreadyStored: false,
    });
    const back = await session.readShard(hex);
    sameEnvelope(back, envelope);
    wipeEnvelope(back);
    const byBytes = await session.readShard(envelope.ceremonyId);
    sameEnvelope(byBytes, envelope);
    assert.deepEqual(
      (await session.listShards()).map((s) => [s.ceremonyId, s.custodianIndex]),
      [[hex, 0]],
    );
    await port.close();
    // Seen from outside keyshard: invisible without the PIN, private, on the token, and not modifiable.
    assert.equal(rawView('Alice').count, 0);
    const view = rawView('Alice', USER_PIN);
    assert.equal(view.count, 1);
    assert.deepEqual(view.attributes[0], { token: true, private: true, modifiable: false, label: `keyshard-${hex}-c0`, application: `keyshard:${hex}` });
    assert.equal(view.modifyRefused, true);
  });

  it('refuses a second shard of the same ceremony on one token, and accepts the same shard again without writing', async () => {
    env = makeSoftHsm(['Alice']);
    const { envelopes } = dealEnvelopes();
    const port = await open();
    const session = await login(port, 'Alice');
    await session.storeShard(envelopes[0]!);
    const err = await rejectsCode(session.storeShard(envelopes[1]!), 'HSM_SHARD_EXISTS');
    assert.equal(err.details?.['existingCustodianIndex'], 0);
    assert.match(err.message, /own token/);
    const again = await session.storeShard(envelopes[0]!);
    assert.equal(again.alreadyStored, true);
    // A shard of another ceremony is fine on the same token.
    const other = dealEnvelopes().envelopes[2]!;
    await session.storeShard(other);
    assert.equal((await session.listShards()).length, 2);
    // The refused shard was not written.
    const kept = await session.readShard(envelopes[0]!.ceremonyId);
    assert.equal(kept.custodianIndex, 0);
  });

  it('reading a ceremony the token does not hold is HSM_OBJECT_NOT_FOUND while the token is there', async () => {
    env = makeSoftHsm(['Alice']);
    const port = await open();
    const session = await login(port, 'Alice');
    const err = await rejectsCode(session.readShard('00112233445566778899aabbccddeeff'), 'HSM_OBJECT_NOT_FOUND');
    assert.match(err.message, /no shard of ceremony 00112233445566778899aabbccddeeff/);
    await rejectsCode(session.readShard('not-a-ceremony-id'), 'INVALID_HEX');
  });
});

describe('faults while storing and reading', () => {
  it('a token pulled while its shard is read: "0 objects" is re-checked and reported as HSM_TOKEN_ABSENT', async () => {
    env = makeSoftHsm(['Alice']);
    const { envelopes } = dealEnvelopes();
    const port = await open();
    const session = await login(port, 'Alice');
    await session.storeShard(envelopes[0]!);
    env.removeToken('Alice');
    const err = await rejectsCode(session.readShard(envelopes[0]!.ceremonyId), 'HSM_TOKEN_ABSENT');
    assert.match(err.message, /went away/);
    await rejectsCode(session.listShards(), 'HSM_TOKEN_ABSENT');
    await session.close(); // closing a session on a vanished token does not throw
  });

  it('a token pulled after login, before the shard is written, is HSM_TOKEN_ABSENT', async () => {
    env = makeSoftHsm(['Alice']);
    const { envelopes } = dealEnvelopes();
    const port = await open();
    const session = await login(port, 'Alice');
    env.removeToken('Alice');
    await rejectsCode(session.storeShard(envelopes[0]!), 'HSM_TOKEN_ABSENT');
  });

  it('a token pulled between the write and the read-back is HSM_TOKEN_ABSENT and says to store again', async () => {
    env = makeSoftHsm(['Alice']);
    const current = env;
    const { envelopes } = dealEnvelopes();
    const port = await open({
      sessionInterceptor: interceptSession({
        create: (target, template) => {
          const created = target.create(template as graphene.ITemplate);
          if ((template as graphene.ITemplate).class === graphene.ObjectClass.DATA) current.removeToken('Alice');
          return created;
        },
      }),
    });
    const session = await login(port, 'Alice');
    const err = await rejectsCode(session.storeShard(envelopes[0]!), 'HSM_TOKEN_ABSENT');
    assert.match(err.message, /went away while storing/);
  });

  it('a full token (CKR_DEVICE_MEMORY) is HSM_TOKEN_FULL and leaves nothing behind', async () => {
    env = makeSoftHsm(['Full']);
    const { envelopes } = dealEnvelopes();
    const port = await open({
      sessionInterceptor: interceptSession({
        create: () => {
          throw pkcs11Error('CKR_DEVICE_MEMORY', 0x31, 'C_CreateObject');
        },
      }),
    });
    const session = await login(port, 'Full');
    const err = await rejectsCode(session.storeShard(envelopes[0]!), 'HSM_TOKEN_FULL');
    assert.match(err.message, /full/);
    assert.equal(err.details?.['ckr'], 'CKR_DEVICE_MEMORY');
    assert.deepEqual(await session.listShards(), []);
  });

  it('a token that reports CKR_DEVICE_MEMORY after keeping part of the object: the partial object is removed', async () => {
    env = makeSoftHsm(['Half']);
    const { envelopes } = dealEnvelopes();
    const port = await open({
      sessionInterceptor: interceptSession({
        create: (target, template) => {
          const t = template as graphene.ITemplate;
          // Keeps the first 20 bytes, then fails: the "half object" a real token can leave.
          target.create({ ...t, value: Buffer.from((t.value as Buffer).subarray(0, 20)) });
          throw pkcs11Error('CKR_DEVICE_MEMORY', 0x31, 'C_CreateObject');
        },
      }),
    });
    const session = await login(port, 'Half');
    await rejectsCode(session.storeShard(envelopes[0]!), 'HSM_TOKEN_FULL');
    assert.deepEqual(await session.listShards(), []);
    await port.close();
    assert.equal(rawView('Half', USER_PIN).count, 0);
  });

  it('a partial object left by an interrupted store (cleanup impossible) is removed by the next store', async () => {
    env = makeSoftHsm(['Again']);
    const { envelopes } = dealEnvelopes();
    const broken = await open({
      sessionInterceptor: interceptSession({
        create: (target, template) => {
          const t = template as graphene.ITemplate;
          target.create({ ...t, value: Buffer.from((t.value as Buffer).subarray(0, 20)) });
          throw pkcs11Error('CKR_DEVICE_MEMORY', 0x31, 'C_CreateObject');
        },
        destroy: () => {
          throw pkcs11Error('CKR_DEVICE_REMOVED', 0x32, 'C_DestroyObject');
        },
      }),
    });
    await rejectsCode((await login(broken, 'Again')).storeShard(envelopes[0]!), 'HSM_TOKEN_FULL');
    await broken.close();
    const port = await open();
    const session = await login(port, 'Again');
    assert.deepEqual((await session.listShards()).map((s) => s.scheme), ['damaged']);
    const stored = await session.storeShard(envelopes[0]!);
    assert.equal(stored.removedPartial, true);
    assert.equal(stored.alreadyStored, false);
    sameEnvelope(await session.readShard(envelopes[0]!.ceremonyId), envelopes[0]!);
    assert.equal((await session.listShards()).length, 1);
  });

  it('a write that reads back different bytes is HSM_VERIFY and the bad object is removed', async () => {
    env = makeSoftHsm(['Liar']);
    const { envelopes } = dealEnvelopes();
    const port = await open({
      sessionInterceptor: interceptSession({
        create: (target, template) => {
          const t = template as graphene.ITemplate;
          const value = Buffer.from(t.value as Buffer);
          value[value.length - 1]! ^= 0x01; // one bit flipped on its way to the token
          return target.create({ ...t, value });
        },
      }),
    });
    const session = await login(port, 'Liar');
    const err = await rejectsCode(session.storeShard(envelopes[0]!), 'HSM_VERIFY');
    assert.equal(err.details?.['reason'], 'read-back-mismatch');
    assert.deepEqual(await session.listShards(), []);
  });

  it('a token that stores the object as modifiable is refused by the read-back check', async () => {
    env = makeSoftHsm(['Loose']);
    const { envelopes } = dealEnvelopes();
    const port = await open({
      sessionInterceptor: interceptSession({
        create: (target, template) => target.create({ ...(template as graphene.ITemplate), modifiable: true }),
      }),
    });
    const session = await login(port, 'Loose');
    await rejectsCode(session.storeShard(envelopes[0]!), 'HSM_VERIFY');
    assert.deepEqual(await session.listShards(), []);
  });

  it('errors carry no shard bytes', async () => {
    env = makeSoftHsm(['Full']);
    const { envelopes } = dealEnvelopes();
    const port = await open({
      sessionInterceptor: interceptSession({
        create: (_target, template) => {
          // A module that quotes the value in its message must not get it through.
          throw new Error(`CKR_GENERAL_ERROR:5 value=${(template as graphene.ITemplate).value?.toString('hex')}`);
        },
      }),
    });
    const session = await login(port, 'Full');
    const err = await rejectsCode(session.storeShard(envelopes[0]!), 'HSM_MODULE');
    const payloadHex = Buffer.from(envelopes[0]!.payload).toString('hex');
    assert.ok(!errorText(err).includes(payloadHex.slice(0, 32)));
    assert.equal(err.details?.['ckr'], 'CKR_GENERAL_ERROR');
  });
});

describe('a 2-of-3 hand-off to three tokens', () => {
  it('each token keeps one shard; each reads back; any two recover the secret', async () => {
    env = makeSoftHsm(['Alice', 'Bob', 'Carol']);
    const { deal, envelopes, ceremonyId } = dealEnvelopes(2, 3);
    const port = await open();
    const labels = ['Alice', 'Bob', 'Carol'];
    for (const [i, label] of labels.entries()) {
      const session = await login(port, label);
      const stored = await session.storeShard(envelopes[i]!);
      assert.equal(stored.custodianIndex, i);
      // Confirmation: read it back right away.
      const back = await session.readShard(ceremonyId);
      assert.deepEqual(describeEnvelope(back), describeEnvelope(envelopes[i]!));
      sameEnvelope(back, envelopes[i]!);
      await session.close();
    }
    // Recovery: any quorum of two tokens.
    const secrets: string[] = [];
    for (const pair of [
      ['Alice', 'Bob'],
      ['Bob', 'Carol'],
      ['Alice', 'Carol'],
    ]) {
      const shares = [];
      for (const label of pair) {
        const session = await login(port, label);
        const envelope = await session.readShard(ceremonyId);
        await session.close();
        const payload = decodeVssPayload(envelope.scheme, envelope.payload);
        shares.push({ identifier: Uint8Array.from(payload.identifier), signingShare: Uint8Array.from(payload.signingShare) });
        wipeEnvelope(envelope);
      }
      const { secret, groupPublicKey } = combineShares({ ciphersuite: 'p256', threshold: 2, shares, commitments: deal.commitments });
      assert.deepEqual(groupPublicKey, deal.groupPublicKey);
      secrets.push(Buffer.from(secret).toString('hex'));
    }
    assert.equal(new Set(secrets).size, 1);
    // One token alone is below the threshold.
    const session = await login(port, 'Carol');
    const alone = await session.readShard(ceremonyId);
    const payload = decodeVssPayload(alone.scheme, alone.payload);
    assert.throws(
      () => combineShares({ ciphersuite: 'p256', threshold: 2, shares: [{ identifier: payload.identifier, signingShare: payload.signingShare }], commitments: deal.commitments }),
      (e: unknown) => (e as { code?: string }).code === 'BELOW_THRESHOLD',
    );
  });
});
