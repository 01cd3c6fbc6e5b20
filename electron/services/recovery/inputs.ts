/**
 * From what a person gives (a shard text, a QR code, typed words, a protected file and its key) to one decoded share
 * with its public facts. Every problem is a KeyshardError with core's code and message (position of a wrong word and
 * its suggestion, a damaged checksum, a missing QR part): the caller reports it as a rejected shard.
 *
 * Byte arrays that held share material here are wiped before returning; the caller owns (and wipes) the share values
 * in the returned candidate. JS strings (a decoded mnemonic, an opened file's text) cannot be wiped: they are dropped
 * as soon as the share is decoded.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  EnvelopeScheme,
  decodeEnvelope,
  decodeSlip39Payload,
  decodeVssPayload,
  envelopeFromText,
  vssCiphersuite,
  wipeEnvelope,
  type Envelope,
  type VssCiphersuite,
} from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { createQrAssembler } from '../../../core/qr/index';
import { decodeShare, type Slip39Share } from '../../../core/slip39/index';
import type { OpeningKey } from '../protection/index';
import type { ShardInput, ShardSource } from './types';

/** The inputs that carry the shard itself (the others name where main reads it: sources.ts). */
export type ContentShardInput = Exclude<ShardInput, { readonly driveFile: unknown } | { readonly token: unknown }>;

/** The public facts an envelope carries about its shard. */
export interface EnvelopeFacts {
  readonly ceremonyId: string;
  readonly fingerprint: string;
  readonly custodianIndex: number;
  readonly custodianLabel: string;
}

export interface Slip39Candidate {
  readonly kind: 'slip39';
  readonly source: ShardSource;
  /** `value` is secret: the caller wipes it. */
  readonly share: Slip39Share;
  readonly envelope?: EnvelopeFacts;
}

export interface VssCandidate {
  readonly kind: 'vss';
  readonly source: ShardSource;
  readonly ciphersuite: VssCiphersuite;
  readonly threshold: number;
  readonly shareCount: number;
  /** Public (the signer number as a scalar). */
  readonly identifier: Uint8Array;
  /** Secret: the caller wipes it. */
  readonly signingShare: Uint8Array;
  readonly commitments: readonly string[];
  readonly envelope: EnvelopeFacts;
}

export type Candidate = Slip39Candidate | VssCandidate;

export function wipeCandidate(c: Candidate): void {
  if (c.kind === 'slip39') c.share.value.fill(0);
  else c.signingShare.fill(0);
}

/** Largest UR part count accepted in one go (a 64 KiB payload at 200 bytes a part needs ~330). */
export const MAX_UR_PARTS = 512;

/** The candidate of a decoded envelope (source names where it came from). Wipes the envelope. */
export function fromEnvelope(envelope: Envelope, source: ShardSource, n: number): Candidate {
  try {
    const facts: EnvelopeFacts = {
      ceremonyId: bytesToHex(envelope.ceremonyId),
      fingerprint: bytesToHex(envelope.groupFingerprint),
      custodianIndex: envelope.custodianIndex,
      custodianLabel: envelope.custodianLabel,
    };
    if (envelope.scheme === EnvelopeScheme.slip39) {
      return { kind: 'slip39', source, share: decodeShare(decodeSlip39Payload(envelope.payload), n), envelope: facts };
    }
    const ciphersuite = vssCiphersuite(envelope.scheme);
    if (ciphersuite === undefined) throw new KeyshardError('ENVELOPE_VERSION', 'This shard holds a kind of share this keyshard cannot recover.');
    const p = decodeVssPayload(envelope.scheme, envelope.payload);
    return {
      kind: 'vss',
      source,
      ciphersuite,
      threshold: p.threshold,
      shareCount: p.shareCount,
      identifier: Uint8Array.from(p.identifier),
      signingShare: Uint8Array.from(p.signingShare),
      commitments: p.commitments.map((c) => bytesToHex(c)),
      envelope: facts,
    };
  } finally {
    wipeEnvelope(envelope);
  }
}

/** Envelope bytes from complete QR texts: one single code, or every part of an animated one. */
function bytesFromQr(texts: readonly string[]): Uint8Array {
  const assembler = createQrAssembler();
  let lastError: KeyshardError | undefined;
  for (const t of texts) {
    const r = assembler.receive(t);
    // A misread part among many is tolerable (the fountain code may not need it); a lone bad code is the answer.
    if (r.status === 'rejected' && r.error !== undefined && texts.length === 1) throw r.error;
    if (r.status === 'rejected') lastError = r.error;
  }
  // Not one part was usable: say why (e.g. not a keyshard code), not "parts missing".
  if (!assembler.isComplete() && assembler.progress().received === 0 && lastError !== undefined) throw lastError;
  try {
    return assembler.result(); // QR_INCOMPLETE says how many parts are missing
  } finally {
    assembler.reset();
  }
}

function looksEncrypted(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('-----BEGIN AGE ENCRYPTED FILE-----') || t.startsWith('-----BEGIN PGP MESSAGE-----') || t.startsWith('age-encryption.org/');
}

function base64Bytes(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The file content was not sent as base64. This is a bug in the screen that sent it.');
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/**
 * Decodes one shard input. `n` (1-based) names it in messages ("Share 3: word 7 is not a SLIP-39 word").
 * Throws KeyshardError for anything that is not a readable share.
 */
export async function readShardInput(input: ContentShardInput, n: number, open: (data: string | Uint8Array, key: OpeningKey) => Promise<string>): Promise<Candidate> {
  if ('urParts' in input) {
    const bytes = bytesFromQr(input.urParts);
    try {
      return fromEnvelope(decodeEnvelope(bytes), 'qr', n);
    } finally {
      bytes.fill(0);
    }
  }
  if ('file' in input) {
    const data = 'base64' in input.file ? base64Bytes(input.file.base64) : input.file.text;
    try {
      const text = await open(data, input.openingKey);
      return fromEnvelope(envelopeFromText(text), 'protected-file', n);
    } finally {
      if (typeof data !== 'string') data.fill(0);
    }
  }
  const text = input.text;
  const head = text.replace(/\s+/g, '').slice(0, 3).toUpperCase();
  if (head === 'KS1') return fromEnvelope(envelopeFromText(text), 'envelope', n);
  if (head === 'UR:') {
    const bytes = bytesFromQr([text]);
    try {
      return fromEnvelope(decodeEnvelope(bytes), 'qr', n);
    } finally {
      bytes.fill(0);
    }
  }
  if (looksEncrypted(text)) {
    throw new KeyshardError('ENVELOPE_DECRYPT', "This is an encrypted shard file: add it as a file, together with its custodian's key.", { reason: 'needs-key' });
  }
  return { kind: 'slip39', source: 'mnemonic', share: decodeShare(text, n) };
}
