/**
 * No secret left behind (issue 16.3). A child process stands in for Electron's main process (heap-main.ts: the real IPC
 * handlers over real services); this test plays the renderer over a child-process channel, so what the "renderer"
 * holds (shown shards, typed-back words) lives in this heap, not main's. After a sealed ceremony (SLIP-39, and FROST
 * with VSS), after a recovery that showed the seed (hex and BIP-39 words) and was cleared, and after an abort with
 * shards handed off, main's heap is written as a V8 heap snapshot (taken after a full GC: only what is still
 * reachable) and searched for the secret and every shard: hex, base64, base64url, base32, the shard texts (one piece,
 * paper layout, QR parts) and mnemonic words in sequence, both inside strings and as a sequence of word strings held
 * by one array or object. Zero hits.
 *
 * A snapshot holds no ArrayBuffer contents, so raw bytes are covered in two other ways: every buffer main's secret
 * stores handed out must read back as zero, and main's whole memory is read through /proc/PID/mem and counted for the
 * raw bytes and text forms (Latin-1 and UTF-16) - including dead objects not yet overwritten, which JavaScript cannot
 * wipe (docs/threat-model.md, "what cannot be guaranteed"). Also: no secret in the transcript, main's stdout/stderr,
 * any file main left in its temp folder (main runs with a TMPDIR of its own, empty before), or any file that appeared
 * in the machine's temp folder meanwhile.
 *
 * The control case keeps a known secret string in a live variable of main and must find it, so a broken search
 * cannot pass.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodeBase32 } from '../../core/base32';
import { decodeSlip39Payload, decodeVssPayload, envelopeFromText, EnvelopeScheme, wipeEnvelope } from '../../core/envelope';
import type { CeremonyPlan } from '../../core/policy';
import { combineMnemonics, decodeShare, WORDLIST } from '../../core/slip39/index';
import { combineShares } from '../../core/vss/index';
import type { ChannelName } from '../../electron/ipc/channels';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import type { IpcResult } from '../../electron/ipc/result';
import { openProtected } from '../../electron/services/protection/index';
import { witnessPassphrase } from '../ipc/ipc-harness';
import { frame, frameReader } from './heap-transport';
import { cleanTemps, custodianKeys, given, methodFor, nodePbkdf2, openingKeyFor, responseFor, shown, shownShards, slip39Plan, tempDir, vssPlan, type Keys } from '../services/ceremony-harness';

type View = ResponseOf<'ceremony:handoff'>;
const DICE = '6 2 3 5 1 4 4 2 6 1 3 5 5 2 1 6 4 3 2 2';
const OVERRIDE = { witnessId: 'wendy', reason: 'The test machine has a network card; this test is about memory.', passphrase: witnessPassphrase('wendy') };

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

// ---------------------------------------------------------------------------------------------------------------
// Main in a child process
// ---------------------------------------------------------------------------------------------------------------

interface Main {
  readonly pid: number;
  /** Main's own TMPDIR (empty when it starts). */
  readonly tmp: string;
  /** The shared temp folder's entries before main started, and when it started. */
  readonly sharedTmpBefore: ReadonlySet<string>;
  readonly startedAt: number;
  call<K extends ChannelName>(channel: K, request?: RequestOf<K>): Promise<ResponseOf<K>>;
  op(op: string, fields?: Record<string, unknown>): Promise<unknown>;
  /** Everything main wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

async function startMain(): Promise<Main> {
  const sharedTmpBefore = new Set(readdirSync(tmpdir()));
  const startedAt = Date.now();
  const tmp = tempDir('heap-main-tmp');
  const child: ChildProcess = fork(join(import.meta.dirname, 'heap-main.ts'), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced', // structured clone, as Electron's IPC (with KEYSHARD_HEAP_TRANSPORT=node)
    env: { ...process.env, TMPDIR: tmp },
    // fds 4 and 5: requests and answers on heap-transport.ts's byte-clean pipes.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe', 'pipe'],
  });
  const nodeChannel = process.env['KEYSHARD_HEAP_TRANSPORT'] === 'node';
  const toMain = child.stdio[4] as Writable;
  const sendToMain = (m: unknown): void => {
    if (nodeChannel) child.send(m as never);
    else toMain.write(frame(m));
  };
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const onAnswer = (m: { id: number; ok: boolean; value?: unknown; error?: string }): void => {
    if (m.id === 0) return ready();
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.value);
    else w?.reject(new Error(m.error));
  };
  if (nodeChannel) child.on('message', onAnswer);
  else (child.stdio as unknown as Readable[])[5]!.on('data', frameReader((m) => onAnswer(m as never)));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error(`main exited:\n${out}`));
  });
  await Promise.race([isReady, exited.then(() => Promise.reject(new Error(`main did not start:\n${out}`)))]);
  let next = 1;
  const op = (name: string, fields: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      sendToMain({ id, op: name, ...fields });
    });
  return {
    pid: child.pid!,
    tmp,
    sharedTmpBefore,
    startedAt,
    op,
    async call(channel, request) {
      const r = (await op('call', { channel, request })) as IpcResult<unknown>;
      assert.ok(r.ok, `${channel} failed: ${r.ok ? '' : `${r.error.code}: ${r.error.message}`}`);
      return r.value as never;
    },
    output: () => out,
    async stop() {
      child.kill();
      await exited;
    },
  };
}

async function signPending(main: Main): Promise<void> {
  for (;;) {
    const s = (await main.call('ceremony:status')).signOff;
    if (s === null || s.signedBy.length >= s.required) return;
    const id = s.eligible.find((w) => !s.signedBy.includes(w))!;
    await main.call('ceremony:sign-off', { witnessId: id, fingerprint: s.confirm.display, passphrase: witnessPassphrase(id) });
  }
}

/** Start to split, then the handoffs (confirming all but the last `unconfirmed`); returns what the renderer was shown. */
async function throughHandoffs(main: Main, plan: CeremonyPlan, unconfirmed = 0): Promise<Map<string, View>> {
  for (const w of plan.witnesses) await main.call('ceremony:load-witness-key', { path: (await main.op('witness-key', { witnessId: w.id })) as string });
  await main.call('ceremony:start', { plan });
  await main.call('ceremony:check-airgap', { override: OVERRIDE });
  await signPending(main);
  await main.call('ceremony:gather-entropy', { diceRolls: DICE });
  await signPending(main);
  await main.call('ceremony:generate');
  await signPending(main);
  await main.call('ceremony:split');
  await signPending(main);
  const views = new Map<string, View>();
  const last = plan.custodians.length - unconfirmed;
  for (const [i, c] of plan.custodians.entries()) {
    const drive = c.medium === 'usb' ? { drive: { mountPoint: (await main.op('drive', { name: c.id })) as string, label: c.id } } : {};
    const view = await main.call('ceremony:handoff', { custodianId: c.id, ...drive });
    views.set(c.id, view);
    if (i >= last) continue;
    await main.call('ceremony:confirm', { custodianId: c.id, method: methodFor(c.medium), ...(c.medium === 'usb' ? {} : { responses: responseFor(view as never, plan) }) });
    await signPending(main);
    await main.call('ceremony:receipt', { custodianId: c.id });
  }
  return views;
}

