/**
 * The quorum drill in the app (the `quorum-drill` ceremony kind, issue 17.1): the key ceremony's transcript is verified,
 * the quorum's shards come in one by one (typed KS1 text or scanned), each is checked against the record as it comes
 * so a wrong shard is named before anything is combined; then main rebuilds the key in memory, keeps only its public
 * fingerprint, wipes the key and every shard, and compares the fingerprint with the one the key ceremony recorded. A
 * match is recorded as the drill's own sealed transcript (core/drill/transcript.ts), signed off by the witness. No
 * answer carries a share or the key: only custodian ids, shard fingerprints and key fingerprints.
 */
import { checkCustody, checkCustodyOfWords, shardFingerprint } from '../../../core/custody/index';
import { encodeSlip39Payload } from '../../../core/envelope-payload';
import type { ExtensionRecord } from '../../../core/extend/records';
import { drillTranscript, type DrillResult } from '../../../core/drill/transcript';
import { EnvelopeScheme, decodeSlip39Payload, decodeVssPayload, describeEnvelope, vssCiphersuite, wipeEnvelope, type Envelope } from '../../../core/envelope';
import { KeyshardError, isKeyshardError } from '../../../core/errors';
import { fingerprintOf, seedIdentity } from '../../../core/fingerprint';
import { expectedFromTranscript, transcriptFingerprint } from '../../../core/recovery-trust';
import { Slip39Recovery, decryptMasterSecretAsync } from '../../../core/slip39/index';
import { serializeTranscript, verifyTranscriptText, type VerifyOk, type WitnessSigner } from '../../../core/transcript';
import { combineShares, groupFingerprint } from '../../../core/vss/index';
import { KEYSHARD_ITERATION_EXPONENT, createKeyStretcher, type KeyStretcher } from '../kdf/index';
import { envelopeOfInput, type ShardInput } from '../signing/signer';
import { type DeviceShardInput, type DeviceShardReader, deviceShardReader } from '../recovery/sources';
import { type ExtensionInput, isTypedWords, readExtensionInputs } from './index';

/** A shard taken in: who it is (from the record), its public fingerprint; the envelope stays in main until wiped. */
export interface DrillShardView {
  readonly custodianId: string;
  readonly label: string;
  readonly shardFingerprint: string;
}

export interface DrillStatus {
  readonly ceremonyId: string;
  readonly keyCeremonyFinalHash: string;
  readonly scheme: string;
  /** The fingerprint the key ceremony recorded (public), shown before anything is rebuilt. */
  readonly expectedFingerprint: string;
  readonly result: 'verified' | 'unverified';
  readonly shards: readonly DrillShardView[];
}

export interface DrillOutcome extends DrillResult {
  readonly custodians: readonly string[];
  readonly signedBy: string | null;
  readonly transcriptText: string;
  readonly finalHash: string;
  readonly drillId: string;
}

export interface DrillSession {
  /** `extensions`: share extensions of the key ceremony, so members they added (holding words) can give shares. */
  start(r: { readonly transcriptText: string; readonly finalHash?: string; readonly extensions?: readonly ExtensionInput[] }): DrillStatus;
  addShard(input: ShardInput): DrillStatus;
  /** A shard main reads off the custodian's USB stick or token (a token is asked for this ceremony's), then as addShard. */
  readShard(input: DeviceShardInput): Promise<DrillStatus>;
  /** Rebuilds, compares and wipes; below the quorum the shards are kept (BELOW_THRESHOLD) so more can be added. */
  run(r: { readonly passphrase?: string; readonly witness?: WitnessSigner }): Promise<DrillOutcome>;
  clear(): null;
  status(): DrillStatus | null;
}

/**
 * A shard held until the rebuild: a KS1 envelope, or a SLIP-39 share typed as words (an extended member's), kept as
 * its payload bytes (the lowercase words, as an envelope carries them) so it is wiped like one.
 */
type Held = { readonly view: DrillShardView; readonly custodianIndex: number; readonly envelope: Envelope } | { readonly view: DrillShardView; readonly custodianIndex: null; readonly words: Uint8Array };

function wipeHeld(h: Held): void {
  if ('envelope' in h) wipeEnvelope(h.envelope);
  else h.words.fill(0);
}

