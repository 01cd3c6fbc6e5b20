/**
 * The display loop (display-loop.ts) rebuilt from an animated code's plain parts: what a screen that was handed only
 * the plain parts (the shard screen gets them from main) shows. The parts are reassembled and checked like a scan, and
 * the mixed parts are made by bc-ur's encoder with the same fragment length, so they belong to the same code.
 * Anything that does not reassemble, or re-encodes differently, gives back the plain parts unchanged: never a loop of
 * another code.
 */
import { Buffer } from 'buffer';
import { createQrAssembler } from './assembler';
import { UR, UREncoder } from './bc-ur';
import { displayLoopSeqNums } from './display-loop';
import { MAX_QR_PAYLOAD_BYTES } from './framing';
import { MIN_FRAGMENT_LENGTH } from './limits';
import { parseQrText } from './ur-text';

export function displayLoopOfParts(plainTexts: readonly string[]): readonly string[] {
  if (plainTexts.length < 3) return plainTexts;
  let first;
  try {
    first = parseQrText(plainTexts[0] as string, { maxPayloadBytes: MAX_QR_PAYLOAD_BYTES });
  } catch {
    return plainTexts;
  }
  if (first.kind !== 'multi' || first.seqLength !== plainTexts.length) return plainTexts;
  const assembler = createQrAssembler({ maxPayloadBytes: MAX_QR_PAYLOAD_BYTES });
  for (const t of plainTexts) assembler.receive(t);
  if (!assembler.isComplete()) return plainTexts;
  const payload = assembler.result();
  assembler.reset();
  const ur = UR.fromBuffer(Buffer.from(payload));
  payload.fill(0);
  const { fragmentLength, seqLength, checksum } = first;
  const part = (seqNum: number): string => new UREncoder(ur, fragmentLength, seqNum - 1, Math.min(MIN_FRAGMENT_LENGTH, fragmentLength)).nextPart().toUpperCase();
  // The same code only: every plain part must come out exactly as given.
  if (plainTexts.some((t, i) => t.trim().toUpperCase() !== part(i + 1))) return plainTexts;
  return [...plainTexts, ...displayLoopSeqNums(seqLength, checksum).slice(seqLength).map(part)];
}