async function sealed(main: Main, plan: CeremonyPlan, quorum: readonly string[]): Promise<{ views: Map<string, View>; transcript: string }> {
  const views = await throughHandoffs(main, plan);
  const rec = await main.call('ceremony:test-recovery', {
    responses: quorum.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((s) => given({ text: s.envelopeText }, 'read')) })),
  });
  assert.equal(rec.fingerprintMatch, true);
  await signPending(main);
  await main.call('ceremony:destroy', { confirmed: true });
  await signPending(main);
  await main.call('ceremony:seal');
  await signPending(main);
  const status = await main.call('ceremony:status');
  assert.equal(status.phase, 'sealed');
  await main.call('ceremony:transcript');
  return { views, transcript: readFileSync(status.transcript.path, 'utf8') };
}

// ---------------------------------------------------------------------------------------------------------------
// What to look for
// ---------------------------------------------------------------------------------------------------------------

interface Needles {
  /** Text forms as made (the string searches ignore case) -> what each is, for the failure message. */
  readonly text: Map<string, string>;
  /** Raw byte windows. */
  readonly bytes: { readonly bytes: Uint8Array; readonly what: string }[];
  /** Each mnemonic's words, for sequences of word strings. */
  readonly mnemonics: string[][];
  /** The secret the shards recover, as hex. */
  secretHex: string;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function windows(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= s.length; i += n) out.push(s.slice(i, i + n));
  if (s.length % n !== 0 && s.length >= n) out.push(s.slice(s.length - n));
  return out;
}

