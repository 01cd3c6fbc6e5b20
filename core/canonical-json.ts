/**
 * Canonical JSON: RFC 8785 (JSON Canonicalization Scheme, "JCS") for the subset keyshard writes.
 *
 * Accepted values: plain objects (own enumerable string keys), arrays, strings, booleans, null, and integers in
 * the safe range ±(2^53 - 1). Everything else is refused with INVALID_ARGUMENT instead of being silently changed:
 * non-integer numbers (so we never need ECMAScript's float formatting), NaN/Infinity, undefined (also as an object
 * member or array element), functions, symbols, bigints, class instances (Date, Map, Uint8Array, ...), strings with
 * lone surrogates (not valid Unicode, not I-JSON), cycles, and nesting deeper than MAX_DEPTH.
 *
 * Output rules (RFC 8785 section 3.2), which a re-implementation must follow byte for byte:
 * - no whitespace between tokens;
 * - object members sorted by their names as arrays of UTF-16 code units (not by UTF-8 bytes, not by locale);
 * - strings: `"` and `\` escaped as `\"` and `\\`; U+0008, U+0009, U+000A, U+000C, U+000D as `\b \t \n \f \r`;
 *   other code points below U+0020 as `\u00xx` with lowercase hex; every other character as itself (UTF-8 on the wire);
 * - integers in shortest decimal form (negative zero is written `0`, as ECMAScript does);
 * - `true`, `false`, `null`.
 *
 * `canonicalizePretty` writes the same values with the same escaping and key order, indented for people to read;
 * it is a stable layout, not part of RFC 8785.
 */
import { KeyshardError } from './errors';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Deeper nesting is refused: keeps recursion bounded for hostile input (a transcript file is untrusted). */
export const MAX_DEPTH = 64;

function reject(message: string, path: string): never {
  throw new KeyshardError('INVALID_ARGUMENT', `Cannot write canonical JSON: ${message} at ${path || 'the top level'}.`, { path });
}

/** True for a lone (unpaired) UTF-16 surrogate anywhere in s. */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1); // NaN past the end
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

function quote(s: string, path: string): string {
  if (hasLoneSurrogate(s)) reject('a string with an unpaired UTF-16 surrogate (not valid Unicode)', path);
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(runStart, i) + (SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`);
    runStart = i + 1;
  }
  return `${out}${s.slice(runStart)}"`;
}

/** Keys shown in error paths; others (possibly hostile text from a file) are elided so a message cannot carry them. */
const SIMPLE_KEY = /^[A-Za-z0-9_$-]{1,64}$/;

/** Sorts by UTF-16 code units: JavaScript's `<` on strings compares exactly those. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? 'an infinite number' : 'a number';
  if (typeof v === 'object' && v !== null) return `a ${(v as object).constructor?.name ?? 'non-plain'} object`;
  return `a ${typeof v}`;
}

function formatNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) reject(`${describe(n)} (JSON has no such value)`, path);
  if (!Number.isInteger(n)) reject('a non-integer number (keyshard records whole numbers only)', path);
  if (!Number.isSafeInteger(n)) reject('an integer beyond ±(2^53 - 1) (not exactly representable; write it as a string)', path);
  return Object.is(n, -0) ? '0' : String(n);
}

/** Writes one value; `indent` undefined means canonical (compact) form. */
function write(value: unknown, path: string, depth: number, stack: Set<object>, indent: string | undefined, level: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatNumber(value, path);
    case 'string':
      return quote(value, path);
    case 'object':
      break;
    default:
      return reject(`${describe(value)} (not a JSON value)`, path);
  }
  if (depth >= MAX_DEPTH) reject(`nesting deeper than ${MAX_DEPTH} levels`, path);
  if (stack.has(value)) reject('a cycle (an object that contains itself)', path);
  const inner = indent === undefined ? undefined : level + indent;
  const open = (items: string[], o: string, c: string): string => {
    if (items.length === 0) return o + c;
    if (inner === undefined) return `${o}${items.join(',')}${c}`;
    return `${o}\n${inner}${items.join(`,\n${inner}`)}\n${level}${c}`;
  };
  stack.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) reject('an empty slot in an array', `${path}[${i}]`);
        items.push(write(value[i], `${path}[${i}]`, depth + 1, stack, indent, inner ?? ''));
      }
      return open(items, '[', ']');
    }
    if (!isPlainObject(value)) return reject(`${describe(value)} (only plain objects are JSON)`, path);
    if (Object.getOwnPropertySymbols(value).length > 0) reject('an object with symbol keys', path);
    const keys = Object.keys(value).sort(compareCodeUnits);
    const sep = inner === undefined ? ':' : ': ';
    const members = keys.map((k) => {
      const childPath = `${path}${SIMPLE_KEY.test(k) ? `.${k}` : '["…"]'}`;
      return `${quote(k, childPath)}${sep}${write(value[k], childPath, depth + 1, stack, indent, inner ?? '')}`;
    });
    return open(members, '{', '}');
  } finally {
    stack.delete(value);
  }
}

/** The RFC 8785 canonical form of value (see the rules at the top of this file). Throws INVALID_ARGUMENT otherwise. */
export function canonicalize(value: unknown): string {
  return write(value, '', 0, new Set(), undefined, '');
}

/**
 * The same value, keys in canonical order and strings escaped canonically, laid out with `indent` spaces per level.
 * `level` is the indentation of the line the value starts on (used to nest it inside a larger document).
 */
export function canonicalizePretty(value: unknown, indent = 2, level = ''): string {
  return write(value, '', 0, new Set(), ' '.repeat(indent), level);
}

/** A member name found twice in one object, and where that object is (member names and array indexes from the top). */
export interface DuplicateMember {
  readonly name: string;
  readonly path: readonly (string | number)[];
}

/**
 * The first member name that appears twice in one object of a JSON text, or undefined when there is none. JSON.parse
 * keeps only the last of the two, so a file could show one value to a reader and hash another: such a file is refused
 * whether or not its layout is checked. Names compare after unescaping ("a" and "\u0061" are the same name).
 * `text` must already be valid JSON (run JSON.parse first); this only walks it, in one pass.
 */
export function duplicateMember(text: string): DuplicateMember | undefined {
  // One frame per open object or array: for an object the names seen so far, the last one, and whether the next string
  // is a name; for an array the index of the current element.
  interface Frame {
    names: Set<string> | null;
    last: string;
    expectName: boolean;
    index: number;
  }
  const frames: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const top = frames[frames.length - 1];
      if (top?.names && top.expectName) {
        const token = text.slice(start, i + 1);
        const name = escaped ? (JSON.parse(token) as string) : token.slice(1, -1);
        if (top.names.has(name)) return { name, path: frames.slice(0, -1).map((f) => (f.names ? f.last : f.index)) };
        top.names.add(name);
        top.last = name;
        top.expectName = false;
      }
    } else if (c === 0x7b /* { */) {
      frames.push({ names: new Set(), last: '', expectName: true, index: 0 });
    } else if (c === 0x5b /* [ */) {
      frames.push({ names: null, last: '', expectName: false, index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      if (top?.names) top.expectName = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}