function slip39Payload(h: Held): Uint8Array {
  return 'envelope' in h ? h.envelope.payload : h.words;
}

export function createDrillSession(deps: { readonly clock: () => Date; readonly kdf?: KeyStretcher; readonly readDevice?: DeviceShardReader }): DrillSession {
  const readDevice = deps.readDevice ?? deviceShardReader({});
  // SLIP-39 key stretching runs on libuv's pool (electron/services/kdf), never on main's thread.
  const kdf = deps.kdf ?? createKeyStretcher();
  let s: { verified: VerifyOk; finalHash: string | undefined; extensions: readonly ExtensionRecord[]; status: Omit<DrillStatus, 'shards'>; held: Held[] } | null = null;

  const wipeAll = () => {
    for (const h of s?.held ?? []) wipeHeld(h);
    if (s !== null) s.held = [];
  };
  const status = (): DrillStatus | null => (s === null ? null : { ...s.status, shards: s.held.map((h) => h.view) });
  const session = () => s ?? (() => { throw new KeyshardError('CEREMONY_TRANSITION', 'No quorum drill is under way on this laptop. Load the key ceremony\'s transcript first.'); })();

  return {
    start(r) {
      wipeAll();
      s = null;
      const verified = verifyTranscriptText(r.transcriptText);
      if (!verified.ok) {
        throw new KeyshardError(verified.code, `The key ceremony's transcript does not verify${verified.firstBadSeq === null ? '' : ` (entry ${verified.firstBadSeq})`}: ${verified.reason} No drill was started.`);
      }
      // Throws FINAL_HASH_MISMATCH for a hash typed wrong, before any shard is asked for.
      const expected = expectedFromTranscript(verified, r.finalHash === undefined ? {} : { finalHash: r.finalHash });
      const extensions = readExtensionInputs(verified, r.extensions ?? []);
      const split = [...verified.entries].reverse().find((e) => e.kind === 'split');
      const scheme = (split?.data as { scheme?: unknown } | undefined)?.scheme;
      s = {
        verified,
        finalHash: r.finalHash,
        extensions,
        status: { ceremonyId: verified.ceremonyId, keyCeremonyFinalHash: verified.headHash, scheme: typeof scheme === 'string' ? scheme : 'unknown', expectedFingerprint: expected.fingerprint, result: expected.verified ? 'verified' : 'unverified' },
        held: [],
      };
      return status()!;
    },

    addShard(input) {
      const d = session();
      if (isTypedWords(input)) return addWords(d, input.text);
      return addEnvelope(d, envelopeOfInput(input));
    },

    async readShard(input) {
      const d = session();
      const { envelope } = await readDevice(input, d.verified.ceremonyId);
      // The drill was cleared or started again while the device was read: this shard belongs to none.
      if (s !== d) {
        wipeEnvelope(envelope);
        throw new KeyshardError('CEREMONY_TRANSITION', 'The drill was closed while the shard was read; it was wiped. Start the drill again.');
      }
      return addEnvelope(d, envelope);
    },

    async run(r) {
      const d = session();
      if (d.held.length === 0) throw new KeyshardError('BELOW_THRESHOLD', 'No shard has been given yet. Give the quorum\'s shards, then rebuild.');
      const custodians = d.held.map((h) => h.view.custodianId);
      const first = d.held[0]!;
      // Typed words are SLIP-39 only (and every shard was checked against this ceremony's record).
      const isSlip39 = !('envelope' in first) || first.envelope.scheme === EnvelopeScheme.slip39;
      const scheme = 'envelope' in first ? describeEnvelope(first.envelope).scheme : 'slip39';
      let fingerprint: string;
      try {
        fingerprint = isSlip39 ? await slip39Fingerprint(d.held, r.passphrase ?? '', kdf) : vssFingerprint(d.held);
      } catch (e) {
        // Below the quorum: keep the shards so the next custodian can add theirs. Anything else ends the drill.
        if (!(isKeyshardError(e) && e.code === 'BELOW_THRESHOLD')) wipeAll();
        throw e;
      }
      wipeAll();
      const expected = transcriptFingerprint(d.verified).fingerprint;
      if (fingerprint !== expected) {
        throw new KeyshardError('FINGERPRINT_MISMATCH', "The rebuilt key's fingerprint is not the one the key ceremony recorded. Nothing was recorded as passed; the key and the shards were wiped. Check the SLIP-39 passphrase, then run the drill again.", { fingerprint, expectedFingerprint: expected });
      }
      const at = deps.clock();
      const drill: DrillResult = { ceremonyId: d.verified.ceremonyId, transcriptFinalHash: d.verified.headHash, scheme, fingerprint, expectedFingerprint: expected, result: d.status.result };
      const drillId = `drill-${at.toISOString().replace(/[:.]/g, '')}-${d.verified.ceremonyId}`.slice(0, 128);
      const t = await drillTranscript({ ceremonyId: drillId, clock: deps.clock, label: `Quorum drill of ${d.verified.ceremonyId}`.slice(0, 200), drill, ...(r.witness === undefined ? {} : { witness: r.witness }) });
      return { ...drill, custodians, signedBy: r.witness?.witnessId ?? null, transcriptText: serializeTranscript(t), finalHash: t.entries[t.entries.length - 1]!.hash, drillId };
    },

    clear() {
      kdf.cancel();
      wipeAll();
      s = null;
      return null;
    },

    status,
  };

  /** A KS1 envelope (typed, scanned or read off a device): checked against the record and held; wiped if refused. */
  function addEnvelope(d: NonNullable<typeof s>, envelope: Envelope): DrillStatus {
    const nth = d.held.length + 1;
    try {
      const facts = describeEnvelope(envelope);
      let view: DrillShardView;
      try {
        const c = checkCustody(d.verified, envelope, d.finalHash === undefined ? {} : { finalHash: d.finalHash });
        view = { custodianId: c.custodianId, label: c.label, shardFingerprint: c.shardFingerprint };
      } catch (e) {
        // A transcript from before per-shard fingerprints cannot check a SLIP-39 shard alone: the combination will.
        if (!isKeyshardError(e) || e.code !== 'CUSTODY_NOT_RECORDED' || envelope.scheme !== EnvelopeScheme.slip39 || facts.ceremonyId !== d.verified.ceremonyId) throw e;
        view = { custodianId: facts.custodianLabel, label: facts.custodianLabel, shardFingerprint: shardFingerprint(envelope) };
      }
      if (d.held.some((h) => h.custodianIndex === envelope.custodianIndex || h.view.shardFingerprint === view.shardFingerprint)) {
        throw new KeyshardError('DUPLICATE_SHARE', `${view.custodianId}'s shard (${view.label}) is in the drill already. Give another custodian's shard.`, { custodianId: view.custodianId });
      }
      d.held.push({ view, custodianIndex: envelope.custodianIndex, envelope });
      return status()!;
    } catch (e) {
      wipeEnvelope(envelope);
      if (!isKeyshardError(e)) throw e;
      // Name the shard that failed, by its place and the label printed in it (never its content).
      const label = (() => {
        try {
          return describeEnvelope(envelope).custodianLabel;
        } catch {
          return null;
        }
      })();
      throw new KeyshardError(e.code, `Shard ${nth} given${label === null ? '' : ` (labelled ${label})`}: ${e.message} It was not taken into the drill; the shards taken so far are kept.`, { ...e.details, shardNumber: nth });
    }
  }

  /** An extended member's (or any SLIP-39 custodian's) words: checked against the record, kept as payload bytes. */
  function addWords(d: NonNullable<typeof s>, text: string): DrillStatus {
    const nth = d.held.length + 1;
    let words: Uint8Array | undefined;
    try {
      if (d.status.scheme !== 'slip39') throw new KeyshardError('SHARES_MISMATCH', 'This ceremony dealt verifiable shares, not SLIP-39 words: give the shard text or scan its code.');
      const c = checkCustodyOfWords(d.verified, text, d.finalHash === undefined ? {} : { finalHash: d.finalHash }, d.extensions);
      if (d.held.some((h) => h.view.shardFingerprint === c.shardFingerprint || (c.custodianIndex >= 0 && h.custodianIndex === c.custodianIndex))) {
        throw new KeyshardError('DUPLICATE_SHARE', `${c.custodianId}'s shard is in the drill already. Give another custodian's shard.`, { custodianId: c.custodianId });
      }
      words = encodeSlip39Payload(text);
      d.held.push({ view: { custodianId: c.custodianId, label: c.label, shardFingerprint: c.shardFingerprint }, custodianIndex: null, words });
      if (c.result !== 'verified') d.status = { ...d.status, result: 'unverified' };
      return status()!;
    } catch (e) {
      words?.fill(0);
      if (!isKeyshardError(e)) throw e;
      throw new KeyshardError(e.code, `Shard ${nth} given: ${e.message} It was not taken into the drill; the shards taken so far are kept.`, { ...e.details, shardNumber: nth });
    }
  }
}

