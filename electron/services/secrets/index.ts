/**
 * The main process's secret store: every secret of a ceremony (entropy, the master secret, each shard) lives here as a
 * Uint8Array behind an opaque handle, so the rest of the code passes handles around and the one place that can wipe
 * everything knows where everything is.
 *
 * - `put` copies the bytes into a buffer the store owns and wipes the caller's array, so no stray copy is left.
 * - `read` returns the store's own buffer (not a copy) for immediate use; do not keep it.
 * - `destroy(handle)` zeroizes that buffer; `destroyAll()` zeroizes every buffer (abort, quit, the destroy step).
 *   Both check afterwards that every byte reads back as zero.
 * - After destroy, any use of the handle throws SECRET_DESTROYED. Destroying twice is harmless.
 *
 * Labels are public names ("master-secret", "shard alice 1") for screens and logs, never values.
 * Honest limit: JS strings (mnemonic words, shard texts shown on screen) cannot be wiped; the ceremony keeps them as
 * short-lived as it can and holds the bytes here.
 */
import { KeyshardError } from '../../../core/errors';

export type SecretHandle = string;

export interface SecretInfo {
  readonly handle: SecretHandle;
  readonly label: string;
  readonly length: number;
}

export interface SecretStore {
  /** Stores a copy of `bytes` under a public label and wipes `bytes`. */
  put(label: string, bytes: Uint8Array): SecretHandle;
  /** The stored buffer itself, for immediate use. Throws SECRET_DESTROYED after destroy. */
  read(handle: SecretHandle): Uint8Array;
  /** Runs `use` with the stored buffer; convenient for code that must not keep it. */
  use<T>(handle: SecretHandle, use: (bytes: Uint8Array) => T): T;
  has(handle: SecretHandle): boolean;
  /** Zeroizes and forgets one secret. Throws SECRET_DESTROYED for a handle this store never issued. */
  destroy(handle: SecretHandle): void;
  /** Zeroizes and forgets every secret; returns how many there were. */
  destroyAll(): number;
  /** Public facts about the secrets still held. */
  list(): SecretInfo[];
}

function zeroize(bytes: Uint8Array): void {
  bytes.fill(0);
  let any = 0;
  for (let i = 0; i < bytes.length; i++) any |= bytes[i] as number;
  if (any !== 0) throw new KeyshardError('INTERNAL', 'A secret buffer did not read back as zero after wiping. Quit keyshard and power the machine off.');
}

export function createSecretStore(): SecretStore {
  const live = new Map<SecretHandle, { label: string; bytes: Uint8Array }>();
  const destroyed = new Set<SecretHandle>();
  let counter = 0;

  const entry = (handle: SecretHandle): { label: string; bytes: Uint8Array } => {
    const e = live.get(handle);
    if (e !== undefined) return e;
    throw new KeyshardError(
      'SECRET_DESTROYED',
      destroyed.has(handle)
        ? 'This secret was already destroyed (zeroized). It cannot be used again; if the ceremony still needs it, abort and start again.'
        : 'There is no secret under this handle in this keyshard session.',
      { handle },
    );
  };

  return {
    put(label, bytes) {
      if (!(bytes instanceof Uint8Array)) throw new KeyshardError('INVALID_ARGUMENT', 'A secret must be given as bytes.');
      if (typeof label !== 'string' || label.length === 0 || label.length > 64) {
        throw new KeyshardError('INVALID_ARGUMENT', 'A secret needs a short public label (1 to 64 characters).');
      }
      const own = new Uint8Array(bytes.length);
      own.set(bytes);
      bytes.fill(0);
      counter += 1;
      const handle = `secret-${counter}`;
      live.set(handle, { label, bytes: own });
      return handle;
    },
    read(handle) {
      return entry(handle).bytes;
    },
    use(handle, use) {
      return use(entry(handle).bytes);
    },
    has(handle) {
      return live.has(handle);
    },
    destroy(handle) {
      if (destroyed.has(handle)) return;
      const e = entry(handle);
      live.delete(handle);
      destroyed.add(handle);
      zeroize(e.bytes);
    },
    destroyAll() {
      const handles = [...live.keys()];
      for (const h of handles) {
        const e = live.get(h)!;
        live.delete(h);
        destroyed.add(h);
        zeroize(e.bytes);
      }
      return handles.length;
    },
    list() {
      return [...live].map(([handle, e]) => ({ handle, label: e.label, length: e.bytes.length }));
    },
  };
}
