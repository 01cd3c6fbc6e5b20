/**
 * The HSM port: everything the ceremony, the IPC handlers and the CLI may ask of a PKCS#11 token. Nothing outside
 * electron/services/hsm sees PKCS#11 or graphene; tests and other platforms can supply another implementation.
 *
 * Calls into a module are synchronous underneath (pkcs11js); the port is async so that a future implementation
 * may move them to a worker or a helper process without changing callers.
 */
import type { Envelope } from '../../../core/envelope';
import type { WitnessSigner } from '../../../core/transcript';
import type { SealedShard, SealedShardOpener } from '../protection/pkcs11';
import type { CapabilityCheck, CapabilityId } from './capabilities';
import type { TokenCurve } from './ec';

export interface HsmLibraryInfo {
  readonly path: string;
  readonly description: string;
  readonly manufacturer: string;
  readonly libraryVersion: string;
  readonly cryptokiVersion: string;
}

/** Memory as the token reports it, in bytes; null where it reports CK_UNAVAILABLE_INFORMATION. */
export interface HsmTokenMemory {
  readonly freePrivate: number | null;
  readonly totalPrivate: number | null;
  readonly freePublic: number | null;
  readonly totalPublic: number | null;
}

export interface HsmTokenInfo {
  readonly slotId: string;
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly loginRequired: boolean;
  readonly initialized: boolean;
  readonly userPinInitialized: boolean;
  readonly writeProtected: boolean;
  /** The token says few PIN tries are left (CKF_USER_PIN_COUNT_LOW) / one is left (CKF_USER_PIN_FINAL_TRY) / none. */
  readonly pinCountLow: boolean;
  readonly pinFinalTry: boolean;
  readonly pinLocked: boolean;
  readonly minPinLength: number;
  readonly maxPinLength: number;
  readonly memory: HsmTokenMemory;
  readonly capabilities: readonly CapabilityCheck[];
}

export interface HsmSlotInfo {
  readonly slotId: string;
  readonly description: string;
  readonly manufacturer: string;
  readonly tokenPresent: boolean;
  readonly removableDevice: boolean;
  readonly hardwareSlot: boolean;
  /** null when no token is present, or its info could not be read (then `tokenError` says why). */
  readonly token: HsmTokenInfo | null;
  readonly tokenError?: { readonly code: string; readonly message: string };
}

/** Which token: by its label (as set at initialisation) or by its serial number. */
export type TokenSelector = { readonly label: string } | { readonly serial: string };

export interface OpenSessionOptions {
  /** Capabilities the caller will use: checked before the PIN is even asked for (HSM_MECHANISM). */
  readonly require?: readonly CapabilityId[];
}

/** A shard data object on a token (public facts only). listShards gives scheme 'damaged' for one it cannot read. */
export interface StoredShard {
  readonly objectLabel: string;
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  readonly custodianLabel: string;
  readonly scheme: string;
  readonly bytes: number;
  /** True when exactly this shard was already on the token, so nothing new was written. */
  readonly alreadyStored: boolean;
  /** True when an unreadable object of this ceremony (left by an interrupted store) was removed first. */
  readonly removedPartial?: boolean;
}

export interface TokenKeyInfo {
  readonly label: string;
  /** CKA_ID, hex. */
  readonly id: string;
  readonly curve: TokenCurve;
  /** SEC1 uncompressed (65 bytes). */
  readonly publicKey: Uint8Array;
  readonly publicKeyHex: string;
  readonly canSign: boolean;
  readonly canDerive: boolean;
}

/** How well a private key on the token is protected; `valueReadable` is what an attempt to read CKA_VALUE gave. */
export interface KeyProtectionReport {
  readonly sensitive: boolean;
  readonly extractable: boolean;
  readonly alwaysSensitive: boolean | null;
  readonly neverExtractable: boolean | null;
  readonly valueReadable: boolean;
}

export type KeyPurpose = 'decrypt' | 'sign';

export interface ImportKeyInput {
  readonly curve: TokenCurve;
  /** The 32-byte secret scalar (big-endian). The caller wipes it; the copy made here is wiped after the import. */
  readonly secretKey: Uint8Array;
  readonly label: string;
  /** 'sign' (default) or 'decrypt' (ECDH derive). */
  readonly purpose?: KeyPurpose;
}

/** A logged-in session on one token. Close it when done; the port closes any left open when it closes. */
export interface HsmSession extends SealedShardOpener {
  readonly token: HsmTokenInfo;
  /** Random bytes from the token's generator (1..1024 at a time). */
  random(length: number): Promise<Uint8Array>;
  /** Stores the shard as a private, non-modifiable data object; refuses a second shard of the same ceremony. */
  storeShard(envelope: Envelope): Promise<StoredShard>;
  /** Reads the shard of a ceremony back (the caller wipes the envelope). */
  readShard(ceremonyId: string | Uint8Array): Promise<Envelope>;
  /** Every keyshard shard object on the token. */
  listShards(): Promise<readonly StoredShard[]>;
  /** Finds the P-256 key pair with this label, or generates one on the token (private key sensitive, non-extractable). */
  ensureKeyPair(label: string, purpose: KeyPurpose): Promise<TokenKeyInfo>;
  findKey(label: string): Promise<TokenKeyInfo>;
  /** Opens a shard sealed to one of the token's keys, on the token (see protection/pkcs11.ts). */
  openSealed(sealed: SealedShard): Promise<Uint8Array>;
  /** A witness signer backed by the token key `keyLabel` (ECDSA P-256 over the 32-byte entry hash). */
  witnessSigner(witnessId: string, keyLabel: string): Promise<WitnessSigner>;
  importPrivateKey(input: ImportKeyInput): Promise<TokenKeyInfo>;
  keyProtection(label: string): Promise<KeyProtectionReport>;
  /**
   * Destroys the key objects (private and public) with this label AND this CKA_ID (hex, as TokenKeyInfo.id gives it):
   * undoes an import that failed a later check. Returns how many objects were destroyed; throws when the token cannot.
   */
  destroyKey(key: { readonly label: string; readonly id: string }): Promise<number>;
  close(): Promise<void>;
}

export interface HsmPort {
  readonly library: HsmLibraryInfo;
  listSlots(): Promise<readonly HsmSlotInfo[]>;
  findToken(selector: TokenSelector): Promise<HsmTokenInfo>;
  /** Selects the token, checks its capabilities and PIN state, and logs in. The PIN is not kept. */
  openSession(selector: TokenSelector, pin: string, options?: OpenSessionOptions): Promise<HsmSession>;
  /** Closes every session and releases the module. Never throws. */
  close(): Promise<void>;
}
