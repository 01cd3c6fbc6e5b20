/**
 * The custody check: one custodian's shard, checked against the ceremony's public record (a verified transcript)
 * without any other shard and without rebuilding the key.
 *
 * What is compared, in order (the first difference is the answer):
 *   1. the shard's ceremony id with the transcript's (CUSTODY_OTHER_CEREMONY);
 *   2. the key fingerprint printed in the shard with the split entry's (CUSTODY_MISMATCH, reason "fingerprint");
 *   3. the custodian the shard names (its index in the plan's custodianIds) has a handoff entry (CUSTODY_NOT_RECORDED);
 *   4. the shard itself:
 *      - verifiable shares: its commitments are the split entry's, the signing share verifies against them (RFC 9591
 *        vss_verify: G·share = Σ commitments[j]·id^j), and its identifier is one the handoff gave this custodian;
 *        a verifying share recorded at confirmation must be the share's;
 *      - SLIP-39: its shard fingerprint (core/custody/fingerprint.ts) is one the handoff entry recorded for this
 *        custodian. Transcripts written before handoffs recorded fingerprints cannot check a SLIP-39 shard alone:
 *        CUSTODY_NOT_RECORDED (a quorum drill still can);
 *      - when the handoff recorded fingerprints, a verifiable share's must be among them too.
 * A mismatch says which part differed and never echoes the shard.
 *
 * How sure the answer is follows the recovery trust rule (core/recovery-trust.ts): "verified" only when the transcript
 * is vouched for by something held apart from the shard (its final hash typed from the paper record, or a sign-off of
 * the split by a witness key the team pinned) and the ceremony was sealed; otherwise "unverified": the shard matches
 * a file that nothing vouches for.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { type Envelope, describeEnvelope } from '../envelope';
import { EnvelopeScheme, decodeVssPayload, vssCiphersuite } from '../envelope-payload';
import { decodeShare } from '../slip39/share';
import { KeyshardError, isKeyshardError } from '../errors';
import { type ExpectedSourceName, type TranscriptTrustOptions, expectedFromTranscript } from '../recovery-trust';
import type { ExtensionRecord } from '../extend/records';
import type { TranscriptEntry, VerifyOk } from '../transcript';
import { getSuite } from '../vss/ciphersuites';
import { verifyShare } from '../vss/verify';
import { shardFingerprint, slip39ShareFingerprint } from './fingerprint';

export type CustodyResult = 'verified' | 'unverified';

export interface CustodyCheck {
  readonly ceremonyId: string;
  /** 0-based, as the shard records it (the custodian's place in the plan). */
  readonly custodianIndex: number;
  readonly custodianId: string;
  /** The label printed in the shard. */
  readonly label: string;
  readonly scheme: string;
  readonly shardFingerprint: string;
  /** The transcript's last hash (what the paper record carries). */
  readonly transcriptFinalHash: string;
  /** What the shard was compared with. */
  readonly checkedAgainst: 'shard-fingerprint' | 'commitments';
  readonly result: CustodyResult;
  readonly source: ExpectedSourceName;
  /**
   * Only for a member a share extension gave out (core/extend/records.ts): that extension, and the member's 0-based
   * group and member numbers. custodianIndex is then -1: the key ceremony's plan does not name them.
   */
  readonly extension?: { readonly ceremonyId: string; readonly finalHash: string; readonly group: number; readonly member: number };
}

type Data = Readonly<Record<string, unknown>>;

function dataOf(e: TranscriptEntry | undefined): Data {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Data) : {};
}

function own(d: Data, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

function mismatch(reason: string, message: string, extra: Record<string, unknown> = {}): KeyshardError {
  return new KeyshardError('CUSTODY_MISMATCH', `${message} Keep the shard apart and tell the ceremony administrator; do not use it in a recovery until it is explained.`, { reason, ...extra });
}

/** The custodian id the shard's index names in the plan entry (custodianIds, in plan order). */
function custodianIdAt(result: VerifyOk, index: number): string {
  const ids = own(dataOf(result.entries[0]), 'custodianIds');
  const id = Array.isArray(ids) ? ids[index] : undefined;
  if (typeof id !== 'string') {
    throw mismatch('custodian', `The shard names custodian #${index + 1}, whom this ceremony's plan does not have.`, { custodianIndex: index });
  }
  return id;
}

function lastOf(result: VerifyOk, kind: string, custodianId: string): TranscriptEntry | undefined {
  return [...result.entries].reverse().find((e) => e.kind === kind && own(dataOf(e), 'custodianId') === custodianId);
}

function hexStrings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x)) ? (v as string[]) : undefined;
}

