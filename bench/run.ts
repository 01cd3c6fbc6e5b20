/**
 * `npm run bench`: every benchmark in one go, one after another (so they do not compete for the CPU), each printing
 * its table and one JSON line per benchmark; at the end, the JSON lines again and which targets are met.
 *
 *   npm run bench                 # full sizes (45 minutes on the shared 2-core machine at load 16-30)
 *   npm run bench -- --quick      # small sizes, to check it runs
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const benches: [string, string[]][] = [
  ['bench/qr-decode.bench.ts', quick ? ['4', '8'] : ['20', '40']],
  ['bench/qr-animated.bench.ts', quick ? ['5'] : ['40']],
  ['bench/slip39.bench.ts', quick ? ['3'] : ['7']],
  ['bench/cli-start.bench.ts', quick ? ['5'] : ['21']],
  ['bench/app.bench.ts', quick ? ['1'] : ['5']],
  ['bench/renderer.bench.ts', quick ? ['2', '3'] : ['15', '15']],
  ['bench/scanner-memory.bench.ts', quick ? ['500'] : ['10000']],
];

function run(file: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const json: string[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{"bench":')) json.push(line);
    });
    child.on('error', reject);
    child.on('close', () => resolve(buffered.startsWith('{"bench":') ? [...json, buffered] : json));
  });
}

if (!existsSync(`${root}out/cli/keyshard.mjs`)) {
  console.error('The CLI bundle is missing: run `npm run build:cli` (npm install does it) first.');
  process.exit(1);
}
const all: string[] = [];
for (const [file, args] of benches) {
  console.log(`\n===== ${file} ${args.join(' ')}`);
  all.push(...(await run(file, args)));
}
console.log('\n===== summary (one JSON line per benchmark)');
for (const line of all) console.log(line);
for (const line of all) {
  const { bench, targets } = JSON.parse(line) as { bench: string; targets?: Record<string, boolean> };
  if (targets) console.log(`${bench}: ${Object.entries(targets).map(([k, v]) => `${k} ${v ? 'met' : 'NOT met'}`).join(', ')}`);
}
