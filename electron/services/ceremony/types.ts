/**
 * The ceremony service's requests and responses. Every request and response is a plain JSON-serializable object (the
 * IPC contract mirrors them 1:1); failures are KeyshardErrors with stable codes. Dependencies are injected.
 */
import type { CeremonyStep, ConfirmationMethod, ConfirmationProof, RecoveryShardSource, SignOffPolicy, WitnessKey } from '../../../core/ceremony';
import type { Clock } from '../../../core/policy';
import type { QrFrameOptions } from '../../../core/qr/index';
import type { RandomSource } from '../../../core/random';
import type { Language } from '../../../core/language';
import type { WitnessSigner } from '../../../core/transcript';
import type { LoadedWitnessKey, WitnessCredential } from '../witness/credential';
import type { CapabilityId } from '../hsm/capabilities';
import type { HsmPort } from '../hsm/types';
import type { KeyStretcher } from '../kdf/index';
import type { OpeningKey, ProtectedShardFile, Protection } from '../protection/index';
import type { SecretStore } from '../secrets/index';
import type { TranscriptStore } from '../transcript-store/index';
import type { GivenBackBytes } from '../../../core/shard-display';
import type { ShardView } from './shards';

export type { ShardView } from './shards';

// ---------------------------------------------------------------------------------------------------------------
// Dependencies (ports)

/** What the air-gap service reports; electron/services/airgap's checkAirGap() fits as is. */
export interface AirGapCheckResult {
  readonly ok: boolean;
  readonly interfaces: readonly { readonly name: string; readonly up: boolean; readonly kind?: string }[];
  /** What is wrong, one item per interface or radio (names and sentences; no addresses needed). */
  readonly problems?: readonly { readonly name: string; readonly message?: string }[];
}

export interface AirGapPort {
  check(): Promise<AirGapCheckResult>;
}

/** Writes a protected shard file to the custodian's removable drive and reads it back (the usb service later). */
export interface ShardFilePort {
  write(request: { readonly custodianId: string; readonly fileName: string; readonly data: Uint8Array }): Promise<{ readonly location: string }>;
  read(request: { readonly location: string }): Promise<Uint8Array>;
  /**
   * Removes a file this port wrote (a first handoff that failed after it: a later file or the transcript record).
   * Best effort on the drive's side, but it throws when the file may still be there, so the caller can say so.
   * A file already gone is not an error.
   */
  remove(request: { readonly location: string }): Promise<void>;
}

/**
 * The PKCS#11 module that holds the custodians' (and token witnesses') tokens. `open` is openHsm from
 * electron/services/hsm; the service opens the module for each token operation and closes it right after, so a token
 * plugged in later is seen and no session stays logged in between steps (a token witness logs in for each signature).
 */
export interface CeremonyHsm {
  readonly modulePath: string;
  open(modulePath: string): Promise<HsmPort>;
}

/** What a token is used for at the moment its PIN is asked. */
export type TokenPurpose = 'store' | 'read-back' | 'test-recovery' | 'entropy' | 'witness';

/** What a PIN prompt may show: whose token, which one, and why. Public facts only. */
export interface PinPrompt {
  readonly purpose: TokenPurpose;
  readonly custodianId?: string;
  readonly witnessId?: string;
  readonly tokenLabel?: string;
  readonly tokenSerial?: string;
}

/**
 * Asks the person holding a token for its PIN (typed on screen). Called once per token operation when the request
 * itself carries no `pin`. The answer is used for one login and dropped: it is never stored, logged, recorded, or put
 * in an error. (JS strings cannot be wiped; the service keeps no reference to it.)
 */
export type PinSupplier = (prompt: PinPrompt) => Promise<string>;

/** A token named by its label and/or its serial number. With both, the token must match both. */
export interface TokenChoice {
  readonly label?: string;
  readonly serial?: string;
}

