/**
 * Shared by the fuzz files (not a test file itself). Each test/fuzz/<family>.fuzz.ts registers its properties with a
 * case count from `fuzzRuns(ci)`: FUZZ_RUNS when set (`npm run fuzz` sets 100000), else the CI-sized count the family
 * chose, which test/security/fuzz-<family>.test.ts runs in the normal test run.
 *
 * The property every parser of outside input must hold: it returns, or it throws a KeyshardError (a typed code and a
 * message for the person) - never a TypeError, RangeError or any other error - and no single call holds the thread
 * longer than the bound. Every call is timed; the slowest is printed per property so the observed maximum is on record.
 * The bound for the test run is generous (FUZZ_SLOW_MS, default 1000 ms) because the machine is small and busy;
 * the target for keyshard is 100 ms, and the printed maximum shows how far from it each parser is.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { isKeyshardError, type KeyshardError } from '../../core/errors';

export function fuzzRuns(ciRuns: number): number {
  const env = process.env['FUZZ_RUNS'];
  if (env === undefined || env === '') return ciRuns;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FUZZ_RUNS must be a positive integer, not ${JSON.stringify(env)}`);
  return n;
}

/**
 * The most CPU time one call may take, in ms (an upper bound only: a "does not block" check). CPU time, not wall time,
 * because the machine is shared: at a load of 10 a 20 ms call can take 200 ms of wall time without holding the thread
 * any longer. Wall time is printed too, and bounded far higher (FUZZ_WALL_MS) to catch a hang.
 */
export const SLOW_CALL_MS = Number(process.env['FUZZ_SLOW_MS'] ?? 1000);
export const WALL_BOUND_MS = Number(process.env['FUZZ_WALL_MS'] ?? 20_000);
/** What keyshard aims for; slower calls are counted and printed, not failed (the machine is shared). */
export const TARGET_CALL_MS = 100;

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: KeyshardError };

interface Start {
  readonly wall: number;
  readonly cpu: NodeJS.CpuUsage;
}

/** Times calls (CPU and wall) and keeps the slowest. */
export class CallClock {
  maxCpu = 0;
  maxWall = 0;
  overTarget = 0;
  calls = 0;
  constructor(
    readonly label: string,
    private readonly bounds: { readonly cpuMs: number; readonly wallMs: number } = { cpuMs: SLOW_CALL_MS, wallMs: WALL_BOUND_MS },
  ) {}

  private start(): Start {
    return { wall: performance.now(), cpu: process.cpuUsage() };
  }

  private note(s: Start): void {
    const wall = performance.now() - s.wall;
    const d = process.cpuUsage(s.cpu);
    const cpu = (d.user + d.system) / 1000;
    this.calls++;
    if (cpu > this.maxCpu) this.maxCpu = cpu;
    if (wall > this.maxWall) this.maxWall = wall;
    if (cpu > TARGET_CALL_MS) this.overTarget++;
    assert.ok(cpu <= this.bounds.cpuMs, `${this.label}: one call held the thread for ${cpu.toFixed(1)} ms of CPU (bound ${this.bounds.cpuMs} ms)`);
    assert.ok(wall <= this.bounds.wallMs, `${this.label}: one call took ${wall.toFixed(0)} ms (bound ${this.bounds.wallMs} ms): a hang?`);
  }

  /** Runs `fn`; a KeyshardError becomes `{ ok: false }`, any other error fails the property. */
  run<T>(fn: () => T): Outcome<T> {
    const s = this.start();
    let out: Outcome<T>;
    try {
      out = { ok: true, value: fn() };
    } catch (e) {
      this.note(s);
      return typed(e, this.label);
    }
    this.note(s);
    return out;
  }

  /** The async form: these parsers do no I/O, so the CPU time of the whole call is the time it holds the thread. */
  async runAsync<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
    const s = this.start();
    let out: Outcome<T>;
    try {
      out = { ok: true, value: await fn() };
    } catch (e) {
      this.note(s);
      return typed(e, this.label);
    }
    this.note(s);
    return out;
  }

  report(): string {
    const line = `fuzz ${this.label}: ${this.calls} calls, slowest ${this.maxCpu.toFixed(1)} ms CPU (${this.maxWall.toFixed(1)} ms wall), ${this.overTarget} over ${TARGET_CALL_MS} ms CPU`;
    console.log(line);
    return line;
  }
}

