/**
 * The recovery service's requests and responses: plain JSON (the IPC contract mirrors them). A recovery session in
 * the main process collects shards one at a time (typed, scanned, read from files), checks each at once, reports
 * progress per group, and finally combines them and compares the recovered key's public fingerprint with the one
 * expected. Shares and the result live only in the service's secret store (Uint8Arrays) and never leave it, except
 * through `export` when the person chose to see or save the secret.
 */
import type { ExpectedSourceName, RecoveryVerdict } from '../../../core/recovery-trust';
import type { HsmPort, KeyProtectionReport } from '../hsm/types';
import type { KeyStretcher, StretchProgress } from '../kdf/index';
import type { OpeningKey } from '../protection/index';
import type { SecretStore } from '../secrets/index';
import type { RemovableDrive } from '../usb/types';

/**
 * The PKCS#11 module of this window (the hsm host's `ceremonyHsm`: the chosen module, opened for each token operation
 * and closed right after, so a token plugged in later is seen and no login outlives its request).
 */
export interface RecoveryHsm {
  readonly modulePath: string;
  open(modulePath: string): Promise<HsmPort>;
}

export interface RecoveryServiceDeps {
  /** SLIP-39 key stretching off main's thread; default node:crypto's PBKDF2 on libuv's pool (electron/services/kdf). */
  readonly kdf?: KeyStretcher;
  /** Default: a fresh store of its own. Tests pass a tracking store to inspect the buffers. */
  readonly secrets?: SecretStore;
  /** Default: electron/services/protection openProtected. */
  readonly openProtected?: (data: string | Uint8Array, key: OpeningKey) => Promise<string>;
  /** Writes an exported (encrypted) file. Default: atomic write that refuses to replace an existing file. */
  readonly writeFile?: (path: string, data: Uint8Array) => Promise<void>;
  /** PKCS#11 tokens: shards kept on custodians' tokens, token-sealed files, HSM import. Without it those are refused (HSM_MODULE). */
  readonly hsm?: RecoveryHsm;
  /**
   * The removable drives now plugged in (usb:list-drives' lister). Shard files are read only from a mount point this
   * lists at the moment of the request. Without it no drive is readable.
   */
  readonly listDrives?: () => Promise<readonly RemovableDrive[]>;
}

/** What a recovered secret is: a seed (BIP-32 master seed) or a private key / FROST group scalar on a curve. */
export type SecretKindName = 'seed' | 'ed25519' | 'secp256k1' | 'p256';
export type SchemeName = 'slip39' | 'vss';

export interface FingerprintView {
  /** 64 lowercase hex digits. */
  readonly hex: string;
  /** First 128 bits as eight groups of four upper-case hex digits, for reading aloud. */
  readonly display: string;
}

export interface RecoveryStartRequest {
  /**
   * The fingerprint the recovered key must have, typed from the paper record: 64 hex digits, or the 32 read aloud
   * (spaces and dashes tolerated). A verified source.
   */
  readonly expectedFingerprint?: string;
  /** The ceremony's transcript: verified, then its fingerprint, scheme, ceremony id and split facts are used. */
  readonly transcriptText?: string;
  /** With a transcript: its final hash typed from the paper record (64 hex digits). Makes the transcript a verified source. */
  readonly finalHash?: string;
  /**
   * With a transcript: fingerprints of witness keys the team pins (core/recovery-trust witnessKeyFingerprint, 64 or 32
   * hex digits). A sign-off by one of them over the generate / split / seal step makes the transcript a verified source.
   */
  readonly witnessKeys?: readonly string[];
  /** For SLIP-39 shares of a key (not a seed) when no transcript says which kind: the curve. */
  readonly secretKind?: SecretKindName;
}

/** Opening keys for protected shard files given as content (age or OpenPGP). */
export type RecoveryOpeningKey = Extract<OpeningKey, { kind: 'age' } | { kind: 'openpgp' }>;

/** A token named by its label and/or serial number; with both, the token must match both. */
export interface TokenChoice {
  readonly label?: string;
  readonly serial?: string;
}

/** The custodian's token and PIN, which open a token-sealed (.p11) shard file on the token itself. */
export interface TokenOpeningKey {
  readonly kind: 'pkcs11';
  readonly token: TokenChoice;
  /** Used for one login and dropped; never in an answer, error or log. */
  readonly pin: string;
}

/** A shard file on a drive: a mount point usb:list-drives lists now, and a shard file name at its top level. */
export interface DriveFileRef {
  readonly mountPoint: string;
  readonly file: string;
}

