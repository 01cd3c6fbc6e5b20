import type { CliCommand } from '../command';

/** Every `keyshard` command, in the order `keyshard --help` lists them. */
export const commands: readonly CliCommand[] = [];
