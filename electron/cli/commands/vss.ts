/**
 * `keyshard vss deal | verify-share | combine`: verifiable FROST signer shares (RFC 9591 trusted dealer with
 * Feldman commitments) from the command line. The JSON shapes are the stable contract in DESIGN.md; hex is
 * lowercase, scalars and points serialized as RFC 9591 does for the ciphersuite.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { KeyshardError } from '../../../core/errors';
import type { RandomSource } from '../../../core/random';
import {
  CIPHERSUITES,
  type Ciphersuite,
  MAX_SHARES,
  type VssShare,
  combineShares,
  dealShares,
  groupFingerprint,
  isCiphersuite,
  verifyShare,
} from '../../../core/vss/index';
import { type ParsedArgs, intValue, requireValue } from '../args';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';

/** node:crypto's CSPRNG as core's RandomSource: a fresh copy each call, the Buffer it came in wiped. */
const nodeRandom: RandomSource = (length) => {
  const buffer = randomBytes(length);
  const out = Uint8Array.from(buffer);
  buffer.fill(0);
  return out;
};

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** Hex to bytes, or INVALID_HEX naming the field (never its value). */
function fromHex(value: string, field: string): Uint8Array {
  if (value.length === 0 || value.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(value)) {
    throw new KeyshardError('INVALID_HEX', `${field} is not valid hex: it must be an even number of digits 0-9 and a-f, without a 0x prefix.`, { field });
  }
  return hexToBytes(value);
}

function suiteOf(value: string): Ciphersuite {
  if (!isCiphersuite(value)) {
    const shown = value.length <= 32 ? `"${value}"` : 'given';
    throw new KeyshardError('VSS_CIPHERSUITE', `The ciphersuite ${shown} is not supported. Use one of: ${CIPHERSUITES.join(', ')}.`, {
      supported: CIPHERSUITES,
      usage: true,
    });
  }
  return value;
}

function writeJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value)}\n`);
}

// ---- stdin JSON ------------------------------------------------------------------------------------------

const shareSchema = z.strictObject({ identifier: z.string(), signingShare: z.string() });
const verifyInputSchema = z.strictObject({
  ciphersuite: z.string(),
  threshold: z.number().int(),
  commitments: z.array(z.string()),
  share: shareSchema,
});
const combineInputSchema = z.strictObject({
  ciphersuite: z.string(),
  threshold: z.number().int(),
  commitments: z.array(z.string()).optional(),
  shares: z.array(shareSchema),
});

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || 'the input';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** Describes a shape problem from the schema alone: field names and expected types, never the values given. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = pathText(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(input, issue.path) === undefined) return `${where} is missing`;
      return `${where} must be ${issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}`;
    case 'unrecognized_keys':
      return `${where} has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k.slice(0, 32)}"`).join(', ')}`;
    default:
      return `${where} is not valid`;
  }
}

