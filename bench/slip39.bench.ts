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

// ---------------------------------------------------------------------------------------------------------------
// Key stretching alone (the SLIP-39 Feistel cipher, 4 PBKDF2-HMAC-SHA256 rounds of 10000 << e / 4 iterations), in each
// place keyshard runs it, against native PBKDF2 doing the same four calls in the same run:
//  - main (recovery, ceremony split check): core's async cipher on node:crypto's async pbkdf2 on libuv's pool, through
//    electron/services/kdf (progress, cancel);
//  - the CLI (slip39 split/combine, recover): core's sync cipher with node:crypto's pbkdf2Sync;
//  - core's default (@noble/hashes), which only runs where nothing native is injected (tests; not the app).
// The renderer does not run PBKDF2 (the window hands words to main); WebCrypto in Chromium is in renderer.bench.ts.
// Target: at most 1.2x native wherever it runs.
{
  const { pbkdf2: pbkdf2Cb } = await import('node:crypto');
  const { decryptMasterSecretAsync, decryptMasterSecret } = await import('../core/slip39/index');
  const { createKeyStretcher } = await import('../electron/services/kdf/index');
  const secret = random(16);
  const password = new Uint8Array([0, ...new TextEncoder().encode('bench')]);
  const salt = new Uint8Array(14 + 8);
  const nativeSync = (e: number) => {
    for (let r = 0; r < 4; r++) pbkdf2Sync(password, salt, (10000 << e) / 4, 8, 'sha256');
  };
  const nativeAsync = async (e: number) => {
    for (let r = 0; r < 4; r++) {
      await new Promise<void>((resolve, reject) => pbkdf2Cb(password, salt, (10000 << e) / 4, 8, 'sha256', (err) => (err ? reject(err) : resolve())));
    }
  };
  /**
   * Medians of two runs taken in turns (a busy machine slows both alike), after one warm-up of each, and the CPU time
   * each used (process.cpuUsage: this process's threads, libuv's pool included). Why CPU time too: on a shared machine
   * at load 20-30 wall-clock medians swing 0.1x-5x between identical code paths (a run descheduled mid-way), minimums
   * too; CPU time is the work done, whoever else runs.
   */
  const kdfReps = Math.max(reps, 25);
  const cpu: number[][] = [];
  async function paired(a: () => unknown, b: () => unknown): Promise<[number, number]> {
    await a();
    await b();
    const ta: number[] = [];
    const tb: number[] = [];
    const ca: number[] = [];
    const cb: number[] = [];
    for (let i = 0; i < kdfReps; i++) {
      for (const [run, into] of (i % 2 === 0 ? [[a, ta], [b, tb]] : [[b, tb], [a, ta]]) as [() => unknown, number[]][]) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        await run();
        const c = process.cpuUsage(c0);
        into.push(performance.now() - t0);
        (into === ta ? ca : cb).push((c.user + c.system) / 1000);
      }
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    cpu.push([med(ca), med(cb)]);
    return [med(ta), med(tb)];
  }
  const stretcher = createKeyStretcher();
  const params = (e: number) => ({ identifier: 4242, extendable: false, iterationExponent: e, passphrase: 'bench' });
  const kdfRows: { e: number; place: string; keyshardMs: number; nativeMs: number; ratio: number; cpuRatio: number }[] = [];
  const cpuRatio = (): number => {
    const [a, b] = cpu.shift()!;
    return a! / b!;
  };
  for (const e of [0, 1, 2, 3]) {
    const [main, nativePool] = await paired(() => stretcher.run(e, (pbkdf2) => decryptMasterSecretAsync(secret, { ...params(e), pbkdf2 } as never)), () => nativeAsync(e));
    const [cli, native] = await paired(() => decryptMasterSecret(secret, { ...params(e), pbkdf2: nodePbkdf2 } as never), () => nativeSync(e));
    const [noble, nativeForNoble] = await paired(() => decryptMasterSecret(secret, { ...params(e) } as never), () => nativeSync(e));
    kdfRows.push({ e, place: 'main (kdf service, libuv pool)', keyshardMs: main, nativeMs: nativePool, ratio: main / nativePool, cpuRatio: cpuRatio() });
    kdfRows.push({ e, place: 'CLI (pbkdf2Sync)', keyshardMs: cli, nativeMs: native, ratio: cli / native, cpuRatio: cpuRatio() });
    kdfRows.push({ e, place: 'core default (@noble/hashes)', keyshardMs: noble, nativeMs: nativeForNoble, ratio: noble / nativeForNoble, cpuRatio: cpuRatio() });
  }
  console.log(`\nSLIP-39 key stretching (decrypt, 4 rounds, 10000<<e iterations), median of ${kdfReps} taken in turns with native, ms; native = the same 4 node:crypto calls`);
  console.log(`${'e'.padEnd(3)}${'where'.padEnd(34)}${'keyshard'.padStart(10)}${'native'.padStart(10)}${'ratio'.padStart(8)}${'CPU ratio'.padStart(11)}`);
  for (const r of kdfRows) console.log(`${String(r.e).padEnd(3)}${r.place.padEnd(34)}${r.keyshardMs.toFixed(1).padStart(10)}${r.nativeMs.toFixed(1).padStart(10)}${`${r.ratio.toFixed(2)}x`.padStart(8)}${`${r.cpuRatio.toFixed(2)}x`.padStart(11)}`);
  const appRows = kdfRows.filter((r) => !r.place.startsWith('core default'));
  const met = appRows.every((r) => r.ratio <= 1.2);
  const metByCpu = appRows.every((r) => r.cpuRatio <= 1.2);
  console.log(
    `target <= 1.2x native where the app runs it (main, CLI): medians ${met ? 'met' : 'NOT met'} (worst ${Math.max(...appRows.map((r) => r.ratio)).toFixed(2)}x), ` +
      `CPU time ${metByCpu ? 'met' : 'NOT met'} (worst ${Math.max(...appRows.map((r) => r.cpuRatio)).toFixed(2)}x)`,
  );
  console.log(JSON.stringify({ bench: 'slip39-kdf', reps: kdfReps, node: process.version, rows: kdfRows.map((r) => ({ ...r, keyshardMs: Number(r.keyshardMs.toFixed(2)), nativeMs: Number(r.nativeMs.toFixed(2)), ratio: Number(r.ratio.toFixed(3)), cpuRatio: Number(r.cpuRatio.toFixed(3)) })), targets: { atMost1_2xNative: met, atMost1_2xNativeByCpuTime: metByCpu } }));
  console.log(JSON.stringify({ bench: 'slip39-split-combine', reps, rows }));
}