function byteWindows(b: Uint8Array, n = 16): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + n <= b.length; i += n) out.push(b.slice(i, i + n));
  if (b.length % n !== 0 && b.length >= n) out.push(b.slice(b.length - n));
  return out;
}

/** Every form of one secret byte string: raw windows, and hex / base64 / base64url / base32 (24-character windows). */
function addBytes(n: Needles, bytes: Uint8Array, what: string): void {
  n.bytes.push(...byteWindows(bytes).filter(varied).map((b) => ({ bytes: b, what })));
  const forms = { hex: bytesToHex(bytes), base64: b64(bytes), base64url: b64url(bytes), base32: encodeBase32(bytes) };
  for (const [name, form] of Object.entries(forms)) for (const w of windows(form, 24).filter(varied)) n.text.set(w, `${name} of ${what}`);
}

/** A window of a secret with runs (zeros, a scalar's padding) is no evidence of anything: at least 8 distinct values. */
function varied(w: ArrayLike<unknown>): boolean {
  return new Set(Array.from(w)).size >= 8;
}

function addMnemonic(n: Needles, words: readonly string[], what: string): void {
  n.mnemonics.push([...words]);
  for (let i = 0; i + 3 <= words.length; i++) n.text.set(words.slice(i, i + 3).join(' '), `words of ${what}`);
}

/**
 * The needles of a ceremony, from what the renderer was shown: each shard (its share - the SLIP-39 share value or the
 * FROST signing share -, its texts, its QR parts, its words) and the secret the shards recover.
 * A USB custodian's file is opened with their (throwaway) key. Dice rolls are entropy: searched too.
 */
