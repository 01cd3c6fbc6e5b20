/** The refresh / repair service's requests and answers: public data only, except the one share a handoff shows. */
import type { KindRunStatus } from '../../../core/ceremony-kinds/run';
import type { AirGapPort, CeremonyHsm, PinSupplier } from '../ceremony/types';
import type { OpeningKey } from '../protection/index';
import type { ShardInput } from '../recovery/types';
import type { TranscriptStore } from '../transcript-store/index';
import type { RemovableDrive } from '../usb/types';
import type { LoadedWitnessKey } from '../witness/credential';

export type LifecycleKind = 'refresh' | 'repair';

export interface LifecycleServiceDeps {
  readonly clock: () => Date;
  readonly random: (length: number) => Uint8Array;
  readonly airgap: AirGapPort;
  /** Under which each ceremony's folder (refresh-<id>, repair-<id>) holds its transcript.json, written after every step. */
  readonly transcriptDir: string | (() => string);
  readonly transcriptStore?: TranscriptStore;
  readonly openProtected?: (data: string | Uint8Array, key: OpeningKey) => Promise<string>;
  /** The chosen PKCS#11 module: token witnesses, and quorum shards kept on custodians' tokens (read as recovery reads them). */
  readonly hsm?: CeremonyHsm;
  readonly pins?: PinSupplier;
  /** The drives plugged in now (main's usb service): a quorum share may be a shard file on a custodian's stick. */
  readonly listDrives?: () => Promise<readonly RemovableDrive[]>;
}

export interface LifecycleCustodian {
  readonly id: string;
  readonly name: string;
  /** The share number (1..255) this custodian holds or receives. */
  readonly number: number;
}

export interface LifecycleStartRequest {
  readonly kind: LifecycleKind;
  readonly label: string;
  /** The sealed transcript (text) whose commitments the shares are checked against: the key ceremony's or the last refresh's. */
  readonly sourceTranscript: string;
  /** That transcript's final hash from its paper record, when typed (64 hex digits, or its words). */
  readonly finalHash?: string;
  readonly ciphersuite: 'ed25519' | 'secp256k1' | 'p256';
  /** Who receives a share: every custodian kept (refresh), the new custodians (re-share), the one who lost theirs (repair). */
  readonly custodians: readonly LifecycleCustodian[];
  /** Refresh only: re-share to new custodians (numbered 1..N in order) instead of refreshing the same ones. */
  readonly reshare?: boolean;
  readonly newThreshold?: number;
  /** Witnesses who sign off, by id; each must have loaded their key (lifecycle:load-witness-key). */
  readonly witnessIds?: readonly string[];
}

export interface LifecycleStatus {
  readonly active: boolean;
  readonly kind: LifecycleKind | null;
  readonly status: KindRunStatus | null;
  readonly ceremonyId: string | null;
  readonly label: string | null;
  /** What the screen may offer next (record kinds), and the checkpoint a witness must sign first. */
  readonly next: readonly string[];
  readonly pendingSignOff: { readonly checkpoint: string; readonly seq: number } | null;
  readonly witnessIds: readonly string[];
  readonly groupFingerprint: { readonly hex: string; readonly display: string } | null;
  readonly threshold: number | null;
  readonly custodians: readonly (LifecycleCustodian & { readonly handedOver: boolean; readonly confirmed: boolean })[];
  /** Share numbers taken in for the quorum, in order. */
  readonly quorum: readonly number[];
  /** Shares the quorum step needs before the new shares can be made. */
  readonly quorumNeeded: number | null;
  readonly entries: number;
  readonly headHash: string | null;
  readonly transcriptPath: string;
}

export interface LifecycleAddShareRequest {
  readonly input: ShardInput;
  readonly custodianId?: string;
}

export interface LifecycleHandoffView {
  readonly custodianId: string;
  readonly custodianName: string;
  readonly number: number;
  /** The new (or repaired) share as keyshard's shard text: in one piece, and in groups for paper. */
  readonly envelopeText: string;
  readonly paperText: string;
  /** QR frames of the same envelope (one code, or the parts of an animated one). */
  readonly qrFrames: readonly string[];
  readonly status: LifecycleStatus;
}

export interface LifecycleConfirmRequest {
  readonly custodianId: string;
  readonly method: 'type-back' | 'scan-qr';
  readonly response: { readonly text: string } | { readonly urParts: readonly string[] };
}

export interface LifecycleSignOffRequest {
  readonly witnessId: string;
  readonly passphrase?: string;
  readonly pin?: string;
}

export interface LifecycleService {
  status(): Promise<LifecycleStatus>;
  loadWitnessKey(request: { readonly path: string; readonly witnessId?: string }): Promise<LoadedWitnessKey>;
  start(request: LifecycleStartRequest): Promise<LifecycleStatus>;
  checkAirGap(): Promise<LifecycleStatus>;
  addShare(request: LifecycleAddShareRequest): Promise<LifecycleStatus & { readonly verifyingShare: string }>;
  /** Refresh: the new shares; repair: the repaired share. Each stays in main's memory until it is handed over. */
  make(): Promise<LifecycleStatus>;
  handoff(request: { readonly custodianId: string }): Promise<LifecycleHandoffView>;
  confirm(request: LifecycleConfirmRequest): Promise<LifecycleStatus>;
  destroy(): Promise<LifecycleStatus & { readonly wiped: number }>;
  seal(): Promise<LifecycleStatus>;
  signOff(request: LifecycleSignOffRequest): Promise<LifecycleStatus>;
  abort(request: { readonly reason: string }): Promise<LifecycleStatus>;
  /** Leaves the screen: forgets a finished (sealed or aborted) ceremony. */
  close(): Promise<LifecycleStatus>;
  shutdown(): Promise<void>;
}
