/**
 * Lookups keyed by outside data (a step name from a transcript file, an error code from main, a custodian id from a
 * plan): a plain object literal also answers for the names it inherits from Object.prototype, so `table['constructor']`
 * is a function, not "unknown". These read a table's own properties only.
 */

/** `table[key]` when `key` is the table's own property; undefined for anything else, inherited names included. */
export function ownValue<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
