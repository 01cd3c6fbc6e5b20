import type { CliCommand } from '../command';
import { demoCommands } from './demo';
import { hsmCommands } from './hsm';
import { slip39Commands } from './slip39';
import { transcriptCommands } from './transcript';
import { vssCommands } from './vss';

/** Every `keyshard` command, in the order `keyshard --help` lists them. */
export const commands: readonly CliCommand[] = [...slip39Commands, ...vssCommands, ...transcriptCommands, ...hsmCommands, ...demoCommands];
