/**
 * t(key, params) without React: the catalogue lookup, named parameters and plurals. Used by index.ts's hooks, by
 * code outside components (errors, printed pages) and by the node tests.
 */
import type { Catalogue, Entry, Key, ParamsOf, Plural } from './catalogue';
import { de } from './de';
import { en } from './en';
import { language, type Language } from './language';

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, de };

export type Args<K extends Key> = keyof ParamsOf<K> extends never ? [] : [params: ParamsOf<K>];

const pluralRules = new Map<Language, Intl.PluralRules>();

/** The form of an entry for these parameters: a plural picks by {count} with the language's rules. */
export function pick(entry: Entry, lang: Language, params: Readonly<Record<string, unknown>>): string {
  if (typeof entry === 'string') return entry;
  let rules = pluralRules.get(lang);
  if (rules === undefined) {
    rules = new Intl.PluralRules(lang);
    pluralRules.set(lang, rules);
  }
  return rules.select(Number(params['count'])) === 'one' ? (entry as Plural).one : (entry as Plural).other;
}

function fill(text: string, params: Readonly<Record<string, unknown>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** The string for `key` in `lang`, parameters filled in. */
export function translate<K extends Key>(lang: Language, key: K, ...args: Args<K>): string {
  const params = (args[0] ?? {}) as Readonly<Record<string, unknown>>;
  return fill(pick(CATALOGUES[lang][key], lang, params), params);
}

/** t(key, params) in the language chosen now (outside React: errors, printed pages built on demand). */
export function t<K extends Key>(key: K, ...args: Args<K>): string {
  return translate(language(), key, ...args);
}

export type T = <K extends Key>(key: K, ...args: Args<K>) => string;
