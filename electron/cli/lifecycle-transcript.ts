/**
 * The transcript `vss refresh` and `vss repair` write with --transcript-out: the same ceremony kinds and steps as the
 * app's (core/lifecycle/steps.ts), run in one go. The sealed transcript the shares' commitments come from (--transcript)
 * is verified and cited; the machine's air gap is checked and recorded as found; each checkpoint is signed by the
 * witness whose key file --witness-key names (optional, as elsewhere in the CLI), else the plan names no witness.
 * The CLI prints the new shares itself: its handoff records say so ("printed"), and no custodian confirms here.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { type KindRun, signKindCheckpoint } from '../../core/ceremony-kinds/run';
import { KeyshardError } from '../../core/errors';
import { recordAirGap, recordDestroy, recordHandoff, recordQuorumShare, recordRefresh, recordRepair, recordSeal, startLifecycle } from '../../core/lifecycle/steps';
import { checkSourceCommitments, citeSource, type SourceRef } from '../../core/lifecycle/transcript';
import { parseFinalHashInput } from '../../core/recovery-trust';
import type { Transcript, WitnessSigner } from '../../core/transcript';
import type { Ciphersuite, VssDeal, VssShare } from '../../core/vss/index';
import type { AirGapReport } from '../services/airgap/index';
import { readInputFile } from './files';
import { verifyAgainstPaper } from '../../core/transcript-status';
import { verifyTranscriptBytes } from './commands/transcript';

/** The source transcript, verified (and its final hash checked when given) and cited; its commitments must be the input's. */
export async function citedSource(path: string, finalHash: string | undefined, commitments: readonly Uint8Array[]): Promise<SourceRef> {
  const expected = finalHash === undefined ? undefined : parseFinalHashInput(finalHash);
  const bytes = await readInputFile(path);
  // The paper's hash still holds for a transcript given sign-offs or custody receipts after its seal since.
  const v = verifyAgainstPaper((o) => verifyTranscriptBytes(bytes, o), expected).result;
  if (!v.ok) throw new KeyshardError(v.code, `${path}: ${v.reason}`, { firstBadSeq: v.firstBadSeq });
  const source = citeSource(v);
  checkSourceCommitments(source, commitments);
  return source;
}

/** A display number for a share: its identifier as a small number when it is one (1..255), else its first digits. */
export function identifierName(ciphersuite: Ciphersuite, identifier: string): string {
  const bytes = identifier.match(/../g) ?? [];
  const ordered = ciphersuite === 'ed25519' ? [...bytes].reverse() : bytes;
  const value = BigInt(`0x${ordered.join('') || '0'}`);
  return value >= 1n && value <= 255n ? String(value) : identifier.slice(0, 8);
}

export interface LifecycleRunOptions {
  readonly ceremonyId: string;
  readonly label: string;
  readonly clock: () => Date;
  readonly source: SourceRef;
  readonly ciphersuite: Ciphersuite;
  /** The air gap as found (an AirGapReport, or the ceremony service's check result: the interfaces are what is recorded). */
  readonly airgap: Pick<AirGapReport, 'ok'> & { readonly interfaces: readonly { readonly name: string; readonly up: boolean; readonly kind?: string }[] };
  readonly witness?: WitnessSigner;
  readonly random: (n: number) => Uint8Array;
}

async function signed(run: KindRun, witness: WitnessSigner | undefined): Promise<KindRun> {
  return run.pending === null || witness === undefined ? run : signKindCheckpoint(run, witness);
}

function start(o: LifecycleRunOptions, custodians: { id: string; name: string; identifier: string }[], what: { refresh?: { method: 'refresh' | 'reshare'; newThreshold: number }; repair?: { identifier: string; custodianId: string } }): KindRun {
  return startLifecycle({
    ceremonyId: o.ceremonyId,
    clock: o.clock,
    label: o.label,
    source: o.source,
    ciphersuite: o.ciphersuite,
    custodians,
    ...what,
    witnessIds: o.witness === undefined ? [] : [o.witness.witnessId],
    ...(o.witness === undefined ? {} : { witnessKeys: [{ id: o.witness.witnessId, algorithm: o.witness.algorithm, publicKey: bytesToHex(o.witness.publicKey) }] }),
  });
}

async function opening(run: KindRun, o: LifecycleRunOptions, quorum: readonly VssShare[]): Promise<KindRun> {
  const interfacesUp = o.airgap.interfaces.filter((i) => i.up && i.kind !== 'loopback').map((i) => i.name);
  let r = await signed(recordAirGap(run, { passed: o.airgap.ok, interfacesUp }), o.witness);
  for (const s of quorum) r = recordQuorumShare(r, s).run;
  return r;
}

async function closing(run: KindRun, o: LifecycleRunOptions, custodianIds: readonly string[], items: readonly string[]): Promise<Transcript> {
  let r = run;
  for (const id of custodianIds) r = recordHandoff(r, { custodianId: id, medium: 'printed' });
  r = await signed(recordDestroy(r, items), o.witness);
  r = await signed(recordSeal(r), o.witness);
  return r.transcript;
}

/** Refresh (same identifiers) or re-share (identifiers 1..newShares) with its transcript; the caller wipes the deal's shares. */
export async function refreshWithTranscript(
  o: LifecycleRunOptions,
  quorum: VssShare[],
  method: 'refresh' | 'reshare',
  newThreshold: number,
  newIdentifiers: readonly string[],
): Promise<{ deal: VssDeal; transcript: Transcript }> {
  const custodians = newIdentifiers.map((identifier) => {
    const n = identifierName(o.ciphersuite, identifier);
    return { id: `custodian-${n}`, name: `Custodian ${n}`, identifier };
  });
  let run = await opening(start(o, custodians, { refresh: { method, newThreshold } }), o, quorum);
  const made = recordRefresh(run, quorum, o.random);
  try {
    run = await signed(made.run, o.witness);
    const transcript = await closing(run, o, custodians.map((c) => c.id), ['quorum shares', 'new shares']);
    return { deal: made.deal, transcript };
  } catch (e) {
    for (const s of made.deal.shares) s.signingShare.fill(0);
    throw e;
  }
}

/** Repair of the lost identifier from the helpers, with its transcript; the caller wipes the repaired share. */
export async function repairWithTranscript(o: LifecycleRunOptions, helpers: VssShare[], lostIdentifier: Uint8Array): Promise<{ share: VssShare; transcript: Transcript }> {
  const identifier = bytesToHex(lostIdentifier);
  const n = identifierName(o.ciphersuite, identifier);
  const custodian = { id: `custodian-${n}`, name: `Custodian ${n}`, identifier };
  let run = await opening(start(o, [custodian], { repair: { identifier, custodianId: custodian.id } }), o, helpers);
  const made = recordRepair(run, helpers, o.random);
  try {
    run = await signed(made.run, o.witness);
    const transcript = await closing(run, o, [custodian.id], ['helper shares', 'repaired share']);
    return { share: made.share, transcript };
  } catch (e) {
    made.share.signingShare.fill(0);
    throw e;
  }
}
