/**
 * `keyshard slip39 split` and `keyshard slip39 combine`: the SLIP-39 core behind the stable CLI contract
 * (see DESIGN.md "Contracts"). Randomness comes from node:crypto, PBKDF2 from node:crypto (several times faster
 * than the pure-JS default; same output).
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { KeyshardError } from '../../../core/errors';
import { fingerprintOf, seedIdentity } from '../../../core/fingerprint';
import type { GroupSpec, Pbkdf2 } from '../../../core/slip39/index';
import { DEFAULT_ITERATION_EXPONENT, combineMnemonics, splitMasterSecret } from '../../../core/slip39/index';
import type { ParsedArgs } from '../args';
import { intValue } from '../args';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';
import { bip39Entropy, bip39Identity, bip39Mnemonic } from '../bip39';
import { readInputFile } from '../files';
import { promptShares } from '../slip39-prompt';
import type { CliTerminal } from '../terminal';

const nodePbkdf2: Pbkdf2 = (password, salt, iterations, dkLen) => pbkdf2Sync(password, salt, iterations, dkLen, 'sha256');
const nodeRandom = (length: number): Uint8Array => new Uint8Array(randomBytes(length));

/** 16 groups of at most 16 members: more lines than this cannot all be shares of one backup. */
const MAX_MNEMONICS = 16 * 16;

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** Hex to bytes; the message never repeats the input (it is a secret). */
function parseSecretHex(text: string): Uint8Array {
  const hex = text.trim().replace(/^0x/i, '');
  if (hex.length === 0) {
    throw usage('No secret given. Pass --secret-hex HEX, or write the hex on standard input (one line).');
  }
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
    throw new KeyshardError('INVALID_HEX', 'The secret must be written as hexadecimal digits (0-9, a-f), an even number of them. Check for stray characters or a missing digit.');
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function parseGroup(text: string, position: number): GroupSpec {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{1,2})\s*$/.exec(text);
  if (m === null) throw usage(`--group number ${position} must look like T/N (e.g. 2/3: 2 of 3 members needed).`);
  return { threshold: Number(m[1]), count: Number(m[2]) };
}

/** The fingerprint of a master secret: that of its BIP-32 root, as the ceremony and a wallet show it. */
function fingerprintHex(secret: Uint8Array): string {
  return fingerprintOf(seedIdentity(secret)).hex;
}

/** --passphrase, else the variable --passphrase-env names; undefined when neither is given. */
function givenPassphrase(args: ParsedArgs): string | undefined {
  const flag = args.values.get('passphrase');
  const variable = args.values.get('passphrase-env');
  if (flag !== undefined && variable !== undefined) throw usage('Give --passphrase or --passphrase-env, not both.');
  if (variable === undefined) return flag;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw usage('--passphrase-env takes the NAME of an environment variable, not the passphrase.');
  const value = process.env[variable];
  if (value === undefined) throw usage(`The environment variable ${variable} (from --passphrase-env) is not set.`);
  return value;
}

const GENERATE_BITS = [128, 256];

/** A new passphrase typed twice, hidden; Enter for none. A mismatch asks again. */
async function askNewPassphrase(t: CliTerminal): Promise<string> {
  for (;;) {
    const first = await t.hidden('Passphrase (not shown; Enter for none): ');
    if (first === '') return '';
    if ((await t.hidden('The same passphrase again: ')) === first) return first;
    t.say('The two passphrases differ; type it again.');
  }
}

/**
 * The master secret to split and where it came from: --secret-hex, --secret-file, --generate, else standard input
 * (one line of hex) from a pipe, or typed (hidden) at a terminal. Exactly one source.
 */
