/**
 * How big a keyshard QR message and its parts can be, shared by the framing (which makes parts) and the parser
 * (which refuses parts keyshard would never make, before bc-ur's decoder sees them).
 *
 * Why this matters: bc-ur's fountain decoder reduces every new mixed part against every part it holds, so its work per
 * part grows with the number of parts a message announces. A forged stream of 1-byte fragments announces 65,545 parts
 * and costs seconds per part. keyshard's own codes carry at most the largest envelope keyshard writes, in at most
 * MAX_PLAIN_PARTS parts of a length framing would choose, so a part outside those bounds is refused as not keyshard's,
 * and a scan keeps only a bounded number of the mixed parts that make bc-ur's decoder work.
 */
import { MAX_WRITTEN_ENVELOPE_BYTES } from '../envelope';

/** Smallest and largest payload bytes per animated part that framing accepts as an option. */
export const MIN_FRAGMENT_LENGTH = 10;
export const MAX_FRAGMENT_LENGTH = 1000;

/** The largest payload a keyshard QR code carries by default: the largest envelope keyshard writes. */
export const MAX_SCANNED_PAYLOAD_BYTES = MAX_WRITTEN_ENVELOPE_BYTES;

/**
 * Mixed parts (numbers past the plain count) a scan keeps for one message: twice its plain count, and this slack.
 * keyshard's screens loop over the plain parts and then 2n mixed parts (display-loop.ts); a camera that joins late or
 * drops frames needs about as many mixed parts as the plain parts it missed, plus a few (the elimination decoder,
 * fountain-decoder.ts). Mixed parts are where a forged stream makes the decoder work (choosing a part's fragments costs
 * about a millisecond; reducing it, up to seqLength row XORs), so they are what is bounded.
 */
export const MIXED_PARTS_SLACK = 8;

/** Length of `payloadLength` bytes wrapped as one CBOR byte string, which is the message bc-ur cuts into parts. */
export function cborByteStringLength(payloadLength: number): number {
  if (payloadLength < 24) return payloadLength + 1;
  if (payloadLength < 0x100) return payloadLength + 2;
  if (payloadLength < 0x1_0000) return payloadLength + 3;
  return payloadLength + 5;
}

/**
 * The fragment length bc-ur settles on for a message (its `findNominalFragmentLength`): the fewest equal fragments
 * no longer than `maxFragment`. Written out here so the parser can predict it without an encoder.
 */
export function nominalFragmentLength(messageLength: number, maxFragment: number): number {
  const count = Math.ceil(messageLength / maxFragment);
  return Math.ceil(messageLength / count);
}

/**
 * The most plain parts framing cuts any message into. bc-ur's mixed parts combine about partCount / ln(partCount)
 * fragments each and its decoder compares every part it holds with every other, so its work grows with the square of
 * both; 64 parts keep a forged stream cheap. keyshard's largest envelope (MAX_WRITTEN_ENVELOPE_BYTES) at the default
 * 200-byte fragment needs 44 parts, so the cap only ever applies when a caller asks for finer fragments.
 */
export const MAX_PLAIN_PARTS = 32;

/**
 * The largest fragment framing asks bc-ur for: the requested one, raised when needed so there are at most
 * MAX_PLAIN_PARTS parts, but at most half the message so there are always at least two (with one fragment bc-ur would
 * emit the single-part form framing already found too big).
 */
export function framingMaxFragment(messageLength: number, requestedFragment: number): number {
  const fewEnough = Math.max(requestedFragment, Math.ceil(messageLength / MAX_PLAIN_PARTS));
  return Math.max(1, Math.min(fewEnough, Math.ceil(messageLength / 2)));
}

/** The fragment length keyshard's framing settles on for a message when `requestedFragment` is asked for. */
export function keyshardFragmentLength(messageLength: number, requestedFragment: number): number {
  return nominalFragmentLength(messageLength, framingMaxFragment(messageLength, requestedFragment));
}

/** How many mixed parts a scan keeps for a message of `plainParts` parts; later ones are refused unread. */
export function mixedPartsKeptFor(plainParts: number): number {
  return 2 * plainParts + MIXED_PARTS_SLACK;
}

/** The most distinct parts a scan keeps for one message: every plain part and the mixed parts it allows. */
export const MAX_QR_PARTS_KEPT = MAX_PLAIN_PARTS + mixedPartsKeptFor(MAX_PLAIN_PARTS);

/**
 * QR texts one request to main may carry, all its shards together (contract-ceremony, contract-recovery): room for every
 * part of a few of the largest codes, or one single code per shard for a custodian holding many.
 */
export const MAX_QR_TEXTS_PER_REQUEST = 4 * MAX_PLAIN_PARTS;
/**
 * Mixed parts one request may carry, all its shards together: enough to stand in for a quarter of the plain parts of
 * the largest code. keyshard's own screens show plain parts only, so its scans carry none; each mixed part costs main a
 * millisecond or more, the more the more are held (16 of the largest code took up to 210 ms on a cold, busy machine).
 */
export const MAX_MIXED_PARTS_PER_REQUEST = MAX_PLAIN_PARTS / 4;

/**
 * True for the text of a mixed part (its number is past its part count), judged from the header alone: cheap enough
 * to run over a whole request before anything is decoded.
 */
export function isMixedPartText(text: string): boolean {
  const m = /^\s*ur:[a-z0-9-]+\/([0-9]{1,10})-([0-9]{1,10})\//i.exec(text);
  return m !== null && Number(m[1]) > Number(m[2]);
}

/**
 * Whether one request's QR texts stay within what main assembles in a fraction of a second: at most
 * MAX_QR_TEXTS_PER_REQUEST texts, of which at most MAX_MIXED_PARTS_PER_REQUEST mixed parts.
 */
export function qrTextsWithinRequestBounds(texts: readonly string[]): boolean {
  if (texts.length > MAX_QR_TEXTS_PER_REQUEST) return false;
  let mixed = 0;
  for (const t of texts) if (isMixedPartText(t)) mixed++;
  return mixed <= MAX_MIXED_PARTS_PER_REQUEST;
}
