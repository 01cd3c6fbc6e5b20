/**
 * What a ceremony transcript tells a recovery: the ceremony id, label and scheme (plan entry), the secret's kind and
 * fingerprint (generate / import entry), and the split's facts (SLIP-39 identifier, or the VSS commitments that vouch
 * for every share). The transcript is verified first (chain, signatures, layout); a transcript that does not verify
 * is refused with its own code, naming the first bad entry. Whether its fingerprint is a verified source (a typed final
 * hash, a pinned witness key's sign-off) is core/recovery-trust's rule.
 */
import { isBagSerial } from '../../../core/bag-serial';
import { KeyshardError } from '../../../core/errors';
import { expectedFromTranscript, type ExpectedFingerprint, type TranscriptTrustOptions } from '../../../core/recovery-trust';
import { verifyTranscriptText, type TranscriptEntry, type VerifyOk } from '../../../core/transcript';
import type { SchemeName, SecretKindName } from './types';

export interface TranscriptFacts {
  readonly ceremonyId: string;
  readonly label: string | null;
  readonly scheme: SchemeName;
  readonly secretKind: SecretKindName;
  readonly fingerprint: string;
  /** The fingerprint with where its trust comes from (final-hash, witness-keys, transcript-unsigned or -unfinished). */
  readonly expected: ExpectedFingerprint;
  /** slip39: the 15-bit identifier of every share, when recorded. */
  readonly identifier?: number;
  /** vss: hex commitments (commitments[0] is the group key). */
  readonly commitments?: readonly string[];
  /** vss: how many shares were dealt. */
  readonly shareCount?: number;
  readonly sealed: boolean;
  /** The plan's custodian ids, in custodian-index order (names shard files on drives). */
  readonly custodianIds: readonly string[];
  /** The tamper-evident bags recorded at the handoffs: whose, the serial, and the shares in it. */
  readonly bags: readonly RecordedBag[];
}

export interface RecordedBag {
  readonly custodianId: string;
  /** Normalised (core/bag-serial.ts). */
  readonly serial: string;
  /** The shares in the bag as the handoff recorded them: SLIP-39 group and member (0-based), or a VSS signer number. */
  readonly shares: readonly ({ readonly group: number; readonly member: number } | { readonly signer: number })[];
}

/** The bags the handoff entries recorded (transcripts written before bags were recorded have none). */
function recordedBags(entries: readonly TranscriptEntry[]): RecordedBag[] {
  const out: RecordedBag[] = [];
  for (const e of entries) {
    if (e.kind !== 'handoff') continue;
    const d = obj(e);
    const serial = d['bagSerial'];
    const id = d['custodianId'];
    if (!isBagSerial(serial) || typeof id !== 'string' || !Array.isArray(d['shares'])) continue;
    const shares = (d['shares'] as unknown[]).flatMap((x): RecordedBag['shares'][number][] => {
      const o = typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
      if (typeof o['signer'] === 'number') return [{ signer: o['signer'] }];
      if (typeof o['group'] === 'number' && typeof o['member'] === 'number') return [{ group: o['group'], member: o['member'] }];
      return [];
    });
    out.push({ custodianId: id, serial, shares });
  }
  return out;
}

const KINDS: readonly SecretKindName[] = ['seed', 'ed25519', 'secp256k1', 'p256'];

