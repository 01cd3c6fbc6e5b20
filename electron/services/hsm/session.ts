/**
 * One logged-in session on one token (graphene-pk11): shard data objects, token keys, sealed-shard opening,
 * witness signatures, key import.
 *
 * Removal: a token that disappears mid-session does not always fail loudly. SoftHSM2 (and some readers) answer
 * C_FindObjects with zero objects, and only the next C_GetTokenInfo fails. So "nothing found" and every ambiguous
 * error are followed by a re-check of the token's serial (`stillThere`) before being reported as "not found" or as
 * a module failure; a token that is gone, or replaced by another, is HSM_TOKEN_ABSENT.
 */
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import * as graphene from 'graphene-pk11';
import { ceremonyIdFromHex, ceremonyIdToHex, decodeEnvelope, describeEnvelope, encodeEnvelope, wipeEnvelope } from '../../../core/envelope';
import type { Envelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import type { WitnessSigner } from '../../../core/transcript';
import type { SealedShard } from '../protection/pkcs11';
import { ckrName, mapHsmError, mayMeanTokenGone, tokenAbsent } from './errors';
import type { HsmOperation } from './errors';
import { curveImpl, curveOfParams, EC_PARAMS, ecPointAttribute, pointFromEcPoint } from './ec';
import type { TokenCurve } from './ec';
import { cleanText, tokenName } from './token-info';
import type { HsmSession, HsmTokenInfo, ImportKeyInput, KeyProtectionReport, KeyPurpose, StoredShard, TokenKeyInfo } from './types';

/** CKA_APPLICATION of shard objects: this prefix and the ceremony id in hex. */
export const SHARD_APPLICATION_PREFIX = 'keyshard:';
const MAX_RANDOM = 1024;
// Read by number: graphene names CKA_EC_PARAMS "paramsECDSA" on the way back (same value as CKA_ECDSA_PARAMS).
const CKA_ID = 0x102;
const CKA_EC_PARAMS = 0x180;
const CKA_EC_POINT = 0x181;
const MAX_LABEL = 64;

const DOING: Partial<Record<HsmOperation, string>> = {
  store: 'storing the shard',
  read: 'reading the shard',
  decrypt: 'opening the sealed shard',
  sign: 'signing',
  import: 'importing the key',
  keygen: 'generating a key pair',
  'find-key': 'looking up a key',
  random: 'reading random numbers',
};

/** Equal length and content, without an early exit (the values compared are secret). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

function shardApplication(ceremonyHex: string): string {
  return `${SHARD_APPLICATION_PREFIX}${ceremonyHex}`;
}

function shardObjectLabel(ceremonyHex: string, custodianIndex: number): string {
  return `keyshard-${ceremonyHex}-c${custodianIndex}`;
}

function checkKeyLabel(label: string): string {
  if (typeof label !== 'string' || label.trim() === '' || label.length > MAX_LABEL || /[\u0000-\u001f\u007f]/.test(label)) {
    throw new KeyshardError('INVALID_ARGUMENT', `A token key label is 1-${MAX_LABEL} printable characters.`);
  }
  return label;
}

interface KeyObjects {
  readonly privateKey: graphene.PrivateKey;
  readonly info: TokenKeyInfo;
}

export class GrapheneSession implements HsmSession {
  readonly token: HsmTokenInfo;
  private readonly name: string;
  private closed = false;

  constructor(
    private readonly slot: graphene.Slot,
    private readonly session: graphene.Session,
    token: HsmTokenInfo,
    private readonly onClose: () => void,
  ) {
    this.token = token;
    this.name = tokenName(token);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // plumbing

  private assertOpen(): void {
    if (this.closed) throw new KeyshardError('HSM_MODULE', `The session on token ${this.name} is closed. Log in again to continue.`);
  }

  /** True while the token in the slot is still the one this session was opened on. */
  private stillThere(): boolean {
    try {
      return cleanText(this.slot.getToken().serialNumber) === this.token.serial;
    } catch {
      return false;
    }
  }

  private absent(op: HsmOperation): KeyshardError {
    return tokenAbsent(this.name, DOING[op] ?? 'working with it');
  }

  /** Maps a failure, re-checking the token first when the error could just mean "it was pulled". */
  private explain(e: unknown, op: HsmOperation): KeyshardError {
    if (e instanceof KeyshardError) return e;
    if (mayMeanTokenGone(e) && !this.stillThere()) return this.absent(op);
    return mapHsmError(e, op, this.name);
  }

  private run<T>(op: HsmOperation, fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (e) {
      throw this.explain(e, op);
    }
  }

  /** C_FindObjects; an empty answer is double-checked, because a pulled token also answers "nothing". */
  private find(template: graphene.ITemplate, op: HsmOperation): graphene.SessionObject[] {
    const collection = this.session.find(template);
    const out: graphene.SessionObject[] = [];
    for (let i = 0; i < collection.length; i++) out.push(collection.items(i));
    if (out.length === 0 && !this.stillThere()) throw this.absent(op);
    return out;
  }

  /** "Nothing found": either really nothing, or a token that went away (see the file comment). */
  private notFound(op: HsmOperation, message: string, details?: Record<string, unknown>): KeyshardError {
    if (!this.stillThere()) return this.absent(op);
    return new KeyshardError('HSM_OBJECT_NOT_FOUND', message, details);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // random

  async random(length: number): Promise<Uint8Array> {
    if (!Number.isInteger(length) || length < 1 || length > MAX_RANDOM) {
      throw new KeyshardError('INVALID_ARGUMENT', `Ask a token for 1 to ${MAX_RANDOM} random bytes at a time.`);
    }
    return this.run('random', () => {
      const buf = this.session.generateRandom(length);
      const out = new Uint8Array(buf);
      buf.fill(0);
      if (out.length !== length) throw new KeyshardError('HSM_MODULE', `Token ${this.name} returned ${out.length} random bytes instead of ${length}.`);
      return out;
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // shards as data objects

  private shardObjects(ceremonyHex: string, op: HsmOperation): graphene.SessionObject[] {
    return this.find({ class: graphene.ObjectClass.DATA, application: shardApplication(ceremonyHex) }, op);
  }

  private valueOf(obj: graphene.SessionObject): Uint8Array {
    const buf = obj.getAttribute('value') as Buffer | null;
    const out = new Uint8Array(buf ?? []);
    buf?.fill(0);
    return out;
  }

  /** Removes what a failed store may have left (only called when no shard of the ceremony was there before). */
  private removeLeftovers(ceremonyHex: string): void {
    try {
      for (const obj of this.shardObjects(ceremonyHex, 'store')) this.session.destroy(obj);
    } catch {
      // token gone or refusing: reported by the caller's error
    }
  }

  async storeShard(envelope: Envelope): Promise<StoredShard> {
    this.assertOpen();
    const bytes = encodeEnvelope(envelope); // validates the envelope; secret: wiped below
    const summary = describeEnvelope(envelope);
    const ceremonyHex = summary.ceremonyId;
    const application = shardApplication(ceremonyHex);
    const objectLabel = shardObjectLabel(ceremonyHex, summary.custodianIndex);
    let removedPartial = false;
    const result = (alreadyStored: boolean): StoredShard => ({
      objectLabel,
      ceremonyId: ceremonyHex,
      custodianIndex: summary.custodianIndex,
      custodianLabel: summary.custodianLabel,
      scheme: summary.scheme,
      bytes: bytes.length,
      alreadyStored,
      ...(removedPartial ? { removedPartial: true } : {}),
    });
    try {
      // 1. One shard per ceremony per token: the same shard again is fine (nothing to do), another is refused.
      //    An object that is not a readable shard at all is what an interrupted store leaves: it is removed.
      let existing = this.run('store', () => this.shardObjects(ceremonyHex, 'store'));
      const partial = this.run('read', () =>
        existing.filter((o) => {
          const v = this.valueOf(o);
          try {
            wipeEnvelope(decodeEnvelope(v));
            return false;
          } catch {
            return true;
          } finally {
            v.fill(0);
          }
        }),
      );
      if (partial.length > 0) {
        this.run('store', () => {
          for (const o of partial) this.session.destroy(o);
        });
        removedPartial = true;
        existing = existing.filter((o) => !partial.includes(o));
      }
      if (existing.length > 0) {
        const values = this.run('read', () => existing.map((o) => this.valueOf(o)));
        const identical = values.length === 1 && sameBytes(values[0]!, bytes);
        let otherIndex: number | undefined;
        try {
          const other = decodeEnvelope(values[0]!);
          otherIndex = other.custodianIndex;
          wipeEnvelope(other);
        } catch {
          otherIndex = undefined;
        }
        for (const v of values) v.fill(0);
        if (identical) return result(true);
        throw new KeyshardError(
          'HSM_SHARD_EXISTS',
          `Token ${this.name} already holds a shard of ceremony ${ceremonyHex}` +
            `${otherIndex === undefined ? '' : ` (custodian #${otherIndex})`}. One token keeps one shard per ceremony, so that losing a token never ` +
            'loses two shares: give this custodian their own token.',
          { ceremonyId: ceremonyHex, ...(otherIndex === undefined ? {} : { existingCustodianIndex: otherIndex }) },
        );
      }
      // 2. Room, when the token tells (most do not; then CKR_DEVICE_MEMORY at create is the answer).
      const free = this.token.memory.freePrivate;
      if (free !== null && free < bytes.length) {
        throw new KeyshardError('HSM_TOKEN_FULL', `Token ${this.name} has ${free} bytes free but the shard needs ${bytes.length}. Use another token, or free space on this one.`, {
          free,
          needed: bytes.length,
        });
      }
      // 3. Create. A failure may leave a half object on some tokens: remove whatever carries our application.
      const value = Buffer.from(bytes);
      try {
        this.session.create({
          class: graphene.ObjectClass.DATA,
          token: true,
          private: true,
          modifiable: false,
          label: objectLabel,
          application,
          value,
        });
      } catch (e) {
        const err = this.explain(e, 'store');
        if (err.code !== 'HSM_TOKEN_ABSENT') this.removeLeftovers(ceremonyHex);
        if (err.code === 'HSM_TOKEN_ABSENT') {
          throw new KeyshardError(
            'HSM_TOKEN_ABSENT',
            `Token ${this.name} went away while storing the shard. Plug it back in and store again: keyshard checks what is on it and removes a partial copy.`,
            { ...err.details, reason: 'removed' },
          );
        }
        throw err;
      } finally {
        value.fill(0);
      }
      // 4. Verify by reading back through a fresh search (not the handle create returned).
      let found: graphene.SessionObject[];
      try {
        found = this.shardObjects(ceremonyHex, 'store');
      } catch (e) {
        throw this.explain(e, 'store');
      }
      if (found.length === 0) {
        if (!this.stillThere()) throw this.absent('store');
        throw new KeyshardError('HSM_VERIFY', `Token ${this.name} accepted the shard but does not show it when asked. Do not rely on this token: use another one.`, {
          reason: 'missing-after-write',
        });
      }
      let verified = false;
      let attributes: graphene.ITemplate = {};
      let back: Uint8Array = new Uint8Array(0);
      try {
        back = this.valueOf(found[0]!);
        attributes = found[0]!.getAttribute({ token: null, private: null, modifiable: null });
        verified = found.length === 1 && sameBytes(back, bytes) && attributes.token === true && attributes.private === true && attributes.modifiable === false;
      } catch (e) {
        const err = this.explain(e, 'store');
        if (err.code === 'HSM_TOKEN_ABSENT') throw err;
        this.removeLeftovers(ceremonyHex);
        throw err;
      } finally {
        back.fill(0);
      }
      if (!verified) {
        this.removeLeftovers(ceremonyHex);
        throw new KeyshardError(
          'HSM_VERIFY',
          `The shard read back from token ${this.name} was not what was written (or not stored as a private, unchangeable object). ` +
            'It was removed from the token. Try again; if it fails again, use another token.',
          { reason: 'read-back-mismatch' },
        );
      }
      return result(false);
    } finally {
      bytes.fill(0);
    }
  }

  async readShard(ceremonyId: string | Uint8Array): Promise<Envelope> {
    const ceremonyHex = typeof ceremonyId === 'string' ? ceremonyIdToHex(ceremonyIdFromHex(ceremonyId)) : ceremonyIdToHex(ceremonyId);
    const objects = this.run('read', () => this.shardObjects(ceremonyHex, 'read'));
    if (objects.length === 0) {
      throw this.notFound('read', `Token ${this.name} holds no shard of ceremony ${ceremonyHex}. Check that this is the custodian's token and the ceremony id is right.`, {
        ceremonyId: ceremonyHex,
      });
    }
    if (objects.length > 1) {
      throw new KeyshardError('HSM_SHARD_EXISTS', `Token ${this.name} holds ${objects.length} objects for ceremony ${ceremonyHex}; keyshard stores one. Ask the ceremony lead.`, {
        ceremonyId: ceremonyHex,
        count: objects.length,
      });
    }
    const value = this.run('read', () => this.valueOf(objects[0]!));
    try {
      const envelope = decodeEnvelope(value);
      if (ceremonyIdToHex(envelope.ceremonyId) !== ceremonyHex) {
        wipeEnvelope(envelope);
        throw new KeyshardError('ENVELOPE_FORMAT', `The object for ceremony ${ceremonyHex} on token ${this.name} holds a shard of another ceremony. Ask the ceremony lead.`);
      }
      return envelope;
    } finally {
      value.fill(0);
    }
  }

  async listShards(): Promise<readonly StoredShard[]> {
    const objects = this.run('read', () =>
      this.find({ class: graphene.ObjectClass.DATA }, 'read').filter((o) => {
        const app = o.getAttribute('application');
        return typeof app === 'string' && app.startsWith(SHARD_APPLICATION_PREFIX);
      }),
    );
    const out: StoredShard[] = [];
    for (const obj of objects) {
      const [value, label] = this.run('read', () => [this.valueOf(obj), String(obj.getAttribute('label') ?? '')] as const);
      try {
        const e = decodeEnvelope(value);
        const s = describeEnvelope(e);
        wipeEnvelope(e);
        out.push({ objectLabel: label, ceremonyId: s.ceremonyId, custodianIndex: s.custodianIndex, custodianLabel: s.custodianLabel, scheme: s.scheme, bytes: value.length, alreadyStored: true });
      } catch {
        // not readable as a shard: listed by its label so a person can look at it
        out.push({ objectLabel: label, ceremonyId: '', custodianIndex: -1, custodianLabel: '', scheme: 'damaged', bytes: value.length, alreadyStored: true });
      } finally {
        value.fill(0);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // keys

  private keyObjects(label: string, op: HsmOperation): KeyObjects {
    const privs = this.find({ class: graphene.ObjectClass.PRIVATE_KEY, keyType: graphene.KeyType.EC, label }, op);
    if (privs.length === 0) {
      throw this.notFound(op, `Token ${this.name} has no EC key labelled "${label}". Check the label, or set the token up for keyshard first.`, { label });
    }
    if (privs.length > 1) throw new KeyshardError('INVALID_ARGUMENT', `Token ${this.name} has ${privs.length} EC keys labelled "${label}"; give each key its own label.`, { label });
    const priv = privs[0]!.toType<graphene.PrivateKey>();
    const attrs = priv.getAttribute({ id: null, sign: null, derive: null });
    const id = (attrs.id as Buffer | null) ?? Buffer.alloc(0);
    const pubs = this.find({ class: graphene.ObjectClass.PUBLIC_KEY, keyType: graphene.KeyType.EC, id }, op);
    if (pubs.length === 0) {
      throw this.notFound(op, `Token ${this.name} has the private key "${label}" but not its public key, which keyshard needs. Use another label.`, { label });
    }
    // The curve as the public key states it (generated private keys need not carry CKA_EC_PARAMS themselves).
    const curve = curveOfParams(pubs[0]!.getAttribute(CKA_EC_PARAMS));
    if (curve === undefined) throw new KeyshardError('HSM_MECHANISM', `The key "${label}" on token ${this.name} is on a curve keyshard does not use (P-256 or secp256k1).`, { label });
    const point = pointFromEcPoint(new Uint8Array(pubs[0]!.getAttribute(CKA_EC_POINT)), curve);
    return {
      privateKey: priv,
      info: {
        label,
        id: id.toString('hex'),
        curve,
        publicKey: point,
        publicKeyHex: bytesToHex(point),
        canSign: attrs.sign === true,
        canDerive: attrs.derive === true,
      },
    };
  }

  async findKey(label: string): Promise<TokenKeyInfo> {
    checkKeyLabel(label);
    return this.run('find-key', () => this.keyObjects(label, 'find-key').info);
  }

  async ensureKeyPair(label: string, purpose: KeyPurpose): Promise<TokenKeyInfo> {
    checkKeyLabel(label);
    return this.run('keygen', () => {
      const existing = this.find({ class: graphene.ObjectClass.PRIVATE_KEY, label }, 'keygen');
      if (existing.length > 0) {
        const { info } = this.keyObjects(label, 'keygen');
        if (info.curve !== 'p256') throw new KeyshardError('HSM_MECHANISM', `The key "${label}" on token ${this.name} is not a P-256 key. Use another label.`, { label });
        if (purpose === 'decrypt' ? !info.canDerive : !info.canSign) {
          throw new KeyshardError('HSM_MECHANISM', `The key "${label}" on token ${this.name} is not allowed to ${purpose === 'decrypt' ? 'derive (open sealed shards)' : 'sign'}. Use another label.`, {
            label,
          });
        }
        return info;
      }
      const id = Buffer.from(randomBytes(16));
      const params = Buffer.from(EC_PARAMS.p256);
      this.session.generateKeyPair(
        graphene.KeyGenMechanism.EC,
        { class: graphene.ObjectClass.PUBLIC_KEY, keyType: graphene.KeyType.EC, token: true, private: false, verify: purpose === 'sign', derive: false, paramsEC: params, label, id },
        {
          class: graphene.ObjectClass.PRIVATE_KEY,
          keyType: graphene.KeyType.EC,
          token: true,
          private: true,
          sensitive: true,
          extractable: false,
          sign: purpose === 'sign',
          derive: purpose === 'decrypt',
          label,
          id,
        },
      );
      return this.keyObjects(label, 'keygen').info;
    });
  }

  async keyProtection(label: string): Promise<KeyProtectionReport> {
    checkKeyLabel(label);
    return this.run('find-key', () => {
      const { privateKey } = this.keyObjects(label, 'find-key');
      const flag = (name: string): boolean | null => {
        try {
          const v = privateKey.getAttribute(name);
          return typeof v === 'boolean' ? v : null;
        } catch {
          return null;
        }
      };
      let valueReadable: boolean;
      try {
        const v = privateKey.getAttribute('value') as Buffer | null;
        valueReadable = v !== null && v.length > 0;
        v?.fill(0);
      } catch (e) {
        const name = ckrName(e);
        if (name !== 'CKR_ATTRIBUTE_SENSITIVE' && name !== 'CKR_ATTRIBUTE_TYPE_INVALID') throw e;
        valueReadable = false;
      }
      return {
        sensitive: flag('sensitive') === true,
        extractable: flag('extractable') === true,
        alwaysSensitive: flag('alwaysSensitive'),
        neverExtractable: flag('neverExtractable'),
        valueReadable,
      };
    });
  }

  async importPrivateKey(input: ImportKeyInput): Promise<TokenKeyInfo> {
    const label = checkKeyLabel(input.label);
    const curve: TokenCurve = input.curve;
    if (curve !== 'p256' && curve !== 'secp256k1') throw new KeyshardError('INVALID_ARGUMENT', 'keyshard imports P-256 and secp256k1 keys.');
    const impl = curveImpl(curve);
    if (!(input.secretKey instanceof Uint8Array) || input.secretKey.length !== 32 || !impl.utils.isValidSecretKey(input.secretKey)) {
      throw new KeyshardError('INVALID_ARGUMENT', `This is not a valid ${curve} private key (32 bytes, between 1 and the group order).`);
    }
    const purpose = input.purpose ?? 'sign';
    const publicKey = impl.getPublicKey(input.secretKey, false);
    const id = Buffer.from(sha256(publicKey).subarray(0, 16));
    const params = Buffer.from(EC_PARAMS[curve]);
    this.run('import', () => {
      if (this.find({ label }, 'import').length > 0) {
        throw new KeyshardError('INVALID_ARGUMENT', `Token ${this.name} already has an object labelled "${label}". Choose another label.`, { label });
      }
    });
    const value = Buffer.from(input.secretKey);
    try {
      this.run('import', () =>
        this.session.create({
          class: graphene.ObjectClass.PRIVATE_KEY,
          keyType: graphene.KeyType.EC,
          token: true,
          private: true,
          sensitive: true,
          extractable: false,
          sign: purpose === 'sign',
          derive: purpose === 'decrypt',
          paramsEC: params,
          value,
          label,
          id,
        }),
      );
    } finally {
      value.fill(0);
    }
    try {
      this.run('import', () =>
        this.session.create({
          class: graphene.ObjectClass.PUBLIC_KEY,
          keyType: graphene.KeyType.EC,
          token: true,
          private: false,
          verify: purpose === 'sign',
          paramsEC: params,
          pointEC: Buffer.from(ecPointAttribute(publicKey)),
          label,
          id,
        }),
      );
      const protection = await this.keyProtection(label);
      const info = await this.findKey(label);
      if (!protection.sensitive || protection.extractable || protection.valueReadable || !sameBytes(info.publicKey, publicKey)) {
        throw new KeyshardError(
          'HSM_MECHANISM',
          `Token ${this.name} did not keep the imported key sensitive and non-extractable (or stored another key). It was removed. Use another token.`,
          { label },
        );
      }
      return info;
    } catch (e) {
      // Never leave a half-imported or unprotected key behind.
      try {
        for (const obj of this.find({ label, id }, 'import')) this.session.destroy(obj);
      } catch {
        // token gone: reported below
      }
      throw this.explain(e, 'import');
    }
  }

  async destroyKey(key: { readonly label: string; readonly id: string }): Promise<number> {
    const label = checkKeyLabel(key.label);
    // Both attributes, so only the one key pair is matched: never another object that shares the label.
    if (typeof key.id !== 'string' || !/^(?:[0-9a-f]{2}){1,64}$/.test(key.id)) throw new KeyshardError('INVALID_ARGUMENT', 'A token key id is hex (as the token reports it).');
    const id = Buffer.from(key.id, 'hex');
    return this.run('import', () => {
      const found = this.session.find({ label, id });
      let n = 0;
      for (let i = 0; i < found.length; i++) {
        this.session.destroy(found.items(i));
        n++;
      }
      return n;
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // sealed shards (see protection/pkcs11.ts for the construction)

  async openSealed(sealed: SealedShard): Promise<Uint8Array> {
    this.assertOpen();
    try {
      // Checked here even though the token should check it too: an off-curve point fed to ECDH can leak key bits.
      p256.Point.fromBytes(sealed.ephemeralPublicKey).assertValidity();
    } catch {
      throw new KeyshardError('ENVELOPE_DECRYPT', 'This token-sealed shard is damaged (its ephemeral key is not a valid P-256 point). Use another copy of the file.', {
        reason: 'damaged',
        protection: 'pkcs11',
      });
    }
    const priv = this.run('decrypt', () => {
      const pubs = this.find({ class: graphene.ObjectClass.PUBLIC_KEY, keyType: graphene.KeyType.EC }, 'decrypt');
      for (const pub of pubs) {
        if (curveOfParams(pub.getAttribute(CKA_EC_PARAMS)) !== 'p256') continue;
        let point: Uint8Array;
        try {
          point = pointFromEcPoint(new Uint8Array(pub.getAttribute(CKA_EC_POINT)), 'p256');
        } catch {
          continue;
        }
        if (!sameBytes(point, sealed.recipientPublicKey)) continue;
        const id = pub.getAttribute(CKA_ID);
        const privs = this.find({ class: graphene.ObjectClass.PRIVATE_KEY, keyType: graphene.KeyType.EC, id, derive: true }, 'decrypt');
        if (privs.length > 0) return privs[0]!.toType<graphene.PrivateKey>();
      }
      if (!this.stillThere()) throw this.absent('decrypt');
      throw new KeyshardError(
        'ENVELOPE_DECRYPT',
        `This shard was sealed to a key that is not on token ${this.name} (key ${bytesToHex(sealed.recipientPublicKey).slice(0, 16)}...). Insert the custodian's own token.`,
        { reason: 'wrong-key', protection: 'pkcs11' },
      );
    });
    let aesKey: graphene.SecretKey | undefined;
    const input = Buffer.from(sealed.ciphertextAndTag);
    const output = Buffer.alloc(sealed.ciphertextAndTag.length);
    try {
      aesKey = this.run('decrypt', () =>
        this.session.deriveKey({ name: 'ECDH1_DERIVE', params: new graphene.EcdhParams(graphene.EcKdf.NULL, null, Buffer.from(sealed.ephemeralPublicKey)) }, priv, {
          class: graphene.ObjectClass.SECRET_KEY,
          keyType: graphene.KeyType.AES,
          token: false,
          sensitive: true,
          extractable: false,
          decrypt: true,
          encrypt: false,
          valueLen: 32,
        }),
      );
      const key = aesKey;
      // One C_Decrypt: update()+final() fails with CKR_BUFFER_TOO_SMALL on SoftHSM and leaves the session busy.
      const plain = this.run('decrypt', () => {
        try {
          const decipher = this.session.createDecipher({ name: 'AES_GCM', params: new graphene.AesGcmParams(Buffer.from(sealed.nonce), Buffer.from(sealed.aad), 128) }, key);
          return decipher.once(input, output);
        } catch (e) {
          const name = ckrName(e);
          const tagFailure = name === 'CKR_ENCRYPTED_DATA_INVALID' || name === 'CKR_ENCRYPTED_DATA_LEN_RANGE' || name === 'CKR_GENERAL_ERROR' || name === 'CKR_FUNCTION_FAILED';
          if (tagFailure && this.stillThere()) {
            throw new KeyshardError('ENVELOPE_DECRYPT', 'This token-sealed shard did not open: it is damaged. Nothing from it was used. Use another copy of the file.', {
              reason: 'damaged',
              protection: 'pkcs11',
            });
          }
          throw e;
        }
      });
      return new Uint8Array(plain);
    } finally {
      output.fill(0);
      input.fill(0);
      if (aesKey !== undefined) {
        try {
          this.session.destroy(aesKey);
        } catch {
          // a session key dies with the session anyway
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // witness signatures

  async witnessSigner(witnessId: string, keyLabel: string): Promise<WitnessSigner> {
    checkKeyLabel(keyLabel);
    const { privateKey, info } = this.run('find-key', () => this.keyObjects(keyLabel, 'find-key'));
    if (info.curve !== 'p256' || !info.canSign) {
      throw new KeyshardError('HSM_MECHANISM', `The key "${keyLabel}" on token ${this.name} cannot sign ECDSA P-256 witness statements. Use a key made for signing.`, {
        label: keyLabel,
      });
    }
    return {
      witnessId,
      algorithm: 'ecdsa-p256',
      publicKey: info.publicKey,
      sign: async (hash: Uint8Array): Promise<Uint8Array> => {
        if (!(hash instanceof Uint8Array) || hash.length !== 32) throw new KeyshardError('INVALID_ARGUMENT', 'A witness signs a 32-byte entry hash.');
        // Raw CKM_ECDSA over the hash as the digest: exactly what core/transcript verifies (r||s, 64 bytes).
        const signature = this.run('sign', () => new Uint8Array(this.session.createSign('ECDSA', privateKey).once(Buffer.from(hash))));
        if (signature.length !== 64) throw new KeyshardError('HSM_MODULE', `Token ${this.name} returned a ${signature.length}-byte signature; a P-256 signature is 64 bytes.`);
        return signature;
      },
    };
  }

  // ---------------------------------------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Closing the last session logs out (PKCS#11); no explicit C_Logout, which would end other sessions' login too.
      this.session.close();
    } catch {
      // the token may be gone; the session is gone with it
    }
    this.onClose();
  }
}
