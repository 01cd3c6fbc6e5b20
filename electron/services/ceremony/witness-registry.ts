/**
 * Loaded witnesses: public key plus the means to ask for their act (sealed key file, token choice). A key file's key
 * is unlocked at its first sign-off and kept until forgotten; every sign-off still needs the witness's passphrase
 * (credential.ts). Forgetting a credential zeroizes what it holds (a sealed key file's bytes, its unlocked key, a key
 * opened for a sign-off not yet closed) or logs out its token sessions.
 */
import type { LoadedWitnessKey, WitnessCredential } from '../witness/credential';

export interface WitnessRegistry {
  get(witnessId: string): WitnessCredential | undefined;
  /** Registers a credential, forgetting the one the same witness loaded before. */
  set(credential: WitnessCredential): void;
  /** Forgets a witness's credential, if loaded. */
  release(witnessId: string): void;
  releaseAll(): void;
  keys(): LoadedWitnessKey[];
  /** Removes every credential without forgetting it (it moves to another service). */
  takeAll(): WitnessCredential[];
}

export function createWitnessRegistry(): WitnessRegistry {
  const witnesses = new Map<string, WitnessCredential>();
  const release = (id: string): void => {
    const w = witnesses.get(id);
    if (w === undefined) return;
    witnesses.delete(id);
    w.forget();
  };
  return {
    get: (id) => witnesses.get(id),
    set(credential) {
      release(credential.key.id);
      witnesses.set(credential.key.id, credential);
    },
    release,
    releaseAll() {
      for (const id of [...witnesses.keys()]) release(id);
    },
    keys: () => [...witnesses.values()].map((w) => w.key),
    takeAll() {
      const list = [...witnesses.values()];
      witnesses.clear();
      return list;
    },
  };
}