export interface CeremonyServiceDeps {
  readonly clock: Clock;
  /** The OS CSPRNG (node:crypto randomBytes). */
  readonly random: RandomSource;
  readonly airgap: AirGapPort;
  /** Where transcript.json and plan.json are written after every step. */
  readonly transcriptDir: string;
  /** Random bytes from an HSM (PKCS#11 C_GenerateRandom), offered as an extra entropy source. */
  readonly hsmRandom?: (length: number) => Promise<Uint8Array>;
  /** PKCS#11 tokens: pkcs11 custodians' handoffs, token entropy, token witnesses. Without it a pkcs11 handoff is refused (HSM_MODULE). */
  readonly hsm?: CeremonyHsm;
  /** Asks for a token PIN when a request carries none. */
  readonly pins?: PinSupplier;
  /** The removable-drive writer for usb handoffs. */
  readonly usb?: ShardFilePort;
  /** Default: electron/services/protection protectShardText / openProtectedBytes (bytes in and out: no shard string in main). */
  readonly protect?: (text: Uint8Array, protection: Protection) => Promise<ProtectedShardFile>;
  readonly openProtected?: (data: Uint8Array, key: OpeningKey) => Promise<Uint8Array>;
  /** Default: a fresh store. Tests pass their own to inspect the buffers. */
  readonly secrets?: SecretStore;
  /** Default: createTranscriptStore(transcriptDir). */
  readonly transcriptStore?: TranscriptStore;
  /** SLIP-39 key stretching off main's thread; default node:crypto's PBKDF2 on libuv's pool (electron/services/kdf). */
  readonly kdf?: KeyStretcher;
  readonly slip39?: { readonly iterationExponent?: number; readonly extendable?: boolean };
  readonly qr?: QrFrameOptions;
  /** The app's bundle hashes (electron/main/build-info), recorded in the plan entry; null when run from sources. */
  readonly build?: { readonly renderer: string; readonly main: string } | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Status

export type CeremonyPhase = 'not-started' | 'active' | 'sealed' | 'aborted' | 'secret-lost' | 'secret-lost-after-handoff';

export interface FingerprintView {
  /** 64 lowercase hex digits (what the transcript records). */
  readonly hex: string;
  /** First 128 bits as eight groups of four upper-case hex digits, for reading aloud. */
  readonly display: string;
}

export interface NextActionView {
  readonly step: string;
  readonly custodianId?: string;
  readonly checkpoint?: string;
  readonly witnessIds?: readonly string[];
  readonly hint: string;
}

export interface CeremonyStatus {
  readonly phase: CeremonyPhase;
  /** One plain sentence about where the ceremony stands. */
  readonly message: string;
  readonly ceremonyId: string | null;
  readonly label: string | null;
  readonly scheme: 'slip39' | 'vss' | null;
  readonly lastStep: CeremonyStep | null;
  readonly next: readonly NextActionView[];
  readonly fingerprint: FingerprintView | null;
  readonly airgap: 'passed' | 'overridden' | 'failed' | null;
  readonly handedOff: readonly string[];
  readonly confirmed: readonly string[];
  readonly awaitingConfirmation: string | null;
  readonly signOff: {
    readonly checkpoint: string;
    readonly custodianId: string | null;
    readonly eligible: readonly string[];
    readonly required: number;
    readonly signedBy: readonly string[];
    /**
     * What each witness types back to sign: the fingerprint read aloud at this checkpoint. The key's fingerprint once
     * there is a key; before that (the air-gap check) the checkpoint's own transcript hash. `display`: the 32 hex
     * digits to type, in groups of four.
     */
    readonly confirm: { readonly kind: 'key-fingerprint' | 'checkpoint-hash'; readonly display: string };
  } | null;
  /**
   * A deviation main saw (a failed confirmation) that must be recorded as an exception, with a reason and a witness's
   * signature, before the ceremony goes on; null when there is none. `number` is the step's number in the script.
   */
  readonly exceptionNeeded?: {
    readonly stepId: string;
    readonly custodianId: string | null;
    readonly deviation: string;
    readonly number: string;
    readonly what: string;
  } | null;
  /**
   * Custodians recorded absent at their handoff (a signed exception) who have not taken their shard since: their
   * handoff waits, so the ceremony cannot reach the test recovery or the seal until they come, or it is aborted.
   */
  readonly absent?: readonly string[];
  /** Custodians who were handed a shard (they hold it now). */
  readonly custodiansHoldingShards: readonly string[];
  /**
   * Each custodian handed a shard: the bag serial recorded at the handoff (null: none), whether their receipt is
   * recorded, and (`absentSeq`) the exception entry that recorded them absent at the receipt, when one did.
   */
  readonly receipts: readonly { readonly custodianId: string; readonly bagSerial: string | null; readonly received: boolean; readonly absentSeq?: number }[];
  /**
   * For each step done in turns (the catalogue's turnDoneBy): the custodians whose part of it the transcript holds,
   * so the step list marks it done only when every custodian's is (core/ceremony-kinds turnsDone).
   */
  readonly turnsDone: readonly { readonly stepId: string; readonly custodianIds: readonly string[] }[];
  /** The last step was a check that failed (core's lastStepFailed): a ceremony that ended there stopped at it. */
  readonly lastStepFailed: boolean;
  /** After a resume between the entropy step and generate: the recorded sources, to be given again. */
  readonly entropyNeeded: readonly string[] | null;
  readonly transcript: { readonly path: string; readonly entries: number; readonly headHash: string | null };
  /** pkcs11 custodians: the token checked for each at start (only present when the plan has such custodians). */
  readonly tokens?: readonly TokenBindingView[];
  /**
   * The token whose random generator the entropy step uses, as checked at start (public: label and serial); only
   * present when one was chosen. Restored from the transcript's token-check entry on resume.
   */
  readonly entropyToken?: { readonly tokenLabel: string; readonly tokenSerial: string };
}

/** The token a pkcs11 custodian's shard goes on, fixed by its serial when the ceremony starts. */
export interface TokenBindingView {
  readonly custodianId: string;
  readonly tokenLabel: string;
  readonly tokenSerial: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests and responses

export interface StartRequest {
  /** The plan (JSON value or text); validated with parsePlan. */
  readonly plan: unknown;
  /**
   * Public keys of every witness, pinned in the transcript. Default: the keys main loaded from the witnesses' key files
   * and tokens. Main's callers only (tests): the window's ceremony:start cannot carry it, so the page never names a key.
   */
  readonly witnessKeys?: readonly WitnessKey[];
  /**
   * Which checkpoints need sign-offs; default DEFAULT_SIGN_OFFS. Main's callers only (the CLI demo, tests): the window's
   * ceremony:start cannot carry it, so the page never chooses who must sign.
   */
  readonly signOffs?: SignOffPolicy;
  /**
   * Which token each pkcs11 custodian uses, when the plan's `protection.tokenLabel` does not say (or to pin a serial).
   * Every pkcs11 custodian's token is checked before anything is recorded (see checkDevices).
   */
  readonly tokens?: readonly TokenAssignment[];
  /** A token whose random generator `gatherEntropy({ useHsm: true })` mixes in; checked at start too. */
  readonly entropyToken?: TokenChoice;
  /** The language the screens and paper are in, recorded in the plan entry (left out: not recorded). */
  readonly language?: Language;
}

export interface TokenAssignment extends TokenChoice {
  readonly custodianId: string;
}

export interface DeviceCheckRequest {
  readonly plan: unknown;
  readonly tokens?: readonly TokenAssignment[];
  readonly entropyToken?: TokenChoice;
}

/** One token the plan relies on, as found (or not) before the ceremony. */
export interface TokenCheckView {
  readonly role: 'custodian' | 'entropy';
  readonly custodianId?: string;
  readonly custodianName?: string;
  /** What was asked for (label and/or serial). */
  readonly wanted: TokenChoice;
  readonly present: boolean;
  readonly tokenLabel: string | null;
  readonly tokenSerial: string | null;
  readonly model: string | null;
  readonly manufacturer: string | null;
  /** Capabilities this role needs (see electron/services/hsm/capabilities.ts) and those the token lacks. */
  readonly needs: readonly CapabilityId[];
  readonly missing: readonly CapabilityId[];
  readonly pinLocked: boolean;
  readonly pinFinalTry: boolean;
  readonly problem?: { readonly code: string; readonly message: string };
}

export interface DeviceCheckResponse {
  /** True when every token is present, usable and offers what it is needed for. */
  readonly ok: boolean;
  readonly tokens: readonly TokenCheckView[];
  readonly entropyToken: TokenCheckView | null;
  /** One sentence per problem, each naming the custodian. */
  readonly problems: readonly { readonly code: string; readonly message: string; readonly custodianId?: string }[];
}

export interface LoadWitnessTokenRequest {
  readonly witnessId: string;
  readonly token: TokenChoice;
  /** Label of the witness's ECDSA P-256 key pair on the token (made beforehand; the plan pins its public key). */
  readonly keyLabel: string;
  /** The token PIN, typed by the witness; default: asked through deps.pins. */
  readonly pin?: string;
}

export interface AirGapRequest {
  /** Go on although interfaces are up: a witness takes responsibility, recorded with the reason. */
  readonly override?: { readonly witnessId: string; readonly reason: string; readonly passphrase?: string; readonly pin?: string };
  /** SHA-256 of the OS image this computer booted, as the administrator typed it (spaces, dashes, colons, any case). */
  readonly osImageHash?: string;
}

export interface AirGapResponse {
  readonly passed: boolean;
  readonly overridden: boolean;
  readonly interfacesUp: readonly string[];
  readonly problems: readonly string[];
  /** The OS image hash recorded with the check (64 lowercase hex), when one was given. */
  readonly osImageHash?: string;
  readonly status: CeremonyStatus;
}

export interface EntropyRequestBody {
  /** Typed dice rolls, digits 1-6 (spaces and line breaks allowed). 50 rolls ≈ 129 bits, 100 ≈ 258 bits. */
  readonly diceRolls?: string;
  /** Also mix in random bytes from the HSM. */
  readonly useHsm?: boolean;
  /** With useHsm: the token to draw from (default: the start request's entropyToken) and its PIN. */
  readonly hsmToken?: TokenChoice & { readonly pin?: string };
}

export interface EntropyResponse {
  readonly sources: readonly string[];
  readonly diceRolls: number;
  readonly diceBits: number;
  readonly status: CeremonyStatus;
}

/** Generate takes the entropy sources again only after a resume between entropy and generate (status.entropyNeeded). */
export type GenerateRequest = EntropyRequestBody;

export interface ImportRequest extends EntropyRequestBody {
  /** The existing secret, hex. Never echoed, logged or recorded. One of secretHex and bip39Words. */
  readonly secretHex?: string;
  /**
   * Or a BIP-39 wallet's mnemonic, word by word as typed in its fields (12 to 24): the ceremony splits its entropy and
   * records the wallet's fingerprint. Never echoed, logged or recorded; an error names a word's position only.
   */
  readonly bip39Words?: readonly string[];
}

export interface SecretResponse {
  readonly fingerprint: FingerprintView;
  readonly publicKey?: string;
  readonly xpub?: string;
  readonly masterFingerprint?: string;
  readonly status: CeremonyStatus;
}

export interface SplitResponse {
  readonly fingerprint: FingerprintView;
  readonly shardCount: number;
  readonly identifier?: number;
  readonly commitments?: readonly string[];
  readonly custodians: readonly { readonly custodianId: string; readonly shards: number }[];
  readonly status: CeremonyStatus;
}

export interface ReceiptRequest {
  readonly custodianId: string;
  /** Typed from the sealed bag; must be the serial recorded at the handoff (none when no bag was recorded). */
  readonly bagSerial?: string;
}

export interface PrintPaperRequest {
  /** The custodian whose shard is on screen now (awaiting confirmation). */
  readonly custodianId: string;
}

export interface HandoffRequest {
  readonly custodianId: string;
  /** pkcs11: the custodian's token PIN, typed by them (default: asked through deps.pins). Never kept. */
  readonly pin?: string;
  /** The serial of the tamper-evident bag the shard goes into, as typed (core/bag-serial.ts normalises it). */
  readonly bagSerial?: string;
}

/** Where a pkcs11 custodian's shard went (public facts; what the transcript's token-store entry records). */
export interface TokenStoreView {
  readonly tokenLabel: string;
  readonly tokenSerial: string;
  readonly objectLabel: string;
  /** 'data-object': the shard envelope as a private, non-modifiable PKCS#11 DATA object on the token. */
  readonly method: 'data-object';
  readonly bytes: number;
  /** The same shard was already on the token (a handoff repeated), so nothing new was written. */
  readonly alreadyStored: boolean;
}

export interface HandoffView {
  readonly custodianId: string;
  readonly custodianName: string;
  readonly medium: string;
  readonly protection: string;
  readonly fingerprint: FingerprintView;
  readonly confirmWith: readonly ConfirmationMethod[];
  /** For screen-qr and paper: what this custodian (only) is shown. Empty for usb. */
  readonly shards: readonly ShardView[];
  /** For usb: the protected files written to the custodian's drive. */
  readonly files: readonly { readonly index: number; readonly location: string; readonly fileName: string; readonly protection: string; readonly bytes: number }[];
  /** For pkcs11: the token the shard was stored on and read back from. */
  readonly token?: TokenStoreView;
  /** The bag serial recorded with the handoff (normalised), printed on the paper backup. */
  readonly bagSerial?: string;
  readonly status: CeremonyStatus;
}

/** What a custodian gives back for one shard. */
/**
 * What a custodian gives back for one shard, as bytes (core/shard-display.ts givenBackBytes makes them in the window):
 * typed words (ASCII), typed shard text (its characters), or the envelope the scanned QR codes assembled to.
 */
export type ShardResponse = GivenBackBytes;

export interface ConfirmRequest {
  readonly custodianId: string;
  readonly method: ConfirmationMethod;
  /** One per shard the custodian holds (scan-qr, type-back). */
  readonly responses?: readonly ShardResponse[];
  /**
   * read-back-usb: the custodian's key to open the file read back and compare its content too. Only for throwaway keys
   * (demo, tests); in a real ceremony the custodian keeps their key, and the file's bytes are compared instead.
   */
  readonly openingKeys?: readonly OpeningKey[];
  /** read-back-pkcs11: the custodian's token PIN (default: asked through deps.pins). Never kept. */
  readonly pin?: string;
}

export interface ConfirmResponse {
  readonly custodianId: string;
  readonly method: ConfirmationMethod;
  /** What this confirmation shows (CONFIRMATION_PROVES): the custodian holds their shard, or only that the write is good. */
  readonly proves: ConfirmationProof;
  readonly verifyingShare?: string;
  readonly status: CeremonyStatus;
}

export interface RecoveryRequest {
  /** Test with the shards these custodians give back (preferred: it tests what they hold). */
  readonly responses?: readonly { readonly custodianId: string; readonly shards: readonly ShardResponse[] }[];
  /** pkcs11 custodians: read their shards back from their tokens (PIN each, or asked through deps.pins). */
  readonly tokens?: readonly { readonly custodianId: string; readonly pin?: string }[];
  /** Or with the machine's own copies of these custodians' shards. Default: the plan's first minimal quorum. */
  readonly custodianIds?: readonly string[];
}

export interface RecoveryResponse {
  readonly custodianIds: readonly string[];
  readonly fingerprintMatch: boolean;
  /** The custodians' own shards (what they hold was tested) or keyshard's copies (only the split was tested). */
  readonly shardsFrom: RecoveryShardSource;
  readonly recovered: FingerprintView;
  readonly expected: FingerprintView;
  readonly status: CeremonyStatus;
}

/**
 * The person at the screen confirmed they understand what destroy wipes (the master secret and every shard in this
 * computer's memory, after which only the custodians' shards can rebuild it). Without it destroy is refused.
 */
export interface DestroyRequest {
  readonly confirmed: true;
}

export interface DestroyResponse {
  readonly items: readonly string[];
  /** How many buffers were zeroized. */
  readonly buffers: number;
  readonly status: CeremonyStatus;
}

export interface SealResponse {
  /** True once the final witness sign-off (if the plan asks for one) is in. */
  readonly sealed: boolean;
  readonly headHash: string;
  readonly status: CeremonyStatus;
}

export interface SignOffRequest {
  readonly witnessId: string;
  /** The checkpoint's fingerprint as the witness typed it on screen (status.signOff.confirm). */
  readonly fingerprint?: string;
  /** A key file's passphrase, typed by the witness for this one signature. Never kept or echoed. */
  readonly passphrase?: string;
  /** A token key's PIN, typed by the witness for this one signature. Never kept or echoed. */
  readonly pin?: string;
}

export interface SignOffResponse {
  readonly witnessId: string;
  readonly checkpoint: string;
  readonly custodianId: string | null;
  /** Transcript entry of the signed checkpoint, and of the signature. */
  readonly targetSeq: number;
  readonly signoffSeq: number;
  readonly sealed: boolean;
  readonly headHash: string;
  readonly status: CeremonyStatus;
}

export interface LoadWitnessKeyRequest {
  readonly path: string;
  readonly witnessId?: string;
}

/** The reason for the deviation main noted (status.exceptionNeeded), and the signing witness's own act for this one signature. */
export interface ExceptionRequest {
  readonly reason: string;
  /** Required when the plan has witnesses (unless `unsigned`). */
  readonly witnessId?: string;
  readonly passphrase?: string;
  readonly pin?: string;
  /**
   * Only for an abort's exception in a plan with witnesses, when no witness signs it (said outright, never implied by
   * a missing witness); refused for any other deviation (steps/abort.ts, core's reducer).
   */
  readonly unsigned?: true;
}

/** A custodian not there at their handoff: the reason, and the signing witness's own act for this one signature. */
export interface AbsentRequest {
  readonly custodianId: string;
  readonly reason: string;
  /** Required when the plan has witnesses. */
  readonly witnessId?: string;
  readonly passphrase?: string;
  readonly pin?: string;
}

export interface AbortRequest {
  readonly reason: string;
  readonly witnessId?: string;
}

export interface ResumeRequest {
  /** Default: the service's transcriptDir. */
  readonly dir?: string;
}

export interface CeremonyService {
  /** Checks the tokens a plan relies on (present, usable, capable) without starting anything; start runs it too. */
  checkDevices(request: DeviceCheckRequest): Promise<DeviceCheckResponse>;
  start(request: StartRequest): Promise<CeremonyStatus>;
  status(): Promise<CeremonyStatus>;
  checkAirGap(request?: AirGapRequest): Promise<AirGapResponse>;
  gatherEntropy(request?: EntropyRequestBody): Promise<EntropyResponse>;
  generate(request?: GenerateRequest): Promise<SecretResponse>;
  importSecret(request: ImportRequest): Promise<SecretResponse>;
  split(): Promise<SplitResponse>;
  handoff(request: HandoffRequest): Promise<HandoffView>;
  /** The display of the custodian awaiting confirmation, again (e.g. after a screen reload); null when none. */
  currentHandoff(): Promise<HandoffView | null>;
  confirm(request: ConfirmRequest): Promise<ConfirmResponse>;
  /** The custodian received their shard and sealed it in its bag (catalogue step 'receipt'); the serial is typed again. */
  receipt(request: ReceiptRequest): Promise<CeremonyStatus>;
  /**
   * The page is about to print the shown custodian's paper backup: the first print is allowed; another one repeats the
   * handoff and is refused (EXCEPTION_NEEDED) until its step-repeated exception is recorded (steps/reprint.ts).
   */
  printPaper(request: PrintPaperRequest): Promise<CeremonyStatus>;
  testRecovery(request?: RecoveryRequest): Promise<RecoveryResponse>;
  destroy(request: DestroyRequest): Promise<DestroyResponse>;
  seal(): Promise<SealResponse>;
  /**
   * A loaded witness signs off the open checkpoint: with the checkpoint's fingerprint typed back, and their key file's
   * passphrase or token PIN for this one signature (the key is opened, used once and closed again).
   */
  signOff(request: SignOffRequest): Promise<SignOffResponse>;
  /** Same with a signer object held by the caller (main process only, not over IPC: tests' impostor signers). */
  signOffWith(signer: WitnessSigner): Promise<SignOffResponse>;
  /** Reads a witness's encrypted key file (nothing decrypted); dropped when the ceremony ends. */
  loadWitnessKey(request: LoadWitnessKeyRequest): Promise<LoadedWitnessKey>;
  /** An in-process throwaway signer (tests, main only): a sign-off needs only the fingerprint typed back. */
  registerWitnessSigner(signer: WitnessSigner): Promise<LoadedWitnessKey>;
  /**
   * Checks a witness's token and key (logging in once with the PIN to read the key) and registers it; each sign-off
   * logs in again with the PIN the witness types. Dropped when the ceremony ends.
   */
  loadWitnessToken(request: LoadWitnessTokenRequest): Promise<LoadedWitnessKey>;
  /** The public keys of the witnesses loaded now and how each is unlocked; read-only. */
  witnessKeys(): Promise<LoadedWitnessKey[]>;
  /**
   * Hands the loaded witnesses over to the service that will run the ceremony they were loaded for (main only: the
   * host, when the person starts in another folder than the idle service's). Only a service whose ceremony has not
   * started gives them; this service forgets them.
   */
  handOverWitnesses(to: CeremonyService): Promise<void>;
  /** Takes over witnesses another service loaded (see handOverWitnesses). */
  adoptWitnesses(credentials: readonly WitnessCredential[]): Promise<void>;
  abort(request: AbortRequest): Promise<CeremonyStatus>;
  /** Records the deviation main noted (a failed confirmation) as an exception, with its reason and a witness's signature. */
  recordException(request: ExceptionRequest): Promise<CeremonyStatus>;
  /**
   * Records a custodian absent (a witness-signed exception): at their handoff, which is deferred, not skipped; or,
   * once they confirmed, at their receipt, which the ceremony then goes on without.
   */
  markAbsent(request: AbsentRequest): Promise<CeremonyStatus>;
  resume(request?: ResumeRequest): Promise<CeremonyStatus>;
  /** App quit: zeroize every secret and unload witness keys, recording nothing (a later resume says what was lost). */
  shutdown(): Promise<void>;
}
