/**
 * Confirmation compares what a custodian gives back (typed words, typed shard text, scanned QR, a file read back)
 * with the shard they were handed. The comparison runs over the whole input without stopping at the first difference
 * (no early exit on secret data), and a mismatch is described by positions and parts only — word 7, character group
 * 12, "the share" — never by the words or characters themselves.
 */
import { encodeBase32Ascii } from '../../../core/base32';
import { removeLineChecks } from '../../../core/paper-lines';
import { CEREMONY_ID_LENGTH, ENVELOPE_TEXT_PREFIX, GROUP_FINGERPRINT_LENGTH } from '../../../core/envelope';
import { PAPER_LAYOUT } from '../../../core/shard-display';

/** Parts of an envelope, in byte order (see core/envelope.ts for the layout). */
export type EnvelopePart = 'format' | 'ceremony' | 'custodian' | 'fingerprint' | 'share' | 'checksum';

export interface Mismatch {
  /** 1-based word positions that differ (typed words). */
  readonly words?: readonly number[];
  /** 1-based groups of PAPER_GROUP_SIZE characters that differ (typed shard text), as printed on paper. */
  readonly groups?: readonly number[];
  /** Which parts of the shard differ. */
  readonly parts: readonly EnvelopePart[];
  /** The input is longer or shorter than the shard. */
  readonly lengthDiffers: boolean;
  /** Counts, for the message: words or characters given and expected. */
  readonly given: number;
  readonly expected: number;
}

export { PAPER_LAYOUT };

/** Equal length and content, in time that depends only on the lengths. */
export function ctEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= ((a[i] ?? 0) ^ (b[i] ?? 0)) | 0;
  return diff === 0;
}

/** Positions where two byte strings differ (past the shorter one's end, every position counts). No early exit. */
export function differingPositions(a: Uint8Array, b: Uint8Array): number[] {
  const n = Math.max(a.length, b.length);
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const d = ((a[i] ?? 0x100) ^ (b[i] ?? 0x200)) | 0;
    flags[i] = ((d | -d) >>> 31) & 1;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (flags[i] === 1) out.push(i);
  return out;
}

/** Byte ranges of the parts of an envelope (from the expected binary: its label and payload lengths). */
function partRanges(binary: Uint8Array): { part: EnvelopePart; start: number; end: number }[] {
  const L = binary[22] ?? 0;
  const fp = 23 + L;
  const lenAt = fp + GROUP_FINGERPRINT_LENGTH;
  const end = binary.length - 16;
  return [
    { part: 'format', start: 0, end: 4 },
    { part: 'ceremony', start: 4, end: 4 + CEREMONY_ID_LENGTH },
    { part: 'custodian', start: 4 + CEREMONY_ID_LENGTH, end: fp },
    { part: 'fingerprint', start: fp, end: lenAt },
    { part: 'share', start: lenAt, end },
    { part: 'checksum', start: end, end: Number.MAX_SAFE_INTEGER },
  ];
}

export function partsAt(binary: Uint8Array, bytePositions: readonly number[]): EnvelopePart[] {
  const ranges = partRanges(binary);
  const hit = new Set<EnvelopePart>();
  for (const p of bytePositions) {
    const r = ranges.find((x) => p >= x.start && p < x.end);
    if (r !== undefined) hit.add(r.part);
  }
  return ranges.map((r) => r.part).filter((p) => hit.has(p));
}

/** Compares given envelope bytes (e.g. from a scanned QR) with the shard's. Null when they are equal. */
export function compareEnvelopeBytes(expected: Uint8Array, given: Uint8Array): Mismatch | null {
  if (ctEqualBytes(expected, given)) return null;
  const positions = differingPositions(expected, given);
  return { parts: partsAt(expected, positions), lengthDiffers: expected.length !== given.length, given: given.length, expected: expected.length };
}

/**
 * Compares a typed shard text ("KS1 ABCD EFGH ...", any case and spacing) with the shard's bytes. Reports the paper
 * groups that differ and the parts of the shard those characters fall in. Null when equal. (Main compares bytes: what
 * the window sends with compareShardTextBytes, a file opened at a USB read-back with compareShardTextAscii.)
 */
export function compareShardText(expected: Uint8Array, typed: string): Mismatch | null {
  // Line check characters (core/paper-lines) are left out: the comparison names the very groups that differ.
  const compact = removeLineChecks(typed).replace(/\s+/g, '').toUpperCase();
  const chars = new Uint8Array(compact.length);
  for (let i = 0; i < compact.length; i++) chars[i] = Math.min(compact.charCodeAt(i), 0xff);
  try {
    return compareShardTextBytes(expected, chars);
  } finally {
    chars.fill(0);
  }
}

/**
 * Compares a shard text given as ASCII bytes in any case and spacing (a shard file opened at a USB read-back) with the
 * shard's bytes, as compareShardText does for a string, with no string made. Does not wipe `text`.
 */
export function compareShardTextAscii(expected: Uint8Array, text: Uint8Array): Mismatch | null {
  const chars = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    chars[n++] = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  }
  try {
    return compareShardTextBytes(expected, chars.subarray(0, n));
  } finally {
    chars.fill(0);
  }
}

const PREFIX = [...ENVELOPE_TEXT_PREFIX].map((c) => c.charCodeAt(0));

/**
 * Compares a typed shard text given as its characters (spaces and line checks removed, upper case: what the window
 * sends) with the shard's bytes, character by character over the whole input against the shard's own base32 text,
 * made here as bytes (never as a string). Equal exactly when the text is the canonical text of these bytes.
 */