/**
 * SLIP-39: Shamir and the digest check in a short-lived core state, the passphrase's key stretching on the pool; the
 * seed's fingerprint kept, the seed and the state wiped.
 */
async function slip39Fingerprint(held: readonly Held[], passphrase: string, kdf: KeyStretcher): Promise<string> {
  const state = new Slip39Recovery();
  let ems;
  try {
    held.forEach((h, i) => {
      const added = state.add(decodeSlip39Payload(slip39Payload(h)), i + 1);
      if (added.status === 'rejected') throw new KeyshardError(added.error.code, `${h.view.custodianId}'s shard: ${added.error.message}`, { ...added.error.details, custodianId: h.view.custodianId });
    });
    ems = state.recoverEncryptedMasterSecret();
  } finally {
    state.clear();
  }
  try {
    // keyshard's ceremonies write its own exponent; a larger one could hold the drill for hours, so the app refuses it.
    if (ems.iterationExponent > KEYSHARD_ITERATION_EXPONENT) {
      throw new KeyshardError(
        'SLIP39_SLOW_KDF',
        `These shares ask for SLIP-39 iteration exponent ${ems.iterationExponent}, above keyshard's own (${KEYSHARD_ITERATION_EXPONENT}): the app's drill does not run such a long key stretching. Run the drill on the command line (keyshard custody drill), or recover on the recovery screen, which asks before a long stretch.`,
        { iterationExponent: ems.iterationExponent },
      );
    }
    const { identifier, extendable, iterationExponent, value } = ems;
    const seed = await kdf.run(iterationExponent, (pbkdf2) => decryptMasterSecretAsync(value, { identifier, extendable, iterationExponent, passphrase, pbkdf2 }));
    try {
      return fingerprintOf(seedIdentity(seed)).hex;
    } finally {
      seed.fill(0);
    }
  } finally {
    ems.value.fill(0);
  }
}

