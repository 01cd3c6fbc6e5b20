/**
 * What the recovery screen shows for a shard it received: public facts only (whose shard, which scheme and ceremony),
 * never the shard. `describeShardLocally` reads them from the envelope in this window; the recovery service in main
 * will answer the same question through recovery:* channels, behind the same `onShardText` boundary.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describeEnvelope, envelopeFromText, wipeEnvelope } from '../../core/envelope';

export interface ShardReceipt {
  /** SHA-256 of the shard text, to notice the same shard scanned twice without keeping the text. */
  readonly id: string;
  readonly custodianLabel: string;
  readonly custodianIndex: number;
  readonly scheme: string;
  /** First 8 hex digits of the ceremony id, enough to see shards of two ceremonies mixed up. */
  readonly ceremony: string;
}

export function shardId(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** Throws the envelope's KeyshardError (ENVELOPE_FORMAT, ENVELOPE_CHECKSUM, ...) for a text that is not a shard. */
export async function describeShardLocally(text: string): Promise<ShardReceipt> {
  const envelope = envelopeFromText(text);
  try {
    const s = describeEnvelope(envelope);
    return {
      id: shardId(text),
      custodianLabel: s.custodianLabel,
      custodianIndex: s.custodianIndex,
      scheme: s.scheme,
      ceremony: s.ceremonyId.slice(0, 8),
    };
  } finally {
    wipeEnvelope(envelope);
  }
}
