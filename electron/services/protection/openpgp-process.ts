/**
 * Runs OpenPGP encryption and opening in a short-lived helper process (openpgp-child.ts), so that openpgp.js's own
 * copies of a shard's text never exist in main (issue 16.3). Main hands the helper one request as bytes over the
 * process's own channel (its stdin and stdout under Node, the utility process's message port in Electron; never a
 * socket, so nothing of node:net is used), wipes what it sent once it is out and what it received once copied out,
 * and the helper exits after one answer.
 *
 * The helper is started by a launcher: Node's child_process here (tests, the CLI), Electron's utilityProcess in the
 * app (main.ts calls useOpenPgpLauncher; the packaged app cannot run its binary as Node, runAsNode is fused off).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyshardError, type KeyshardErrorCode } from '../../../core/errors';
import type { OpenPgpRequest } from './openpgp-child';

/** A started helper and its one exchange: the request out, the whole answer back, its end. */
export interface HelperProcess {
  /** Sends the request; `sent` runs once the bytes are handed over, so main can wipe its copy. */
  send(frame: Uint8Array, sent: () => void): void;
  /** The helper's whole answer, in an array of its own that the caller wipes. */
  onAnswer(listener: (answer: Uint8Array) => void): void;
  /** The helper ended (after its answer, or without one). */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

/** Starts the helper at `entry`; `execArgv` holds Node's flags for a TypeScript entry (tsx). */
export type OpenPgpLauncher = (entry: string, execArgv: readonly string[]) => HelperProcess;

/** Copies chunks into one array of our own and wipes them (Buffer.concat may take a pooled slab nobody wipes). */
function joinAndWipe(chunks: readonly Buffer[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
    c.fill(0);
  }
  return out;
}

/** Node's helper: the same Node binary with `args`, its stdin and stdout the channel, nothing else kept. */
export function spawnNodeHelper(args: readonly string[]): HelperProcess {
  const child = spawn(process.execPath, [...args], { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A helper that died before reading makes the write fail (EPIPE); its exit reports the failure.
  child.stdin.on('error', () => undefined);
  return {
    send: (frame, sent) => void child.stdin.end(frame, sent),
    onAnswer: (listener) => void child.stdout.once('end', () => listener(joinAndWipe(chunks))),
    // 'close', not 'exit': it comes after the output was read to its end, so an answer is never reported lost.
    onExit: (listener) => {
      child.once('close', (code) => listener(code));
      child.once('error', () => listener(null));
    },
    kill: () => child.kill(),
  };
}

let launcher: OpenPgpLauncher = (entry, execArgv) => spawnNodeHelper([...execArgv, entry]);

/** Main (Electron) starts the helper as a utility process instead of Node's child process. */
export function useOpenPgpLauncher(next: OpenPgpLauncher): void {
  launcher = next;
}

/** The helper's built file next to this code (out/main/ for the app, out/cli/ for the CLI), or its source under tsx. */
function helperEntry(): { entry: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { entry: join(dirname(here), 'openpgp-child.ts'), execArgv: ['--import', 'tsx'] };
  // The CLI's code may sit in out/cli/ or in its chunks/ folder.
  for (const name of ['openpgp-child.cjs', 'openpgp-child.mjs', '../openpgp-child.mjs']) {
    const entry = join(dirname(here), name);
    if (existsSync(entry)) return { entry, execArgv: [] };
  }
  throw new KeyshardError('INTERNAL', 'The OpenPGP helper of this keyshard build is missing. Rebuild keyshard (npm run build), then try again.', {
    reason: 'openpgp-helper-missing',
  });
}

function helperFailed(): KeyshardError {
  return new KeyshardError('INTERNAL', 'The OpenPGP helper process stopped before it answered. Try again; if it keeps failing, report it.', {
    reason: 'openpgp-helper-failed',
  });
}

/**
 * A helper started before its request: its events are kept until ask() listens, so one that ended early (crashed,
 * killed) is reported as failed when it is asked, never waited on.
 */
function startedEarly(helper: HelperProcess): HelperProcess {
  let answer: Uint8Array | undefined;
  let exit: { code: number | null } | undefined;
  const onAnswer: ((a: Uint8Array) => void)[] = [];
  const onExit: ((code: number | null) => void)[] = [];
  helper.onAnswer((a) => {
    answer = a;
    for (const l of onAnswer.splice(0)) l(a);
  });
  helper.onExit((code) => {
    exit = { code };
    for (const l of onExit.splice(0)) l(code);
  });
  return {
    send: (frame, sent) => helper.send(frame, sent),
    onAnswer: (l) => void (answer === undefined ? onAnswer.push(l) : l(answer)),
    onExit: (l) => void (exit === undefined ? onExit.push(l) : l(exit.code)),
    kill: () => helper.kill(),
  };
}

/** Helpers started ahead of the requests they will get, oldest first (startOpenPgpHelpersEarly); none holds a request yet. */
const early: HelperProcess[] = [];
const MAX_EARLY = 2;

/**
 * Starts the helpers of the next `count` requests (at most 2) now, so each start (a Node process loading openpgp.js,
 * ~0.1 s of CPU) overlaps the work before its request instead of being waited for. For a caller that knows OpenPGP
 * requests come next (the headless demo: a USB shard's encryption, then its read-back); a helper holds nothing until
 * its request is sent. Pair with dropEarlyOpenPgpHelpers.
 */
export function startOpenPgpHelpersEarly(count = 1): void {
  const { entry, execArgv } = helperEntry();
  while (early.length < Math.min(count, MAX_EARLY)) early.push(startedEarly(launcher(entry, execArgv)));
}

/** Ends the helpers started early that no request used (they never saw a byte of a shard). */
export function dropEarlyOpenPgpHelpers(): void {
  for (const helper of early.splice(0)) helper.kill();
}

/** Sends one request and its payload to a fresh helper; its answer's bytes (status byte first), which the caller wipes. */
async function ask(request: OpenPgpRequest, payload: Uint8Array): Promise<Uint8Array> {
  const { entry, execArgv } = helperEntry();
  const header = Buffer.from(JSON.stringify(request), 'utf8');
  // Buffer.alloc, not allocUnsafe: a pooled slab could hand our bytes' memory to someone else's buffer.
  const frame = Buffer.alloc(4 + header.length + payload.length);
  frame.writeUInt32BE(header.length, 0);
  header.copy(frame, 4);
  frame.set(payload, 4 + header.length);
  header.fill(0);
  let helper: HelperProcess | null = null;
  let gotAnswer = false;
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      // One helper per request: a helper started early is taken (and no longer kept), or a new one is started.
      const started = early.shift() ?? launcher(entry, execArgv);
      helper = started;
      started.onAnswer((answer) => {
        gotAnswer = answer.length > 0;
        if (gotAnswer) resolve(answer);
        else reject(helperFailed());
      });
      // Ended with no answer: it crashed or never started (a settled promise ignores this).
      started.onExit(() => reject(helperFailed()));
      started.send(frame, () => frame.fill(0));
    });
  } finally {
    frame.fill(0);
    // The helper exits by itself once it answered; one that failed without answering is not left behind.
    if (!gotAnswer) (helper as HelperProcess | null)?.kill();
  }
}