async function readJson<T>(io: CliIo, schema: z.ZodType<T>, shape: string): Promise<T> {
  const text = await io.readStdin();
  if (text.trim() === '') throw usage(`Expected JSON on standard input: ${shape}. Run with --help to see an example.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, which may hold shares: never pass it on.
    throw new KeyshardError('INVALID_ARGUMENT', `Standard input is not valid JSON. Expected ${shape}.`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 3).map((i) => describeIssue(i, parsed)).join('; ');
    throw new KeyshardError('INVALID_ARGUMENT', `The JSON on standard input does not have the expected shape (${problems}). Expected ${shape}.`);
  }
  return result.data;
}

function sharesFromJson(shares: readonly { identifier: string; signingShare: string }[], field: (i: number) => string): VssShare[] {
  return shares.map((s, i) => ({
    identifier: fromHex(s.identifier, `${field(i)}.identifier`),
    signingShare: fromHex(s.signingShare, `${field(i)}.signingShare`),
  }));
}

function wipe(shares: readonly VssShare[]): void {
  for (const s of shares) s.signingShare.fill(0);
}

// ---- commands ----------------------------------------------------------------------------------------------

const SUITE_LIST = CIPHERSUITES.join('|');

export const vssDealCommand: CliCommand = {
  group: 'vss',
  action: 'deal',
  summary: 'Deal verifiable FROST signer shares of a key (RFC 9591 trusted dealer)',
  help: `Usage: keyshard vss deal --ciphersuite ${SUITE_LIST} --threshold T --shares N [--secret-hex HEX] [--json]

Splits a signing key into N shares, any T of which recover it or sign with it as FROST signers
(RFC 9591, trusted-dealer key generation with Feldman commitments). Each custodian can check their
share against the public commitments with \`keyshard vss verify-share\`.

Options:
  --ciphersuite S   ed25519, secp256k1 or p256
  --threshold T     shares needed, 2..N (FROST has no 1-of-N: that would be N copies of the key)
  --shares N        shares to deal, T..${MAX_SHARES}; identifiers are 1..N
  --secret-hex HEX  the group secret scalar to share, 64 hex digits: little-endian for ed25519
                    (a scalar, not an RFC 8032 seed), big-endian for secp256k1 and p256. Without
                    it a fresh key is drawn from the system's CSPRNG. A value on the command line
                    can be seen in the process list and shell history: prefer a fresh key.
  --json            print JSON (below) instead of text

Output (--json):
  {"ciphersuite":"ed25519","threshold":T,"groupPublicKey":"hex","commitments":["hex",...],
   "shares":[{"identifier":"hex","signingShare":"hex"},...]}
  commitments[0] is the group public key. Everything but the signing shares is public.
`,
  options: { values: ['ciphersuite', 'threshold', 'shares', 'secret-hex'], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const ciphersuite = suiteOf(requireValue(args, 'ciphersuite'));
    const threshold = intValue(args, 'threshold', 1, MAX_SHARES);
    const shares = intValue(args, 'shares', 2, MAX_SHARES);
    if (threshold === 1) throw usage('--threshold must be at least 2: FROST needs two signers, and a 1-of-N split would just be N copies of the key.');
    if (threshold > shares) throw usage(`--threshold (${threshold}) cannot be larger than --shares (${shares}).`);
    const secretHex = args.values.get('secret-hex');
    const secret = secretHex === undefined ? undefined : fromHex(secretHex, '--secret-hex');
    try {
      const deal = dealShares({ ciphersuite, threshold, shares, secret, random: nodeRandom });
      try {
        const out = {
          ciphersuite: deal.ciphersuite,
          threshold: deal.threshold,
          groupPublicKey: bytesToHex(deal.groupPublicKey),
          commitments: deal.commitments.map(bytesToHex),
          shares: deal.shares.map((s) => ({ identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) })),
        };
        if (args.booleans.get('json') === true) {
          writeJson(io, out);
        } else {
          const lines = [
            `Dealt ${shares} ${ciphersuite} shares; any ${threshold} recover the key or sign with it (RFC 9591 FROST).`,
            `Group public key: ${out.groupPublicKey}`,
            `Fingerprint:      ${groupFingerprint(ciphersuite, deal.groupPublicKey).display}`,
            'Commitments (public; every custodian needs them to verify their share):',
            ...out.commitments.map((c, i) => `  ${String(i).padStart(3)}  ${c}`),
            'Shares (secret; give each to its custodian only):',
            ...out.shares.map((s) => `  identifier ${s.identifier}\n  signing share ${s.signingShare}`),
          ];
          io.stdout(`${lines.join('\n')}\n`);
        }
        return 0;
      } finally {
        wipe(deal.shares);
      }
    } finally {
      secret?.fill(0);
    }
  },
};

