/**
 * The transcript `keyshard slip39 extend --transcript-out` writes: the same ceremony kind and steps as the app's
 * (core/extend/steps.ts), run in one go. The sealed key ceremony (--transcript) is verified and cited, and each quorum
 * share is checked against the shard fingerprints its handoffs recorded; the air gap is recorded as found; each
 * checkpoint is signed by the witness --witness-key names, else the plan names no witness. The CLI prints the new
 * shares itself: its handoffs say so ("printed"), and no custodian types one back here.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { type KindRun, signKindCheckpoint } from '../../core/ceremony-kinds/run';
import { KeyshardError } from '../../core/errors';
import { recordAirGap, recordDestroy, recordExtendHandoff, recordExtendMake, recordExtendQuorumShare, recordExtendSeal, startExtend } from '../../core/extend/steps';
import type { ExtensionRecord } from '../../core/extend/records';
import { citeSlip39Source, withEarlierExtensions } from '../../core/extend/transcript';
import { parseFinalHashInput } from '../../core/recovery-trust';
import type { Transcript, VerifyOk, WitnessSigner } from '../../core/transcript';
import type { AirGapReport } from '../services/airgap/index';
import { verifyAgainstPaper } from '../../core/transcript-status';
import { verifyTranscriptBytes } from './commands/transcript';
import { readInputFile } from './files';

/** The key ceremony's transcript, verified (its final hash checked when given). */
export async function verifiedKeyCeremony(path: string, finalHash: string | undefined): Promise<VerifyOk> {
  const expected = finalHash === undefined ? undefined : parseFinalHashInput(finalHash);
  const bytes = await readInputFile(path);
  // The paper's hash still holds for a transcript given sign-offs or custody receipts after its seal since.
  const v = verifyAgainstPaper((o) => verifyTranscriptBytes(bytes, o), expected).result;
  if (!v.ok) throw new KeyshardError(v.code, `${path}: ${v.reason}`, { firstBadSeq: v.firstBadSeq });
  return v;
}

export interface ExtendRunOptions {
  readonly ceremonyId: string;
  readonly label: string;
  readonly clock: () => Date;
  readonly source: VerifyOk;
  /** 0-based. */
  readonly group: number;
  readonly newMembers: readonly number[];
  readonly airgap: AirGapReport;
  readonly witness?: WitnessSigner;
  /** Earlier extensions of the same key ceremony (core/extend/records.ts): their members are taken, and may be in the quorum. */
  readonly extensions?: readonly ExtensionRecord[];
}

async function signed(run: KindRun, witness: WitnessSigner | undefined): Promise<KindRun> {
  return run.pending === null || witness === undefined ? run : signKindCheckpoint(run, witness);
}

/** The whole extension with its transcript; the mnemonics returned are secret (the caller prints and drops them). */
export async function extendWithTranscript(o: ExtendRunOptions, quorum: readonly string[]): Promise<{ shares: { custodianId: string; member: number; mnemonic: string }[]; transcript: Transcript }> {
  const w = o.witness;
  let run = startExtend({
    ceremonyId: o.ceremonyId,
    clock: o.clock,
    label: o.label,
    source: withEarlierExtensions(citeSlip39Source(o.source), o.extensions ?? []),
    group: o.group,
    custodians: o.newMembers.map((m) => ({ id: `member-${m + 1}`, name: `Member ${m + 1}`, member: m })),
    witnessIds: w === undefined ? [] : [w.witnessId],
    ...(w === undefined ? {} : { witnessKeys: [{ id: w.witnessId, algorithm: w.algorithm, publicKey: bytesToHex(w.publicKey) }] }),
  });
  const interfacesUp = o.airgap.interfaces.filter((i) => i.up && i.kind !== 'loopback').map((i) => i.name);
  run = await signed(recordAirGap(run, { passed: o.airgap.ok, interfacesUp }), w);
  for (const m of quorum) run = recordExtendQuorumShare(run, o.source, m, o.extensions ?? []).run;
  const made = recordExtendMake(run, quorum);
  run = await signed(made.run, w);
  for (const s of made.shares) run = recordExtendHandoff(run, s.custodianId, 'printed', s.mnemonic);
  run = await signed(recordDestroy(run, ['quorum shares', 'new shares']), w);
  run = await signed(recordExtendSeal(run), w);
  return { shares: made.shares, transcript: run.transcript };
}
