/**
 * The installed `keyshard` command: the entry point that build/build-cli.mjs bundles into out/cli/keyshard.mjs,
 * which bin/keyshard.mjs runs. Tests run commands in-process through runCli instead.
 */
import { runCli } from './main';
import { nodeIo } from './node-io';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
// A failure nothing else caught still ends as a typed line, never a stack trace that could quote input.
const last = (e: unknown): void => {
  const name = e instanceof Error ? e.name : 'unknown';
  const message = `Unexpected failure (${name}). Please report this.`;
  process.stderr.write(json ? `${JSON.stringify({ error: { code: 'INTERNAL', message } })}\n` : `keyshard: INTERNAL: ${message}\n`);
  process.exit(1);
};
process.on('uncaughtException', last);
process.on('unhandledRejection', last);
const io = nodeIo(json);
try {
  process.exitCode = await runCli(argv, io);
} finally {
  io.close();
}
