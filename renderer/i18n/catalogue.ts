/**
 * The shape of the string catalogue. en.ts is the source: its keys are the catalogue's keys and its strings name the
 * parameters ("{name}"). de.ts is typed as Catalogue, so a missing or extra German key fails the typecheck; a test
 * (test/renderer/i18n.test.ts) checks that each German string names the same parameters as the English one.
 */
import type { en } from './en';

/** A string that depends on a number: chosen by Intl.PluralRules for the language ({count} is filled in). */
export interface Plural {
  readonly one: string;
  readonly other: string;
}

export type Entry = string | Plural;
export type Key = keyof typeof en;

/** Every key of en.ts, with a German string where en has a string and plural forms where en has them. */
export type Catalogue = { readonly [K in Key]: (typeof en)[K] extends string ? string : Plural };

/** "{a} and {b}" -> 'a' | 'b'. */
type Names<S> = S extends `${string}{${infer P}}${infer Rest}` ? P | Names<Rest> : never;
type EntryNames<E> = E extends Plural ? Names<E['one']> | Names<E['other']> | 'count' : Names<E>;

/** The parameters a key's string takes, by name. */
export type ParamsOf<K extends Key> = { readonly [P in EntryNames<(typeof en)[K]>]: string | number };

/** Keys whose string takes no parameters (for tables of keys, such as the start screen's choices). */
export type PlainKey = { readonly [K in Key]: keyof ParamsOf<K> extends never ? K : never }[Key];