/**
 * One shard as the person gives it:
 * - `text`: a shard text (KS1...), one complete `UR:BYTES/...` QR code, or a SLIP-39 mnemonic (typed words);
 * - `urParts`: every part of an animated QR code, collected elsewhere (assembled here; all-or-nothing);
 * - `file` + `openingKey`: the content of a protected shard file (age or OpenPGP) and the custodian's key;
 * - `driveFile` (+ `openingKey`): a shard file main reads itself from a listed drive (no key for an unprotected .txt;
 *   age / OpenPGP key, or token and PIN for a .p11 file);
 * - `token` + `pin`: the shard a custodian's token holds (of `ceremonyId`, else of this recovery's ceremony, else the
 *   only one on the token).
 */
export type ShardInput = (
  | { readonly text: string }
  | { readonly urParts: readonly string[] }
  | { readonly file: { readonly text: string } | { readonly base64: string }; readonly openingKey: RecoveryOpeningKey }
  | { readonly driveFile: DriveFileRef; readonly openingKey?: RecoveryOpeningKey | TokenOpeningKey }
  | { readonly token: TokenChoice; readonly pin: string; readonly ceremonyId?: string }
) & {
  /**
   * The serial of the tamper-evident bag this shard came out of, as typed. When the transcript recorded a bag for the
   * shard, it must be given and match (BAG_SERIAL_NEEDED, BAG_SERIAL_MISMATCH); the shard is not used otherwise.
   */
  readonly bagSerial?: string;
};

/** One bag serial checked at this recovery: the recovery's log of the bags opened (public facts). */
export interface BagCheck {
  /** ISO 8601 UTC, this computer's clock. */
  readonly at: string;
  /** The attempt number of the shard ("Share 3"). */
  readonly shard: number;
  readonly custodianId: string;
  /** Normalised, as the transcript recorded it at the handoff. */
  readonly recorded: string;
  /** Normalised, as typed now; null when none was typed. */
  readonly typed: string | null;
  /** matched: the shard was used; mismatch and missing: it was not. */
  readonly outcome: 'matched' | 'mismatch' | 'missing';
}

export type ShardSource = 'envelope' | 'qr' | 'mnemonic' | 'protected-file' | 'token';

/** Public facts about one shard in hand (no share value, no words). */
export interface ShardFacts {
  /** 1-based count of attempts: "Share 3" in messages. */
  readonly number: number;
  readonly source: ShardSource;
  readonly custodianLabel?: string;
  readonly custodianIndex?: number;
  /** SLIP-39: 1-based group and member. */
  readonly group?: number;
  readonly member?: number;
  /** VSS: the signer number (RFC 9591 identifier). */
  readonly signer?: number;
}

export interface GroupProgressView {
  /** 1-based. VSS has one group: the signers. */
  readonly group: number;
  readonly have: number;
  /** Unknown (null) until a share of this group is in hand. */
  readonly threshold: number | null;
  readonly needed: number | null;
  readonly complete: boolean;
}

export interface RecoveryProgressView {
  readonly scheme: SchemeName | null;
  readonly shards: number;
  readonly groupThreshold: number | null;
  readonly groupCount: number | null;
  readonly groupsComplete: number;
  readonly groupsNeeded: number | null;
  readonly groups: readonly GroupProgressView[];
  readonly canFinish: boolean;
  /** One sentence per group ("Group 2: 1 more needed (1 of 2 in hand)."), for the list on screen. */
  readonly sentences: readonly string[];
  /** One sentence overall. */
  readonly summary: string;
}

