/**
 * What keyshard needs from a token, and whether a token offers it, judged from the token's flags and its
 * mechanism list *before* a ceremony starts: a token that cannot do a step is refused up front (HSM_MECHANISM),
 * never halfway through.
 *
 * Pure: takes plain numbers, so tests can build any token they like (including one that lacks a mechanism).
 */
import { KeyshardError } from '../../../core/errors';

/** PKCS#11 mechanism numbers (CKM_*) keyshard uses. */
export const CKM = {
  EC_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  ECDH1_DERIVE: 0x1050,
  AES_KEY_GEN: 0x1080,
  AES_GCM: 0x1087,
} as const;

/** Mechanism flags (CKF_*) from CK_MECHANISM_INFO. */
export const CKF_MECH = {
  ENCRYPT: 0x100,
  DECRYPT: 0x200,
  SIGN: 0x800,
  GENERATE_KEY_PAIR: 0x10000,
  DERIVE: 0x80000,
  EC_F_P: 0x100000,
  EC_NAMEDCURVE: 0x800000,
  EC_UNCOMPRESS: 0x1000000,
} as const;

/** Token flags (CKF_*) from CK_TOKEN_INFO. */
export const CKF_TOKEN = {
  RNG: 0x1,
  WRITE_PROTECTED: 0x2,
  LOGIN_REQUIRED: 0x4,
  USER_PIN_INITIALIZED: 0x8,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
  USER_PIN_TO_BE_CHANGED: 0x80000,
} as const;

export interface MechanismInfo {
  readonly type: number;
  readonly flags: number;
  /** Bits for EC, bytes for AES (as PKCS#11 defines them). */
  readonly minKeySize: number;
  readonly maxKeySize: number;
}

export type CapabilityId = 'random' | 'ec-p256-keygen' | 'ecdh-derive' | 'aes-gcm' | 'ecdsa' | 'data-objects';

export interface CapabilityCheck {
  readonly id: CapabilityId;
  /** What it is for, in words. */
  readonly label: string;
  readonly available: boolean;
  /** The mechanism that provides it, when there is one. */
  readonly mechanism?: string;
  /** Why it is missing (or how it was judged). */
  readonly note?: string;
}

/** Which capabilities each use of a token needs. */
export const CAPABILITY_NEEDS = {
  /** Store a shard as a private data object. */
  storeShard: ['data-objects'],
  /** Encrypt a shard to a token key and open it on the token. */
  sealToToken: ['ec-p256-keygen', 'ecdh-derive', 'aes-gcm'],
  /** Sign the transcript as a witness with a token key. */
  witness: ['ec-p256-keygen', 'ecdsa'],
  /** Mix the token's random numbers into the ceremony's entropy. */
  entropy: ['random'],
  /** Import a recovered EC key. */
  importKey: ['ecdsa'],
} as const satisfies Record<string, readonly CapabilityId[]>;

export const ALL_CAPABILITIES: readonly CapabilityId[] = ['random', 'ec-p256-keygen', 'ecdh-derive', 'aes-gcm', 'ecdsa', 'data-objects'];

const has = (flags: number, bit: number): boolean => (flags & bit) !== 0;

function mechanismCheck(
  id: CapabilityId,
  label: string,
  mechanisms: readonly MechanismInfo[],
  type: number,
  mechanism: string,
  requiredFlag: number,
  flagName: string,
  keySize?: { readonly value: number; readonly unit: string },
): CapabilityCheck {
  const m = mechanisms.find((x) => x.type === type);
  if (m === undefined) return { id, label, available: false, mechanism, note: `the token does not offer ${mechanism}` };
  if (!has(m.flags, requiredFlag)) return { id, label, available: false, mechanism, note: `${mechanism} is offered without ${flagName}` };
  // 0/0 means "not reported"; only refuse on a reported range that excludes the size.
  if (keySize !== undefined && m.maxKeySize > 0 && (keySize.value < m.minKeySize || keySize.value > m.maxKeySize)) {
    return { id, label, available: false, mechanism, note: `${mechanism} supports ${m.minKeySize}-${m.maxKeySize} ${keySize.unit}, not ${keySize.value}` };
  }
  return { id, label, available: true, mechanism };
}

