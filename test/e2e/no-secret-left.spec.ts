/**
 * No secret left in the window's storage or the clipboard (issue 16.3). A whole SLIP-39 2-of-3 ceremony with three
 * paper custodians (each reads the words, tries to copy them with Ctrl+C, types them back), a test recovery, destroy
 * and seal; then localStorage, sessionStorage, every IndexedDB database, Cache Storage, cookies and the clipboard are
 * read out and searched for any three shard words in a row. Controls: a value the test put in each store is found in
 * the dump (so an empty dump cannot pass), and the clipboard still holds the text the test put there first (so a copy
 * that went through, or a clipboard that cannot be read, fails).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CeremonyPlan } from '../../core/policy';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';

const CLIPBOARD_CONTROL = 'keyshard e2e clipboard control';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-no-secret-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything the page can keep: web storage, IndexedDB records, Cache Storage, cookies; and the clipboard's text. */
async function pageStores(page: import('@playwright/test').Page): Promise<{ stores: string; clipboard: string }> {
  return page.evaluate(async () => {
    type Store = { length: number; key(i: number): string | null; getItem(k: string): string | null };
    type Idb = {
      databases(): Promise<{ name?: string }[]>;
      open(name: string): { result: IdbDb; onsuccess: (() => void) | null; onerror: (() => void) | null };
    };
    type IdbDb = {
      objectStoreNames: ArrayLike<string>;
      transaction(names: string[], mode: 'readonly'): { objectStore(n: string): { getAll(): { result: unknown[]; onsuccess: (() => void) | null; onerror: (() => void) | null } } };
      close(): void;
    };
    const g = globalThis as unknown as {
      localStorage: Store;
      sessionStorage: Store;
      indexedDB: Idb;
      caches: { keys(): Promise<string[]> };
      document: { cookie: string };
      navigator: { clipboard: { readText(): Promise<string> } };
    };
    const dump = (s: Store): string => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i) ?? '')}`).join('\n');
    const req = <T,>(r: { result: T; onsuccess: (() => void) | null; onerror: (() => void) | null }): Promise<T> =>
      new Promise((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(new Error('IndexedDB request failed'));
      });
    const idb: string[] = [];
    for (const { name } of await g.indexedDB.databases()) {
      if (name === undefined) continue;
      const db = await req(g.indexedDB.open(name));
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await req(db.transaction([store], 'readonly').objectStore(store).getAll());
        idb.push(`${name}/${store}: ${JSON.stringify(rows)}`);
      }
      db.close();
    }
    const stores = [dump(g.localStorage), dump(g.sessionStorage), ...idb, `caches: ${(await g.caches.keys()).join(',')}`, `cookies: ${g.document.cookie}`].join('\n');
    return { stores, clipboard: await g.navigator.clipboard.readText() };
  });
}

test('after a sealed ceremony, no shard words in web storage, IndexedDB, caches, cookies or the clipboard', async ({ app }) => {
  const { page, context } = app;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const c = new CeremonyPage(page, app.backend);
  const base = smallPlan('No secret left 2025');
  const plan: CeremonyPlan = { ...base, custodians: base.custodians.map((x) => ({ ...x, medium: 'paper' as const })) };

  await app.open('');
  // The controls: one value in each store and a text on the clipboard, put there by the test before the ceremony.
  await page.evaluate(async (text) => {
    const g = globalThis as unknown as {
      localStorage: { setItem(k: string, v: string): void };
      sessionStorage: { setItem(k: string, v: string): void };
      indexedDB: { open(n: string): { result: { createObjectStore(n: string): { put(v: string, k: string): void }; close(): void }; onupgradeneeded: (() => void) | null; onsuccess: (() => void) | null } };
      navigator: { clipboard: { writeText(t: string): Promise<void> } };
    };
    g.localStorage.setItem('e2e-control', 'local-control');
    g.sessionStorage.setItem('e2e-control', 'session-control');
    await new Promise<void>((resolve) => {
      const r = g.indexedDB.open('e2e-control');
      r.onupgradeneeded = () => r.result.createObjectStore('s').put('idb-control', 'k');
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
    });
    await g.navigator.clipboard.writeText(text);
  }, CLIPBOARD_CONTROL);

  await c.runToHandoffs(writePlanFile(dir, plan), (r) => app.open(r));
  const shards: string[][] = [];
  for (const custodian of plan.custodians) {
    await c.chooseCustodian(custodian.name);
    await page.getByTestId('handoff-reveal').click();
    const words = await c.shardWords();
    expect(words.length).toBeGreaterThanOrEqual(20);
    shards.push(words);
    // Select the words and copy, as a custodian might: the page cancels the copy.
    await page.getByTestId('shard-words').selectText();
    await page.keyboard.press('Control+C');
    await page.getByTestId('hide-shard').click();
    await c.fillWords(words);
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    await c.signOff();
  }
  await c.expectStage('test-recovery');
  await page.getByTestId('recovery-mode-machine').check();
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovered-fingerprint')).toBeVisible();
  await c.signOff();
  await c.destroy();
  await c.signOff();
  await page.getByTestId('seal').click();
  await c.signOff(false);
  await c.expectStage('sealed');
  await saveScreens(page, 'no-secret-left-sealed');

  const { stores, clipboard } = await pageStores(page);
  for (const control of ['e2e-control=local-control', 'e2e-control=session-control', 'e2e-control/s: ["idb-control"]']) expect(stores).toContain(control);
  expect(clipboard, 'the clipboard holds what the test put there before the ceremony').toBe(CLIPBOARD_CONTROL);
  const sequences = shards.flatMap((w) => w.slice(0, -2).map((_, i) => w.slice(i, i + 3).join(' ')));
  expect(sequences.length).toBeGreaterThan(50);
  const text = `${stores}\n${clipboard}`.toLowerCase();
  const json = text.replace(/","/g, ' ');
  expect(sequences.filter((s) => text.includes(s) || json.includes(s)), 'shard words kept by the page').toEqual([]);
});
