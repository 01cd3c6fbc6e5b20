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