async function secretToSplit(args: ParsedArgs, io: CliIo): Promise<{ secret: Uint8Array; generated: boolean; asked?: boolean }> {
  const flag = args.values.get('secret-hex');
  const file = args.values.get('secret-file');
  const generate = args.values.get('generate');
  const fromBip39 = args.booleans.get('from-bip39') === true;
  if ([flag, file, generate, fromBip39 ? true : undefined].filter((v) => v !== undefined).length > 1) {
    throw usage('Give one of --secret-hex, --secret-file, --generate and --from-bip39.');
  }
  if (fromBip39) {
    const piped = (await io.readStdin()).trim();
    const asked = piped === '' && io.terminal !== undefined;
    const text = asked ? await io.terminal!.hidden('BIP-39 mnemonic (words not shown): ') : piped;
    if (text === '') throw usage('--from-bip39 reads the wallet\'s mnemonic on standard input (or asks for it at a terminal); none was given.');
    return { secret: bip39Entropy(text), generated: false, asked };
  }
  if (generate !== undefined) {
    if (!GENERATE_BITS.includes(Number(generate))) throw usage('--generate takes the size in bits: 128 or 256.');
    return { secret: nodeRandom(Number(generate) / 8), generated: true };
  }
  if (flag !== undefined) return { secret: parseSecretHex(flag), generated: false };
  if (file !== undefined) {
    const bytes = await readInputFile(file, 4096);
    try {
      return { secret: parseSecretHex(new TextDecoder().decode(bytes).split(/\r?\n/).find((l) => l.trim() !== '') ?? ''), generated: false };
    } finally {
      bytes.fill(0);
    }
  }
  const piped = (await io.readStdin()).split(/\r?\n/).find((line) => line.trim() !== '');
  if (piped !== undefined || io.terminal === undefined) return { secret: parseSecretHex(piped ?? ''), generated: false };
  return { secret: parseSecretHex(await io.terminal.hidden('Master secret (hex, not shown): ')), generated: false, asked: true };
}

