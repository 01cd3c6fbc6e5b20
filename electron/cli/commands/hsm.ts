/**
 * `keyshard hsm list|store|load`: PKCS#11 tokens from the command line, for scripting and for recovery without the
 * app. The same HSM service as the app (electron/services/hsm).
 *
 * PINs: from the environment variable named by --pin-env, else typed at the terminal without echo. Never a flag:
 * a command line is readable by every user of the machine (ps, /proc/PID/cmdline) and ends up in shell history.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ReadStream } from 'node:tty';
import { describeEnvelope, envelopeFromText, envelopeToText, wipeEnvelope } from '../../../core/envelope';
import { KeyshardError, isKeyshardError } from '../../../core/errors';
import { CAPABILITY_NEEDS, moduleSuggestions, openHsm } from '../../services/hsm/index';
import { slotFacts, tokenFacts } from '../../services/hsm/token-view';
import type { HsmPort, HsmSlotInfo, HsmTokenInfo, TokenSelector } from '../../services/hsm/index';
import { detectProtection } from '../../services/protection/index';
import { requireValue } from '../args';
import type { ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { readInputFile } from '../files';
import type { CliIo } from '../io';

/** What the hsm commands touch besides stdout/stderr; tests pass fakes. */
export interface HsmCliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a PIN without echoing it (the terminal). */
  readonly readPin: (prompt: string) => Promise<string>;
  readonly openHsm: (modulePath: string) => Promise<HsmPort>;
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Creates a new file (refusing to overwrite), readable by its owner only. */
  readonly writeNewFile: (path: string, data: string) => Promise<void>;
}

const MAX_SHARD_FILE = 1024 * 1024;

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** Reads a PIN from the controlling terminal with echo off. Works even when stdin is a pipe. */
export async function readPinFromTerminal(prompt: string): Promise<string> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw usage('There is no terminal to type the PIN on. Put the PIN in an environment variable and give its name with --pin-env VAR.');
  }
  let input: ReadStream;
  try {
    input = new ReadStream(fd);
    input.setRawMode(true);
  } catch {
    closeSync(fd);
    throw usage('The terminal cannot hide what is typed, so the PIN is not asked for here. Use --pin-env VAR instead.');
  }
  writeSync(fd, prompt);
  return new Promise<string>((resolve, reject) => {
    let pin = '';
    const finish = (error?: KeyshardError) => {
      input.removeListener('data', onData);
      try {
        input.setRawMode(false);
        writeSync(fd, '\n');
      } finally {
        input.destroy(); // closes fd
      }
      if (error) reject(error);
      else resolve(pin);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new KeyshardError('INVALID_ARGUMENT', 'Cancelled at the PIN prompt; nothing was done.'));
        if (ch === '\u007f' || ch === '\b') pin = pin.slice(0, -1);
        else if (ch >= ' ') pin += ch;
      }
    };
    input.on('data', onData);
  });
}

const defaultDeps: HsmCliDeps = {
  env: process.env,
  readPin: readPinFromTerminal,
  openHsm: (path) => openHsm(path),
  // Bounded, plain files only: /dev/zero or a FIFO named by mistake is refused at once instead of read forever.
  readFile: (path) => readInputFile(path, MAX_SHARD_FILE),
  writeNewFile: (path, data) => writeFile(path, data, { flag: 'wx', mode: 0o600 }),
};

// ---------------------------------------------------------------------------------------------------------------

/** Refuses --pin and a --pin-env that is not a variable name; both before anything else is done. */
function checkPinArgs(args: ParsedArgs): void {
  const variable = args.values.get('pin-env');
  if (variable !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw usage('--pin-env takes the NAME of an environment variable (letters, digits, _), not the PIN itself.');
  }
  if (args.values.has('pin')) {
    throw usage(
      '--pin is not accepted: a PIN on the command line can be read by other users of this machine (ps, /proc) and stays in your shell history. ' +
        'Type it at the prompt, or put it in an environment variable and give the variable\'s name with --pin-env VAR.',
    );
  }
}