/** The helper's answer: the bytes after an OK status (the caller wipes them), or its error rebuilt. */
async function answered(request: OpenPgpRequest, payload: Uint8Array): Promise<Uint8Array> {
  const answer = await ask(request, payload);
  if (answer[0] === 0) return answer.subarray(1);
  let error: { code?: unknown; message?: unknown; details?: unknown };
  try {
    error = JSON.parse(new TextDecoder().decode(answer.subarray(1))) as typeof error;
  } catch {
    throw helperFailed();
  } finally {
    answer.fill(0);
  }
  if (typeof error.code !== 'string' || typeof error.message !== 'string') throw helperFailed();
  const details = typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
  throw new KeyshardError(error.code as KeyshardErrorCode, error.message, details);
}

/** encryptToOpenPgpKey in the helper: the armored message. `plaintext` stays the caller's to wipe. */
export async function encryptOpenPgpOutside(plaintext: Uint8Array, publicKeyArmored: string): Promise<string> {
  const data = await answered({ op: 'encrypt', publicKeyArmored }, plaintext);
  return new TextDecoder().decode(data);
}

/** encryptToAgeRecipient in the helper (the age library's unwiped chunk buffer dies with it): the armored file. */
export async function encryptAgeOutside(plaintext: Uint8Array, recipient: string): Promise<string> {
  const data = await answered({ op: 'age-encrypt', recipient }, plaintext);
  return new TextDecoder().decode(data);
}

/** decryptOpenPgpToBytes in the helper: the plaintext bytes, which the caller wipes. */
export async function decryptOpenPgpOutside(data: string | Uint8Array, privateKeyArmored: string, passphrase?: string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return answered(passphrase === undefined ? { op: 'decrypt', privateKeyArmored } : { op: 'decrypt', privateKeyArmored, passphrase }, bytes);
}