/** Checks a verifiable share against the split's commitments and the identifiers the handoff gave its custodian. */
function checkVss(envelope: Envelope, split: TranscriptEntry, handoff: TranscriptEntry, confirm: TranscriptEntry | undefined): void {
  const ciphersuite = vssCiphersuite(envelope.scheme);
  if (ciphersuite === undefined) throw new KeyshardError('ENVELOPE_VERSION', 'This shard holds a kind of share this keyshard cannot check.');
  const recorded = own(dataOf(split), 'commitments');
  if (!Array.isArray(recorded) || !recorded.every((c) => typeof c === 'string')) {
    throw new KeyshardError('CUSTODY_NOT_RECORDED', "This transcript's split records no commitments to check a verifiable share against. Use the transcript of the ceremony that made this shard.");
  }
  // Views into the envelope's payload: its owner wipes it (wiping here would destroy the caller's shard).
  const p = decodeVssPayload(envelope.scheme, envelope.payload);
  const carried = p.commitments.map((c) => bytesToHex(c));
  if (p.threshold !== recorded.length || carried.length !== recorded.length || carried.some((c, i) => c !== recorded[i])) {
    throw mismatch('commitments', 'The commitments in this shard are not the ones the transcript recorded at the split: it is from another deal (or a refresh the transcript does not record).');
  }
  let verifyingShare: string;
  try {
    verifyingShare = bytesToHex(verifyShare(ciphersuite, p.threshold, recorded.map((c) => hexToBytes(c as string)), { identifier: p.identifier, signingShare: p.signingShare }));
  } catch (e) {
    if (isKeyshardError(e) && e.code === 'VSS_SHARE_INVALID') {
      throw mismatch('commitments', "The signing share in this shard does not verify against the ceremony's commitments: it is damaged or was changed.");
    }
    throw e;
  }
  const suite = getSuite(ciphersuite);
  const shares = own(dataOf(handoff), 'shares');
  const given = Array.isArray(shares) ? shares.map((s) => (typeof s === 'object' && s !== null ? (s as Data)['signer'] : undefined)) : [];
  const idHex = bytesToHex(p.identifier);
  if (!given.some((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && suite.frost.Identifier.fromNumber(n) === idHex)) {
    throw mismatch('custodian', "This share is a valid share of the ceremony, but not one the transcript records as handed to the custodian the shard names: it is another custodian's share in this custodian's wrapping.");
  }
  const confirmed = confirm === undefined ? undefined : own(dataOf(confirm), 'verifyingShare');
  if (typeof confirmed === 'string' && confirmed !== verifyingShare) {
    throw mismatch('verifying-share', 'The verifying share recorded when this custodian confirmed their shard is not this share\'s.');
  }
}

/**
 * Checks `envelope` (one custodian's shard, opened) against a VERIFIED transcript. Returns what a receipt records;
 * throws CUSTODY_OTHER_CEREMONY, CUSTODY_MISMATCH (details.reason: fingerprint, custodian, shard, commitments,
 * verifying-share), CUSTODY_NOT_RECORDED, or FINAL_HASH_MISMATCH / INVALID_HEX for what the team typed.
 */
export function checkCustody(result: VerifyOk, envelope: Envelope, trust: TranscriptTrustOptions = {}): CustodyCheck {
  if (result.ok !== true) throw new KeyshardError('INVALID_ARGUMENT', 'Verify the transcript before checking a shard against it.');
  const facts = describeEnvelope(envelope);
  if (facts.ceremonyId !== result.ceremonyId) {
    throw new KeyshardError(
      'CUSTODY_OTHER_CEREMONY',
      `This shard is from ceremony ${facts.ceremonyId}, the transcript records ceremony ${result.ceremonyId}. Check the shard against the transcript of its own ceremony.`,
      { shardCeremonyId: facts.ceremonyId, transcriptCeremonyId: result.ceremonyId },
    );
  }
  // The split's fingerprint and how far the transcript is vouched for (throws FINAL_HASH_MISMATCH for a wrong paper hash).
  const expected = expectedFromTranscript(result, trust);
  if (facts.groupFingerprint !== expected.fingerprint) {
    throw mismatch('fingerprint', "The key fingerprint printed in this shard is not the one the transcript's split recorded.");
  }
  const custodianId = custodianIdAt(result, envelope.custodianIndex);
  const handoff = lastOf(result, 'handoff', custodianId);
  if (handoff === undefined) {
    throw new KeyshardError('CUSTODY_NOT_RECORDED', `The transcript records no handoff to ${custodianId}, so it says nothing about the shard they hold. Use the transcript of the ceremony that handed it over.`, { custodianId });
  }
  const split = [...result.entries].reverse().find((e) => e.kind === 'split')!;
  const fingerprint = shardFingerprint(envelope);
  const recordedFingerprints = hexStrings(own(dataOf(handoff), 'shardFingerprints'));
  let checkedAgainst: CustodyCheck['checkedAgainst'];
  if (envelope.scheme === EnvelopeScheme.slip39) {
    if (recordedFingerprints === undefined) {
      throw new KeyshardError(
        'CUSTODY_NOT_RECORDED',
        `This transcript was written before keyshard recorded each shard's fingerprint at handoff, so a SLIP-39 shard cannot be checked alone against it. A quorum drill (keyshard custody drill) checks the shards together.`,
        { custodianId },
      );
    }
    checkedAgainst = 'shard-fingerprint';
  } else {
    checkVss(envelope, split, handoff, lastOf(result, 'confirm', custodianId));
    checkedAgainst = 'commitments';
  }
  if (recordedFingerprints !== undefined && !recordedFingerprints.includes(fingerprint)) {
    throw mismatch('shard', `This shard is not the one the transcript recorded as handed to ${custodianId}: it was changed, or it is another shard in this custodian's wrapping.`, { custodianId });
  }
  return {
    ceremonyId: result.ceremonyId,
    custodianIndex: envelope.custodianIndex,
    custodianId,
    label: facts.custodianLabel,
    scheme: facts.scheme,
    shardFingerprint: fingerprint,
    transcriptFinalHash: result.headHash,
    checkedAgainst,
    result: expected.verified ? 'verified' : 'unverified',
    source: expected.source,
  };
}

/**
 * The same check for a SLIP-39 share typed (or scanned) as its words, without the envelope around it: the words are
 * checked (RS1024), their shard fingerprint is looked up among those the handoffs recorded, and the custodian is the one
 * whose handoff lists it. Throws the word errors (SLIP39_WORD, SLIP39_CHECKSUM, ...; by position, never the words),
 * CUSTODY_MISMATCH (reason "shard": no handoff recorded it; "identifier": another backup), CUSTODY_NOT_RECORDED.
 *
 * `extensions` are the key ceremony's share extensions (citeExtension, core/extend/records.ts): a share no handoff
 * of the key ceremony lists is looked up among their seals. Such a member is "verified" only when the key ceremony's
 * transcript and the extension's are both vouched for (the extension's final hash typed from its paper record).
 */
export function checkCustodyOfWords(result: VerifyOk, mnemonic: string, trust: TranscriptTrustOptions = {}, extensions: readonly ExtensionRecord[] = []): CustodyCheck {
  if (result.ok !== true) throw new KeyshardError('INVALID_ARGUMENT', 'Verify the transcript before checking a shard against it.');
  const share = decodeShare(mnemonic);
  const identifier = share.identifier;
  share.value.fill(0);
  const expected = expectedFromTranscript(result, trust);
  const split = [...result.entries].reverse().find((e) => e.kind === 'split')!;
  if (own(dataOf(split), 'scheme') !== 'slip39') {
    throw mismatch('scheme', 'This ceremony dealt verifiable shares, not SLIP-39 words: check the shard file instead.');
  }
  const recordedId = own(dataOf(split), 'identifier');
  if (typeof recordedId === 'number' && recordedId !== identifier) {
    throw mismatch('identifier', "These words belong to another SLIP-39 backup (their identifier is not the one the transcript's split recorded).");
  }
  const handoffs = result.entries.filter((e) => e.kind === 'handoff');
  const fingerprint = slip39ShareFingerprint(mnemonic);
  const extended = extendedMember(extensions, fingerprint, result.ceremonyId, result.headHash);
  if (extended !== undefined) {
    const { record, member } = extended;
    const verified = expected.verified && record.vouched;
    return {
      ceremonyId: result.ceremonyId,
      custodianIndex: -1,
      custodianId: member.custodianId,
      label: member.custodianId,
      scheme: 'slip39',
      shardFingerprint: fingerprint,
      transcriptFinalHash: result.headHash,
      checkedAgainst: 'shard-fingerprint',
      result: verified ? 'verified' : 'unverified',
      // The weaker of the two files' sources: an extension nothing vouches for is "transcript-unsigned".
      source: expected.verified && !record.vouched ? 'transcript-unsigned' : expected.source,
      extension: { ceremonyId: record.ceremonyId, finalHash: record.finalHash, group: member.group, member: member.member },
    };
  }
  if (!handoffs.some((e) => hexStrings(own(dataOf(e), 'shardFingerprints')) !== undefined)) {
    throw new KeyshardError(
      'CUSTODY_NOT_RECORDED',
      'This transcript was written before keyshard recorded each shard\'s fingerprint at handoff, so typed words cannot be checked alone against it. A quorum drill (keyshard custody drill) checks the shards together.',
    );
  }
  const holder = [...handoffs].reverse().find((e) => hexStrings(own(dataOf(e), 'shardFingerprints'))?.includes(fingerprint) === true);
  const custodianId = holder === undefined ? undefined : own(dataOf(holder), 'custodianId');
  if (typeof custodianId !== 'string') {
    throw mismatch(
      'shard',
      `These words are not a shard the transcript records as handed to any custodian${extensions.length === 0 ? '' : ` (nor one of the ${extensions.length} extension${extensions.length === 1 ? '' : 's'} given)`}: a word was changed or copied wrong, they are another backup's, or a share extension not given here gave them out: then add that extension's sealed transcript (with its final hash) and check again.`,
    );
  }
  const ids = own(dataOf(result.entries[0]), 'custodianIds');
  const custodianIndex = Array.isArray(ids) ? ids.indexOf(custodianId) : -1;
  return {
    ceremonyId: result.ceremonyId,
    custodianIndex,
    custodianId,
    label: custodianId,
    scheme: 'slip39',
    shardFingerprint: fingerprint,
    transcriptFinalHash: result.headHash,
    checkedAgainst: 'shard-fingerprint',
    result: expected.verified ? 'verified' : 'unverified',
    source: expected.source,
  };
}

/** The extension member whose seal lists this fingerprint; the extensions must cite this key ceremony. */
function extendedMember(extensions: readonly ExtensionRecord[], fingerprint: string, ceremonyId: string, headHash: string): { record: ExtensionRecord; member: ExtensionRecord['members'][number] } | undefined {
  for (const record of extensions) {
    // citeExtension refuses another ceremony's extension; this keeps a record read against another transcript out.
    if (record.keyCeremony.ceremonyId !== ceremonyId || record.readAgainst !== headHash) {
      throw new KeyshardError('CUSTODY_OTHER_CEREMONY', `The extension ${record.ceremonyId.slice(0, 64)} extends ceremony ${record.keyCeremony.ceremonyId.slice(0, 64)}, not ${ceremonyId.slice(0, 64)}. Give only extensions of this key ceremony.`, { extensionCeremonyId: record.ceremonyId, citedCeremonyId: record.keyCeremony.ceremonyId });
    }
    const member = record.members.find((m) => m.shardFingerprint === fingerprint);
    if (member !== undefined) return { record, member };
  }
  return undefined;
}