export const vssVerifyShareCommand: CliCommand = {
  group: 'vss',
  action: 'verify-share',
  summary: "Check one signer share against its deal's public commitments",
  help: `Usage: keyshard vss verify-share [--json] < input.json

Reads one share and the deal's public data on standard input and checks the share against the
commitments (RFC 9591 Appendix C.2 vss_verify). Exits 0 when it matches; otherwise exits non-zero
with VSS_SHARE_INVALID (or INVALID_ARGUMENT / INVALID_HEX / VSS_CIPHERSUITE for malformed input).

Input:
  {"ciphersuite":"${SUITE_LIST}","threshold":T,"commitments":["hex",...],
   "share":{"identifier":"hex","signingShare":"hex"}}

Output (--json):
  {"valid":true,"verifyingShare":"hex"}
  verifyingShare is the share's public key G·signingShare, which FROST signers publish.
`,
  options: { booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const input = await readJson(io, verifyInputSchema, '{"ciphersuite","threshold","commitments":[...],"share":{"identifier","signingShare"}}');
    const ciphersuite = suiteOf(input.ciphersuite);
    const commitments = input.commitments.map((c, i) => fromHex(c, `commitments[${i}]`));
    const [share] = sharesFromJson([input.share], () => 'share');
    try {
      const verifying = verifyShare(ciphersuite, input.threshold, commitments, share!);
      if (args.booleans.get('json') === true) writeJson(io, { valid: true, verifyingShare: bytesToHex(verifying) });
      else io.stdout(`Valid: the share with identifier ${input.share.identifier} matches the commitments.\nVerifying share: ${bytesToHex(verifying)}\n`);
      return 0;
    } finally {
      wipe([share!]);
    }
  },
};

export const vssCombineCommand: CliCommand = {
  group: 'vss',
  action: 'combine',
  summary: 'Recover a FROST group secret from a quorum of signer shares',
  help: `Usage: keyshard vss combine [--json] < input.json

Reads shares on standard input and recovers the group secret from any threshold of them. Give the
deal's commitments too: then every share is verified first and a bad one is named by its position and
identifier, and the recovered key is checked against the group public key. Without commitments the
shares can only be checked against each other.

Input:
  {"ciphersuite":"${SUITE_LIST}","threshold":T,"commitments":["hex",...] (optional),
   "shares":[{"identifier":"hex","signingShare":"hex"},...]}

Output (--json):
  {"secretHex":"hex","groupPublicKey":"hex"}
Errors: BELOW_THRESHOLD (says how many more shares are needed), DUPLICATE_SHARE, VSS_SHARE_INVALID,
SHARES_MISMATCH, INVALID_ARGUMENT, INVALID_HEX, VSS_CIPHERSUITE.
`,
  options: { booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const input = await readJson(io, combineInputSchema, '{"ciphersuite","threshold","commitments"?:[...],"shares":[{"identifier","signingShare"},...]}');
    const ciphersuite = suiteOf(input.ciphersuite);
    const commitments = input.commitments?.map((c, i) => fromHex(c, `commitments[${i}]`));
    const shares = sharesFromJson(input.shares, (i) => `shares[${i}]`);
    try {
      const { secret, groupPublicKey } = combineShares({ ciphersuite, threshold: input.threshold, shares, commitments });
      try {
        if (args.booleans.get('json') === true) {
          writeJson(io, { secretHex: bytesToHex(secret), groupPublicKey: bytesToHex(groupPublicKey) });
        } else {
          io.stdout(
            [
              `Recovered the ${ciphersuite} group secret from ${shares.length} shares${commitments ? ', each verified against the commitments' : ''}.`,
              `Secret:           ${bytesToHex(secret)}`,
              `Group public key: ${bytesToHex(groupPublicKey)}`,
              `Fingerprint:      ${groupFingerprint(ciphersuite, groupPublicKey).display}`,
              '',
            ].join('\n'),
          );
        }
        return 0;
      } finally {
        secret.fill(0);
      }
    } finally {
      wipe(shares);
    }
  },
};

/** Register these in electron/cli/commands/index.ts. */
export const vssCommands: readonly CliCommand[] = [vssDealCommand, vssVerifyShareCommand, vssCombineCommand];