function selectorOf(args: ParsedArgs): TokenSelector {
  const label = args.values.get('token');
  const serial = args.values.get('serial');
  if ((label === undefined) === (serial === undefined)) throw usage('Choose the token with --token LABEL or --serial SERIAL (one of them).');
  return label !== undefined ? { label } : { serial: serial! };
}

async function pinFor(args: ParsedArgs, deps: HsmCliDeps, token: HsmTokenInfo): Promise<string> {
  const variable = args.values.get('pin-env');
  if (variable !== undefined) {
    const pin = deps.env[variable];
    if (pin === undefined || pin === '') throw usage(`The environment variable ${variable} (from --pin-env) is not set or is empty.`);
    return pin;
  }
  return deps.readPin(`PIN for token "${token.label}" (serial ${token.serial}): `);
}

async function withPort<T>(deps: HsmCliDeps, args: ParsedArgs, fn: (port: HsmPort) => Promise<T>): Promise<T> {
  const port = await deps.openHsm(requireValue(args, 'module'));
  try {
    return await fn(port);
  } finally {
    await port.close();
  }
}

function tokenJson(t: HsmTokenInfo) {
  return {
    ...tokenFacts(t),
    memory: t.memory,
    lacks: t.capabilities.filter((c) => !c.available).map((c) => ({ capability: c.id, ...(c.mechanism === undefined ? {} : { mechanism: c.mechanism }), reason: c.note ?? 'missing' })),
  };
}

function slotJson(s: HsmSlotInfo) {
  return slotFacts(s, tokenJson);
}

