/**
 * Not a test file: the stand-in for Electron's main process in heap-secrets.test.ts. It runs the real IPC handlers over
 * real services (test/ipc/ipc-harness.ts) and answers requests that the test - playing the renderer - sends over a
 * channel of its own (heap-transport.ts: two pipes that leave no copy of a shard's bytes in this process; or Node's
 * child-process channel with KEYSHARD_HEAP_TRANSPORT=node), so the strings the "renderer" holds (shown shards,
 * typed-back words) are in another heap, as they are in the app. It keeps nothing of a call: it calls the handlers
 * themselves (the rig's call log keeps every answer as JSON), and wipes each answer's bytes once sent.
 *
 * Requests: { id, op, ... } -> { id, ok, value } | { id, ok: false, error }.
 *   call {channel, request}  one IPC call; the handler's envelope comes back
 *   witness-key {witnessId}  writes a witness key file; its path
 *   drive {name}             a folder standing in for a USB stick; its path
 *   buffers                  how many buffers the secret stores handed out, and the labels of any not zeroed
 *   control {text}           keeps `text` in a live variable (the test's control case)
 *   snapshot {path}          a V8 heap snapshot (taken after a full GC) written to path; its size in bytes
 */
import { statSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import type { ChannelName } from '../../electron/ipc/channels';
import { wipeBytesIn } from '../../electron/ipc/handlers';
import { ipcRig } from '../ipc/ipc-harness';
import { readMessage, writeMessage } from './heap-transport';

type Request =
  | { id: number; op: 'call'; channel: ChannelName; request?: unknown }
  | { id: number; op: 'witness-key'; witnessId: string }
  | { id: number; op: 'drive'; name: string }
  | { id: number; op: 'buffers' }
  | { id: number; op: 'control'; text: unknown }
  | { id: number; op: 'snapshot'; path: string };

const rig = ipcRig();
/** Which channel carries messages: the byte-clean pipes of heap-transport.ts (default) or Node's own (measurement). */
const NODE_CHANNEL = process.env['KEYSHARD_HEAP_TRANSPORT'] === 'node';
const REQUESTS_FD = 4;
const ANSWERS_FD = 5;
// The control case's live secret: a reachable global, so a working search must find it.
const kept: { text: unknown } = { text: null };
(globalThis as { __heapControl?: unknown }).__heapControl = kept;

async function handle(m: Request): Promise<unknown> {
  switch (m.op) {
    case 'call':
      // The handlers themselves (rig.raw would keep each answer as JSON in its call log).
      return (rig.handlers[m.channel] as (r: unknown) => Promise<unknown>)(m.request);
    case 'witness-key':
      // Chosen in main's dialog, as the screens do: main loads only such key files (electron/ipc/chosen-files.ts).
      return rig.choose('witness-key', rig.witnessKeyFile(m.witnessId));
    case 'drive':
      return rig.drive(m.name);
    case 'buffers': {
      const all = [...rig.ceremonyBuffers, ...rig.recoveryBuffers];
      return { count: all.length, bytes: all.reduce((n, b) => n + b.bytes.length, 0), notZeroed: all.filter((b) => b.bytes.some((x) => x !== 0)).map((b) => b.label) };
    }
    case 'control':
      kept.text = m.text;
      return null;
    case 'snapshot': {
      writeHeapSnapshot(m.path);
      return statSync(m.path).size;
    }
  }
}

/** Sends an answer, then wipes its byte arrays, as register.ts does once Electron has copied an answer. */
function send(answer: { id: number; ok: boolean; value?: unknown; error?: string }): void {
  if (NODE_CHANNEL) process.send!(answer);
  else writeMessage(ANSWERS_FD, answer);
  wipeBytesIn(answer);
}

function serve(m: Request): void {
  handle(m).then(
    (value) => send({ id: m.id, ok: true, value }),
    (e: unknown) => send({ id: m.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
}

if (NODE_CHANNEL) process.on('message', serve);
else {
  void (async () => {
    for (;;) serve((await readMessage(REQUESTS_FD)) as Request);
  })();
}
send({ id: 0, ok: true, value: 'ready' });
