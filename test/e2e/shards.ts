/**
 * Shards as keyshard makes them, for the scanner tests: real envelopes (core/envelope) holding real SLIP-39 shares
 * (official test vectors), framed as QR text by core/qr's planQrFrames - the same path the handoff screens use.
 */
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { encodeEnvelope, encodeSlip39Payload, EnvelopeScheme } from '../../core/envelope';
import { planQrFrames, type QrFrameOptions, type QrFramePlan } from '../../core/qr/index';

type Vector = [description: string, mnemonics: string[], secretHex: string, xprv: string];

const vectors = JSON.parse(readFileSync(new URL('../../../shared/slip39/vectors.json', import.meta.url), 'utf8')) as Vector[];

/** A valid mnemonic from the official SLIP-39 vectors (vector 1 holds a 20-word share). */
export function vectorMnemonic(index = 0): string {
  const m = vectors[index]?.[1][0];
  if (m === undefined) throw new Error(`no SLIP-39 vector ${index}`);
  return m;
}

export const CEREMONY_ID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** The binary envelope of one custodian's shard. */
export function shardEnvelope(custodianLabel: string, custodianIndex: number, mnemonic = vectorMnemonic()): Uint8Array {
  return encodeEnvelope({
    scheme: EnvelopeScheme.slip39,
    ceremonyId: CEREMONY_ID,
    custodianIndex,
    custodianLabel,
    groupFingerprint: sha256(utf8ToBytes('keyshard e2e group')),
    payload: encodeSlip39Payload(mnemonic),
  });
}

/** The QR framing of a shard, single or (with small fragments) animated. */
export function shardQr(custodianLabel: string, custodianIndex: number, options: QrFrameOptions = {}): QrFramePlan {
  return planQrFrames(shardEnvelope(custodianLabel, custodianIndex), options);
}
