/**
 * Recovery from tokens: after a ceremony whose custodians keep their shards on PKCS#11 tokens, load the shards of
 * that ceremony from a list of tokens (each custodian types their PIN) and combine a quorum.
 *
 * What it trusts and checks, in order:
 * 1. The transcript verifies (chain, witness signatures; the final hash too when the paper record's is given), and the
 *    plan is the one the transcript ran under (its SHA-256 is in the plan entry).
 * 2. The expected fingerprint (and, for verifiable shares, the commitments) come from the transcript's split entry.
 * 3. Each token holds exactly one shard of this ceremony; it must name a custodian of the plan, carry the expected
 *    fingerprint, and no custodian may be given twice.
 * 4. The custodians reached must be a quorum (BELOW_THRESHOLD otherwise, before anything is combined).
 * 5. The recovered secret's fingerprint must equal the transcript's (SHARES_MISMATCH otherwise, and the secret is
 *    wiped before the error is thrown).
 * Every envelope byte read from a token is wiped before this returns; the recovered secret is the caller's to wipe.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeEnvelope, encodeEnvelope, wipeEnvelope, type Envelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { parsePlan, planDigest, reachesQuorum, type CeremonyPlan } from '../../../core/policy';
import { verifyTranscriptText, type TranscriptEntry } from '../../../core/transcript';
import { verifyAgainstPaper } from '../../../core/transcript-status';
import type { HsmPort } from '../hsm/types';
import type { KeyStretcher } from '../kdf/index';
import { identityMatching } from './secret-kinds';
import { recoverFromShards } from './shards';
import { CUSTODIAN_TOKEN_NEEDS, findChosen, tokenText } from './tokens';
import type { FingerprintView, TokenChoice } from './types';

export interface TokenShardSource {
  readonly token: TokenChoice;
  /** Typed by the custodian; used for one login and dropped. */
  readonly pin: string;
}

export interface RecoverFromTokensRequest {
  /** An open PKCS#11 module (openHsm); the caller closes it. */
  readonly port: HsmPort;
  /** The plan the ceremony ran under (the ceremony's plan.json, parsed or as text/JSON value). */
  readonly plan: unknown;
  /** The ceremony's transcript.json, as written. */
  readonly transcript: string;
  readonly tokens: readonly TokenShardSource[];
  /** The final hash written on the paper record, when at hand: a transcript cut short is then refused. */
  readonly expectedHeadHash?: string;
  /** SLIP-39's key stretching, off the calling thread. Shards must carry keyshard's own iteration exponent. */
  readonly kdf: KeyStretcher;
}

export interface TokenRecovery {
  /** SECRET: the recovered master secret (seed or private key). The caller wipes it. */
  readonly secret: Uint8Array;
  readonly fingerprint: FingerprintView;
  readonly publicKey?: string;
  readonly ceremonyId: string;
  /** Whether the transcript records the seal step. */
  readonly sealed: boolean;
  /** Custodians whose shards were combined, in the order their tokens were given. */
  readonly custodianIds: readonly string[];
  readonly tokens: readonly { readonly custodianId: string; readonly tokenLabel: string; readonly tokenSerial: string }[];
}

