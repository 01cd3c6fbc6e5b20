/**
 * The language the screens show, chosen on the start screen. Kept in memory for this window only: nothing is written
 * to storage (a reload starts in English again). <html lang> follows it, so screen readers read German as German.
 * No React here: the node tests load this module (the hook is in index.ts).
 */
import { LANGUAGES, type Language } from '../../core/language';

export { LANGUAGES, type Language };

let current: Language = 'en';
const listeners = new Set<() => void>();

export function language(): Language {
  return current;
}

export function setLanguage(lang: Language): void {
  if (lang === current) return;
  current = lang;
  // Through globalThis: the node tests load this module without a DOM.
  const doc = (globalThis as { document?: { documentElement: { lang: string } } }).document;
  if (doc !== undefined) doc.documentElement.lang = lang;
  for (const l of listeners) l();
}

export function subscribeLanguage(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
