import { KeyshardError, isKeyshardError } from '../../core/errors';
import { parseArgs } from './args';
import { type CliCommandLike, loadCommand } from './command';
import { commands as allCommands } from './commands/index';
import { type CliIo, MAX_INPUT_BYTES } from './io';
import { fsFailure, tooLarge } from './files';
import { keyshardVersion } from './version';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function overview(commands: readonly CliCommandLike[]): string {
  const width = Math.max(...commands.map((c) => `${c.group} ${c.action}`.length), 10);
  const lines = commands.map((c) => `  keyshard ${`${c.group} ${c.action}`.padEnd(width)}  ${c.summary}`);
  return [
    'keyshard: split a master key into shards for custodians and recover it with a quorum.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `keyshard <command> --help` for the options of one command; `keyshard --version` prints the version.',
    'Exit codes: 0 success, 1 failure (the error says why), 2 wrong usage.',
    '',
  ].join('\n');
}

/** Writes an error the way scripts and people both can read: JSON on stderr with --json, a sentence otherwise. */
function reportError(io: CliIo, error: KeyshardError, json: boolean): void {
  if (json) io.stderr(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
  else io.stderr(`keyshard: ${error.code}: ${error.message}\n`);
}

/** Every command sees standard input through the same bound, whoever supplies it. */
function bounded(io: CliIo): CliIo {
  return {
    ...io,
    readStdin: async () => {
      const text = await io.readStdin();
      if (text.length > MAX_INPUT_BYTES || Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) throw tooLarge('Standard input', MAX_INPUT_BYTES);
      return text;
    },
  };
}

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommandLike[] = allCommands): Promise<number> {
  const json = argv.includes('--json');
  const [group, action] = argv;
  if (group === '--version' || group === '-V' || group === 'version') {
    io.stdout(json ? `${JSON.stringify({ version: keyshardVersion() })}\n` : `keyshard ${keyshardVersion()}\n`);
    return EXIT_OK;
  }
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    io.stdout(overview(commands));
    return group === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const inGroup = commands.filter((c) => c.group === group);
  if (inGroup.length === 0) {
    reportError(io, new KeyshardError('INVALID_ARGUMENT', `Unknown command "${group}". Run \`keyshard --help\` to list the commands.`), json);
    return EXIT_USAGE;
  }
  // Single-word commands (e.g. `demo`) have action ''.
  const entry = inGroup.find((c) => c.action === action) ?? inGroup.find((c) => c.action === '');
  if (entry === undefined) {
    if (action === undefined || action === '--help' || action === '-h') {
      io.stdout(overview(inGroup));
      return action === undefined ? EXIT_USAGE : EXIT_OK;
    }
    reportError(io, new KeyshardError('INVALID_ARGUMENT', `Unknown command "${group} ${action}". Run \`keyshard ${group} --help\` to list its commands.`), json);
    return EXIT_USAGE;
  }
  const rest = argv.slice(entry.action === '' ? 1 : 2);
  try {
    const command = await loadCommand(entry);
    const args = parseArgs(rest, command.options);
    if (args.help) {
      io.stdout(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
      return EXIT_OK;
    }
    return await command.run(args, bounded(io));
  } catch (e) {
    const typed = isKeyshardError(e) ? e : fsFailure(e);
    if (typed !== undefined) {
      reportError(io, typed, json);
      return typed.details?.['usage'] === true ? EXIT_USAGE : EXIT_FAILURE;
    }
    // Never echo an unknown error's message: it may have been built from secret input.
    reportError(io, new KeyshardError('INTERNAL', `Unexpected failure (${e instanceof Error ? e.name : 'unknown'}). Nothing was written; please report this.`), json);
    return EXIT_FAILURE;
  }
}
