/**
 * Runs OpenPGP encryption and opening in a short-lived helper process (openpgp-child.ts), so that openpgp.js's own
 * copies of a shard's text never exist in main (issue 16.3). Main hands the helper bytes over a local socket it
 * listens on, wipes what it sent once written and what it received once copied out, and the helper exits after one
 * answer.
 *
 * The helper is started by a launcher: Node's child_process here (tests, the CLI), Electron's utilityProcess in the
 * app (main.ts calls useOpenPgpLauncher; the packaged app cannot run its binary as Node, runAsNode is fused off).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyshardError, type KeyshardErrorCode } from '../../../core/errors';
import type { OpenPgpRequest } from './openpgp-child';

/** A started helper: main only needs to know when it ends, and to end it. */
export interface HelperProcess {
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

/** Starts `entry` (a script path) with `args`; `execArgv` holds Node's flags for a TypeScript entry (tsx). */
export type OpenPgpLauncher = (entry: string, args: readonly string[], execArgv: readonly string[]) => HelperProcess;

/** Node's launcher: the same Node binary, nothing inherited but the environment, no output kept. */
const nodeLauncher: OpenPgpLauncher = (entry, args, execArgv) => {
  const child = spawn(process.execPath, [...execArgv, entry, ...args], { stdio: 'ignore', windowsHide: true });
  return {
    onExit: (listener) => {
      child.once('exit', (code) => listener(code));
      child.once('error', () => listener(null));
    },
    kill: () => child.kill(),
  };
};

let launcher: OpenPgpLauncher = nodeLauncher;

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

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
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
  // A folder only this user can enter holds the socket (mkdtemp makes it 0700).
  const dir = process.platform === 'win32' ? null : mkdtempSync(join(tmpdir(), 'keyshard-pgp-'));
  const path = dir === null ? `\\\\.\\pipe\\keyshard-pgp-${randomUUID()}` : join(dir, 's');
  const server = createServer({ allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let helper: HelperProcess | null = null;
  let gotAnswer = false;
  try {
    await listen(server, path);
    return await new Promise<Uint8Array>((resolve, reject) => {
      let connected = false;
      server.once('connection', (socket: Socket) => {
        connected = true;
        server.close();
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', () => reject(helperFailed()));
        socket.on('end', () => {
          // Copied into one array of our own (Buffer.concat may take a pooled slab that nobody wipes).
          const answer = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const c of chunks) {
            answer.set(c, at);
            at += c.length;
          }
          gotAnswer = answer.length > 0;
          if (gotAnswer) resolve(answer);
          else reject(helperFailed());
        });
        // Closed with no answer: the helper crashed (a settled promise ignores this).
        socket.on('close', () => reject(helperFailed()));
        socket.write(frame, () => frame.fill(0));
        socket.end();
      });
      helper = launcher(entry, [path], execArgv);
      // A helper that ends before it connected (it failed to start) fails the request.
      helper.onExit(() => {
        if (!connected) reject(helperFailed());
      });
    });
  } finally {
    frame.fill(0);
    for (const c of chunks) c.fill(0);
    server.close();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
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

/** decryptOpenPgpToBytes in the helper: the plaintext bytes, which the caller wipes. */
export async function decryptOpenPgpOutside(data: string | Uint8Array, privateKeyArmored: string, passphrase?: string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return answered(passphrase === undefined ? { op: 'decrypt', privateKeyArmored } : { op: 'decrypt', privateKeyArmored, passphrase }, bytes);
}
