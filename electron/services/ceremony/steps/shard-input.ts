/** Shards given back by custodians (typed words or text, scanned QR; as bytes), as this ceremony's envelope bytes. */
import { hexToBytes } from '@noble/hashes/utils.js';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_TEXT_PREFIX, EnvelopeScheme, wipeEnvelope } from '../../../../core/envelope';
import { KeyshardError } from '../../../../core/errors';
import type { Custodian } from '../../../../core/policy';
import { custodianLabel } from '../shards';
import type { ShardResponse } from '../types';
import type { Session } from './session';

/** Envelope bytes of this ceremony from a custodian's response (recovery). The caller wipes them. */
export function bytesFromResponse(c: Session, custodian: Custodian, r: ShardResponse): Uint8Array {
  if ('envelope' in r) return r.envelope.slice();
  if ('text' in r) return envelopeFromChars(r.text);
  if (c.plan.scheme.type !== 'slip39') {
    throw new KeyshardError('INVALID_ARGUMENT', 'Verifiable shares have no words: type back the shard text (KS1...) or scan its QR code.');
  }
  // Words alone: wrap them in this ceremony's envelope so they go through the same path.
  return encodeEnvelope({
    scheme: EnvelopeScheme.slip39,
    ceremonyId: hexToBytes(c.ceremonyIdHex),
    custodianIndex: c.plan.custodians.indexOf(custodian),
    custodianLabel: custodianLabel(custodian),
    groupFingerprint: hexToBytes(c.state.fingerprint ?? ''),
    payload: slip39PayloadBytes(r.words),
  });
}

/** Typed words (ASCII) as a SLIP-39 payload: checked for shape like encodeSlip39Payload, without a string. */
function slip39PayloadBytes(words: Uint8Array): Uint8Array {
  const payload = words.slice();
  let bad = payload.length === 0 ? 1 : 0;
  for (let i = 0; i < payload.length; i++) bad |= payload[i] === 0x20 ? 0 : ((payload[i]! - 97) | (122 - payload[i]!)) >>> 31;
  if (bad !== 0) {
    payload.fill(0);
    throw new KeyshardError('INVALID_ARGUMENT', 'This SLIP-39 mnemonic cannot go into a shard: it is not lowercase words separated by single spaces. Check the words and try again.');
  }
  return payload;
}

/**
 * A typed shard text's characters (spaces and line checks removed, upper case: core/shard-display.ts) as envelope
 * bytes, decoded here from bytes; the envelope's own errors (its checksum, its format) as envelopeFromText gives them.
 */
function envelopeFromChars(chars: Uint8Array): Uint8Array {
  const prefix = [...ENVELOPE_TEXT_PREFIX].map((ch) => ch.charCodeAt(0));
  if (chars.length < prefix.length || prefix.some((p, i) => chars[i] !== p)) {
    throw new KeyshardError('ENVELOPE_FORMAT', `A shard text starts with ${ENVELOPE_TEXT_PREFIX}. Type the whole text, from ${ENVELOPE_TEXT_PREFIX} on.`);
  }
  const body = chars.subarray(prefix.length);
  const out = new Uint8Array(Math.floor((body.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    const v = ch >= 65 && ch <= 90 ? ch - 65 : ch >= 50 && ch <= 55 ? ch - 24 : -1;
    if (v < 0) {
      out.fill(0);
      throw new KeyshardError('ENVELOPE_FORMAT', `Character ${i + 1 + prefix.length} of the shard text is not one a shard text uses (A-Z, 2-7). Check it against the paper.`, { position: i + 1 + prefix.length });
    }
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  buffer = 0;
  try {
    // Decoding checks the envelope's checksum and layout (ENVELOPE_CHECKSUM, ENVELOPE_FORMAT, ...).
    wipeEnvelope(decodeEnvelope(out));
    return out;
  } catch (e) {
    out.fill(0);
    throw e;
  }
}