/** The capability report of one token. */
export function capabilityReport(tokenFlags: number, mechanisms: readonly MechanismInfo[]): CapabilityCheck[] {
  const ecKeygen = mechanismCheck('ec-p256-keygen', 'EC P-256 key pair generation', mechanisms, CKM.EC_KEY_PAIR_GEN, 'CKM_EC_KEY_PAIR_GEN', CKF_MECH.GENERATE_KEY_PAIR, 'CKF_GENERATE_KEY_PAIR', { value: 256, unit: 'bits' });
  const ecFlags = mechanisms.find((x) => x.type === CKM.EC_KEY_PAIR_GEN)?.flags ?? 0;
  // Tokens that describe their EC support (any of the EC_* bits) must include prime-field curves.
  const describesEc = has(ecFlags, CKF_MECH.EC_F_P | CKF_MECH.EC_NAMEDCURVE | CKF_MECH.EC_UNCOMPRESS | 0x200000 | 0x400000 | 0x2000000);
  const ecKeygenChecked: CapabilityCheck =
    ecKeygen.available && describesEc && !has(ecFlags, CKF_MECH.EC_F_P)
      ? { ...ecKeygen, available: false, note: 'CKM_EC_KEY_PAIR_GEN is offered for binary-field curves only (no CKF_EC_F_P)' }
      : ecKeygen;
  const writeProtected = has(tokenFlags, CKF_TOKEN.WRITE_PROTECTED);
  const initialized = has(tokenFlags, CKF_TOKEN.TOKEN_INITIALIZED);
  return [
    has(tokenFlags, CKF_TOKEN.RNG)
      ? { id: 'random', label: 'random number generation', available: true, mechanism: 'C_GenerateRandom' }
      : { id: 'random', label: 'random number generation', available: false, mechanism: 'C_GenerateRandom', note: 'the token does not set CKF_RNG' },
    ecKeygenChecked,
    mechanismCheck('ecdh-derive', 'ECDH key derivation (opening shards sealed to the token)', mechanisms, CKM.ECDH1_DERIVE, 'CKM_ECDH1_DERIVE', CKF_MECH.DERIVE, 'CKF_DERIVE', { value: 256, unit: 'bits' }),
    mechanismCheck('aes-gcm', 'AES-256 keys and AES-GCM decryption', mechanisms, CKM.AES_GCM, 'CKM_AES_GCM', CKF_MECH.DECRYPT, 'CKF_DECRYPT', { value: 32, unit: 'bytes' }),
    mechanismCheck('ecdsa', 'ECDSA signatures (witness sign-offs)', mechanisms, CKM.ECDSA, 'CKM_ECDSA', CKF_MECH.SIGN, 'CKF_SIGN', { value: 256, unit: 'bits' }),
    !initialized
      ? { id: 'data-objects', label: 'private data objects (stored shards)', available: false, note: 'the token is not initialized' }
      : writeProtected
        ? { id: 'data-objects', label: 'private data objects (stored shards)', available: false, note: 'the token is write-protected' }
        : {
            id: 'data-objects',
            label: 'private data objects (stored shards)',
            available: true,
            note: 'no mechanism advertises this; every store is checked by reading the object back',
          },
  ];
}

/** Throws HSM_MECHANISM naming every missing capability, or returns. */
export function requireCapabilities(report: readonly CapabilityCheck[], needed: readonly CapabilityId[], tokenName: string): void {
  const missing = needed.map((id) => report.find((c) => c.id === id) ?? { id, label: id, available: false, note: 'not checked' }).filter((c) => !c.available);
  if (missing.length === 0) return;
  throw new KeyshardError(
    'HSM_MECHANISM',
    `Token ${tokenName} cannot do what this step needs: ${missing.map((c) => `${c.label} (${c.note ?? 'missing'})`).join('; ')}. ` +
      'Choose another token for this custodian before the ceremony starts (`keyshard hsm list` shows what each token offers).',
    { missing: missing.map((c) => c.id) },
  );
}
