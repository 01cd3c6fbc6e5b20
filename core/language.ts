/**
 * The languages keyshard's screens and paper come in. English is the source: every word is written in English first
 * and the German forms are typed against it, so a missing German form fails the typecheck.
 */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}
