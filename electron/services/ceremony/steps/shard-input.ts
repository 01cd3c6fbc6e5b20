/** Shards given back by custodians (typed words or text, scanned QR), as this ceremony's envelope bytes. */
import { hexToBytes } from '@noble/hashes/utils.js';
import { encodeEnvelope, encodeSlip39Payload, envelopeFromText, EnvelopeScheme, wipeEnvelope } from '../../../../core/envelope';
import { KeyshardError } from '../../../../core/errors';
import type { Custodian } from '../../../../core/policy';
import { createQrAssembler } from '../../../../core/qr/index';
import { custodianLabel } from '../shards';
import type { ShardResponse } from '../types';
import type { Session } from './session';

/** Envelope bytes from a scanned QR sequence; QR_INCOMPLETE / QR_FORMAT when it cannot be read. */
export function bytesFromQr(texts: readonly string[]): Uint8Array {
  const assembler = createQrAssembler();
  let lastError: KeyshardError | undefined;
  for (const t of texts) {
    const r = assembler.receive(t);
    if (r.status === 'rejected') lastError = r.error;
  }
  if (!assembler.isComplete()) {
    if (lastError !== undefined && assembler.progress().received === 0) throw lastError;
    return assembler.result(); // throws QR_INCOMPLETE with what is missing
  }
  return assembler.result();
}

/** Envelope bytes of this ceremony from a custodian's response (recovery). The caller wipes them. */
export function bytesFromResponse(c: Session, custodian: Custodian, r: ShardResponse): Uint8Array {
  if ('qrTexts' in r) return bytesFromQr(r.qrTexts);
  if ('text' in r) {
    const env = envelopeFromText(r.text);
    try {
      return encodeEnvelope(env);
    } finally {
      wipeEnvelope(env);
    }
  }
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
    payload: encodeSlip39Payload(r.words),
  });
}