async function needlesOf(plan: CeremonyPlan, views: Map<string, View>): Promise<Needles> {
  const n: Needles = { text: new Map([[DICE.slice(0, 19), 'the dice rolls']]), bytes: [], mnemonics: [], secretHex: '' };
  const mnemonics: string[] = [];
  const vssShares: { identifier: Uint8Array; signingShare: Uint8Array }[] = [];
  const shardTextOwners = new Map<string, string[]>();
  for (const c of plan.custodians) {
    const view = views.get(c.id)!;
    const texts = shownShards(view).map((s) => s.envelopeText);
    for (const f of view.files) {
      const key = openingKeyFor(plan, c.id, k)!;
      texts.push(await openProtected(readFileSync(f.location), key));
    }
    for (const s of shownShards(view)) {
      for (const line of s.paperText.split('\n')) if (line.length >= 24) n.text.set(line, `${c.id}'s paper text`);
      for (const f of s.qr.frames) for (const w of windows(f.slice(f.lastIndexOf('/') + 1), 24)) n.text.set(w, `${c.id}'s QR part`);
    }
    for (const text of texts) {
      // Runs of one letter (a zero run in base32) are no evidence. A window that several shards' texts share (the same
      // ceremony id, fingerprint or FROST commitments at the same place) is named for all of them: before, the last
      // custodian took it, so one leaked text showed up as three custodians' windows (issue 16.3).
      for (const w of windows(text.slice(3), 20).filter(varied)) {
        const had = shardTextOwners.get(w) ?? [];
        if (!had.includes(c.id)) had.push(c.id);
        shardTextOwners.set(w, had);
        n.text.set(w, had.length === 1 ? `${c.id}'s shard text` : `a part the shard texts of ${had.join(', ')} share`);
      }
      // The envelope's own bytes are not searched as such: its header (ceremony id, fingerprint) is public.
      const env = envelopeFromText(text);
      if (env.scheme === EnvelopeScheme.slip39) {
        const mnemonic = decodeSlip39Payload(env.payload);
        mnemonics.push(mnemonic);
        addMnemonic(n, mnemonic.split(' '), `${c.id}'s mnemonic`);
        addBytes(n, decodeShare(mnemonic).value, `${c.id}'s share value`);
      } else {
        const p = decodeVssPayload(env.scheme, env.payload);
        vssShares.push({ identifier: p.identifier.slice(), signingShare: p.signingShare.slice() });
        addBytes(n, p.signingShare, `${c.id}'s signing share`);
      }
      wipeEnvelope(env);
    }
  }
  const secret =
    plan.scheme.type === 'slip39'
      ? combineMnemonics(mnemonics, '', nodePbkdf2)
      : combineShares({ ciphersuite: plan.scheme.ciphersuite, threshold: plan.scheme.threshold, shares: vssShares }).secret;
  addBytes(n, secret, plan.scheme.type === 'slip39' ? 'the seed' : 'the group secret key');
  n.secretHex = bytesToHex(secret);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Searches
// ---------------------------------------------------------------------------------------------------------------

interface SnapshotFindings {
  readonly bytes: number;
  readonly strings: number;
  readonly hits: string[];
}

/**
 * Searches a heap snapshot: every string in it (V8 keeps the first 1,024 characters of each; cons strings appear as
 * their parts, which are searched by the word-sequence check and by the windows, shorter than any part that holds a
 * shard), and every object's or array's string-valued edges in order, for three words of a mnemonic in a row.
 */
function searchSnapshot(path: string, needles: Needles): SnapshotFindings {
  const bytes = statSync(path).size;
  const snap = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const hits: string[] = [];
  const haystack = snap.strings.join('\n').toLowerCase();
  for (const [t, what] of needles.text) if (haystack.includes(t.toLowerCase())) hits.push(`a string with "${t}" (${what})`);

  const nf = snap.snapshot.meta.node_fields.length;
  const ef = snap.snapshot.meta.edge_fields.length;
  const typeOf = snap.snapshot.meta.node_types[0];
  const nType = snap.snapshot.meta.node_fields.indexOf('type');
  const nName = snap.snapshot.meta.node_fields.indexOf('name');
  const nEdges = snap.snapshot.meta.node_fields.indexOf('edge_count');
  const eTo = snap.snapshot.meta.edge_fields.indexOf('to_node');
  const sequences = new Set<string>();
  for (const m of needles.mnemonics) for (let i = 0; i + 3 <= m.length; i++) sequences.add(m.slice(i, i + 3).join(' '));
  let e = 0;
  for (let node = 0; node < snap.nodes.length; node += nf) {
    const count = snap.nodes[node + nEdges]!;
    const names: string[] = [];
    for (let j = 0; j < count; j++, e += ef) {
      const to = snap.edges[e + eTo]!;
      if (typeOf[snap.nodes[to + nType]!] === 'string') names.push(snap.strings[snap.nodes[to + nName]!]!);
    }
    for (let j = 0; j + 3 <= names.length; j++) {
      const seq = names.slice(j, j + 3).join(' ');
      if (sequences.has(seq)) hits.push(`${typeOf[snap.nodes[node + nType]!]} "${snap.strings[snap.nodes[node + nName]!]}" holds the words "${seq}"`);
    }
  }
  return { bytes, strings: snap.strings.length, hits };
}

/** Searches a file's or an output's bytes for every needle (text forms in any case, raw windows). */
function searchBytes(data: Buffer, needles: Needles): string[] {
  const hits: string[] = [];
  const lower = Buffer.from(data.toString('latin1').toLowerCase(), 'latin1');
  for (const [t, what] of needles.text) if (lower.includes(t.toLowerCase(), 0, 'latin1')) hits.push(`"${t}" (${what})`);
  for (const b of needles.bytes) if (data.includes(Buffer.from(b.bytes))) hits.push(`bytes ${bytesToHex(b.bytes)} (${b.what})`);
  return hits;
}

/** Regular files under dir; entries another process removes meanwhile, or may not be read, are left out. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Files that appeared in the machine's shared temp folder since main started (other people's tests write there too:
 * searching them costs time, not truth), up to 4 MB each; this test's own snapshots and main's own TMPDIR (searched
 * whole) are left out. Catches a temp file written to a fixed /tmp path rather than os.tmpdir().
 */
function newSharedTempFiles(main: Main, skip: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    const p = join(tmpdir(), name);
    if (main.sharedTmpBefore.has(name) || skip.includes(p)) continue;
    // Someone's git checkout made meanwhile (a shared machine): source files, which hold this test's own constants.
    if (existsSync(join(p, '.git'))) continue;
    for (const f of filesUnder(p)) {
      try {
        const st = statSync(f);
        if (st.size <= 4 << 20 && st.mtimeMs >= main.startedAt) out.push(f);
      } catch {
        // removed meanwhile
      }
    }
  }
  return out;
}

