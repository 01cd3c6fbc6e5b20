/**
 * The threshold-signing, custody-check and quorum-drill screens' words: the app's one catalogue
 * (renderer/i18n/en-lifecycle.ts and de-lifecycle.ts, keys 'signing.*'). The screens name a word without its prefix;
 * the language is the one chosen on the start screen.
 */
import { translate, type Key, type Language } from '../i18n';

type Prefixed = Extract<Key, `signing.${string}`>;
export type SigningWordKey = Prefixed extends `signing.${infer K}` ? K : never;

export function signingWord(lang: Language, key: SigningWordKey, params: Readonly<Record<string, string | number>> = {}): string {
  return (translate as (l: Language, k: Key, p: Readonly<Record<string, string | number>>) => string)(lang, `signing.${key}`, params);
}
