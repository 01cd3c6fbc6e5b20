/**
 * One string catalogue for every screen and printed page: `t(key, params)` in the chosen language. Parameters are
 * named ("{name}") and typed from en.ts; a plural entry takes {count}. Word lists (SLIP-39, BIP-39, Bytewords) are
 * standards and stay English; so do names from the plan and values from files.
 */
import { Fragment, createElement, useSyncExternalStore, type ReactNode } from 'react';
import type { Key, ParamsOf } from './catalogue';
import { language, subscribeLanguage, type Language } from './language';
import { CATALOGUES, pick, translate, type Args, type T } from './translate';

export { LANGUAGES, language, setLanguage, type Language } from './language';
export { CATALOGUES, t, translate, type T } from './translate';
export type { Key, ParamsOf, PlainKey } from './catalogue';

/** The current language; the component renders again when it changes. */
export function useLanguage(): Language {
  return useSyncExternalStore(subscribeLanguage, language, language);
}

/** For components: t bound to the current language; the component renders again when the language changes. */
export function useT(): T {
  const lang = useLanguage();
  return <K extends Key>(key: K, ...args: Args<K>) => translate(lang, key, ...args);
}

type Nodes<K extends Key> = { readonly [P in keyof ParamsOf<K>]: ReactNode };

/**
 * A string with elements in it ("keyshard has no screen called {path}" with <code> around the path): each parameter
 * is a React node. Text parts stay text, so nothing is parsed as HTML.
 */
export function translateRich<K extends Key>(lang: Language, key: K, nodes: Nodes<K>): ReactNode {
  const values = nodes as Readonly<Record<string, ReactNode>>;
  const parts = pick(CATALOGUES[lang][key], lang, values).split(/\{(\w+)\}/g);
  return createElement(
    Fragment,
    null,
    ...parts.map((p, i) => (i % 2 === 0 ? p : createElement(Fragment, { key: i }, Object.hasOwn(values, p) ? values[p] : `{${p}}`))),
  );
}

export type Rich = <K extends Key>(key: K, nodes: Nodes<K>) => ReactNode;

/** t, its rich form and the language, for components that need more than t. */
export function useI18n(): { readonly t: T; readonly rich: Rich; readonly lang: Language } {
  const lang = useLanguage();
  return {
    lang,
    t: <K extends Key>(key: K, ...args: Args<K>) => translate(lang, key, ...args),
    rich: <K extends Key>(key: K, nodes: Nodes<K>) => translateRich(lang, key, nodes),
  };
}