/**
 * The hits in a file main may not have written (the shared temp folder: other processes' ceremonies land there too)
 * that show a leak: two or more pieces of one secret. One piece alone can be chance: a 20-character window of a
 * shard text that spans only its first, low-entropy words (identifier, exponent) turned up in another process's
 * demo files (a run of b12b237). A file main wrote with a shard in it holds every piece of it.
 */
function leakedWholeIn(hits: readonly string[]): string[] {
  const perSecret = new Map<string, number>();
  const secretOf = (hit: string) => /\(([^()]*)\)$/.exec(hit)?.[1] ?? hit;
  for (const h of hits) perSecret.set(secretOf(h), (perSecret.get(secretOf(h)) ?? 0) + 1);
  return hits.filter((h) => (perSecret.get(secretOf(h)) ?? 0) >= 2);
}

function readIfThere(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Whether this process may read main's memory (a container may forbid it); if not, the memory counts are skipped. */
function memoryReadable(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    closeSync(openSync(`/proc/${pid}/mem`, 'r'));
    return true;
  } catch {
    return false;
  }
}

interface MemoryFindings {
  readonly readBytes: number;
  readonly regions: number;
  /** Needle kind -> how many of its needles were searched, and how many were found somewhere in memory. */
  readonly found: Record<'raw' | 'latin1' | 'utf16', { searched: number; found: number }>;
  /** What the raw byte windows found are (e.g. "the seed"). */
  readonly rawFound: string[];
  /** What the text windows found (Latin-1 or UTF-16) are, with how many of each (e.g. "words of alice's mnemonic: 3"). */
  readonly textFound: Record<string, number>;
}

/**
 * Reads main's memory through /proc/PID/mem (a child of this process may be read by it) and counts which needles
 * occur: raw byte windows, and the text forms as V8 stores strings (one byte per character, or UTF-16; as made, in
 * lower and in upper case). Main is idle (waiting for the next request) while it is read. One pass over memory: each
 * position's first four bytes are looked up among the needles' first four bytes, and only then compared in full.
 * What this finds includes dead objects the GC has not reused yet.
 */
