/**
 * `keyshard custody drill --words`: the quorum's SLIP-39 shares as words on standard input (one share a line), beside
 * any KS1/.ks/.age/.asc/.p11 shard files, so that members a share extension added (they hold words, not shard files)
 * can take part. Each share is first checked against the public record (the key ceremony's handoffs, then the seals
 * of the --extension transcripts given), so a wrong one is named by its place before anything is combined; then the
 * shares are combined in memory, only the seed's fingerprint is kept, and the seed is wiped.
 */
import { pbkdf2Sync } from 'node:crypto';
import { checkCustodyOfWords } from '../../core/custody/check';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import { EnvelopeScheme } from '../../core/envelope';
import type { ExtensionRecord } from '../../core/extend/records';
import { KeyshardError, isKeyshardError } from '../../core/errors';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { type ExpectedSourceName, expectedFromTranscript } from '../../core/recovery-trust';
import { type Pbkdf2, Slip39Recovery } from '../../core/slip39/index';
import type { VerifyOk } from '../../core/transcript';
import type { ShardOpener } from './shard-files';

const nodePbkdf2: Pbkdf2 = (password, salt, iterations, dkLen) => pbkdf2Sync(password, salt, iterations, dkLen, 'sha256');

/** One quorum share: where it came from (for messages) and its words. */
export interface DrillShare {
  readonly from: string;
  readonly mnemonic: string;
}

/** Standard input's lines as shares ("share 2 on standard input"); at most one group's 16. */
export function sharesOfLines(text: string): DrillShare[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length > 16 * 16) throw new KeyshardError('INVALID_ARGUMENT', `Standard input holds ${lines.length} lines; a SLIP-39 backup has at most 256 shares. Give one share a line.`);
  return lines.map((mnemonic, i) => ({ from: `share ${i + 1} on standard input`, mnemonic }));
}

/** SLIP-39 shard files opened with the given keys; a verifiable shard is refused (a --words drill is SLIP-39). */
export async function sharesOfFiles(opener: ShardOpener, files: readonly string[]): Promise<DrillShare[]> {
  const out: DrillShare[] = [];
  for (const file of files) {
    const { envelope } = await opener.open(file);
    try {
      if (envelope.scheme !== EnvelopeScheme.slip39) throw new KeyshardError('SHARES_MISMATCH', `${file} holds a verifiable share; --words drills a SLIP-39 backup. Drill verifiable shards without --words.`, { file });
      out.push({ from: file, mnemonic: decodeSlip39Payload(envelope.payload) });
    } finally {
      envelope.payload.fill(0);
    }
  }
  return out;
}

export interface WordsDrill {
  readonly scheme: 'slip39';
  readonly fingerprint: string;
  readonly verified: boolean;
  readonly source: ExpectedSourceName;
  /** Who gave each share, as the record names them (key ceremony custodian or extension member). */
  readonly custodians: readonly string[];
}

/**
 * Checks each share against the record, combines them and returns the seed's fingerprint (the seed wiped). Throws the
 * share's own error prefixed with where it came from, BELOW_THRESHOLD, FINAL_HASH_MISMATCH; it does not compare the
 * fingerprint (the caller does, with the transcript's).
 */
export function drillOfWords(o: { transcript: VerifyOk; finalHash?: string; extensions: readonly ExtensionRecord[]; shares: readonly DrillShare[]; passphrase: string }): WordsDrill {
  const trust = o.finalHash === undefined ? {} : { finalHash: o.finalHash };
  const expected = expectedFromTranscript(o.transcript, trust);
  if (o.shares.length === 0) throw new KeyshardError('BELOW_THRESHOLD', 'No share was given. Give the quorum\'s shares, one a line on standard input (or as shard files).');
  let verified = expected.verified;
  let source = expected.source;
  const custodians = o.shares.map((s) => {
    try {
      const c = checkCustodyOfWords(o.transcript, s.mnemonic, trust, o.extensions);
      if (c.result !== 'verified') {
        verified = false;
        source = c.source;
      }
      return c.custodianId;
    } catch (e) {
      if (!isKeyshardError(e)) throw e;
      // A key ceremony from before shard fingerprints cannot name the holder: the combination checks the shares.
      if (e.code === 'CUSTODY_NOT_RECORDED') return s.from;
      throw new KeyshardError(e.code, `${s.from}: ${e.message} Nothing was combined.`, { ...e.details, from: s.from });
    }
  });
  const state = new Slip39Recovery();
  let seed: Uint8Array | undefined;
  try {
    o.shares.forEach((s, i) => {
      const added = state.add(s.mnemonic, i + 1);
      if (added.status === 'rejected') throw new KeyshardError(added.error.code, `${s.from}: ${added.error.message}`, { ...added.error.details, from: s.from });
    });
    seed = state.combine(o.passphrase, nodePbkdf2);
    return { scheme: 'slip39', fingerprint: fingerprintOf(seedIdentity(seed)).hex, verified, source, custodians };
  } finally {
    seed?.fill(0);
    state.clear();
  }
}