export const slip39SplitCommand: CliCommand = {
  group: 'slip39',
  action: 'split',
  summary: 'Split a master secret into SLIP-39 share mnemonics (groups of members).',
  help: [
    'Usage: keyshard slip39 split [--secret-hex HEX | --secret-file FILE | --generate BITS [--reveal]]',
    '                             --group-threshold GT --group T/N [--group T/N ...] [--passphrase P | --passphrase-env VAR]',
    '                             [--iteration-exponent E] [--extendable|--no-extendable] [--json]',
    '',
    'Splits a master secret (an even number of bytes, at least 16; usually 16 or 32) into SLIP-39 mnemonics that',
    'Trezor and every SLIP-39 tool can combine.',
    '',
    'Options:',
    '  --secret-hex HEX          the master secret in hex. Without it (or the two below), one line of hex is read from',
    '                            standard input, or typed at the terminal without being shown (better: command lines',
    '                            end up in shell history and process lists).',
    '  --secret-file FILE        read the master secret (one line of hex) from FILE',
    '  --from-bip39              split an existing BIP-39 wallet: its mnemonic is read on standard input (or asked for,',
    '                            hidden, at a terminal) and its entropy is split; the fingerprint is that of the',
    '                            wallet\'s BIP-39 seed, as the wallet shows it. Recover it with combine --as bip39.',
    '  --generate BITS           make a fresh master secret of 128 or 256 bits from the system\'s CSPRNG. Only its',
    '                            fingerprint is printed (the mnemonics are the backup); --reveal prints the secret too.',
    '  --passphrase-env VAR      the passphrase from the environment variable VAR (not the command line)',
    '  --group T/N               one group: N members, any T of them rebuild the group (repeat for each group,',
    '                            1..16 groups, N 1..16; T=1 only with N=1).',
    '  --group-threshold GT      how many groups are needed to recover (1..number of groups; default 1 with one group).',
    '  --passphrase P            optional passphrase (printable ASCII). Any passphrase recovers *a* secret: a wrong one',
    '                            silently gives a different secret, so write it down separately.',
    '  --iteration-exponent E    PBKDF2 work 10000 * 2^E iterations, 0..15 (default 1, as Trezor).',
    '  --extendable              extendable backup (default; current SLIP-39 revision). --no-extendable for the original.',
    '  --json                    print {"groups":[{"threshold":T,"mnemonics":["..."]}],"fingerprint":"hex"} on stdout',
    '                            (+ "secretHex" with --generate --reveal). The fingerprint is that of the secret\'s',
    '                            BIP-32 root, as the ceremony and a wallet show it.',
    '',
    'Example: keyshard slip39 split --group-threshold 2 --group 2/3 --group 2/3 --group 1/1 --json < secret.hex',
  ].join('\n'),
  options: {
    values: ['secret-hex', 'secret-file', 'generate', 'group-threshold', 'passphrase', 'passphrase-env', 'iteration-exponent'],
    repeatable: ['group'],
    booleans: ['extendable', 'json', 'reveal', 'from-bip39'],
  },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const groupArgs = args.lists.get('group') ?? [];
    if (groupArgs.length === 0) throw usage('Give at least one --group T/N. Run with --help to see the usage.');
    const groups = groupArgs.map((g, i) => parseGroup(g, i + 1));
    const groupThreshold = intValue(args, 'group-threshold', 1, 16, groups.length === 1 ? 1 : undefined);
    const iterationExponent = intValue(args, 'iteration-exponent', 0, 15, DEFAULT_ITERATION_EXPONENT);
    const extendable = args.booleans.get('extendable') ?? true;
    const given = givenPassphrase(args);

    const reveal = args.booleans.get('reveal') === true;
    if (reveal && !args.values.has('generate')) throw usage('--reveal goes with --generate: a secret you gave is not printed back.');
    const { secret, generated, asked } = await secretToSplit(args, io);
    let passphrase = given ?? '';
    if (asked === true && given === undefined && io.terminal !== undefined) {
      // The secret was typed at the terminal: the passphrase is asked there too (twice, as a typo would lose the key).
      try {
        passphrase = await askNewPassphrase(io.terminal);
      } catch (e) {
        secret.fill(0);
        throw e;
      }
    }
    let mnemonics: string[][];
    let fingerprint: string;
    let secretHex: string | undefined;
    try {
      mnemonics = splitMasterSecret(secret, { groupThreshold, groups, passphrase, iterationExponent, extendable, random: nodeRandom, pbkdf2: nodePbkdf2 });
      // A BIP-39 wallet's fingerprint is that of its seed, as the wallet shows it; the entropy is what is split.
      fingerprint = args.booleans.get('from-bip39') === true ? bip39Identity(secret).fingerprint : fingerprintHex(secret);
      if (generated && reveal) secretHex = toHex(secret);
    } finally {
      secret.fill(0);
    }

    if (args.booleans.get('json') === true) {
      const out = { groups: mnemonics.map((m, i) => ({ threshold: groups[i]!.threshold, mnemonics: m })), fingerprint, ...(secretHex === undefined ? {} : { secretHex }) };
      io.stdout(`${JSON.stringify(out)}\n`);
      return 0;
    }
    const lines = [
      `SLIP-39 backup: any ${groupThreshold} of ${groups.length} group(s) recover the secret (${extendable ? 'extendable' : 'non-extendable'}, iteration exponent ${iterationExponent}${passphrase === '' ? ', no passphrase' : ', with passphrase'}).`,
      `Fingerprint: ${(fingerprint.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ')}${generated ? ' (of a fresh secret from the system\'s CSPRNG)' : ''}`,
      ...(secretHex === undefined ? [] : [`Secret (hex): ${secretHex}`]),
    ];
    mnemonics.forEach((m, i) => {
      lines.push('', `Group ${i + 1}: any ${groups[i]!.threshold} of ${m.length} share(s)`);
      m.forEach((mnemonic, j) => lines.push(`  ${j + 1}. ${mnemonic}`));
    });
    lines.push('', 'Give each share to a different custodian. Check every share can be read back before destroying the secret.');
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};

