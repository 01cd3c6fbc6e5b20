import type { CliCommandLike } from '../../electron/cli/command';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `keyshard <argv>` in-process over the given commands, with `stdin` as standard input. */
export async function runCommands(commands: readonly CliCommandLike[], argv: readonly string[], stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    readStdin: async () => stdin,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  };
  const code = await runCli(argv, io, commands);
  return { code, stdout, stderr };
}
