/**
 * `keyshard vss deal | verify-share | combine`: verifiable FROST signer shares (RFC 9591 trusted dealer with
 * Feldman commitments) from the command line. The JSON shapes are the stable contract in DESIGN.md; hex is
 * lowercase, scalars and points serialized as RFC 9591 does for the ciphersuite.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
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
import { fingerprintMatches, fingerprintMismatch, parseFingerprintArg } from '../expected-key';
import { outputFolder, readInputFile, writeNewFile } from '../files';
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
/**
 * Public fields other commands print next to shares (vss deal's output, shard open --reveal), accepted so their JSON
 * goes in as it is; the group key and fingerprint, when there, are checked against the commitments.
 */
const publicFields = {
  groupPublicKey: z.string().optional(),
  fingerprint: z.string().optional(),
  ceremonyId: z.string().optional(),
  custodianIndex: z.number().optional(),
  label: z.string().optional(),
  scheme: z.string().optional(),
};
const verifyInputSchema = z.strictObject({
  ciphersuite: z.string(),
  threshold: z.number().int(),
  commitments: z.array(z.string()),
  share: shareSchema.optional(),
  shares: z.array(shareSchema).optional(),
  ...publicFields,
});
const combineInputSchema = z.strictObject({
  ciphersuite: z.string(),
  threshold: z.number().int(),
  commitments: z.array(z.string()).optional(),
  shares: z.array(shareSchema),
  ...publicFields,
});

/** The group key and fingerprint an input claims, which must be those of its commitments (else VSS_COMMITMENT). */
function checkClaims(ciphersuite: Ciphersuite, commitments: readonly Uint8Array[], input: { groupPublicKey?: string | undefined; fingerprint?: string | undefined }): void {
  const key = commitments[0];
  if (key === undefined) return;
  const keyHex = bytesToHex(key);
  const fingerprint = groupFingerprint(ciphersuite, key).hex;
  if ((input.groupPublicKey !== undefined && input.groupPublicKey.toLowerCase() !== keyHex) || (input.fingerprint !== undefined && !fingerprint.startsWith(input.fingerprint.replace(/\s/g, '').toLowerCase()))) {
    throw new KeyshardError(
      'VSS_COMMITMENT',
      'The group public key or fingerprint in the input is not that of its commitments (commitments[0] is the group public key): one of them was changed or comes from another deal. Compare them with the published deal.',
    );
  }
}

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

/**
 * The secret to deal: --secret-hex, else one line of hex piped on standard input. Only when neither holds anything
 * (a terminal, or empty input) is there no secret, and a fresh key is dealt: piped text is never silently replaced.
 */
async function givenSecret(args: ParsedArgs, io: CliIo): Promise<{ bytes: Uint8Array; from: string } | undefined> {
  const flag = args.values.get('secret-hex');
  const file = args.values.get('secret-file');
  if (flag !== undefined && file !== undefined) throw usage('Give --secret-hex or --secret-file, not both.');
  if (flag !== undefined) return { bytes: fromHex(flag.trim(), '--secret-hex'), from: 'with --secret-hex' };
  if (file !== undefined) {
    const raw = await readInputFile(file, 4096);
    const line = new TextDecoder().decode(raw).split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
    raw.fill(0);
    return { bytes: fromHex(line.trim().replace(/^0x/i, ''), `The secret in ${file}`), from: `in ${file}` };
  }
  const lines = (await io.readStdin()).split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return undefined;
  if (lines.length > 1) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Standard input holds more than one line. Give the secret as one line of hex, or nothing for a fresh key.');
  }
  return { bytes: fromHex(lines[0]!.trim().replace(/^0x/i, ''), 'The secret on standard input'), from: 'on standard input' };
}

/** --group-key and --fingerprint of vss combine: what the recovered key must be, when the team knows it. */
function expectedKey(args: ParsedArgs): { groupKey?: string; fingerprint?: string } {
  const groupKey = args.values.get('group-key');
  const fingerprint = args.values.get('fingerprint');
  if (groupKey !== undefined && !/^(?:[0-9a-fA-F]{2})+$/.test(groupKey)) {
    throw new KeyshardError('INVALID_HEX', '--group-key must be the group public key in hex, as vss deal prints it.', { usage: true });
  }
  return {
    ...(groupKey === undefined ? {} : { groupKey: groupKey.toLowerCase() }),
    ...(fingerprint === undefined ? {} : { fingerprint: parseFingerprintArg(fingerprint) }),
  };
}

