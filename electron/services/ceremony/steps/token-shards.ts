/**
 * A pkcs11 custodian's shard on their token (see tokens.ts for sessions and PINs): store and read back at handoff,
 * read back at confirm, read for a test recovery. Each logs in with the custodian's PIN for that one operation and
 * logs out; nothing here records a step, and any failure leaves the ceremony where it was.
 */
import { encodeEnvelope, decodeEnvelope, wipeEnvelope } from '../../../../core/envelope';
import { KeyshardError } from '../../../../core/errors';
import type { Custodian } from '../../../../core/policy';
import type { HsmSession } from '../../hsm/types';
import { ctEqualBytes } from '../compare';
import { aboutCustodian, CUSTODIAN_TOKEN_NEEDS, pinFor, requireHsm, TOKEN_STORE_METHOD, tokenText, withSession, type ExtraEntry, type TokenBinding } from '../tokens';
import type { CeremonyHsm, TokenStoreView } from '../types';
import type { StepKit } from './kit';
import type { HeldShard, Session } from './session';

export type TokenKit = Pick<StepKit, 'hsm' | 'pins' | 'secrets'>;

function tokenOf(kit: TokenKit, c: Session, custodian: Custodian, why: string): { hsm: CeremonyHsm; binding: TokenBinding } {
  const hsm = requireHsm(kit.hsm, `${custodian.name}'s shard ${why} their PKCS#11 token`);
  const binding = c.tokens.get(custodian.id);
  if (binding === undefined) {
    throw new KeyshardError(
      'HSM_MODULE',
      `No token was checked for ${custodian.name} when this ceremony started (no PKCS#11 module was set up then), so their shard cannot go on a token now. Abort, and start again with the module set up.`,
      { custodianId: custodian.id, reason: 'unchecked' },
    );
  }
  if (binding.custodianId !== custodian.id) throw new KeyshardError('INTERNAL', 'Token bindings are mixed up. Abort and start again.');
  return { hsm, binding };
}

/** The one shard a pkcs11 custodian holds (the start check refuses plans that give them more). */
function tokenShard(c: Session, custodian: Custodian): HeldShard {
  const held = c.shards.get(custodian.id) ?? [];
  if (held.length !== 1) {
    throw new KeyshardError('POLICY_INVALID', `${custodian.name} holds ${held.length} shards, but a token keeps one shard per ceremony. Abort and give them one share in the plan.`, {
      custodianId: custodian.id,
    });
  }
  return held[0]!;
}

/** Reads this ceremony's shard on the session's token and compares it with the held one in constant time. */
async function sameOnToken(kit: TokenKit, c: Session, session: HsmSession, held: HeldShard): Promise<boolean> {
  const back = await session.readShard(c.ceremonyIdHex);
  let bytes: Uint8Array;
  try {
    bytes = encodeEnvelope(back);
  } finally {
    wipeEnvelope(back);
  }
  try {
    return ctEqualBytes(bytes, kit.secrets.read(held.handle));
  } finally {
    bytes.fill(0);
  }
}

/** The label of this ceremony's shard object on the session's token (public). */
async function objectLabelOn(c: Session, session: HsmSession): Promise<string> {
  const mine = (await session.listShards()).filter((s) => s.ceremonyId === c.ceremonyIdHex);
  return mine[0]?.objectLabel ?? '';
}

/**
 * Stores the custodian's shard on their token and reads it back: log in with their PIN, store the envelope as a
 * private, non-modifiable data object (the HSM service removes a partial object when a store fails), read it back
 * through a fresh search and compare in constant time, log out. Records nothing.
 */
