/**
 * Extensions as part of a SLIP-39 backup's public record: a custody check, a quorum drill and a later extension take,
 * beside the key ceremony's transcript, the verified transcripts of the extensions that gave out more members of it.
 *
 * An extension is taken only when it cites this very key ceremony, as it recorded it (the plan's source: the key
 * ceremony's id and its final hash), passes its own content check (core/extend/transcript.ts) and is sealed. Its
 * new members are then read from its seal: group, member number, custodian and shard fingerprint.
 *
 * How far it is trusted follows the key ceremony's rule: a sealed transcript's final hash, typed from the extension's
 * paper record, vouches for the file; without it an extended member is at most "unverified" (anyone can write a
 * transcript that cites a public final hash).
 */
import { KeyshardError } from '../errors';
import { parseFinalHashInput } from '../recovery-trust';
import type { VerifyOk } from '../transcript';
import { transcriptEnd } from '../transcript-status';
import { checkExtendTranscript } from './transcript';

export interface ExtendedMember {
  readonly group: number;
  readonly member: number;
  readonly custodianId: string;
  readonly shardFingerprint: string;
}

/** One verified extension of the key ceremony, as a custody check or a later extension reads it. */
export interface ExtensionRecord {
  readonly ceremonyId: string;
  /** The key ceremony it extends, as its plan cites it. */
  readonly keyCeremony: { readonly ceremonyId: string; readonly finalHash: string };
  /** The extension transcript's own last hash. */
  readonly finalHash: string;
  /** The last hash of the key ceremony's transcript it was read against (that transcript may have grown since it was cited). */
  readonly readAgainst: string;
  readonly identifier: number;
  readonly group: number;
  /** The group's member threshold, as the extension's make step recorded it. */
  readonly memberThreshold: number | null;
  readonly members: readonly ExtendedMember[];
  /** True when the extension's final hash was typed and matched (its file is the one its paper record describes). */
  readonly vouched: boolean;
}

function splitIdentifier(keyCeremony: VerifyOk): unknown {
  const split = [...keyCeremony.entries].reverse().find((e) => e.kind === 'split');
  const d = split?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>)['identifier'] : undefined;
}

/**
 * True when `cited` (an extension's record of its key ceremony) is `keyCeremony` as it was then or appended to since
 * (a late witness sign-off, a custody receipt): the same id, and the cited final hash is the hash of one of its entries
 * at or after its seal, so the cited transcript is a prefix of this one's chain. A hash before the seal is refused: an
 * extension is only made of a sealed ceremony.
 */
export function citesKeyCeremony(keyCeremony: Pick<VerifyOk, 'ceremonyId' | 'entries' | 'headHash'>, cited: { readonly ceremonyId: string; readonly finalHash: string }): boolean {
  if (cited.ceremonyId !== keyCeremony.ceremonyId) return false;
  if (cited.finalHash === keyCeremony.headHash) return true;
  const seal = keyCeremony.entries.find((e) => e.kind === 'seal');
  return seal !== undefined && keyCeremony.entries.some((e) => e.seq >= seal.seq && e.hash === cited.finalHash);
}

/**
 * A VERIFIED extension transcript of the VERIFIED key ceremony `keyCeremony`. Throws CUSTODY_OTHER_CEREMONY (naming
 * the ceremony it extends) when it cites another key ceremony or a state of its transcript that is not a sealed prefix of
 * the one given (citesKeyCeremony), TRANSCRIPT_FORMAT
 * when it is not a share extension or its content does not hold, TRANSCRIPT_UNSEALED when it did not reach its seal,
 * FINAL_HASH_MISMATCH / INVALID_HEX for a final hash typed wrong.
 */
export function citeExtension(keyCeremony: VerifyOk, extension: VerifyOk, options: { readonly finalHash?: string } = {}): ExtensionRecord {
  if (keyCeremony.ok !== true || extension.ok !== true) throw new KeyshardError('INVALID_ARGUMENT', 'Verify both transcripts before reading an extension.');
  const typed = options.finalHash === undefined ? undefined : parseFinalHashInput(options.finalHash);
  // Typed as its 20 words to read aloud, the hash is its first 32 digits: a prefix of the head, as for the key ceremony.
  if (typed !== undefined && !extension.headHash.startsWith(typed)) {
    throw new KeyshardError(
      'FINAL_HASH_MISMATCH',
      `The extension transcript ${extension.ceremonyId.slice(0, 64)} does not end at the final hash typed for it: check the hash against that extension's paper record, and the file.`,
      { extensionCeremonyId: extension.ceremonyId, headHash: extension.headHash },
    );
  }
  const check = checkExtendTranscript(extension);
  if (!check.ok) throw new KeyshardError('TRANSCRIPT_FORMAT', `The file given as an extension transcript is not a share extension keyshard can read: ${check.reason}`, { firstBadSeq: check.firstBadSeq });
  if (!citesKeyCeremony(keyCeremony, check.source)) {
    const same = check.source.ceremonyId === keyCeremony.ceremonyId;
    throw new KeyshardError(
      'CUSTODY_OTHER_CEREMONY',
      same
        ? `The extension ${extension.ceremonyId.slice(0, 64)} cites ceremony ${check.source.ceremonyId.slice(0, 64)} at final hash ${check.source.finalHash}, which is no entry at or after the seal of the key ceremony's transcript given (it ends at ${keyCeremony.headHash}). Give the key ceremony's transcript as the extension read it, or one appended to since.`
        : `The extension ${extension.ceremonyId.slice(0, 64)} extends ceremony ${check.source.ceremonyId.slice(0, 64)}, not ${keyCeremony.ceremonyId.slice(0, 64)}. Give only extensions of this key ceremony.`,
      { extensionCeremonyId: extension.ceremonyId, citedCeremonyId: check.source.ceremonyId, citedFinalHash: check.source.finalHash, transcriptCeremonyId: keyCeremony.ceremonyId },
    );
  }
  const identifier = splitIdentifier(keyCeremony);
  if (identifier !== check.identifier) {
    throw new KeyshardError('TRANSCRIPT_FORMAT', `The extension ${extension.ceremonyId.slice(0, 64)} records another SLIP-39 backup than the key ceremony's split. Do not rely on it.`, { extensionCeremonyId: extension.ceremonyId });
  }
  const end = transcriptEnd(extension);
  if (end.status !== 'sealed') {
    throw new KeyshardError('TRANSCRIPT_UNSEALED', `The extension ${extension.ceremonyId.slice(0, 64)} is not sealed (${end.why ?? 'it did not finish'}): its shares are not a finished extension's. Give its sealed transcript.`, { extensionCeremonyId: extension.ceremonyId });
  }
  return {
    ceremonyId: extension.ceremonyId,
    keyCeremony: check.source,
    finalHash: extension.headHash,
    readAgainst: keyCeremony.headHash,
    identifier: check.identifier,
    group: check.group,
    memberThreshold: check.memberThreshold,
    members: check.shares.map((s) => ({ group: check.group, member: s.member, custodianId: s.custodianId, shardFingerprint: s.shardFingerprint })),
    vouched: typed !== undefined,
  };
}

/** Refuses the same extension given twice (one file read twice would count its members twice). */
export function distinctExtensions(records: readonly ExtensionRecord[]): readonly ExtensionRecord[] {
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.ceremonyId)) throw new KeyshardError('INVALID_ARGUMENT', `The extension ${r.ceremonyId.slice(0, 64)} is given twice. Give each extension transcript once.`, { extensionCeremonyId: r.ceremonyId });
    seen.add(r.ceremonyId);
  }
  return records;
}