/** Throws FINGERPRINT_MISMATCH unless the group key is the one expected. Public data only. */
function checkExpected(ciphersuite: Ciphersuite, groupPublicKey: Uint8Array, expected: { groupKey?: string; fingerprint?: string }, what: string): void {
  if (expected.groupKey !== undefined && bytesToHex(groupPublicKey) !== expected.groupKey) {
    throw fingerprintMismatch(`${what} is not the group public key given with --group-key.`, { expected: 'group-key' });
  }
  if (expected.fingerprint !== undefined && !fingerprintMatches(groupFingerprint(ciphersuite, groupPublicKey).hex, expected.fingerprint)) {
    throw fingerprintMismatch(`The fingerprint of ${what.charAt(0).toLowerCase()}${what.slice(1)} is not the one given with --fingerprint.`, { expected: 'fingerprint' });
  }
}

/** vss deal --out: one file per custodian (what vss verify-share reads) and the public commitments. */
async function writeDealFiles(
  dir: string,
  deal: { ciphersuite: string; threshold: number; groupPublicKey: string; fingerprint: string; commitments: string[]; shares: { identifier: string; signingShare: string }[] },
): Promise<string[]> {
  await outputFolder(dir);
  const present = await readdir(dir).catch(() => []);
  if (present.length > 0) {
    throw new KeyshardError('FILE_EXISTS', `${dir} is not empty. Give a new or empty folder for the share files; keyshard never replaces files.`, { path: dir });
  }
  const { shares, ...publicPart } = deal;
  const files: string[] = [];
  for (let i = 0; i < shares.length; i++) {
    const name = `share-${i + 1}.json`;
    await writeNewFile(join(dir, name), `${JSON.stringify({ ...publicPart, share: shares[i] })}\n`, `the share file ${name}`);
    files.push(name);
  }
  await writeNewFile(join(dir, 'commitments.json'), `${JSON.stringify(publicPart)}\n`, 'commitments.json');
  files.push('commitments.json');
  return files;
}

// ---- commands ----------------------------------------------------------------------------------------------

const SUITE_LIST = CIPHERSUITES.join('|');

