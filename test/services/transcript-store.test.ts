import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KeyshardError } from '../../core/errors';
import { appendEntry, createTranscript, serializeTranscript, signEntry, softwareEd25519Signer, type Transcript } from '../../core/transcript';
import { createTranscriptStore, nodeAtomicFs, writeFileAtomic, type AtomicFs } from '../../electron/services/transcript-store/index';

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-store-'));
  temps.push(d);
  return d;
}
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const clock = (): Date => new Date(Date.UTC(2025, 2, 1, 9));
const wendy = softwareEd25519Signer('wendy', new Uint8Array(32).fill(7));

async function sample(n: number): Promise<Transcript> {
  let t = createTranscript('store-test', clock);
  t = appendEntry(t, 'plan', { label: 'x', witnessKeys: [{ id: 'wendy', algorithm: 'ed25519', publicKey: Buffer.from(wendy.publicKey).toString('hex') }] });
  for (let i = 1; i < n; i++) t = appendEntry(t, 'step', { i });
  return signEntry(t, n, wendy);
}

/** An fs whose next data write writes half of its bytes and then fails, like a disk that fills up or a yanked stick. */
function failingFs(state: { fail: boolean }): AtomicFs {
  return {
    ...nodeAtomicFs,
    async open(path, flags, mode) {
      const h = await nodeAtomicFs.open(path, flags, mode);
      if (!state.fail || flags !== 'wx') return h;
      return {
        write: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
          await h.write(buffer, offset, Math.max(1, Math.floor(length / 2)), position);
          throw Object.assign(new Error('EIO'), { code: 'EIO' });
        },
        sync: () => h.sync(),
        close: () => h.close(),
      };
    },
  };
}

describe('transcript store', () => {
  it('saves and loads a transcript (verified) and the plan; an empty directory has neither', async () => {
    const dir = tempDir();
    const store = createTranscriptStore(dir);
    assert.equal(await store.loadTranscript(), null);
    assert.equal(await store.loadPlan(), null);
    const t = await sample(3);
    await store.saveTranscript(t);
    assert.equal(readFileSync(store.transcriptPath, 'utf8'), serializeTranscript(t));
    const back = await store.loadTranscript();
    assert.deepEqual(back?.entries, t.entries);
    assert.deepEqual(readdirSync(dir), ['transcript.json'], 'no temporary file is left after a good write');
  });

  it('refuses to load a transcript changed on disk, naming the entry', async () => {
    const dir = tempDir();
    const store = createTranscriptStore(dir);
    await store.saveTranscript(await sample(3));
    writeFileSync(store.transcriptPath, readFileSync(store.transcriptPath, 'utf8').replace('"i": 2', '"i": 3'));
    await assert.rejects(store.loadTranscript(), (e: unknown) => e instanceof KeyshardError && e.code === 'TRANSCRIPT_TAMPERED' && e.details?.['firstBadSeq'] === 3);
  });

  it('a write that fails half-way leaves the last complete transcript readable and no temporary file', async () => {
    const dir = tempDir();
    const state = { fail: false };
    const store = createTranscriptStore(dir, { fs: failingFs(state) });
    const good = await sample(3);
    await store.saveTranscript(good);
    state.fail = true;
    await assert.rejects(store.saveTranscript(await sample(5)), (e: unknown) => {
      assert.ok(e instanceof KeyshardError && e.code === 'TRANSCRIPT_WRITE', String(e));
      assert.match(e.message, /last saved state is intact/);
      return true;
    });
    assert.deepEqual((await store.loadTranscript())?.entries, good.entries);
    assert.deepEqual(readdirSync(dir), ['transcript.json']);
  });

  it('refuses to write an entry whose data has a secret-looking field (a hand-made transcript)', async () => {
    const dir = tempDir();
    const store = createTranscriptStore(dir);
    const t = await sample(2);
    const forged = { ...t, entries: [...t.entries, { ...t.entries[1]!, seq: 3, data: { nested: { mnemonic: 'abandon' } } }] } as Transcript;
    await assert.rejects(store.saveTranscript(forged), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT' && !e.message.includes('abandon'));
    assert.equal(await store.loadTranscript(), null, 'nothing was written');
  });

  it('removes temporary files left by an interrupted write, and only those', async () => {
    const dir = tempDir();
    const store = createTranscriptStore(dir);
    await store.saveTranscript(await sample(2));
    writeFileSync(join(dir, '.transcript.json.tmp-0011aa'), 'partial');
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    assert.equal(await store.removeLeftovers(), 1);
    assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'transcript.json']);
  });

  it('a process killed in the middle of writing leaves the last complete state readable', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const script = join(dir, 'writer.mts');
    // Each save rewrites the whole growing file in 64 KB pieces; the writer pauses 3 ms between pieces (a slow USB
    // stick), so a kill shortly after "writing" lands in the middle of a write.
    writeFileSync(
      script,
      [
        `import { createTranscriptStore, nodeAtomicFs } from ${JSON.stringify(join(repo, 'electron/services/transcript-store/index.ts'))};`,
        `import { appendEntry, createTranscript } from ${JSON.stringify(join(repo, 'core/transcript.ts'))};`,
        'const slow = { ...nodeAtomicFs, async open(p, f, m) { const h = await nodeAtomicFs.open(p, f, m);',
        '  return { write: async (...a) => { await new Promise((r) => setTimeout(r, 3)); return h.write(...a); }, sync: () => h.sync(), close: () => h.close() }; } };',
        'const store = createTranscriptStore(process.argv[2], { fs: slow });',
        "let t = createTranscript('crash-test', () => new Date(Date.UTC(2025, 0, 1)));",
        "t = appendEntry(t, 'plan', { n: 0 });",
        'for (let i = 1; ; i++) {',
        "  t = appendEntry(t, 'step', { i, filler: 'x'.repeat(200000) });",
        '  process.stdout.write(`writing ${t.entries.length}\\n`);',
        '  await store.saveTranscript(t);',
        '  process.stdout.write(`saved ${t.entries.length}\\n`);',
        '}',
      ].join('\n'),
    );
    const dataDir = join(dir, 'data');
    let interrupted = 0;
    for (const delayMs of [1, 9, 20, 35]) {
      rmSync(dataDir, { recursive: true, force: true });
      const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
      let lastSaved = 0;
      await new Promise<void>((resolve, reject) => {
        let killed = false;
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          for (const m of chunk.matchAll(/saved (\d+)/g)) lastSaved = Number(m[1]);
          if (!killed && lastSaved >= 3 && /writing/.test(chunk)) {
            killed = true;
            setTimeout(() => child.kill('SIGKILL'), delayMs);
          }
        });
        child.on('exit', () => resolve());
        child.on('error', reject);
      });
      const store = createTranscriptStore(dataDir);
      const t = await store.loadTranscript();
      assert.ok(t !== null, 'a transcript is there');
      // The file on disk is a complete, verifying transcript: the last reported save or the one being written.
      assert.ok(t.entries.length >= lastSaved && t.entries.length <= lastSaved + 1, `loaded ${t.entries.length} entries, last reported save ${lastSaved}`);
      if (readdirSync(dataDir).length > 1) interrupted++;
      await store.removeLeftovers();
      assert.deepEqual(readdirSync(dataDir), ['transcript.json']);
    }
    assert.ok(interrupted >= 1, 'at least one kill landed in the middle of a write (a partial temporary file was left)');
  });

  it('writeFileAtomic replaces a file whole', async () => {
    const dir = tempDir();
    const path = join(dir, 'f.txt');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, new TextEncoder().encode('two'));
    assert.equal(readFileSync(path, 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['f.txt']);
  });
});
