/**
 * The signing messages as QR texts, both ways: a message's bytes framed as one UR code or an animated one (core/qr),
 * and scanned or typed UR texts assembled and decoded (bounded by core/qr's limits before bc-ur sees them, then by
 * core/vss/sign-messages' exact lengths). Only typed errors come out.
 */
import { decodeBase32 } from '../../../core/base32';
import { ENVELOPE_TEXT_PREFIX } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { MAX_SCANNED_PAYLOAD_BYTES } from '../../../core/qr/limits';
import { createQrAssembler, planQrFrames, planTexts } from '../../../core/qr/index';
import { type SigningMessage, type SigningMessageType, decodeSigningMessage, encodeSigningMessage } from '../../../core/vss/sign-messages';

/** Every text a screen shows for a message: one code, or the plain parts of an animated one in order. */
export function messageQrTexts(m: SigningMessage): string[] {
  return planTexts(planQrFrames(encodeSigningMessage(m)));
}

/** The bytes of complete QR texts: a single code, or every part of an animated one. */
export function bytesFromQrTexts(texts: readonly string[]): Uint8Array {
  // The window's camera hands a completed code on as "KS1" + base32 of its bytes (renderer/recovery/shardCollector).
  const only = texts.length === 1 ? texts[0]!.trim() : '';
  if (only.startsWith(ENVELOPE_TEXT_PREFIX) && only.length <= 2 * MAX_SCANNED_PAYLOAD_BYTES) {
    const d = decodeBase32(only.slice(ENVELOPE_TEXT_PREFIX.length));
    if ('badIndex' in d || d.danglingCharacters) throw new KeyshardError('QR_FORMAT', 'This scanned code did not come through whole. Scan it again.');
    return d.bytes;
  }
  const assembler = createQrAssembler();
  let lastError: KeyshardError | undefined;
  for (const t of texts) {
    const r = assembler.receive(t);
    if (r.status === 'rejected') {
      if (texts.length === 1 && r.error !== undefined) throw r.error;
      lastError = r.error;
    }
  }
  if (!assembler.isComplete() && assembler.progress().received === 0 && lastError !== undefined) throw lastError;
  return assembler.result();
}

/** A scanned message of the type this step expects; another type is named ("this is a commitment code, ..."). */
export function readMessage<T extends SigningMessageType>(texts: readonly string[], type: T, step: string): Extract<SigningMessage, { type: T }> {
  const bytes = bytesFromQrTexts(texts);
  const m = decodeSigningMessage(bytes);
  if (m.type !== type) {
    throw new KeyshardError('QR_MISMATCH', `This is a ${m.type.replace('-', ' ')} code, but this step needs ${step}. Scan the code the other laptop shows for this step.`, { got: m.type, want: type });
  }
  return m as Extract<SigningMessage, { type: T }>;
}