function typed(e: unknown, label: string): { ok: false; error: KeyshardError } {
  if (isKeyshardError(e)) {
    assert.ok(e.code !== 'INTERNAL', `${label}: INTERNAL error (${e.message})`);
    assert.ok(typeof e.message === 'string' && e.message.length > 0, `${label}: empty message`);
    return { ok: false, error: e };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const wrapped = new assert.AssertionError({ message: `${label}: untyped ${err.name}: ${err.message}\n${err.stack ?? ''}` });
  throw wrapped;
}

/** fast-check parameters: the run count, and the seed when FUZZ_SEED is set (to replay a failure). */
export function params(runs: number): fc.Parameters<unknown> {
  const seed = process.env['FUZZ_SEED'];
  return { numRuns: runs, ...(seed ? { seed: Number(seed) } : {}), endOnFailure: true, includeErrorInReport: true };
}

// ---------------------------------------------------------------------------------------------------------------------
// Mutations of a valid input: what a damaged file, a misread QR code or a tampered stick gives.

type Edit = { kind: 'replace' | 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'truncate'; at: number } | { kind: 'duplicate'; at: number; length: number };

const editArb = (alphabet: fc.Arbitrary<string>): fc.Arbitrary<Edit> =>
  fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.string({ unit: alphabet, minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: alphabet, minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 32 }) }),
  );

function applyEdit(s: string, e: Edit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1);
  switch (e.kind) {
    case 'replace':
      return s.slice(0, at) + e.text + s.slice(at + e.text.length);
    case 'insert':
      return s.slice(0, at) + e.text + s.slice(at);
    case 'delete':
      return s.slice(0, at) + s.slice(at + e.length);
    case 'truncate':
      return s.slice(0, at);
    case 'duplicate':
      return s.slice(0, at + e.length) + s.slice(at, at + e.length) + s.slice(at + e.length);
  }
}

/** Characters a damaged text file may hold: mostly the text's own kind, sometimes anything. */
export const NOISE_CHARS: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-_:{}[]",. \n') },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
);

/** 1 to 4 edits of `valid`; never `valid` itself unchanged is not promised (an edit may be a no-op). */
export function mutatedText(valid: string | fc.Arbitrary<string>, alphabet: fc.Arbitrary<string> = NOISE_CHARS): fc.Arbitrary<string> {
  const base = typeof valid === 'string' ? fc.constant(valid) : valid;
  return fc.tuple(base, fc.array(editArb(alphabet), { minLength: 1, maxLength: 4 })).map(([s, edits]) => edits.reduce(applyEdit, s));
}

type ByteEdit = { kind: 'flip'; at: number; bit: number } | { kind: 'set'; at: number; value: number } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'delete'; at: number; length: number };

const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x40) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
);

function applyByteEdit(b: Uint8Array, e: ByteEdit): Uint8Array {
  const at = e.at % (b.length + 1);
  switch (e.kind) {
    case 'flip': {
      if (b.length === 0) return b;
      const out = b.slice();
      out[at % b.length] = out[at % b.length]! ^ (1 << e.bit);
      return out;
    }
    case 'set': {
      if (b.length === 0) return b;
      const out = b.slice();
      out[at % b.length] = e.value;
      return out;
    }
    case 'truncate':
      return b.slice(0, at);
    case 'insert':
      return Uint8Array.from([...b.subarray(0, at), ...e.bytes, ...b.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + e.length)]);
  }
}

export function mutatedBytes(valid: Uint8Array | fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const base = valid instanceof Uint8Array ? fc.constant(valid) : valid;
  return fc.tuple(base, fc.array(byteEditArb, { minLength: 1, maxLength: 4 })).map(([b, edits]) => edits.reduce(applyByteEdit, b));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------------------------------------------------------
// Mutations of a valid JSON document: what a hand-edited or hostile file gives (replaced values, dropped or added
// members, including the names that break objects used as maps).

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', ''] as const;

type JsonEdit = { kind: 'replace'; at: number; value: unknown } | { kind: 'drop'; at: number } | { kind: 'add'; at: number; key: string; value: unknown };

function jsonPaths(v: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => jsonPaths(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) jsonPaths((v as Record<string, unknown>)[k], [...path, k], out);
  return out;
}

function applyJsonEdit(doc: unknown, e: JsonEdit): unknown {
  const root = structuredClone(doc);
  const paths = jsonPaths(root);
  const path = paths[e.at % paths.length]!;
  if (path.length === 0) return e.kind === 'replace' ? e.value : root;
  let parent: unknown = root;
  for (const p of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[p];
  const last = path[path.length - 1]!;
  const container = parent as Record<string | number, unknown>;
  if (e.kind === 'replace') container[last] = e.value;
  else if (e.kind === 'drop') {
    if (Array.isArray(container)) container.splice(Number(last), 1);
    else delete container[last];
  } else {
    const target = container[last];
    if (Array.isArray(target)) target.push(e.value);
    else if (target !== null && typeof target === 'object') Object.defineProperty(target, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
    else container[last] = { [e.key]: e.value };
  }
  return root;
}

const jsonEditArb: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>(...HOSTILE_KEYS, -0, 1e308, -1, 2 ** 53, 0.5)) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 })), value: fc.jsonValue({ maxDepth: 2 }) }),
);

/** The document with 1 to 3 structural edits, as a JS value. */
export function mutatedJson(doc: unknown): fc.Arbitrary<unknown> {
  return fc.array(jsonEditArb, { minLength: 1, maxLength: 3 }).map((edits) => edits.reduce(applyJsonEdit, doc));
}
