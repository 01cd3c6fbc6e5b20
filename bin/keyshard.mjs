#!/usr/bin/env node
// Entry point of the `keyshard` command: runs the bundle that `npm install` built (build/build-cli.mjs, the
// `prepare` script), so nothing is compiled at run time.
import { existsSync } from 'node:fs';

const bundle = new URL('../out/cli/keyshard.mjs', import.meta.url);
if (!existsSync(bundle)) {
  const message = 'The keyshard command is not built. Run `npm run build:cli` (or `npm install`) in the keyshard folder, then try again.';
  process.stderr.write(process.argv.includes('--json') ? `${JSON.stringify({ error: { code: 'NOT_BUILT', message } })}\n` : `keyshard: NOT_BUILT: ${message}\n`);
  process.exit(1);
}
await import(bundle.href);
