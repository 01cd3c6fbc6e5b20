/**
 * Which witnesses loaded their key in main for this ceremony (main keeps the sealed key file or the token choice; the
 * page keeps only the public key and whether a sign-off asks for a passphrase or a PIN). Used to offer the sign form
 * or "Load your key". A window that opens (or reloads) asks main which keys it holds (ceremony:witness-keys, see
 * `syncWithMain`); main drops them when the ceremony ends, and so does this list. If main forgot a key (restart), a
 * sign-off answers WITNESS_KEY and the screen asks for the file again.
 */
import { useSyncExternalStore } from 'react';
import type { ResponseOf } from '../../electron/ipc/contract';

export type LoadedKey = ResponseOf<'ceremony:load-witness-key'>;

let keys: ReadonlyMap<string, LoadedKey> = new Map();
const listeners = new Set<() => void>();

function emit(): void {
  for (const l of listeners) l();
}

export function markLoaded(key: LoadedKey): void {
  const next = new Map(keys);
  next.set(key.id, key);
  keys = next;
  emit();
}

/** What main holds now, as it answered ceremony:witness-keys: replaces what this window knew. */
export function setLoadedFromMain(list: readonly LoadedKey[]): void {
  keys = new Map(list.map((k) => [k.id, k]));
  emit();
}

export function markMissing(witnessId: string): void {
  if (!keys.has(witnessId)) return;
  const next = new Map(keys);
  next.delete(witnessId);
  keys = next;
  emit();
}

export function useLoadedWitnesses(): ReadonlyMap<string, LoadedKey> {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => keys,
  );
}
