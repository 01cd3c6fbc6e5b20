/**
 * A shard's own fingerprint: recorded in the transcript when the shard is handed over, so that years later its
 * custodian can check the shard they hold against the public record alone, without any other shard and without
 * rebuilding the key.
 *
 *   shardFingerprint = SHA-256( "keyshard/shard-fingerprint/v1" || 0x00 || scheme || payload )
 *
 * scheme is the envelope's scheme byte (1 slip39, 2..4 vss), payload the envelope's payload exactly as keyshard
 * writes it: for SLIP-39 the mnemonic in lowercase ASCII words joined by single spaces, for verifiable shares the
 * threshold, share count, identifier, signing share and commitments (core/envelope-payload.ts).
 *
 * Why a plain domain-separated hash is enough, and what it gives away: a share is high-entropy (a SLIP-39 share value
 * is at least 128 uniformly random bits, a signing share about 252), so the hash cannot be inverted or searched
 * from nothing, and a salt or key would add nothing a reader of the transcript does not also get. The tag keeps it
 * from equalling any other hash keyshard publishes (the key fingerprint, transcript hashes). What it does allow: a
 * person who already knows all of a shard but a few words can test guesses for those words offline (the RS1024
 * checksum already lets them test 30 bits' worth; the fingerprint confirms the rest). With seven or more unknown
 * words (70 bits) that search is out of reach; with fewer the person nearly holds the shard already. One shard of a
 * group whose member threshold is 2 or more, or of a backup whose group threshold is 2 or more, tells nothing about
 * the key, so the fingerprint only ever confirms what that shard alone would. A 1-of-1 backup's single shard is the
 * (encrypted) key itself: its fingerprint confirms a guess of the whole key, as the key fingerprint already does.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Envelope } from '../envelope';
import { EnvelopeScheme, encodeSlip39Payload } from '../envelope-payload';

const DOMAIN = utf8ToBytes('keyshard/shard-fingerprint/v1');

/** 64 lowercase hex digits: the fingerprint of a share given as its envelope scheme and payload. */
export function shardFingerprintOfPayload(scheme: EnvelopeScheme, payload: Uint8Array): string {
  const input = concatBytes(DOMAIN, Uint8Array.of(0, scheme), payload);
  try {
    return bytesToHex(sha256(input));
  } finally {
    input.fill(0);
  }
}

/** The fingerprint of the shard an envelope carries. */
export function shardFingerprint(envelope: Pick<Envelope, 'scheme' | 'payload'>): string {
  return shardFingerprintOfPayload(envelope.scheme, envelope.payload);
}

/** The fingerprint of a SLIP-39 share given as its words (any case or spacing): the same as its envelope's. */
export function slip39ShareFingerprint(mnemonic: string): string {
  const payload = encodeSlip39Payload(mnemonic);
  try {
    return shardFingerprintOfPayload(EnvelopeScheme.slip39, payload);
  } finally {
    payload.fill(0);
  }
}