function humanList(port: HsmPort, slots: readonly HsmSlotInfo[]): string {
  const lines = [`${port.library.description} (${port.library.manufacturer} ${port.library.libraryVersion}, PKCS#11 ${port.library.cryptokiVersion})`, ''];
  for (const s of slots) {
    if (s.token === null) {
      lines.push(`slot ${s.slotId}: ${s.tokenError === undefined ? 'no token' : `token unreadable (${s.tokenError.code})`}`);
      continue;
    }
    const t = s.token;
    if (!t.initialized) {
      lines.push(`slot ${s.slotId}: uninitialized token`);
      continue;
    }
    const pin = t.pinLocked ? ', PIN LOCKED' : t.pinFinalTry ? ', one PIN try left' : t.pinCountLow ? ', PIN tries low' : '';
    lines.push(`slot ${s.slotId}: "${t.label}"  serial ${t.serial}  ${t.manufacturer} ${t.model}${t.loginRequired ? '' : ', no login'}${pin}`);
    for (const c of t.capabilities) lines.push(`    ${c.available ? 'yes' : 'NO '}  ${c.label}${c.available ? '' : ` (${c.note ?? 'missing'})`}`);
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

const MODULE_HELP = `  --module PATH     the token's PKCS#11 library, e.g. ${moduleSuggestions()}`;
const PIN_HELP = [
  '  --pin-env VAR     read the PIN from the environment variable VAR; without it, the PIN is asked for on the',
  '                    terminal (not shown). There is no --pin: a command line is visible to other users.',
];

export function createHsmCommands(overrides: Partial<HsmCliDeps> = {}): readonly CliCommand[] {
  const deps: HsmCliDeps = { ...defaultDeps, ...overrides };

  const list: CliCommand = {
    group: 'hsm',
    action: 'list',
    summary: 'list PKCS#11 slots and tokens, and what each token can do for keyshard',
    help: [
      'Usage: keyshard hsm list --module PATH [--json]',
      '',
      'Lists the slots of a PKCS#11 module and their tokens: label, serial, maker, model, PIN state, and which',
      'of the capabilities keyshard needs each token has or lacks (random numbers, EC P-256 keys, ECDH, AES-GCM,',
      'ECDSA, data objects), so that a token can be refused before a ceremony starts. Needs no PIN.',
      '',
      MODULE_HELP,
      '  --json            {"module": {...}, "slots": [{"slotId", "tokenPresent", "token": {"label", "serial",',
      '                    "manufacturer", "model", "loginRequired", "has": [...], "lacks": [...], ...}}]}',
    ].join('\n'),
    options: { values: ['module'], booleans: ['json'] },
    async run(args, io: CliIo) {
      return withPort(deps, args, async (port) => {
        const slots = await port.listSlots();
        if (args.booleans.get('json') === true) io.stdout(`${JSON.stringify({ module: port.library, slots: slots.map(slotJson) })}\n`);
        else io.stdout(humanList(port, slots));
        return 0;
      });
    },
  };

  const store: CliCommand = {
    group: 'hsm',
    action: 'store',
    summary: 'store a shard on a token as a private data object (one shard per ceremony per token)',
    help: [
      'Usage: keyshard hsm store --module PATH (--token LABEL | --serial SERIAL) --file SHARD_FILE [--pin-env VAR] [--json]',
      '',
      'Stores the shard in SHARD_FILE (its text form, KS1...) on the token as a private, non-modifiable data object,',
      'then reads it back to check it. Refuses a second shard of the same ceremony on one token; storing the very',
      'same shard again does nothing and says so.',
      '',
      MODULE_HELP,
      '  --token LABEL     the token, by its label (or --serial SERIAL)',
      '  --file FILE       the shard file: plain shard text (KS1...), as on paper or in a .txt shard file',
      ...PIN_HELP,
      '  --json            {"stored", "alreadyStored", "token": {"label", "serial"}, "objectLabel", "ceremonyId",',
      '                    "custodianIndex", "custodianLabel", "scheme", "bytes"}',
    ].join('\n'),
    options: { values: ['module', 'token', 'serial', 'file', 'pin-env', 'pin'], booleans: ['json'] },
    async run(args, io: CliIo) {
      checkPinArgs(args);
      const selector = selectorOf(args);
      const path = requireValue(args, 'file');
      let bytes: Uint8Array;
      try {
        bytes = await deps.readFile(path);
      } catch (e) {
        if (isKeyshardError(e)) throw e;
        const code = (e as { code?: unknown }).code;
        throw usage(`Cannot read the shard file "${path}" (${typeof code === 'string' ? code : 'unknown error'}). Check the path.`);
      }
      if (bytes.length > MAX_SHARD_FILE) throw usage(`"${path}" is far larger than a shard file; it is not one.`);
      const kind = detectProtection(bytes);
      if (kind !== 'none') {
        bytes.fill(0);
        throw usage(
          kind === 'unknown'
            ? `"${path}" does not hold a shard text (KS1...). Give the plain shard file.`
            : `"${path}" is an encrypted (${kind}) shard file. A token stores the plain shard: open it with the custodian's key first.`,
        );
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new KeyshardError('ENVELOPE_FORMAT', `"${path}" is not a readable shard text (it is not valid UTF-8).`);
      } finally {
        bytes.fill(0);
      }
      const envelope = envelopeFromText(text);
      try {
        return await withPort(deps, args, async (port) => {
          const token = await port.findToken(selector);
          const pin = await pinFor(args, deps, token);
          const session = await port.openSession(selector, pin, { require: CAPABILITY_NEEDS.storeShard });
          try {
            const stored = await session.storeShard(envelope);
            const out = { stored: !stored.alreadyStored, token: { label: token.label, serial: token.serial }, ...stored };
            if (args.booleans.get('json') === true) io.stdout(`${JSON.stringify(out)}\n`);
            else
              io.stdout(
                stored.alreadyStored
                  ? `Token "${token.label}" already holds exactly this shard (custodian #${stored.custodianIndex}, ${stored.custodianLabel}); nothing written.\n`
                  : `Stored the shard of custodian #${stored.custodianIndex} (${stored.custodianLabel}) of ceremony ${stored.ceremonyId} on token "${token.label}" (serial ${token.serial}), and read it back.\n`,
              );
            return 0;
          } finally {
            await session.close();
          }
        });
      } finally {
        wipeEnvelope(envelope);
      }
    },
  };

  const load: CliCommand = {
    group: 'hsm',
    action: 'load',
    summary: 'read a ceremony\'s shard back from a token (confirmation, recovery without the app)',
    help: [
      'Usage: keyshard hsm load --module PATH (--token LABEL | --serial SERIAL) --ceremony ID [--out FILE] [--pin-env VAR] [--json]',
      '',
      'Reads the shard of ceremony ID from the token and checks it (checksum). With --out, writes its text form',
      '(KS1...) to FILE (a new file, readable only by you) and prints only its public facts; without --out, the',
      'shard text is printed on stdout (in "shard" with --json). It is secret: keep it off screens and logs.',
      '',
      MODULE_HELP,
      '  --token LABEL     the token, by its label (or --serial SERIAL)',
      '  --ceremony ID     the ceremony id, 32 hex digits',
      '  --out FILE        write the shard text to FILE instead of stdout (refuses to overwrite)',
      ...PIN_HELP,
      '  --json            {"token", "ceremonyId", "custodianIndex", "custodianLabel", "scheme", "groupFingerprint",',
      '                    "out" | "shard"}',
    ].join('\n'),
    options: { values: ['module', 'token', 'serial', 'ceremony', 'out', 'pin-env', 'pin'], booleans: ['json'] },
    async run(args, io: CliIo) {
      checkPinArgs(args);
      const selector = selectorOf(args);
      const ceremony = requireValue(args, 'ceremony');
      if (!/^[0-9a-fA-F]{32}$/.test(ceremony)) throw usage('--ceremony is the ceremony id: 32 hex digits.');
      const outPath = args.values.get('out');
      return withPort(deps, args, async (port) => {
        const token = await port.findToken(selector);
        const pin = await pinFor(args, deps, token);
        const session = await port.openSession(selector, pin);
        try {
          const envelope = await session.readShard(ceremony);
          try {
            const summary = describeEnvelope(envelope);
            const text = envelopeToText(envelope);
            const facts = {
              token: { label: token.label, serial: token.serial },
              ceremonyId: summary.ceremonyId,
              custodianIndex: summary.custodianIndex,
              custodianLabel: summary.custodianLabel,
              scheme: summary.scheme,
              groupFingerprint: summary.groupFingerprint,
            };
            if (outPath !== undefined) {
              try {
                await deps.writeNewFile(outPath, `${text}\n`);
              } catch (e) {
                const code = (e as { code?: unknown }).code;
                throw usage(
                  code === 'EEXIST'
                    ? `"${outPath}" already exists; keyshard does not overwrite files. Choose another name.`
                    : `Cannot write "${outPath}" (${typeof code === 'string' ? code : 'unknown error'}).`,
                );
              }
            }
            if (args.booleans.get('json') === true) {
              io.stdout(`${JSON.stringify(outPath === undefined ? { ...facts, shard: text } : { ...facts, out: outPath })}\n`);
            } else if (outPath === undefined) {
              io.stdout(`${text}\n`);
            } else {
              io.stdout(`Wrote the shard of custodian #${facts.custodianIndex} (${facts.custodianLabel}) of ceremony ${facts.ceremonyId} to ${outPath}.\n`);
            }
            return 0;
          } finally {
            wipeEnvelope(envelope);
          }
        } finally {
          await session.close();
        }
      });
    },
  };

  return [list, store, load];
}

/** Register these in electron/cli/commands/index.ts. */
export const hsmCommands: readonly CliCommand[] = createHsmCommands();
