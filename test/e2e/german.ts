/**
 * German screens in e2e (issue 14.8): choose Deutsch on the start screen (kept in memory, so later screens are reached
 * by hash changes, never by reloading), and find English catalogue strings left on a German screen.
 */
import type { Page } from '@playwright/test';
import { en } from '../../renderer/i18n/en';
import { de } from '../../renderer/i18n/de';
import { expect } from './fixtures';

/** Chooses Deutsch on the start screen (opened already) and waits for the German title. */
export async function chooseGerman(page: Page): Promise<void> {
  await page.getByTestId('language-de').check();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByTestId('screen-title')).toHaveText(de['start.title']);
}

/** Opens a route without reloading the page (a reload would start in English again). */
export async function go(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = `#/${r}`;
  }, route);
  await page.getByTestId('screen').waitFor();
}

// Fragments shorter than this ("File", "Step") may be a German word, a name or part of a value: not checked.
const MIN_FRAGMENT = 14;

/** The literal parts of every English catalogue string that German does not share, long enough to be telling. */
export function englishFragments(): string[] {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(en)) {
    const forms = typeof value === 'string' ? [value] : [value.one, value.other];
    const german = de[key as keyof typeof de];
    const germanForms = typeof german === 'string' ? [german] : [german.one, german.other];
    for (const f of forms) {
      for (const part of f.split(/\{\w+\}/)) {
        const p = part.trim();
        if (p.length >= MIN_FRAGMENT && !germanForms.some((g) => g.includes(p))) out.add(p);
      }
    }
  }
  return [...out];
}

/** English catalogue strings shown on the page now (its visible text and its accessible names). */
export async function englishOnScreen(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { body: { innerText: string }; querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document;
    const labels = Array.from(d.querySelectorAll('[aria-label]')).map((e) => e.getAttribute('aria-label') ?? '');
    return `${d.body.innerText}\n${labels.join('\n')}`;
  });
  const flat = text.replace(/\s+/g, ' ');
  return englishFragments().filter((f) => flat.includes(f));
}