/** Verifiable shares: combined against their commitments; the group key's fingerprint kept, the secret wiped. */
function vssFingerprint(held: readonly Held[]): string {
  const envelopes = held.map((h) => ('envelope' in h ? h.envelope : null)).filter((e): e is Envelope => e !== null);
  if (envelopes.length !== held.length) throw new KeyshardError('SHARES_MISMATCH', 'SLIP-39 words and verifiable shards do not combine. Give shards of one ceremony only.');
  const first = envelopes[0]!;
  const ciphersuite = vssCiphersuite(first.scheme);
  if (ciphersuite === undefined) throw new KeyshardError('ENVELOPE_VERSION', 'These shards hold a kind of share this keyshard cannot rebuild. Use the keyshard version that made them.');
  const payloads = envelopes.map((e) => decodeVssPayload(e.scheme, e.payload));
  // Copies: the decoded shares may be views of the envelopes, which stay intact below the quorum.
  const shares = payloads.map((p) => ({ identifier: p.identifier, signingShare: Uint8Array.from(p.signingShare) }));
  try {
    const threshold = payloads[0]!.threshold;
    if (shares.length < threshold) throw new KeyshardError('BELOW_THRESHOLD', `${shares.length} of the ${threshold} shards needed are in. Give ${threshold - shares.length} more, then rebuild.`, { have: shares.length, threshold });
    const { secret, groupPublicKey } = combineShares({ ciphersuite, threshold, shares, commitments: [...payloads[0]!.commitments] });
    secret.fill(0);
    return groupFingerprint(ciphersuite, groupPublicKey).hex;
  } finally {
    for (const sh of shares) sh.signingShare.fill(0);
  }
}