export function compareShardTextBytes(expected: Uint8Array, typed: Uint8Array): Mismatch | null {
  let prefixDiff = typed.length < PREFIX.length ? 1 : 0;
  for (let i = 0; i < PREFIX.length; i++) prefixDiff |= (typed[i] ?? 0) ^ PREFIX[i]!;
  const hasPrefix = prefixDiff === 0;
  const body = hasPrefix ? typed.subarray(PREFIX.length) : typed;
  const expectedBody = encodeBase32Ascii(expected);
  try {
    const n = Math.max(expectedBody.length, body.length);
    const flags = new Uint8Array(n);
    let any = 0;
    for (let i = 0; i < n; i++) {
      const d = ((expectedBody[i] ?? 0) ^ (body[i] ?? 0)) | (i >= expectedBody.length || i >= body.length ? 1 : 0);
      flags[i] = ((d | -d) >>> 31) & 1;
      any |= flags[i]!;
    }
    if (hasPrefix && any === 0) return null;
    // Each differing character is placed in its printed group, and in the parts of the shard its bits fall in.
    const groups = new Set<number>();
    const bytes = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (flags[i] !== 1) continue;
      groups.add(Math.floor(i / PAPER_LAYOUT.groupSize) + 1);
      // Character i carries bits 5i..5i+4, i.e. bytes floor(5i/8) and floor((5i+4)/8).
      bytes.add(Math.floor((5 * i) / 8));
      bytes.add(Math.floor((5 * i + 4) / 8));
    }
    const parts = partsAt(expected, [...bytes]);
    const withPrefix: EnvelopePart[] = hasPrefix ? parts : ['format', ...parts.filter((p) => p !== 'format')];
    return {
      groups: [...groups].sort((a, b) => a - b),
      parts: withPrefix,
      lengthDiffers: expectedBody.length !== body.length,
      given: body.length,
      expected: expectedBody.length,
    };
  } finally {
    expectedBody.fill(0);
  }
}

/** Longest SLIP-39 word is 8 letters; anything typed longer simply differs. */
const WORD_WIDTH = 16;

/**
 * Compares typed words given as ASCII (single spaces: what the window sends) with a SLIP-39 payload (the held
 * mnemonic, ASCII), word by word, without making a string of either. Null when equal.
 */
export function compareWordBytes(expected: Uint8Array, typed: Uint8Array): Mismatch | null {
  const e = wordSpans(expected);
  const t = wordSpans(typed);
  const n = Math.max(e.length, t.length);
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const [es, ee] = e[i] ?? [0, 0];
    const [ts, te] = t[i] ?? [0, 0];
    let d = ((ee - es) ^ (te - ts)) | (te - ts > WORD_WIDTH ? 1 : 0) | (i >= e.length || i >= t.length ? 1 : 0);
    for (let k = 0; k < WORD_WIDTH; k++) d |= (es + k < ee ? expected[es + k]! : 0) ^ (ts + k < te ? typed[ts + k]! : 0);
    flags[i] = ((d | -d) >>> 31) & 1;
  }
  const words: number[] = [];
  for (let i = 0; i < n; i++) if (flags[i] === 1) words.push(i + 1);
  if (words.length === 0) return null;
  return { words, parts: ['share'], lengthDiffers: e.length !== t.length, given: t.length, expected: e.length };
}

/** [start, end) of each space-separated word of ASCII bytes. */
function wordSpans(bytes: Uint8Array): [number, number][] {
  const spans: [number, number][] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x20) continue;
    if (i > start) spans.push([start, i]);
    start = i + 1;
  }
  return spans;
}

/** Compares typed words with the shard's words, position by position. Null when equal. */
export function compareWords(expected: readonly string[], typed: readonly string[]): Mismatch | null {
  const n = Math.max(expected.length, typed.length);
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const e = expected[i] ?? '';
    const t = typed[i] ?? '';
    let d = (e.length ^ t.length) | (t.length > WORD_WIDTH ? 1 : 0) | (i >= expected.length || i >= typed.length ? 1 : 0);
    for (let k = 0; k < WORD_WIDTH; k++) d |= (e.charCodeAt(k) | 0) ^ (t.charCodeAt(k) | 0);
    flags[i] = ((d | -d) >>> 31) & 1;
  }
  const words: number[] = [];
  for (let i = 0; i < n; i++) if (flags[i] === 1) words.push(i + 1);
  if (words.length === 0) return null;
  return { words, parts: ['share'], lengthDiffers: expected.length !== typed.length, given: typed.length, expected: expected.length };
}

/** A sentence for a mismatch: positions and parts, never content. */
export function describeMismatch(m: Mismatch, what: string): string {
  const list = (xs: readonly number[]): string => (xs.length <= 6 ? xs.join(', ') : `${xs.slice(0, 6).join(', ')} and ${xs.length - 6} more`);
  const parts = m.parts.length === 0 ? '' : ` (it differs in: ${m.parts.join(', ')})`;
  if (m.words !== undefined) {
    const count = m.lengthDiffers ? ` ${m.given} words were given; the shard has ${m.expected}.` : '';
    return `${what} does not match the shard that was handed out: word${m.words.length === 1 ? '' : 's'} ${list(m.words)} differ${m.words.length === 1 ? 's' : ''}.${count} Check against your copy and try again.`;
  }
  if (m.groups !== undefined) {
    const count = m.lengthDiffers ? ` ${m.given} characters were given; the shard has ${m.expected}.` : '';
    return `${what} does not match the shard that was handed out: character group${m.groups.length === 1 ? '' : 's'} ${list(m.groups)} differ${m.groups.length === 1 ? 's' : ''}${parts}.${count} Check against your copy and try again.`;
  }
  return `${what} does not match the shard that was handed out${parts}. Check that it is this custodian's shard of this ceremony and try again.`;
}
