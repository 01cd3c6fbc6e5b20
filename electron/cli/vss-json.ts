/**
 * JSON in and out for the lifecycle commands (vss refresh / repair, frost ...): hex fields decoded with errors that
 * name the field and never its value, deal data as `vss deal --json` and its share files write it.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { KeyshardError } from '../../core/errors';
import type { RandomSource } from '../../core/random';
import { CIPHERSUITES, type Ciphersuite, type VssShare, groupFingerprint, isCiphersuite } from '../../core/vss/index';
import { readInputFile } from './files';
import type { CliIo } from './io';

/** node:crypto's CSPRNG as core's RandomSource: a fresh copy each call, the Buffer it came in wiped. */
export const nodeRandom: RandomSource = (length) => {
  const buffer = randomBytes(length);
  const out = Uint8Array.from(buffer);
  buffer.fill(0);
  return out;
};

export function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** Hex to bytes, or INVALID_HEX naming the field (never its value). */
export function fromHex(value: string, field: string): Uint8Array {
  if (value.length === 0 || value.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(value)) {
    throw new KeyshardError('INVALID_HEX', `${field} is not valid hex: it must be an even number of digits 0-9 and a-f, without a 0x prefix.`, { field });
  }
  return hexToBytes(value);
}

export function suiteOf(value: string): Ciphersuite {
  if (!isCiphersuite(value)) {
    throw new KeyshardError('VSS_CIPHERSUITE', `The ciphersuite ${value.length <= 32 ? `"${value}"` : 'given'} is not supported. Use one of: ${CIPHERSUITES.join(', ')}.`, { supported: CIPHERSUITES });
  }
  return value;
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value)}\n`);
}

export const shareSchema = z.strictObject({ identifier: z.string(), signingShare: z.string() });
export type ShareJson = z.infer<typeof shareSchema>;

/** A deal's public data and shares, as vss deal --json prints it, a share file holds it, or vss refresh prints it. */
export const dealSchema = z.looseObject({
  ciphersuite: z.string(),
  threshold: z.number().int(),
  commitments: z.array(z.string()),
  groupPublicKey: z.string().optional(),
  share: shareSchema.optional(),
  shares: z.array(shareSchema).optional(),
});
export type DealJson = z.infer<typeof dealSchema>;

export interface DealInput {
  ciphersuite: Ciphersuite;
  threshold: number;
  commitments: Uint8Array[];
  /** `share` and `shares` together, in that order. Secret: wipe when done. */
  shares: VssShare[];
}

/** Parses JSON text against a schema; shape problems are named by path only, never by value. */
export function parseJson<T>(text: string, schema: z.ZodType<T>, what: string, shape: string): T {
  if (text.trim() === '') throw usage(`Expected ${what}: ${shape}. Run with --help to see an example.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, which may hold shares: never pass it on.
    throw new KeyshardError('INVALID_ARGUMENT', `${what} is not valid JSON. Expected ${shape}.`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const where = result.error.issues.slice(0, 3).map((i) => i.path.map(String).join('.') || 'the top level').join(', ');
    throw new KeyshardError('INVALID_ARGUMENT', `${what} does not have the expected shape (check ${where}). Expected ${shape}.`);
  }
  return result.data;
}

/** Several JSON values one after another (concatenated files, JSON lines) or one JSON array of them. */
export function splitJsonValues(text: string, what: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new KeyshardError('INVALID_ARGUMENT', `${what} is not valid JSON.`);
    }
    if (!Array.isArray(parsed)) throw new KeyshardError('INVALID_ARGUMENT', `${what} must be a JSON array or JSON objects one after another.`);
    return parsed.map((v) => JSON.stringify(v));
  }
  // Objects one after another: split at depth 0, strings respected.
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) out.push(trimmed.slice(start, i + 1));
      if (depth < 0) break;
    } else if (depth === 0 && !/\s/.test(ch!)) {
      throw new KeyshardError('INVALID_ARGUMENT', `${what} must be JSON objects one after another (or a JSON array of them).`);
    }
  }
  if (depth !== 0 || inString) throw new KeyshardError('INVALID_ARGUMENT', `${what} ends in the middle of a JSON object: it was cut short.`);
  return out;
}

export function decodeDeal(input: DealJson, where: string): DealInput {
  const ciphersuite = suiteOf(input.ciphersuite);
  const commitments = input.commitments.map((c, i) => fromHex(c, `${where} commitments[${i}]`));
  if (input.groupPublicKey !== undefined && commitments[0] !== undefined && input.groupPublicKey.toLowerCase() !== bytesToHex(commitments[0])) {
    throw new KeyshardError('VSS_COMMITMENT', `The group public key in ${where} is not its first commitment: one of them was changed or comes from another deal. Compare them with the published deal.`);
  }
  const list = [...(input.share === undefined ? [] : [input.share]), ...(input.shares ?? [])];
  const shares = list.map((s, i) => ({
    identifier: fromHex(s.identifier, `${where} share #${i + 1} identifier`),
    signingShare: fromHex(s.signingShare, `${where} share #${i + 1} signingShare`),
  }));
  return { ciphersuite, threshold: input.threshold, commitments, shares };
}

export async function readDealFile(path: string, what: string): Promise<DealInput> {
  const raw = await readInputFile(path);
  const text = new TextDecoder().decode(raw);
  raw.fill(0);
  return decodeDeal(parseJson(text, dealSchema, `${what} (${path})`, '{"ciphersuite","threshold","commitments":[...],"share":{"identifier","signingShare"}}'), what);
}

export function wipeShares(shares: readonly VssShare[]): void {
  for (const s of shares) s.signingShare.fill(0);
}

export function shareJson(s: VssShare): ShareJson {
  return { identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) };
}

/** The public head of a deal, as vss deal prints it. */
export function publicDeal(ciphersuite: Ciphersuite, threshold: number, commitments: readonly Uint8Array[]) {
  return {
    ciphersuite,
    threshold,
    groupPublicKey: bytesToHex(commitments[0]!),
    fingerprint: groupFingerprint(ciphersuite, commitments[0]!).hex,
    commitments: commitments.map(bytesToHex),
  };
}

/** An identifier given on the command line: a custodian number 1..255, or the identifier's hex. */
export function identifierArg(ciphersuite: Ciphersuite, value: string, flag: string): Uint8Array {
  if (/^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= 255) {
    const out = new Uint8Array(32);
    // RFC 9591 serializes a small identifier as a scalar: little-endian for ed25519, big-endian otherwise.
    out[ciphersuite === 'ed25519' ? 0 : 31] = Number(value);
    return out;
  }
  if (/^[0-9a-fA-F]{64}$/.test(value)) return hexToBytes(value);
  throw usage(`${flag} must be a custodian number (1-255) or the identifier's 64 hex digits.`);
}
