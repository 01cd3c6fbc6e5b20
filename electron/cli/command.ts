import type { OptionSpec, ParsedArgs } from './args';
import type { CliIo } from './io';

/** One `keyshard <group> <action>` command. `run` returns the process exit code. */
export interface CliCommand {
  readonly group: string;
  readonly action: string;
  readonly summary: string;
  /** Full help text: usage line, flags, what is read and written. */
  readonly help: string;
  readonly options: OptionSpec;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/**
 * A command as `keyshard --help` lists it, with its code loaded only when it runs: a start that parses no
 * OpenPGP, zod or PKCS#11 code for the commands it does not run is what keeps `keyshard` quick.
 */
export interface CliCommandEntry {
  readonly group: string;
  readonly action: string;
  readonly summary: string;
  load(): Promise<CliCommand>;
}

/** What runCli takes: commands themselves (tests) or catalogue entries (the installed command). */
export type CliCommandLike = CliCommand | CliCommandEntry;

export async function loadCommand(c: CliCommandLike): Promise<CliCommand> {
  return 'load' in c ? c.load() : c;
}
