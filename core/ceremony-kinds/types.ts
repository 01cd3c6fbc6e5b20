/**
 * A ceremony kind as data (DESIGN.md "Ceremony kinds as data"): its numbered steps, each with who acts and who
 * watches by role, what is read aloud, whether a witness signs it off, and its words for the screen, the transcript
 * and paper. core's state machine, the screens' step list, the transcript's names and the printed script are derived
 * from one catalogue (derive.ts, script.ts), so they cannot drift apart.
 */

import type { SecretPlan } from '../policy/types';

/** Who takes part, as in the root-key ceremonies: the administrator runs the script, witnesses check it. */
export const ROLES = ['administrator', 'internal-witness', 'external-witness', 'custodian'] as const;
export type Role = (typeof ROLES)[number];

/** When a step takes place at all, decided by the plan (a step that does not apply gets no number). */
export type StepCondition = 'always' | 'tokens' | 'witnesses' | 'new-secret' | 'import-secret';

/** One kind of transcript entry a step writes. */
export interface RecordSpec {
  readonly kind: string;
  /** In the transcript, the verify table and the printed summary: "Air-gap check". */
  readonly transcript: string;
  /** True for a step of core's state machine; false for an entry written beside one (token entries). */
  readonly machine: boolean;
  /** What a witness signs off, after "signs off": "the air-gap check". */
  readonly checkpoint?: string;
  /** Signed off by default (one eligible witness) before the ceremony moves on. */
  readonly signOff?: boolean;
  /** What the screen offers when this entry may come next ({secret} is filled in from the plan). */
  readonly hint?: string;
  /**
   * A check that may fail (an air gap with a network up, a test recovery with another fingerprint): after it failed
   * the same step is offered again, with these words. Without it, a failed step leaves only the abort.
   */
  readonly repeatWhenFailed?: string;
  /**
   * The entry's words when its data records that the shard had no bag to seal (`sealed: false`, a screen shard): the
   * annotated script then prints these instead of `transcript`, which says the shard was sealed.
   */
  readonly transcriptWithoutBag?: string;
}

export interface CatalogueStep {
  /** Stable id: the step list's test id, the script's row. */
  readonly id: string;
  /** The step list's label: short. */
  readonly screen: string;
  /** The script's heading for the step. */
  readonly paper: string;
  /** What is done, in a sentence for the script and the screen ({secret} is filled in from the plan). */
  readonly does: string;
  /** What is read aloud at this step, or null. */
  readonly readAloud: string | null;
  readonly actor: Role;
  readonly watchers: readonly Role[];
  readonly when: StepCondition;
  /** Done once per custodian in turn (the script numbers each: 9.1, 9.2, ...); only that custodian must be there. */
  readonly perCustodian: boolean;
  /**
   * For a step done per custodian: the entry kind that ends a custodian's part of it (the handoff step's is the
   * confirmation, not the handoff). The step is done when every custodian's part is; passing it is not enough.
   */
  readonly turnDoneBy?: string;
  /**
   * A custodian recorded absent at this step (a custodian-absent exception under it) is done with it: the ceremony
   * goes on without their part (a receipt). Left out: an absence defers their part (a handoff waits for them).
   */
  readonly absenceEndsTurn?: boolean;
  readonly records: readonly RecordSpec[];
}

export interface CeremonyKind {
  /** Stable id: the plan entry's `ceremonyKind` (core/ceremony-kinds/registry.ts). */
  readonly id: string;
  readonly title: string;
  readonly steps: readonly CatalogueStep[];
  /** Entries any step may carry: sign-offs, signatures, an abort. Named in the transcript, never numbered. */
  readonly entries: readonly RecordSpec[];
}

/**
 * The people and choices a catalogue's derived views need (step list, roles, printed script). A key ceremony's
 * CeremonyPlan is one; a refresh or repair builds one from its own plan (no secret: it makes none).
 */
export interface KindPlan {
  readonly label: string;
  readonly custodians: readonly { readonly id: string; readonly name: string; readonly organisation: string; readonly medium: string }[];
  readonly witnesses: readonly { readonly id: string; readonly name: string; readonly organisation: string; readonly observes: 'all' | readonly string[] }[];
  readonly administrator?: { readonly name: string; readonly organisation: string } | undefined;
  readonly externalWitnesses?: readonly { readonly name: string; readonly organisation: string }[] | undefined;
  /** Only the key ceremony makes or takes a secret ('new-secret' / 'import-secret' steps). */
  readonly secret?: SecretPlan | undefined;
}
