/**
 * A shard between main and the window as bytes (issue 16.3): main sends a custodian's shard as its envelope bytes and
 * the window makes every text form of it here (words, KS1 text, paper lines, QR parts); what a custodian gives back
 * is turned into bytes here before it is sent. JavaScript strings cannot be wiped, so main - which holds the secret
 * until the end - makes none of a shard; the window, which shows it, does.
 */
import { decodeEnvelope, decodeSlip39Payload, encodeEnvelope, envelopeFromText, EnvelopeScheme, envelopeToText, wipeEnvelope } from './envelope';
import { KeyshardError } from './errors';
import { removeLineChecks } from './paper-lines';
import { createQrAssembler, planQrFrames, planTexts, type QrErrorCorrectionLevel, type QrFrameOptions } from './qr/index';
import { mnemonicWords } from './slip39/index';

/** Paper layout of a shard text: groups of 4 characters, 8 groups per line. */
export const PAPER_LAYOUT = { groupSize: 4, groupsPerLine: 8 } as const;

/** The text forms of one shard, for display. SECRET. */
export interface ShardDisplay {
  /** "KS1..." in one piece (for files and QR). */
  readonly envelopeText: string;
  /** The same text in groups of 4 characters, 8 groups a line (for paper and typing back). */
  readonly paperText: string;
  /** SLIP-39 only: the mnemonic's words in order. */
  readonly words?: readonly string[];
  readonly qr: {
    readonly kind: 'single' | 'animated';
    /** The single code, or the plain parts 1..partCount of an animated code. */
    readonly frames: readonly string[];
    readonly partCount: number;
    readonly version: number;
    readonly errorCorrectionLevel: QrErrorCorrectionLevel;
  };
}

/** Every text form of a shard from its envelope bytes (main's QR options, so the codes are those main would make). */
export function shardDisplay(envelope: Uint8Array, qrOptions: QrFrameOptions = {}): ShardDisplay {
  const e = decodeEnvelope(envelope);
  try {
    const words = e.scheme === EnvelopeScheme.slip39 ? mnemonicWords(decodeSlip39Payload(e.payload)) : undefined;
    const plan = planQrFrames(envelope, qrOptions);
    return {
      envelopeText: envelopeToText(e),
      paperText: envelopeToText(e, PAPER_LAYOUT),
      ...(words === undefined ? {} : { words }),
      qr: {
        kind: plan.kind,
        frames: planTexts(plan),
        partCount: plan.kind === 'single' ? 1 : plan.partCount,
        version: plan.kind === 'single' ? plan.version : plan.frameVersion,
        errorCorrectionLevel: plan.errorCorrectionLevel,
      },
    };
  } finally {
    wipeEnvelope(e);
  }
}

/** What a custodian gives back, as typed or scanned in the window. */
export type GivenBackText = { readonly words: string } | { readonly text: string } | { readonly qrTexts: readonly string[] };

/**
 * What a custodian gives back, as main receives it: typed words as ASCII (lower case, single spaces), a typed shard
 * text as its characters (line checks and spaces removed, upper case), or the envelope bytes the scanned QR codes
 * assemble to. Main compares them with the held shard byte by byte and names what differs by position.
 */
export type GivenBackBytes = { readonly words: Uint8Array } | { readonly text: Uint8Array } | { readonly envelope: Uint8Array };

/** Latin-1 bytes of a string (the comparison is over ASCII; any other character simply differs). */
function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c < 0x80 ? c : 0xff;
  }
  return out;
}

/** Envelope bytes from a scanned QR sequence; QR_INCOMPLETE / QR_FORMAT when it cannot be read. */
export function bytesFromQr(texts: readonly string[]): Uint8Array {
  const assembler = createQrAssembler();
  let lastError: KeyshardError | undefined;
  for (const t of texts) {
    const r = assembler.receive(t);
    if (r.status === 'rejected') lastError = r.error;
  }
  if (!assembler.isComplete() && lastError !== undefined && assembler.progress().received === 0) throw lastError;
  return assembler.result(); // throws QR_INCOMPLETE with what is missing
}

/**
 * The bytes main is sent for what a custodian gave back. QR codes that do not assemble throw their typed error here.
 * For a confirmation a typed text goes as its characters, so main can name the printed groups that differ; for a test
 * recovery (`read`) it is read here (line checks, base32, the envelope checksum: envelopeFromText's typed errors) and
 * goes as envelope bytes.
 */
export function givenBackBytes(given: GivenBackText, use: 'compare' | 'read' = 'compare'): GivenBackBytes {
  if ('words' in given) return { words: latin1(mnemonicWords(given.words).join(' ')) };
  if ('text' in given) {
    if (use === 'compare') return { text: latin1(removeLineChecks(given.text).replace(/\s+/g, '').toUpperCase()) };
    const e = envelopeFromText(given.text);
    try {
      return { envelope: encodeEnvelope(e) };
    } finally {
      wipeEnvelope(e);
    }
  }
  return { envelope: bytesFromQr(given.qrTexts) };
}