function searchMemory(pid: number, needles: Needles): MemoryFindings {
  const forms = (t: string): string[] => [...new Set([t, t.toLowerCase(), t.toUpperCase()])];
  const all: { kind: 'raw' | 'latin1' | 'utf16'; id: number; bytes: Buffer }[] = [];
  needles.bytes.forEach((b, id) => all.push({ kind: 'raw', id, bytes: Buffer.from(b.bytes) }));
  [...needles.text.keys()].forEach((t, id) => {
    for (const f of forms(t)) all.push({ kind: 'latin1', id, bytes: Buffer.from(f, 'latin1') }, { kind: 'utf16', id, bytes: Buffer.from(f, 'utf16le') });
  });
  const byPrefix = new Map<number, typeof all>();
  for (const n of all) {
    const p = n.bytes.readUInt32LE(0);
    byPrefix.set(p, [...(byPrefix.get(p) ?? []), n]);
  }
  const filter = new Uint8Array(1 << 20);
  const slot = (x: number): number => Math.imul(x, 0x9e3779b1) >>> 12;
  for (const p of byPrefix.keys()) filter[slot(p)] = 1;
  const found = { raw: new Set<number>(), latin1: new Set<number>(), utf16: new Set<number>() };

  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').filter(Boolean);
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const chunk = Buffer.alloc(16 << 20);
  const overlap = Math.max(...all.map((n) => n.bytes.length));
  let readBytes = 0;
  let regions = 0;
  try {
    for (const line of maps) {
      const [range, perms, , , inode, path] = line.split(/\s+/);
      // Writable memory without a file behind it: the heap, V8's pages, malloc arenas, stacks. Not code, not files.
      if (!perms!.startsWith('rw') || inode !== '0' || path === '[vvar]' || path === '[vsyscall]') continue;
      const [start, end] = range!.split('-').map((x) => parseInt(x, 16)) as [number, number];
      regions++;
      // Chunks overlap by the longest needle, so a match across a boundary is seen.
      for (let at = start; at < end; at += chunk.length - overlap) {
        const len = Math.min(chunk.length, end - at);
        let got: number;
        try {
          got = readSync(fd, chunk, 0, len, at);
        } catch {
          break; // a region that went away or cannot be read
        }
        readBytes += got;
        let x = 0;
        for (let i = 0; i < got; i++) {
          x = ((x >>> 8) | (chunk[i]! << 24)) >>> 0;
          if (i < 3 || filter[slot(x)] === 0) continue;
          const from = i - 3;
          for (const n of byPrefix.get(x) ?? []) {
            if (from + n.bytes.length <= got && chunk.compare(n.bytes, 0, n.bytes.length, from, from + n.bytes.length) === 0) found[n.kind].add(n.id);
          }
        }
        if (at + len >= end) break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return {
    readBytes,
    regions,
    rawFound: [...new Set([...found.raw].map((i) => needles.bytes[i]!.what))],
    textFound: (() => {
      const whats = [...needles.text.values()];
      const out: Record<string, number> = {};
      for (const i of new Set([...found.latin1, ...found.utf16])) out[whats[i]!] = (out[whats[i]!] ?? 0) + 1;
      return out;
    })(),
    found: {
      raw: { searched: needles.bytes.length, found: found.raw.size },
      latin1: { searched: needles.text.size, found: found.latin1.size },
      utf16: { searched: needles.text.size, found: found.utf16.size },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------------

const outDir = mkdtempSync(join(tmpdir(), 'keyshard-heap-'));
after(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs every search after `what`; returns the secret's hex. `moreWords`: other word lists of the secret (BIP-39). */
async function checkAfter(
  what: string,
  main: Main,
  plan: CeremonyPlan,
  views: Map<string, View>,
  transcript: string | null,
  t: { diagnostic(s: string): void },
  moreWords: readonly (readonly string[])[] = [],
  /**
   * SLIP-39 ceremonies: main's raw memory (dead objects included) must hold no run of three shard words, as a string or
   * as bytes, and no window of a share value. Asserted with the byte-clean channel only (heap-transport.ts): Node's own
   * channel leaves copies of the messages, as Electron's does (measured, docs/threat-model.md).
   */
  memoryClean = false,
): Promise<string> {
  const needles = await needlesOf(plan, views);
  for (const w of moreWords) addMnemonic(needles, w, 'the seed shown as words');
  const buffers = (await main.op('buffers')) as { count: number; bytes: number; notZeroed: string[] };
  assert.ok(buffers.count >= 5, `only ${buffers.count} secret buffers were handed out`);
  assert.deepEqual(buffers.notZeroed, [], `${what}: secret buffers not zeroed`);

  const snap = searchSnapshot(((await main.op('snapshot', { path: join(outDir, `${what}.heapsnapshot`) })) as number, join(outDir, `${what}.heapsnapshot`)), needles);
  const memory = memoryReadable(main.pid) ? searchMemory(main.pid, needles) : null;
  const files = filesUnder(main.tmp);
  const fileHits = files.flatMap((f) => searchBytes(readFileSync(f), needles).map((h) => `${f}: ${h}`));
  const shared = newSharedTempFiles(main, [outDir, main.tmp]);
  fileHits.push(...shared.flatMap((f) => leakedWholeIn(searchBytes(readIfThere(f), needles)).map((h) => `${f}: ${h}`)));
  const logHits = searchBytes(Buffer.from(main.output(), 'latin1'), needles);
  const transcriptHits = transcript === null ? [] : searchBytes(Buffer.from(transcript), needles);
  t.diagnostic(
    `${what}: ${needles.text.size} text needles, ${needles.bytes.length} byte windows, ${needles.mnemonics.length} mnemonics; ` +
      `${buffers.count} secret buffers (${buffers.bytes} bytes) all zero; snapshot ${snap.bytes} bytes, ${snap.strings} strings, ${snap.hits.length} hits; ` +
      `${files.length} temp files of main and ${shared.length} new in ${tmpdir()}, ${fileHits.length} hits; log ${main.output().length} chars, ${logHits.length} hits` +
      (memory === null ? '; memory not readable here' : `; memory ${memory.readBytes} bytes in ${memory.regions} regions: ${JSON.stringify(memory.found)}, raw: ${memory.rawFound.join(', ') || 'none'}, text: ${JSON.stringify(memory.textFound)}`),
  );
  if (memoryClean && memory !== null && process.env['KEYSHARD_HEAP_TRANSPORT'] !== 'node') {
    const words = Object.entries(memory.textFound).filter(([w]) => w.startsWith('words of'));
    assert.deepEqual(words, [], `${what}: runs of shard words left in main's memory`);
    assert.deepEqual(memory.rawFound, [], `${what}: share values left in main's memory`);
    // No window of any shard's text (KS1...), alone or shared with other shards' texts. An OpenPGP file's too: it is
    // encrypted (and read back) in a helper process, so openpgp.js's copies of the text never exist in main.
    const texts = Object.entries(memory.textFound).filter(([w]) => /shard text/.test(w));
    assert.deepEqual(texts, [], `${what}: shard texts left in main's memory`);
  }
  assert.deepEqual(snap.hits, [], `${what}: secrets in main's heap snapshot`);
  assert.deepEqual(fileHits, [], `${what}: secrets in main's temp files`);
  assert.deepEqual(logHits, [], `${what}: secrets in main's output`);
  assert.deepEqual(transcriptHits, [], `${what}: secrets in the transcript`);
  return needles.secretHex;
}

describe('no secret left behind in main (heap snapshot, secret buffers, temp files, output, transcript)', () => {
  it('control: a secret kept live in main is found by every search: snapshot (text, word sequence) and memory (raw, text)', async (t) => {
    const main = await startMain();
    try {
      // Words far apart in the wordlist (the wordlist array itself holds its neighbours in sequence).
      const words = [WORDLIST[700]!, WORDLIST[3]!, WORDLIST[512]!, WORDLIST[1000]!, WORDLIST[77]!];
      const secretBytes = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
      const needles: Needles = { text: new Map(), bytes: [], mnemonics: [words], secretHex: '' };
      addBytes(needles, secretBytes, 'the control secret');
      const path = join(outDir, 'control.heapsnapshot');
      await main.op('snapshot', { path });
      assert.deepEqual(searchSnapshot(path, needles).hits, [], 'found before it was kept');

      await main.op('control', { text: bytesToHex(secretBytes) });
      await main.op('snapshot', { path });
      const found = searchSnapshot(path, needles);
      assert.ok(found.hits.some((h) => h.includes(`"${bytesToHex(secretBytes).slice(0, 24)}" (hex of the control secret)`)), found.hits.join('\n'));
      await main.op('control', { text: words });
      await main.op('snapshot', { path });
      const seq = searchSnapshot(path, needles);
      assert.ok(seq.hits.some((h) => h.includes(`holds the words "${words.slice(0, 3).join(' ')}"`)), seq.hits.join('\n'));
      t.diagnostic(`control: snapshot ${seq.bytes} bytes, ${seq.strings} strings; hits: ${found.hits.length} (hex), ${seq.hits.length} (words)`);

      if (!memoryReadable(main.pid)) t.diagnostic('control: main\'s memory cannot be read here; the memory counts are skipped');
      else {
        // Raw bytes main keeps (a Uint8Array) and a string it keeps are found in its memory.
        await main.op('control', { text: secretBytes });
        const raw = searchMemory(main.pid, needles);
        assert.equal(raw.found.raw.found, raw.found.raw.searched, JSON.stringify(raw.found));
        const text: Needles = { text: new Map([['kept-in-main-0123456789-control', 'a control string']]), bytes: [], mnemonics: [], secretHex: '' };
        assert.equal(searchMemory(main.pid, text).found.latin1.found, 0);
        await main.op('control', { text: 'kept-in-main-0123456789-control' });
        assert.equal(searchMemory(main.pid, text).found.latin1.found, 1);
        // A run of words main holds as bytes (as a shard's SLIP-39 payload is) is found too, under "words of".
        const run = [WORDLIST[901]!, WORDLIST[13]!, WORDLIST[444]!].join(' ');
        const wordRun: Needles = { text: new Map([[run, 'words of the control']]), bytes: [], mnemonics: [], secretHex: '' };
        assert.deepEqual(searchMemory(main.pid, wordRun).textFound, {});
        await main.op('control', { text: new TextEncoder().encode(run) });
        assert.deepEqual(searchMemory(main.pid, wordRun).textFound, { 'words of the control': 1 });
        // A shard's text main holds as bytes (as openpgp.js's copies of an OpenPGP file's text were, in main) is found.
        const ks1 = `KS1${encodeBase32(secretBytes.map((b) => b ^ 0x5a))}`;
        const textRun: Needles = { text: new Map(windows(ks1.slice(3), 20).filter(varied).map((w) => [w, "the control's shard text"])), bytes: [], mnemonics: [], secretHex: '' };
        assert.deepEqual(searchMemory(main.pid, textRun).textFound, {});
        await main.op('control', { text: new TextEncoder().encode(ks1) });
        assert.equal(searchMemory(main.pid, textRun).textFound["the control's shard text"], textRun.text.size);
      }
    } finally {
      await main.stop();
    }
  });

  it('SLIP-39 2-of-3 sealed, then recovered, shown and cleared: nothing of the seed or any shard left in main', async (t) => {
    const main = await startMain();
    try {
      const plan = slip39Plan(k);
      const run = await sealed(main, plan, ['alice', 'carol']);
      await checkAfter('slip39-sealed', main, plan, run.views, run.transcript, t, [], true);

      // Then a recovery in the same main: Alice's and Carol's words, the seed shown (hex and BIP-39 words), cleared.
      await main.call('recovery:start', { transcriptText: run.transcript });
      for (const id of ['alice', 'carol']) {
        assert.equal((await main.call('recovery:add-shard', { text: shown(run.views.get(id)!.shards[0]!).words!.join(' ') })).outcome, 'accepted');
      }
      await main.call('recovery:finish');
      const exported = await main.call('recovery:export', { kind: 'display', reveal: true, words: 'bip39' });
      assert.ok(exported.kind === 'display' && exported.words !== undefined, 'the seed is shown with its words');
      await main.call('recovery:clear');
      const seed = await checkAfter('slip39-recovered', main, plan, run.views, null, t, [exported.words.words]);
      assert.equal(exported.secretHex, seed, 'the seed searched for is the one shown');
    } finally {
      await main.stop();
    }
  });

  it('FROST ed25519 3-of-5 sealed: nothing of the key or any share left in main, no shard text (the OpenPGP file\'s included)', async (t) => {
    const main = await startMain();
    try {
      const plan = vssPlan(k);
      const run = await sealed(main, plan, ['alice', 'carol', 'erin']);
      // Bob's shard file is OpenPGP, made and read back in the helper process (protection/openpgp-process.ts).
      await checkAfter('vss-sealed', main, plan, run.views, run.transcript, t, [], true);
    } finally {
      await main.stop();
    }
  });

  it('SLIP-39 aborted after the handoffs (the last shard still on screen, unconfirmed): nothing left in main', async (t) => {
    const main = await startMain();
    try {
      const plan = slip39Plan(k);
      const views = await throughHandoffs(main, plan, 1);
      const status = await main.call('ceremony:abort', { reason: 'Test: the room was interrupted.' });
      assert.equal(status.phase, 'aborted');
      await checkAfter('slip39-aborted', main, plan, views, readFileSync(status.transcript.path, 'utf8'), t, [], true);
    } finally {
      await main.stop();
    }
  });
});