export interface ShardProblem {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type AddShardResponse =
  | { readonly outcome: 'accepted'; readonly shard: ShardFacts; readonly progress: RecoveryProgressView }
  | { readonly outcome: 'duplicate'; readonly shard: ShardFacts; readonly message: string; readonly progress: RecoveryProgressView }
  | { readonly outcome: 'rejected'; readonly error: ShardProblem; readonly progress: RecoveryProgressView };

/** Where the expected fingerprint came from (core/recovery-trust): only fingerprint, final-hash and witness-keys verify. */
export type ExpectedSource = ExpectedSourceName;

/** What the recovered key is checked against, and whether that is something held apart from the shards. */
export interface ExpectedView {
  /** hex: 64 digits, or 32 when the short form was typed. */
  readonly fingerprint: FingerprintView;
  readonly source: ExpectedSource;
  readonly verified: boolean;
  /** Transcript sources: the witnesses whose sign-off binds the fingerprint, by key fingerprint, and whether pinned. */
  readonly signoffs: readonly { readonly witnessId: string; readonly keyFingerprint: string; readonly pinned: boolean; readonly step: string }[];
  /** Pinned witness key fingerprints that signed no binding sign-off (a typo, or a witness who did not sign). */
  readonly unmatchedPins: readonly string[];
  /** Transcript sources: whether the transcript replays to 'sealed' (its seal with the sign-offs it needs). */
  readonly sealed: boolean | null;
  /** Transcript sources: why it is not sealed (aborted, cut short, did not finish); null otherwise. */
  readonly statusWhy: string | null;
  /** Transcript sources: the ceremony the file records (id, label, seal time), to compare with the paper record. */
  readonly ceremony: { readonly id: string; readonly label: string | null; readonly sealedAt: string | null } | null;
}

export interface RecoveredIdentity {
  readonly kind: SecretKindName;
  readonly scheme: SchemeName;
  readonly fingerprint: FingerprintView;
  /** Hex public key (keys; the FROST group key under vss). */
  readonly publicKey?: string;
  /** Seeds: the BIP-32 root xpub and master fingerprint. */
  readonly xpub?: string;
  readonly masterFingerprint?: string;
  /**
   * The seed is a BIP-39 wallet's entropy: the fingerprint (and xpub) are of the wallet's BIP-39 seed, as the ceremony
   * that imported its mnemonic recorded them, and the result can give the mnemonic back.
   */
  readonly wallet?: 'bip39';
}

export type RecoveryPhase = 'idle' | 'collecting' | 'recovered' | 'failed';

export interface FinishResponse {
  /**
   * verified: the fingerprint matches one from a source held apart from the shards (typed fingerprint, typed final
   * hash, pinned witness key); unverified: it matches only an unsigned transcript or the shards' own claim, or there
   * was nothing to compare with; mismatch: it differs (everything was zeroized).
   */
  readonly verdict: RecoveryVerdict;
  /** Where the comparison came from; 'shards' also when nothing was expected at all. */
  readonly source: ExpectedSource;
  readonly expected: ExpectedView | null;
  readonly recovered: RecoveredIdentity;
  readonly shardsUsed: number;
  /** True when the secret is held and `export` may show or save it. */
  readonly exportable: boolean;
  /** True only on a verified verdict: `export` may import the key into a token. */
  readonly tokenImport: boolean;
  readonly message: string;
}

export interface RecoveryStatus {
  readonly phase: RecoveryPhase;
  readonly message: string;
  readonly ceremonyId: string | null;
  readonly label: string | null;
  readonly scheme: SchemeName | null;
  readonly secretKind: SecretKindName | null;
  readonly expected: ExpectedView | null;
  readonly shards: readonly ShardFacts[];
  readonly progress: RecoveryProgressView;
  readonly result: FinishResponse | null;
  /** While `finish` stretches a SLIP-39 passphrase key: the round under way and the time it takes here. */
  readonly stretching: StretchProgress | null;
  /** Every bag serial checked in this recovery, in order, with its outcome. */
  readonly bagChecks: readonly BagCheck[];
}

export interface FinishRequest {
  /** SLIP-39 passphrase, if the backup has one (keyshard ceremonies do not set one). Printable ASCII. */
  readonly passphrase?: string;
  /**
   * The person said yes to the question SLIP39_SLOW_KDF asked: these shares ask for more key stretching than keyshard's
   * own ceremonies (a higher iteration exponent), which takes the time that error stated.
   */
  readonly allowSlowKdf?: boolean;
}

export interface CancelFinishResponse {
  /** Whether a key stretching run was under way and is now stopped (its finish answers KDF_CANCELLED). */
  readonly cancelled: boolean;
  readonly message: string;
}

/** Which words a recovered seed is written in: its BIP-39 mnemonic, or a single SLIP-39 share (1 of 1). */
export type SeedWordsList = 'bip39' | 'slip39';

export interface SeedWords {
  readonly list: SeedWordsList;
  /** SECRET. */
  readonly words: string[];
  /** 'bip39' only: true when the recovered fingerprint is this wallet's (checked), false when the person asked for it. */
  readonly walletChecked?: boolean;
}

export type ExportRecipient = { readonly kind: 'age'; readonly recipient: string } | { readonly kind: 'openpgp'; readonly publicKeyArmored: string };

export type ExportRequest =
  /**
   * `words`: a seed shown as words too (SECRET): 'bip39' the mnemonic of a BIP-39 wallet (the default when the result is
   * one), 'slip39' one SLIP-39 share that alone recovers it (the default for other seeds); 'none' only hex.
   */
  | { readonly kind: 'display'; readonly reveal: true; readonly words?: SeedWordsList | 'none' }
  | { readonly kind: 'encrypted-file'; readonly path: string; readonly recipient: ExportRecipient }
  /** Imports the recovered EC private key (P-256 or secp256k1) into a token: sensitive, non-extractable, for signing. */
  | { readonly kind: 'hsm-import'; readonly token: TokenChoice; readonly pin: string; readonly keyLabel: string };

/** What a token says about the imported key: the proof that it cannot be read back out. */
export type ImportedKeyProtection = KeyProtectionReport;

export interface HsmImportResponse {
  readonly kind: 'hsm-import';
  readonly token: { readonly label: string; readonly serial: string };
  readonly keyLabel: string;
  /** CKA_ID, hex. */
  readonly keyId: string;
  readonly curve: 'p256' | 'secp256k1';
  /** SEC1 uncompressed, hex, as the token reports it (equal to the recovered key's public key). */
  readonly publicKey: string;
  readonly fingerprint: FingerprintView;
  readonly protection: ImportedKeyProtection;
}

export type ExportResponse =
  | {
      readonly kind: 'display';
      readonly secretHex: string;
      readonly secretKind: SecretKindName;
      readonly scheme: SchemeName;
      readonly fingerprint: FingerprintView;
      /** SECRET: the seed as words to write down (see ExportRequest `words`); absent for keys and signer shares. */
      readonly words?: SeedWords;
    }
  | { readonly kind: 'encrypted-file'; readonly path: string; readonly bytes: number; readonly protection: 'age' | 'openpgp'; readonly fingerprint: FingerprintView }
  | HsmImportResponse;

/** One keyshard shard file on a drive, as its name (and, for an unprotected file, its content) tells. */
export interface DriveShardFile {
  readonly file: string;
  readonly protection: 'none' | 'age' | 'openpgp' | 'pkcs11';
  /** From the name `keyshard-<ceremony>-c<index>[-s<n>].<ext>`. */
  readonly ceremonyId: string;
  /** 0-based, as in the envelope. */
  readonly custodianIndex: number;
  /** Which of the custodian's shares (from 1), when they hold more than one. */
  readonly share: number | null;
  /** The custodian's id in the plan, when the transcript is known. */
  readonly custodianId: string | null;
  /** As printed in the envelope: unprotected files only (an encrypted one says it only once opened). */
  readonly custodianLabel: string | null;
  /** Whether the file belongs to this recovery's ceremony ('unknown' while no ceremony is known). */
  readonly ceremony: 'this' | 'other' | 'unknown';
  /** This very file was already added to this recovery. */
  readonly inHand: boolean;
  readonly bytes: number;
}

export interface DriveShardsRequest {
  readonly mountPoint: string;
}

export interface DriveShardsResponse {
  readonly drive: { readonly mountPoint: string; readonly label: string | null };
  /** This recovery's ceremony, when known. */
  readonly ceremonyId: string | null;
  readonly files: readonly DriveShardFile[];
  /** Files that look like shard files but cannot be used (damaged, left by an interrupted write, renamed). */
  readonly problems: readonly { readonly file: string; readonly code: string; readonly message: string }[];
}

export interface ClearResponse {
  readonly cleared: true;
  /** Buffers zeroized. */
  readonly buffers: number;
}

export interface RecoveryService {
  start(request?: RecoveryStartRequest): Promise<RecoveryStatus>;
  /** Checks one shard at once and keeps it when it fits. Starts a session (with nothing expected) when none runs. */
  addShard(input: ShardInput): Promise<AddShardResponse>;
  /** The keyshard shard files on a drive usb:list-drives lists now (names and public facts; nothing is added). */
  driveShards(request: DriveShardsRequest): Promise<DriveShardsResponse>;
  status(): Promise<RecoveryStatus>;
  finish(request?: FinishRequest): Promise<FinishResponse>;
  /** Stops the key stretching of a `finish` under way, at once; the shards stay in hand. */
  cancelFinish(): Promise<CancelFinishResponse>;
  export(request: ExportRequest): Promise<ExportResponse>;
  clear(): Promise<ClearResponse>;
  /** App quit: zeroize everything. */
  shutdown(): Promise<void>;
}
