/**
 * What a step handler may be given. Each handler names the few members it needs (`Pick<StepKit, ...>`), so a
 * handler's signature says which devices, stores and writes it can reach; the service builds one kit and passes it.
 * The transcript writes (`record`, `recordSigned`) stay the service's: a handler asks for a step to be recorded and
 * the service applies it to core's state, saves the transcript and only then changes memory.
 */
import type { CeremonyEvent, CeremonyRecord } from '../../../../core/ceremony';
import type { Transcript } from '../../../../core/transcript';
import type { KeyStretcher } from '../../kdf/index';
import type { OpeningKey, ProtectedShardFile, Protection } from '../../protection/index';
import type { SecretStore } from '../../secrets/index';
import type { TranscriptStore } from '../../transcript-store/index';
import type { ExtraEntry } from '../tokens';
import type { CeremonyServiceDeps, CeremonyStatus } from '../types';
import type { WitnessRegistry } from '../witness-registry';
import type { Session } from './session';

/** Token entries written in the same save as the step: before its entry, or after it (the plan must come first). */
export interface ExtraEntries {
  readonly before?: readonly ExtraEntry[];
  readonly after?: readonly ExtraEntry[];
}

export interface StepKit
  extends Pick<CeremonyServiceDeps, 'clock' | 'random' | 'airgap' | 'hsm' | 'hsmRandom' | 'pins' | 'usb' | 'qr' | 'slip39' | 'build' | 'transcriptDir'> {
  readonly secrets: SecretStore;
  readonly kdf: KeyStretcher;
  /** A shard's text as ASCII bytes in (the caller wipes them), the file's bytes out. */
  readonly protect: (text: Uint8Array, protection: Protection) => Promise<ProtectedShardFile>;
  /** The opened file's shard text as ASCII bytes, which the caller wipes. */
  readonly openProtected: (data: Uint8Array, key: OpeningKey) => Promise<Uint8Array>;
  /** Loaded witnesses' credentials (public key plus the means to ask for their act). */
  readonly witnesses: WitnessRegistry;
  /** Applies one event, appends its record (with `extra`) to the transcript and saves it; only then updates memory. */
  readonly record: (c: Session, event: CeremonyEvent, extra?: ExtraEntries) => Promise<CeremonyRecord>;
  /** A witness's sign-off: the event's record and `sign`'s signature entry over the checkpoint, saved together. */
  readonly recordSigned: (c: Session, event: CeremonyEvent, sign: (withRecord: Transcript, checkpointSeq: number) => Promise<Transcript>) => Promise<void>;
  /** An entry beside the steps (a custodian's receipt): appended and saved alone; core's state does not change. */
  readonly recordEntry: (c: Session, kind: string, data: Readonly<Record<string, string | boolean>>) => Promise<void>;
  /** A note that is not a step (an exception): its record, and `sign`'s signature over that very entry, saved together. */
  readonly recordNote: (c: Session, event: CeremonyEvent, sign?: (withRecord: Transcript, noteSeq: number) => Promise<Transcript>) => Promise<void>;
  readonly status: (c: Session | null) => CeremonyStatus;
  /** Drops every secret (the session's handles and the whole store); returns how many buffers were zeroized. */
  readonly wipe: (c: Session | null) => number;
  readonly storeFor: (dir: string) => TranscriptStore;
}