function obj(e: TranscriptEntry | undefined): Record<string, unknown> {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

function unusable(why: string): KeyshardError {
  return new KeyshardError('TRANSCRIPT_FORMAT', `This transcript cannot guide a recovery: ${why}. Use the transcript of the ceremony that made these shards.`);
}

/**
 * A refresh or repair transcript guides a recovery of the shares it leaves in force: the key is unchanged (its
 * fingerprint is the group key's: core/recovery-trust), the commitments are the refresh's new ones or, for a repair, its
 * plan's. A refresh's shares carry its own ceremony id; a repaired share joins the set it repaired, whose id the plan
 * cites as its source. Null for any other transcript.
 */
function lifecycleFacts(v: VerifyOk, trust: TranscriptTrustOptions): TranscriptFacts | null {
  const plan = obj(v.entries[0]);
  const kind = plan['ceremonyKind'];
  if (kind !== 'refresh' && kind !== 'repair') return null;
  const ciphersuite = plan['ciphersuite'];
  if (typeof ciphersuite !== 'string' || ciphersuite === 'seed' || !(KINDS as readonly string[]).includes(ciphersuite)) throw unusable('its plan names no ciphersuite');
  const expected = expectedFromTranscript(v, trust);
  const refresh = obj([...v.entries].reverse().find((e) => e.kind === 'refresh'));
  const commitments = kind === 'refresh' ? refresh['commitments'] : plan['commitments'];
  if (!Array.isArray(commitments) || commitments.length < 2 || commitments.some((c) => typeof c !== 'string' || !/^[0-9a-f]+$/.test(c))) throw unusable(`its ${kind} records no commitments`);
  const source = obj({ data: plan['source'] } as TranscriptEntry)['ceremonyId'];
  const setId = kind === 'repair' && typeof source === 'string' ? source : v.ceremonyId;
  const custodians = plan['custodians'];
  return {
    ceremonyId: setId,
    label: typeof plan['label'] === 'string' ? plan['label'] : null,
    scheme: 'vss',
    secretKind: ciphersuite as SecretKindName,
    fingerprint: expected.fingerprint,
    expected,
    sealed: expected.sealed === true,
    custodianIds: [],
    bags: [],
    commitments: commitments as string[],
    ...(kind === 'refresh' && Array.isArray(custodians) ? { shareCount: custodians.length } : {}),
  };
}

export function transcriptFacts(text: string, trust: TranscriptTrustOptions = {}): TranscriptFacts {
  const v = verifyTranscriptText(text);
  if (!v.ok) {
    throw new KeyshardError(v.code, `The transcript does not verify: ${v.reason}`, { firstBadSeq: v.firstBadSeq });
  }
  const lifecycle = lifecycleFacts(v, trust);
  if (lifecycle !== null) return lifecycle;
  const last = <K extends string>(kinds: readonly K[]): TranscriptEntry | undefined => [...v.entries].reverse().find((e) => (kinds as readonly string[]).includes(e.kind));
  const plan = obj(v.entries.find((e) => e.kind === 'plan'));
  const secret = obj(last(['generate', 'import']));
  const splitEntry = last(['split']);
  const split = obj(splitEntry);
  if (splitEntry === undefined) throw unusable('it records no split, so no shards were made in this ceremony');
  const scheme = split['scheme'] ?? plan['scheme'];
  if (scheme !== 'slip39' && scheme !== 'vss') throw unusable('it does not say whether the shares are SLIP-39 or verifiable shares');
  // The same reading as the CLI's (last split entry, consistent with generate and seal); FINAL_HASH_MISMATCH here.
  const expected = expectedFromTranscript(v, trust);
  const fingerprint = expected.fingerprint;
  const kind = secret['kind'];
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw unusable('it does not say what kind of secret was split');
  const label = typeof plan['label'] === 'string' ? plan['label'] : null;
  const ids = plan['custodianIds'];
  const custodianIds = Array.isArray(ids) && ids.every((x) => typeof x === 'string') ? (ids as string[]) : [];
  const base = { ceremonyId: v.ceremonyId, label, scheme, secretKind: kind as SecretKindName, fingerprint, expected, sealed: expected.sealed === true, custodianIds, bags: recordedBags(v.entries) } as const;
  if (scheme === 'slip39') {
    const identifier = split['identifier'];
    return typeof identifier === 'number' ? { ...base, identifier } : base;
  }
  const commitments = split['commitments'];
  if (!Array.isArray(commitments) || commitments.length < 2 || commitments.some((c) => typeof c !== 'string' || !/^[0-9a-f]+$/.test(c))) {
    throw unusable('its split entry has no commitments');
  }
  const shareCount = split['shareCount'];
  return { ...base, commitments: commitments as string[], ...(typeof shareCount === 'number' ? { shareCount } : {}) };
}
