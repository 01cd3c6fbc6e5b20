import type { CeremonyPlan } from '../../core/policy';
import type { AirGapResult, DestroyResult, EntropyResult, HandoffView, RecoveryResult, SealResult, SecretResult, SplitResult, Status } from './api';

/** The answers of the steps already taken in this window, for screens that show them (after a reload, absent). */
export interface StepResults {
  readonly airgap?: AirGapResult;
  /** The witness override given in this window (main records it; its answer does not repeat it). */
  readonly override?: { readonly witnessId: string; readonly reason: string };
  readonly entropy?: EntropyResult;
  readonly secret?: SecretResult;
  readonly split?: SplitResult;
  readonly recovery?: RecoveryResult;
  readonly destroy?: DestroyResult;
  readonly seal?: SealResult;
}

/** What every ceremony screen gets from the ceremony screen around it. */
export interface StageProps {
  readonly status: Status;
  readonly plan: CeremonyPlan;
  readonly results: StepResults;
  /** A step's answer carries the new status; screens hand it (and the answer) back here. */
  readonly setStatus: (status: Status) => void;
  readonly remember: (patch: StepResults) => void;
  /** "Continue" after a checkpoint's sign-offs: the next step's screen may show. */
  readonly acknowledge: () => void;
  /** Asks main for the status again. */
  readonly reload: () => Promise<void>;
  /** The shard display of the custodian being handed their shard (SECRET; dropped once they confirm). */
  readonly handoff: HandoffView | null;
  /** Whether that shard is on screen now (it is hidden while the custodian confirms). */
  readonly revealed: boolean;
  readonly setHandoff: (view: HandoffView | null, revealed: boolean) => void;
}