function fingerprintView(hex: string): FingerprintView {
  return { hex, display: (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ') };
}

interface CeremonyFacts {
  readonly ceremonyId: string;
  readonly fingerprint: string;
  readonly commitments?: string[];
  readonly sealed: boolean;
}

/** Verifies the transcript and reads what recovery needs from it. */
export function ceremonyFacts(plan: CeremonyPlan, transcriptText: string, expectedHeadHash?: string): CeremonyFacts {
  // The paper's hash still holds for a transcript given sign-offs or custody receipts after its seal since.
  const v = verifyAgainstPaper((o) => verifyTranscriptText(transcriptText, o), expectedHeadHash).result;
  if (!v.ok) {
    throw new KeyshardError(v.code, `The ceremony's transcript does not verify (${v.reason}), so its fingerprint cannot be trusted for recovery. Use an intact copy of the transcript.`, {
      firstBadSeq: v.firstBadSeq,
    });
  }
  const planEntry = v.entries[0] as TranscriptEntry;
  const recorded = (planEntry.data as { planSha256?: unknown }).planSha256;
  if (recorded !== planDigest(plan)) {
    throw new KeyshardError('SHARES_MISMATCH', 'This plan is not the one the transcript was made under (its digest differs). Use the plan.json saved with this transcript.');
  }
  const split = [...v.entries].reverse().find((e) => e.kind === 'split');
  const data = split?.data as { fingerprint?: unknown; commitments?: unknown } | undefined;
  if (typeof data?.fingerprint !== 'string') {
    throw new KeyshardError('INVALID_ARGUMENT', 'This transcript records no split: the ceremony never handed out shards, so there is nothing to recover.');
  }
  const commitments = Array.isArray(data.commitments) ? (data.commitments as unknown[]).filter((c): c is string => typeof c === 'string') : undefined;
  const sealed = v.entries.some((e) => e.kind === 'seal');
  return { ceremonyId: v.ceremonyId, fingerprint: data.fingerprint, ...(commitments === undefined ? {} : { commitments }), sealed };
}

/**
 * Loads this ceremony's shard from each token and combines them. See the file comment for every check made.
 */
export async function recoverFromTokens(request: RecoverFromTokensRequest): Promise<TokenRecovery> {
  const plan = parsePlan(request.plan);
  const facts = ceremonyFacts(plan, request.transcript, request.expectedHeadHash);
  if (request.tokens.length === 0) throw new KeyshardError('BELOW_THRESHOLD', 'Give the tokens of a quorum of custodians to recover the secret.', { given: 0 });
  const binaries: Uint8Array[] = [];
  const ids: string[] = [];
  const tokens: { custodianId: string; tokenLabel: string; tokenSerial: string }[] = [];
  try {
    for (const [i, source] of request.tokens.entries()) {
      const which = `token #${i + 1}`;
      let envelope: Envelope;
      let found: { label: string; serial: string };
      try {
        const info = await findChosen(request.port, source.token);
        found = { label: info.label, serial: info.serial };
        const session = await request.port.openSession({ serial: info.serial }, source.pin, { require: CUSTODIAN_TOKEN_NEEDS });
        try {
          envelope = await session.readShard(facts.ceremonyId);
        } finally {
          await session.close();
        }
      } catch (e) {
        if (!(e instanceof KeyshardError)) throw e;
        throw new KeyshardError(e.code, `The shard on ${which} could not be loaded: ${e.message}`, { ...e.details, token: i + 1 });
      }
      try {
        const custodian = plan.custodians[envelope.custodianIndex];
        if (custodian === undefined) {
          throw new KeyshardError('SHARES_MISMATCH', `Token ${tokenText(found)} holds a shard for custodian #${envelope.custodianIndex + 1}, whom this plan does not have. Check the plan file.`, { token: i + 1 });
        }
        if (bytesToHex(envelope.groupFingerprint) !== facts.fingerprint) {
          throw new KeyshardError('SHARES_MISMATCH', `The shard on token ${tokenText(found)} carries another fingerprint than the transcript's. It is not a shard of this secret.`, {
            token: i + 1,
            custodianId: custodian.id,
          });
        }
        if (ids.includes(custodian.id)) {
          throw new KeyshardError('DUPLICATE_SHARE', `${custodian.name}'s shard was given twice (token ${tokenText(found)}). Give each custodian's token once.`, { custodianId: custodian.id });
        }
        ids.push(custodian.id);
        tokens.push({ custodianId: custodian.id, tokenLabel: found.label, tokenSerial: found.serial });
        binaries.push(encodeEnvelope(envelope));
      } finally {
        wipeEnvelope(envelope);
      }
    }
    if (!reachesQuorum(plan, ids)) {
      const names = ids.map((id) => plan.custodians.find((c) => c.id === id)?.name ?? id);
      throw new KeyshardError('BELOW_THRESHOLD', `The shards of ${names.join(', ')} are not enough to recover the secret. Add the token of another custodian.`, {
        custodianIds: ids,
      });
    }
    const secret = await recoverFromShards(plan, facts.ceremonyId, binaries, {
      kdf: request.kdf,
      ...(facts.commitments === undefined ? {} : { commitments: facts.commitments }),
    });
    let identity;
    try {
      identity = identityMatching(plan, secret, facts.fingerprint);
    } catch (e) {
      secret.fill(0);
      throw e;
    }
    if (identity.fingerprint.hex !== facts.fingerprint) {
      secret.fill(0);
      throw new KeyshardError('SHARES_MISMATCH', "The secret recovered from these tokens does not have the transcript's fingerprint. Do not use it: check that every token belongs to this ceremony.", {
        custodianIds: ids,
      });
    }
    return {
      secret,
      fingerprint: fingerprintView(identity.fingerprint.hex),
      ...(identity.publicKey === undefined ? {} : { publicKey: identity.publicKey }),
      ceremonyId: facts.ceremonyId,
      sealed: facts.sealed,
      custodianIds: ids,
      tokens,
    };
  } finally {
    for (const b of binaries) b.fill(0);
  }
}
