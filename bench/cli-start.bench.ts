/**
 * Start time of the installed command: `keyshard --help` run directly (the bin file npm links as
 * node_modules/.bin/keyshard, which runs the bundle `npm install` built) next to `node -e 0` in the same run.
 * Target: at most 3x `node -e 0`. Run: node --import tsx bench/cli-start.bench.ts [rounds]
 *
 * The two are run alternately, so a busy machine slows both alike; medians and minimums are printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const linked = `${root}node_modules/.bin/keyshard`;
const bin = existsSync(linked) ? linked : `${root}bin/keyshard.mjs`;
const rounds = Number(process.argv[2] ?? 21);
const TARGET = 3;

function once(cmd: string, args: string[]): number {
  const start = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const min = (xs: number[]) => Math.min(...xs);

if (!existsSync(`${root}out/cli/keyshard.mjs`)) {
  console.error('The CLI bundle is missing: run `npm run build:cli` (npm install does it) first.');
  process.exit(1);
}
// Warm the file cache for both.
once(process.execPath, ['-e', '0']);
once(bin, ['--help']);
const node: number[] = [];
const keyshard: number[] = [];
for (let i = 0; i < rounds; i++) {
  node.push(once(process.execPath, ['-e', '0']));
  keyshard.push(once(bin, ['--help']));
}
const ratio = median(keyshard) / median(node);
console.log(`node ${process.version}, ${process.arch}, ${rounds} rounds each, alternating`);
console.log(`node -e 0                    median ${median(node).toFixed(0)} ms   min ${min(node).toFixed(0)} ms`);
console.log(`${bin.replace(root, '')} --help   median ${median(keyshard).toFixed(0)} ms   min ${min(keyshard).toFixed(0)} ms`);
console.log(`ratio of medians ${ratio.toFixed(2)}x (target <= ${TARGET}x): ${ratio <= TARGET ? 'ok' : 'ABOVE TARGET'}`);
console.log(JSON.stringify({ bench: 'cli-start', rounds, nodeMedianMs: Number(median(node).toFixed(1)), keyshardMedianMs: Number(median(keyshard).toFixed(1)), ratio: Number(ratio.toFixed(3)), targets: { atMost3xNode: ratio <= TARGET } }));
process.exitCode = ratio <= TARGET ? 0 : 1;
