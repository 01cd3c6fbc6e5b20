/**
 * Not a test file: the channel between heap-secrets.test.ts (the window) and heap-main.ts (main). Messages are framed
 * on two pipes; every Uint8Array in a message travels as its own block, read straight into the array handed to the
 * handler and written straight from the answer's array, so the channel itself leaves no copy of a shard in main's
 * memory (the pipe's buffer is the kernel's). The rest of a message (no bytes of a shard in it) is v8-serialized.
 *
 * Why: the raw-memory search then counts what keyshard's own code leaves in main. Electron's IPC (Mojo) copies a
 * message in C++ and frees it without wiping; that is outside keyshard's code and measured separately with Node's own
 * child-process channel (KEYSHARD_HEAP_TRANSPORT=node: docs/threat-model.md has the numbers).
 *
 * Frame: u32 header length | u32 block count | header (v8.serialize, each Uint8Array replaced by { __block: i }) |
 * per block: u32 length | bytes. Little-endian.
 */
import { read, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

const BLOCK = '__block';

function extract(value: unknown, blocks: Uint8Array[], depth = 0): unknown {
  if (depth > 16 || typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) {
    blocks.push(value);
    return { [BLOCK]: blocks.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => extract(v, blocks, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extract(v, blocks, depth + 1)]));
}

function restore(value: unknown, blocks: readonly Uint8Array[], depth = 0): unknown {
  if (depth > 16 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => restore(v, blocks, depth + 1));
  const at = (value as Record<string, unknown>)[BLOCK];
  if (typeof at === 'number' && Object.keys(value).length === 1) return blocks[at];
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v, blocks, depth + 1)]));
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/** Writes one message to a file descriptor (synchronously: the kernel has it when this returns). */
export function writeMessage(fd: number, message: unknown): void {
  const blocks: Uint8Array[] = [];
  const header = serialize(extract(message, blocks));
  writeSync(fd, u32(header.length));
  writeSync(fd, u32(blocks.length));
  writeSync(fd, header);
  for (const b of blocks) {
    writeSync(fd, u32(b.length));
    for (let at = 0; at < b.length; ) at += writeSync(fd, b, at, b.length - at);
  }
}

function readExactly(fd: number, into: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (at: number): void => {
      if (at === into.length) return resolve();
      read(fd, into, at, into.length - at, null, (e, n) => {
        if (e) return reject(e);
        if (n === 0) return reject(new Error('channel closed'));
        step(at + n);
      });
    };
    step(0);
  });
}

async function readU32(fd: number): Promise<number> {
  const b = new Uint8Array(4);
  await readExactly(fd, b);
  return new DataView(b.buffer).getUint32(0, true);
}

/** Reads one message from a file descriptor; its byte blocks are fresh arrays that nothing else refers to. */
export async function readMessage(fd: number): Promise<unknown> {
  const headerLength = await readU32(fd);
  const count = await readU32(fd);
  const header = new Uint8Array(headerLength);
  await readExactly(fd, header);
  const blocks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const b = new Uint8Array(await readU32(fd));
    await readExactly(fd, b);
    blocks.push(b);
  }
  return restore(deserialize(header), blocks);
}

/** The window's side: parses frames from a stream of chunks (copies here are the window's, not main's). */
export function frameReader(onMessage: (m: unknown) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 8) return;
      const headerLength = pending.readUInt32LE(0);
      const count = pending.readUInt32LE(4);
      let at = 8 + headerLength;
      if (pending.length < at) return;
      const blocks: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        if (pending.length < at + 4) return;
        const n = pending.readUInt32LE(at);
        if (pending.length < at + 4 + n) return;
        blocks.push(new Uint8Array(pending.subarray(at + 4, at + 4 + n)));
        at += 4 + n;
      }
      const header = pending.subarray(8, 8 + headerLength);
      const message = restore(deserialize(header), blocks);
      pending = pending.subarray(at);
      onMessage(message);
    }
  };
}

/** The window's side: one message as a frame, to write to main's request pipe. */
export function frame(message: unknown): Buffer {
  const blocks: Uint8Array[] = [];
  const header = serialize(extract(message, blocks));
  const parts: Buffer[] = [Buffer.from(u32(header.length)), Buffer.from(u32(blocks.length)), header];
  for (const b of blocks) parts.push(Buffer.from(u32(b.length)), Buffer.from(b));
  return Buffer.concat(parts);
}
