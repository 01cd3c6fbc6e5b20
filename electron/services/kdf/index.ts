/**
 * SLIP-39 key stretching (the Feistel cipher's PBKDF2-HMAC-SHA256 rounds) off main's thread, with progress per round,
 * cancel, and an estimate of how long a given iteration exponent takes on this computer.
 *
 * A share set chooses its own iteration exponent e (0..15): 10000 << e iterations over four rounds, so e = 15 is
 * 327,680,000 iterations, over a minute of CPU. Run on main's thread that freezes every window, IPC call and even the
 * zeroize-on-quit for as long.
 *
 * Why node:crypto's async `pbkdf2` (a job on libuv's thread pool) and not a worker_threads worker:
 * - Both run the same native PBKDF2 off main's thread; neither can interrupt it inside a round (a worker's
 *   `terminate()` takes effect only when the native call returns to JavaScript), so a worker would buy no finer cancel.
 * - The pool job needs no second bundle entry, no file located at run time (esbuild's out/ vs tsx in the tests), no
 *   copy of core in another isolate and no secret posted between threads: the cipher's state stays in main's store.
 * How cancel works: `cancel()` rejects the running round's promise at once (KDF_CANCELLED), the cipher wipes its
 * halves, and no further round starts. Its limit: the round already on the pool runs to its end (at most a quarter
 * of the work, e.g. about 17 s of one pool thread at e = 15 on a 4.6 M iterations/s core) and its output is wiped when it
 * arrives. The next run waits for that round to drain first, so repeated start/cancel cannot fill the pool (4 threads,
 * shared with file reads).
 */
import { pbkdf2 } from 'node:crypto';
import { KeyshardError } from '../../../core/errors';
import { BASE_ITERATION_COUNT, ROUND_COUNT } from '../../../core/slip39/constants';
import { DEFAULT_ITERATION_EXPONENT, type Pbkdf2Async, type Pbkdf2Call } from '../../../core/slip39/index';

/** The exponent keyshard's own ceremonies write (core's default, as Trezor's): more than this is asked for first. */
export const KEYSHARD_ITERATION_EXPONENT = DEFAULT_ITERATION_EXPONENT;

/** PBKDF2 iterations over all four rounds for an exponent. */
export function iterationsFor(iterationExponent: number): number {
  return BASE_ITERATION_COUNT * 2 ** iterationExponent;
}

/** What the screen shows while a run is under way. */
export interface StretchProgress {
  /** The round running now, 1..rounds. */
  readonly round: number;
  readonly rounds: number;
  readonly iterationExponent: number;
  /** In all rounds. */
  readonly iterations: number;
  /** On this computer, for the whole run. */
  readonly estimatedSeconds: number;
  readonly elapsedSeconds: number;
}

export interface KeyStretcher {
  /**
   * Runs `work` (core's async cipher) with a PBKDF2 bound to this run: each call is one round on the pool, reported in
   * `progress()`; after `cancel()` the pending round rejects at once with KDF_CANCELLED. One run at a time.
   */
  run<T>(iterationExponent: number, work: (pbkdf2: Pbkdf2Async) => Promise<T>): Promise<T>;
  /** The run under way, or null. */
  progress(): StretchProgress | null;
  /** Stops the run under way; false when none runs. */
  cancel(): boolean;
  /** Seconds the whole stretch takes here (measured once on the pool, then cached). */
  estimateSeconds(iterationExponent: number): Promise<number>;
}

/** The PBKDF2 itself: node:crypto on libuv's pool. It copies its inputs when called. */
export type PoolPbkdf2 = (call: Pbkdf2Call) => Promise<Uint8Array>;

export const nodePoolPbkdf2: PoolPbkdf2 = (c) =>
  new Promise((resolve, reject) => {
    pbkdf2(c.password, c.salt, c.iterations, c.dkLen, 'sha256', (error, key) => {
      if (error !== null) {
        reject(new KeyshardError('INTERNAL', 'The key stretching (PBKDF2) failed in this computer\'s crypto library. Try again.'));
        return;
      }
      const out = new Uint8Array(key);
      key.fill(0);
      resolve(out);
    });
  });

export interface KeyStretcherDeps {
  /** Default: node:crypto's async pbkdf2. Tests pass a slow one. */
  readonly pbkdf2?: PoolPbkdf2;
  /** Default: measured once with `pbkdf2` (MEASURE_ITERATIONS on the pool). */
  readonly iterationsPerSecond?: number;
  readonly now?: () => number;
}

/** Enough to time the pool's PBKDF2 to a few percent in about 20 ms, off main's thread like the real work. */
const MEASURE_ITERATIONS = 100_000;

interface Run {
  readonly iterationExponent: number;
  estimatedSeconds: number;
  round: number;
  /** When the first round started, and how many rounds have ended since: the measured pace of this very run. */
  roundsStartedAt: number | null;
  roundsDone: number;
  lastRoundEndedAt: number;
  cancelled: boolean;
  /** Rejects the round awaited now (set while one is). */
  abort: ((e: KeyshardError) => void) | null;
}

function cancelledError(): KeyshardError {
  return new KeyshardError('KDF_CANCELLED', 'The key stretching was cancelled; nothing was recovered.');
}

