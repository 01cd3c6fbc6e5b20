import type { CliCommand } from '../command';
import { transcriptCommands } from './transcript';
import { vssCommands } from './vss';

/** Every `keyshard` command, in the order `keyshard --help` lists them. */
export const commands: readonly CliCommand[] = [...vssCommands, ...transcriptCommands];