export const slip39CombineCommand: CliCommand = {
  group: 'slip39',
  action: 'combine',
  summary: 'Recover a master secret from SLIP-39 share mnemonics read on standard input.',
  help: [
    'Usage: keyshard slip39 combine [--passphrase P | --passphrase-env VAR] [--json] < shares.txt',
    '',
    'Reads share mnemonics on standard input, one per line (blank lines are skipped; case and extra spaces do not',
    'matter), checks each one, and recovers the master secret once enough groups are complete. Extra shares are',
    'used and checked too. Problems are named by share number and word position (words are never repeated).',
    'At a terminal (nothing piped in), the shares are typed word by word instead: words are not shown, each is',
    'completed from its first letters, and the progress per group is shown after each share. The passphrase is',
    'then asked for too (not shown), unless --passphrase or --passphrase-env gives it.',
    '',
    'Options:',
    '  --passphrase P   the passphrase used when splitting (default empty). A wrong passphrase is not detected:',
    '                   it recovers a different secret.',
    '  --passphrase-env VAR   the passphrase from the environment variable VAR (not the command line)',
    '  --as bip39       give the secret back as the BIP-39 mnemonic it was split from (split --from-bip39):',
    '                   {"mnemonic":"...","fingerprint":"...","xpub":"..."}, the fingerprint that of the wallet',
    '  --json           print {"secretHex":"...","fingerprint":"..."} on stdout (the fingerprint of the secret\'s',
    '                   BIP-32 root, to compare with the ceremony record).',
  ].join('\n'),
  options: { values: ['passphrase', 'passphrase-env', 'as'], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const given = givenPassphrase(args);
    const mnemonics = (await io.readStdin())
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    if (mnemonics.length === 0 && io.terminal !== undefined) {
      const state = await promptShares(io.terminal);
      let secret: Uint8Array;
      try {
        const passphrase = given ?? (await io.terminal.hidden('Passphrase (not shown; Enter for none): '));
        secret = state.combine(passphrase, nodePbkdf2);
      } finally {
        state.clear();
      }
      return printSecret(args, io, secret);
    }
    const passphrase = given ?? '';
    if (mnemonics.length === 0) {
      throw usage('No mnemonics on standard input. Give them one per line, e.g. keyshard slip39 combine < shares.txt');
    }
    if (mnemonics.length > MAX_MNEMONICS) {
      // Checked before any line is decoded: a pasted page of text is refused at once, not after thousands of checks.
      throw new KeyshardError(
        'INVALID_ARGUMENT',
        `Standard input holds ${mnemonics.length} lines, but a SLIP-39 backup has at most ${MAX_MNEMONICS} shares (16 groups of 16). Give only the share mnemonics, one per line.`,
        { lines: mnemonics.length, max: MAX_MNEMONICS },
      );
    }
    return printSecret(args, io, combineMnemonics(mnemonics, passphrase, nodePbkdf2));
  },
};

/** Prints a recovered master secret with its fingerprint, then wipes it. */
function printSecret(args: ParsedArgs, io: CliIo, secret: Uint8Array): number {
  const as = args.values.get('as');
  if (as !== undefined && as !== 'bip39') {
    secret.fill(0);
    throw usage('--as takes bip39 (the mnemonic of a wallet split with --from-bip39).');
  }
  try {
    if (as === 'bip39') {
      const mnemonic = bip39Mnemonic(secret);
      const { fingerprint, xpub } = bip39Identity(secret);
      if (args.booleans.get('json') === true) io.stdout(`${JSON.stringify({ mnemonic, fingerprint, xpub })}\n`);
      else io.stdout(`Recovered BIP-39 mnemonic (${mnemonic.split(' ').length} words):\n${mnemonic}\nFingerprint: ${(fingerprint.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ')}\nxpub: ${xpub}\n`);
      return 0;
    }
    const hex = toHex(secret);
    const fingerprint = fingerprintHex(secret);
    if (args.booleans.get('json') === true) io.stdout(`${JSON.stringify({ secretHex: hex, fingerprint })}\n`);
    else io.stdout(`Recovered master secret (${secret.length} bytes, hex):\n${hex}\nFingerprint: ${(fingerprint.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ')}\n`);
  } finally {
    secret.fill(0);
  }
  return 0;
}

/** Register these in electron/cli/commands/index.ts. */
export const slip39Commands: readonly CliCommand[] = [slip39SplitCommand, slip39CombineCommand];