export const vssDealCommand: CliCommand = {
  group: 'vss',
  action: 'deal',
  summary: 'Deal verifiable FROST signer shares of a key (RFC 9591 trusted dealer)',
  help: `Usage: keyshard vss deal --ciphersuite ${SUITE_LIST} --threshold T --shares N [--secret-hex HEX] [--out DIR] [--json] [< secret.hex]

Splits a signing key into N shares, any T of which recover it or sign with it as FROST signers
(RFC 9591, trusted-dealer key generation with Feldman commitments). Each custodian can check their
share against the public commitments with \`keyshard vss verify-share\`.

Options:
  --ciphersuite S   ed25519, secp256k1 or p256
  --threshold T     shares needed, 2..N (FROST has no 1-of-N: that would be N copies of the key)
  --shares N        shares to deal, T..${MAX_SHARES}; identifiers are 1..N
  --secret-hex HEX  the group secret scalar to share, 64 hex digits: little-endian for ed25519
                    (a scalar, not an RFC 8032 seed), big-endian for secp256k1 and p256. Without
                    it, a secret piped on standard input (one line of hex) is dealt; only when
                    standard input is a terminal or empty is a fresh key drawn from the system's
                    CSPRNG. A value on the command line can be seen in the process list and shell
                    history: pipe it, or prefer a fresh key.
  --secret-file FILE  read the secret (one line of hex) from FILE instead
  --out DIR         write one file per custodian, DIR/share-<identifier number>.json (mode 0600; each is
                    what vss verify-share reads), and DIR/commitments.json (public), instead of
                    printing the shares. DIR is created, or must be empty; no file is ever replaced.
  --json            print JSON (below) instead of text

Output (--json):
  {"ciphersuite":"ed25519","threshold":T,"groupPublicKey":"hex","fingerprint":"hex",
   "commitments":["hex",...],"shares":[{"identifier":"hex","signingShare":"hex"},...]}
  commitments[0] is the group public key. Everything but the signing shares is public.
  With --out, "shares" is replaced by "out":"DIR","files":["share-1.json",...,"commitments.json"].
`,
  options: { values: ['ciphersuite', 'threshold', 'shares', 'secret-hex', 'secret-file', 'out'], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const ciphersuite = suiteOf(requireValue(args, 'ciphersuite'));
    const threshold = intValue(args, 'threshold', 1, MAX_SHARES);
    const shares = intValue(args, 'shares', 2, MAX_SHARES);
    if (threshold === 1) throw usage('--threshold must be at least 2: FROST needs two signers, and a 1-of-N split would just be N copies of the key.');
    if (threshold > shares) throw usage(`--threshold (${threshold}) cannot be larger than --shares (${shares}).`);
    const given = await givenSecret(args, io);
    const secret = given?.bytes;
    try {
      const deal = dealShares({ ciphersuite, threshold, shares, secret, random: nodeRandom });
      try {
        const fingerprint = groupFingerprint(ciphersuite, deal.groupPublicKey);
        const out = {
          ciphersuite: deal.ciphersuite,
          threshold: deal.threshold,
          groupPublicKey: bytesToHex(deal.groupPublicKey),
          fingerprint: fingerprint.hex,
          commitments: deal.commitments.map(bytesToHex),
          shares: deal.shares.map((s) => ({ identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) })),
        };
        const outDir = args.values.get('out');
        if (outDir !== undefined) {
          const { shares: _secret, ...publicPart } = out;
          const files = await writeDealFiles(outDir, out);
          if (args.booleans.get('json') === true) writeJson(io, { ...publicPart, out: outDir, files });
          else {
            io.stdout(
              [
                `Dealt ${shares} ${ciphersuite} shares of ${given === undefined ? "a fresh key from the system's CSPRNG" : `the key given ${given.from}`}; any ${threshold} recover the key or sign with it (RFC 9591 FROST).`,
                `Group public key: ${out.groupPublicKey}`,
                `Fingerprint:      ${fingerprint.display}`,
                `Wrote ${files.length - 1} share files and commitments.json to ${outDir}. Give each custodian their own file only;`,
                `each checks theirs with: npx keyshard vss verify-share < ${outDir}/share-N.json`,
                '',
              ].join('\n'),
            );
          }
          return 0;
        }
        if (args.booleans.get('json') === true) {
          writeJson(io, out);
        } else {
          const lines = [
            `Dealt ${shares} ${ciphersuite} shares of ${given === undefined ? "a fresh key from the system's CSPRNG" : `the key given ${given.from}`}; any ${threshold} recover the key or sign with it (RFC 9591 FROST).`,
            `Group public key: ${out.groupPublicKey}`,
            `Fingerprint:      ${fingerprint.display}`,
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

Reads one share (or several, e.g. the output of vss deal as it is, or of shard open --reveal) and the
deal's public data on standard input and checks each share against the commitments (RFC 9591
Appendix C.2 vss_verify). Exits 0 when every share matches; otherwise exits non-zero with
VSS_SHARE_INVALID, VSS_COMMITMENT (a group key or fingerprint that is not the commitments'), or
INVALID_ARGUMENT / INVALID_HEX / VSS_CIPHERSUITE for malformed input.

Input:
  {"ciphersuite":"${SUITE_LIST}","threshold":T,"commitments":["hex",...],
   "share":{"identifier":"hex","signingShare":"hex"}}        (or "shares":[...])

Output (--json):
  {"valid":true,"verifyingShare":"hex","groupPublicKey":"hex","fingerprint":"hex"}
  ("verifyingShares":[...] for several). A verifying share is the share's public key G·signingShare,
  which FROST signers publish. Read the fingerprint aloud against the ceremony's record.
`,
  options: { booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const shape = '{"ciphersuite","threshold","commitments":[...],"share":{"identifier","signingShare"}}';
    const input = await readJson(io, verifyInputSchema, shape);
    if ((input.share === undefined) === (input.shares === undefined)) {
      throw new KeyshardError('INVALID_ARGUMENT', `The JSON on standard input must have either "share" or "shares". Expected ${shape}.`);
    }
    const ciphersuite = suiteOf(input.ciphersuite);
    const commitments = input.commitments.map((c, i) => fromHex(c, `commitments[${i}]`));
    const one = input.share !== undefined;
    const shares = one ? sharesFromJson([input.share!], () => 'share') : sharesFromJson(input.shares!, (i) => `shares[${i}]`);
    try {
      const verifying = shares.map((share, i) => {
        try {
          return bytesToHex(verifyShare(ciphersuite, input.threshold, commitments, share));
        } catch (e) {
          // Name which of several shares failed; one share is "the share" already.
          if (!one && e instanceof KeyshardError) throw new KeyshardError(e.code, `Share #${i + 1}: ${e.message}`, { ...e.details, index: i });
          throw e;
        }
      });
      checkClaims(ciphersuite, commitments, input);
      const groupPublicKey = bytesToHex(commitments[0]!);
      const fingerprint = groupFingerprint(ciphersuite, commitments[0]!);
      if (args.booleans.get('json') === true) {
        writeJson(io, { valid: true, ...(one ? { verifyingShare: verifying[0] } : { verifyingShares: verifying }), groupPublicKey, fingerprint: fingerprint.hex });
      } else {
        io.stdout(
          [
            one ? `Valid: the share with identifier ${input.share!.identifier} matches the commitments.` : `Valid: all ${shares.length} shares match the commitments.`,
            ...verifying.map((v) => `Verifying share: ${v}`),
            `Group public key: ${groupPublicKey}`,
            `Fingerprint:      ${fingerprint.display}`,
            '',
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      wipe(shares);
    }
  },
};

export const vssCombineCommand: CliCommand = {
  group: 'vss',
  action: 'combine',
  summary: 'Recover a FROST group secret from a quorum of signer shares',
  help: `Usage: keyshard vss combine [--group-key HEX] [--fingerprint FP] [--no-verify] [--json] < input.json

Reads shares on standard input and recovers the group secret from any threshold of them. Every share
is verified against the deal's commitments first; a bad one is named by its position and identifier,
and commitments that no share matches are reported as VSS_COMMITMENT. The output of \`vss deal --json\`
is accepted as it is.

Options:
  --group-key HEX   the group public key the team expects; checked before anything is combined
  --fingerprint FP  the key's fingerprint the team expects (64 hex digits, or the 32 read aloud)
  --no-verify       combine shares given without commitments. Nothing then vouches for them: a share
                    of another deal silently gives a wrong key, unless --group-key or --fingerprint
                    is given, which is still checked.
  --json            print JSON (below) instead of text

Input:
  {"ciphersuite":"${SUITE_LIST}","threshold":T,"commitments":["hex",...] (optional),
   "shares":[{"identifier":"hex","signingShare":"hex"},...]}

Output (--json):
  {"secretHex":"hex","groupPublicKey":"hex","fingerprint":"hex"}
Errors: BELOW_THRESHOLD (says how many more shares are needed), DUPLICATE_SHARE, VSS_SHARE_INVALID,
VSS_COMMITMENT, VSS_NO_COMMITMENTS (no commitments and no --no-verify), FINGERPRINT_MISMATCH,
SHARES_MISMATCH, INVALID_ARGUMENT, INVALID_HEX, VSS_CIPHERSUITE.
`,
  options: { values: ['group-key', 'fingerprint'], booleans: ['json', 'verify'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const expected = expectedKey(args);
    const input = await readJson(io, combineInputSchema, '{"ciphersuite","threshold","commitments"?:[...],"shares":[{"identifier","signingShare"},...]}');
    const ciphersuite = suiteOf(input.ciphersuite);
    const commitments = input.commitments?.map((c, i) => fromHex(c, `commitments[${i}]`));
    if (commitments === undefined && args.booleans.get('verify') !== false) {
      throw new KeyshardError(
        'VSS_NO_COMMITMENTS',
        "No commitments were given, so no share can be checked: a share of another deal would silently give a wrong key. Add the deal's \"commitments\" (vss deal prints them), or pass --no-verify, best with --group-key or --fingerprint.",
      );
    }
    // The expected key is public: check it against the deal's group key before any share is touched.
    if (commitments !== undefined) checkClaims(ciphersuite, commitments, input);
    if (commitments?.[0] !== undefined) checkExpected(ciphersuite, commitments[0], expected, 'The group public key in the commitments');
    const shares = sharesFromJson(input.shares, (i) => `shares[${i}]`);
    try {
      const { secret, groupPublicKey } = combineShares({ ciphersuite, threshold: input.threshold, shares, commitments });
      try {
        checkExpected(ciphersuite, groupPublicKey, expected, 'The recovered key');
        // Without commitments, a key or fingerprint that came with the shares is at least checked (as --no-verify says).
        if (commitments === undefined) {
          checkExpected(ciphersuite, groupPublicKey, { ...(input.groupPublicKey === undefined ? {} : { groupKey: input.groupPublicKey.toLowerCase() }), ...(input.fingerprint === undefined ? {} : { fingerprint: parseFingerprintArg(input.fingerprint, 'The input\'s "fingerprint"') }) }, 'The recovered key');
        }
        const fingerprint = groupFingerprint(ciphersuite, groupPublicKey);
        if (args.booleans.get('json') === true) {
          writeJson(io, { secretHex: bytesToHex(secret), groupPublicKey: bytesToHex(groupPublicKey), fingerprint: fingerprint.hex });
        } else {
          const checked = commitments ? ', each verified against the commitments' : ', not verified (no commitments)';
          const matched = expected.groupKey !== undefined || expected.fingerprint !== undefined ? ' It matches the expected key.' : '';
          io.stdout(
            [
              `Recovered the ${ciphersuite} group secret from ${shares.length} shares${checked}.${matched}`,
              `Secret:           ${bytesToHex(secret)}`,
              `Group public key: ${bytesToHex(groupPublicKey)}`,
              `Fingerprint:      ${fingerprint.display}`,
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
