/**
 * The installed `keyshard` runs the bundle in out/cli/ that `npm install` built. Tests that spawn it rebuild it first
 * when any source is newer, so they test the code in the tree, not a bundle left from before an edit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = join(repoRoot, 'bin/keyshard.mjs');
const entry = join(repoRoot, 'out/cli/keyshard.mjs');

function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = info.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

export function ensureCliBundle(): void {
  const sources = Math.max(newest(join(repoRoot, 'core')), newest(join(repoRoot, 'electron')), newest(join(repoRoot, 'package.json')), newest(join(repoRoot, 'build/build-cli.mjs')));
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'build/build-cli.mjs')], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`building the CLI failed: ${r.stderr}`);
}