export async function storeOnToken(kit: TokenKit, c: Session, custodian: Custodian, again: boolean, pin: string | undefined): Promise<TokenStoreView> {
  const { hsm, binding } = tokenOf(kit, c, custodian, 'cannot be stored on');
  const held = tokenShard(c, custodian);
  try {
    const pinText = await pinFor(pin, kit.pins, { purpose: 'store', custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial });
    return await withSession(hsm, binding.serial, pinText, CUSTODIAN_TOKEN_NEEDS, async (session) => {
      const envelope = decodeEnvelope(kit.secrets.read(held.handle));
      let stored;
      try {
        stored = await session.storeShard(envelope);
      } finally {
        wipeEnvelope(envelope);
      }
      if (!(await sameOnToken(kit, c, session, held))) {
        throw new KeyshardError('HSM_VERIFY', `The shard read back from token ${tokenText(binding)} is not the one that was stored. Do not rely on this token: use another one (abort, and plan it).`, {
          reason: 'read-back-mismatch',
        });
      }
      return {
        tokenLabel: binding.label,
        tokenSerial: binding.serial,
        objectLabel: stored.objectLabel,
        method: TOKEN_STORE_METHOD,
        bytes: stored.bytes,
        alreadyStored: stored.alreadyStored,
      } satisfies TokenStoreView;
    });
  } catch (e) {
    throw aboutCustodian(
      e,
      `${custodian.name}'s shard was not stored on their token ${tokenText(binding)}:`,
      custodian.id,
      again ? ` The shard stored on it before is still what ${custodian.name} holds.` : ' The ceremony has not moved on.',
    );
  }
}

/** confirm by read-back-pkcs11: the shard on the token must be exactly the one handed over. */
export async function confirmOnToken(kit: TokenKit, c: Session, custodian: Custodian, pin: string | undefined): Promise<ExtraEntry> {
  const { hsm, binding } = tokenOf(kit, c, custodian, 'cannot be read back from');
  const held = tokenShard(c, custodian);
  let result: { matches: boolean; objectLabel: string };
  try {
    const pinText = await pinFor(pin, kit.pins, { purpose: 'read-back', custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial });
    result = await withSession(hsm, binding.serial, pinText, CUSTODIAN_TOKEN_NEEDS, async (session) => ({
      matches: await sameOnToken(kit, c, session, held),
      objectLabel: await objectLabelOn(c, session),
    }));
  } catch (e) {
    throw aboutCustodian(e, `${custodian.name}'s shard could not be read back from their token ${tokenText(binding)}:`, custodian.id, ` The ceremony still waits for ${custodian.name}'s confirmation.`);
  }
  if (!result.matches) {
    throw new KeyshardError(
      'CONFIRM_MISMATCH',
      `The shard on ${custodian.name}'s token ${tokenText(binding)} is not the one handed over. Hand it over again; if this repeats, do not rely on this token (abort and plan another).`,
      { custodianId: custodian.id, parts: ['share'] },
    );
  }
  return {
    kind: 'token-read-back',
    data: { custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial, objectLabel: result.objectLabel, purpose: 'confirm', matches: true },
  };
}

/** test-recovery from a token: this ceremony's shard as the custodian's token holds it (the caller wipes the bytes). */
export async function loadFromToken(kit: TokenKit, c: Session, custodian: Custodian, pin: string | undefined): Promise<{ binary: Uint8Array; entry: ExtraEntry }> {
  const { hsm, binding } = tokenOf(kit, c, custodian, 'cannot be read from');
  try {
    const pinText = await pinFor(pin, kit.pins, { purpose: 'test-recovery', custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial });
    return await withSession(hsm, binding.serial, pinText, CUSTODIAN_TOKEN_NEEDS, async (session) => {
      const envelope = await session.readShard(c.ceremonyIdHex);
      let binary: Uint8Array;
      try {
        if (envelope.custodianIndex !== c.plan.custodians.indexOf(custodian)) {
          throw new KeyshardError('SHARES_MISMATCH', `Token ${tokenText(binding)} holds the shard of custodian #${envelope.custodianIndex + 1}, not ${custodian.name}'s.`);
        }
        binary = encodeEnvelope(envelope);
      } finally {
        wipeEnvelope(envelope);
      }
      const objectLabel = await objectLabelOn(c, session).catch((e: unknown) => {
        binary.fill(0);
        throw e;
      });
      return {
        binary,
        entry: { kind: 'token-read-back', data: { custodianId: custodian.id, tokenLabel: binding.label, tokenSerial: binding.serial, objectLabel, purpose: 'test-recovery', matches: true } },
      };
    });
  } catch (e) {
    throw aboutCustodian(e, `${custodian.name}'s shard could not be read from their token ${tokenText(binding)}:`, custodian.id, ' Nothing was recorded.');
  }
}
