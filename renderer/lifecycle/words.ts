/**
 * The refresh, repair and extend screens' words: the app's one catalogue (renderer/i18n/en-lifecycle.ts and
 * de-lifecycle.ts, keys 'lifecycle.*'). The screens name a word without its prefix; the language is the one chosen on
 * the start screen.
 */
import { translate, type Key, type Language } from '../i18n';

type Prefixed = Extract<Key, `lifecycle.${string}`>;
export type LifecycleWordKey = Prefixed extends `lifecycle.${infer K}` ? K : never;

/** The word for `key` in `lang`, with {name} parameters filled in. */
export function lifecycleWord(lang: Language, key: LifecycleWordKey, params: Readonly<Record<string, string | number>> = {}): string {
  // The screens pass parameters by name as before; the catalogue's typed form cannot follow a key chosen at run time.
  return (translate as (l: Language, k: Key, p: Readonly<Record<string, string | number>>) => string)(lang, `lifecycle.${key}`, params);
}