export function createKeyStretcher(deps: KeyStretcherDeps = {}): KeyStretcher {
  const derive = deps.pbkdf2 ?? nodePoolPbkdf2;
  const now = deps.now ?? (() => Date.now());
  let rate: Promise<number> | null = deps.iterationsPerSecond === undefined ? null : Promise.resolve(deps.iterationsPerSecond);
  let current: Run | null = null;
  /** A cancelled run's round still on the pool: the next run starts after it. */
  let draining: Promise<unknown> = Promise.resolve();

  /** The faster of two timings: the first also pays for waking a pool thread. */
  function measure(): Promise<number> {
    rate ??= (async () => {
      let best = 0;
      for (let i = 0; i < 2; i++) {
        const started = now();
        const key = await derive({ password: new Uint8Array(1), salt: new Uint8Array(8), iterations: MEASURE_ITERATIONS, dkLen: 16, step: 1 });
        key.fill(0);
        best = Math.max(best, MEASURE_ITERATIONS / Math.max((now() - started) / 1000, 0.001));
      }
      return best;
    })();
    return rate;
  }

  /** The whole run's time: from the rounds already done once there are some, else from the measured speed. */
  function estimateOf(r: Run): number {
    if (r.roundsStartedAt === null || r.roundsDone === 0) return r.estimatedSeconds;
    return ((r.lastRoundEndedAt - r.roundsStartedAt) / 1000 / r.roundsDone) * ROUND_COUNT;
  }

  async function estimateSeconds(iterationExponent: number): Promise<number> {
    return iterationsFor(iterationExponent) / (await measure());
  }

  function roundOf(run: Run): Pbkdf2Async {
    return (call) => {
      if (run.cancelled) return Promise.reject(cancelledError());
      run.round = call.step;
      run.roundsStartedAt ??= now();
      const job = derive(call);
      draining = job.catch(() => undefined);
      return new Promise<Uint8Array>((resolve, reject) => {
        run.abort = reject;
        job.then(
          (key) => {
            run.abort = null;
            if (run.cancelled) {
              key.fill(0); // cancelled while on the pool: nobody takes it
              reject(cancelledError());
              return;
            }
            run.roundsDone += 1;
            run.lastRoundEndedAt = now();
            resolve(key);
          },
          (e: unknown) => {
            run.abort = null;
            reject(e);
          },
        );
      });
    };
  }

  return {
    async run(iterationExponent, work) {
      if (current !== null) throw new KeyshardError('INTERNAL', 'A key stretching run is already under way; wait for it or cancel it.');
      const run: Run = { iterationExponent, estimatedSeconds: 0, round: 0, roundsStartedAt: null, roundsDone: 0, lastRoundEndedAt: 0, cancelled: false, abort: null };
      current = run;
      try {
        run.estimatedSeconds = await estimateSeconds(iterationExponent);
        await draining;
        if (run.cancelled) throw cancelledError();
        const out = await work(roundOf(run));
        // What this computer really did is the best estimate for the next question (a long run only: a short one is
        // mostly overhead).
        const seconds = run.roundsStartedAt === null ? 0 : (now() - run.roundsStartedAt) / 1000;
        if (seconds >= 0.5) rate = Promise.resolve(iterationsFor(iterationExponent) / seconds);
        return out;
      } finally {
        if (current === run) current = null;
      }
    },

    progress() {
      const r = current;
      if (r === null) return null;
      return {
        round: Math.max(r.round, 1),
        rounds: ROUND_COUNT,
        iterationExponent: r.iterationExponent,
        iterations: iterationsFor(r.iterationExponent),
        estimatedSeconds: estimateOf(r),
        // Counted from the first round: the speed measurement and a drain before it are not stretching.
        elapsedSeconds: (now() - (r.roundsStartedAt ?? now())) / 1000,
      };
    },

    cancel() {
      const r = current;
      if (r === null || r.cancelled) return false;
      r.cancelled = true;
      r.abort?.(cancelledError());
      return true;
    },

    estimateSeconds,
  };
}

/** "less than a second", "about 12 seconds", "about 3 minutes": for questions and progress lines. */
export function durationText(seconds: number): string {
  if (seconds < 1) return 'less than a second';
  if (seconds < 90) return `about ${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}`;
  return `about ${Math.round(seconds / 60)} minutes`;
}

/**
 * Refuses (SLIP39_SLOW_KDF) a share set whose iteration exponent is above keyshard's own, unless the person said yes
 * to the question this error asks: how much work, how long here, and why it may be expected or not.
 */
export async function checkStretchAllowed(stretcher: KeyStretcher, iterationExponent: number, allowSlowKdf: boolean): Promise<void> {
  if (iterationExponent <= KEYSHARD_ITERATION_EXPONENT || allowSlowKdf) return;
  const seconds = await stretcher.estimateSeconds(iterationExponent);
  const iterations = iterationsFor(iterationExponent);
  throw new KeyshardError(
    'SLIP39_SLOW_KDF',
    `These shares ask for ${iterations.toLocaleString('en-US')} PBKDF2 iterations to stretch the passphrase key (iteration exponent ${iterationExponent}), ` +
      `where keyshard's own ceremonies write exponent ${KEYSHARD_ITERATION_EXPONENT} (${iterationsFor(KEYSHARD_ITERATION_EXPONENT).toLocaleString('en-US')}). ` +
      `On this computer that takes ${durationText(seconds)}; it can be cancelled. Shares made with another SLIP-39 tool may ask for this; a damaged or altered set may too. ` +
      'Continue only if you expect it.',
    { iterationExponent, keyshardIterationExponent: KEYSHARD_ITERATION_EXPONENT, iterations, estimatedSeconds: Math.ceil(seconds) },
  );
}
