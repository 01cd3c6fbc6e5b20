/**
 * SLIP-39 split/combine timings: ours with the default @noble/hashes PBKDF2, ours with node:crypto's PBKDF2 injected,
 * and the independent `slip39` npm package (which uses node:crypto), in the same run on the same machine.
 * Layout: 1 group, 3 of 5; combine uses 3 shares. PBKDF2 dominates: 10000 << e iterations per split or combine.
 *
 *   node --import tsx bench/slip39.bench.ts [repetitions]
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import slip39 from 'slip39';
import type { Pbkdf2 } from '../core/slip39/index';
import { combineMnemonics, splitMasterSecret } from '../core/slip39/index';

const reps = Number(process.argv[2] ?? 7);
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const nodePbkdf2: Pbkdf2 = (p, s, i, len) => pbkdf2Sync(p, s, i, len, 'sha256');

function median(run: () => void): number {
  run(); // warm-up: JIT and first-call costs are not what we measure
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

interface Row {
  bytes: number;
  e: number;
  impl: string;
  split: number;
  combine: number;
}

const rows: Row[] = [];
for (const bytes of [16, 32]) {
  for (const e of [0, 1, 2]) {
    const secret = random(bytes);
    const layout = { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }] };
    for (const [impl, kdf] of [['keyshard (noble pbkdf2)', undefined], ['keyshard (node:crypto pbkdf2)', nodePbkdf2]] as const) {
      let shares: string[] = [];
      const split = median(() => {
        shares = splitMasterSecret(secret, { ...layout, passphrase: 'bench', iterationExponent: e, random, pbkdf2: kdf })[0]!;
      });
      let out: Uint8Array = new Uint8Array(0);
      const combine = median(() => {
        out = combineMnemonics(shares.slice(0, 3), 'bench', kdf);
      });
      if (Buffer.compare(Buffer.from(out), Buffer.from(secret)) !== 0) throw new Error(`${impl}: round trip failed`);
      rows.push({ bytes, e, impl, split, combine });
    }
    let theirShares: string[] = [];
    const split = median(() => {
      theirShares = slip39
        .fromArray(Array.from(secret), { passphrase: 'bench', threshold: 1, groups: [[3, 5]], iterationExponent: e, extendableBackupFlag: 1 })
        .fromPath('r/0').mnemonics;
    });
    let theirs: number[] = [];
    const combine = median(() => {
      theirs = slip39.recoverSecret(theirShares.slice(0, 3), 'bench');
    });
    if (Buffer.compare(Buffer.from(theirs), Buffer.from(secret)) !== 0) throw new Error('slip39 npm: round trip failed');
    rows.push({ bytes, e, impl: 'slip39 npm 0.1.9 (node:crypto)', split, combine });
  }
}

console.log(`SLIP-39, 1 group 3-of-5, median of ${reps} runs, ms (Node ${process.version})`);
console.log(`${'secret'.padEnd(8)}${'e'.padEnd(3)}${'implementation'.padEnd(32)}${'split'.padStart(9)}${'combine'.padStart(9)}`);
for (const r of rows) {
  console.log(`${`${r.bytes} B`.padEnd(8)}${String(r.e).padEnd(3)}${r.impl.padEnd(32)}${r.split.toFixed(1).padStart(9)}${r.combine.toFixed(1).padStart(9)}`);
}
