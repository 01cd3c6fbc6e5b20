// Shared by the transcript tests (core and CLI): deterministic witnesses and a ceremony-shaped transcript.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { appendEntry, createTranscript, signEntry, softwareEd25519Signer } from '../../core/transcript';
import type { Clock, Transcript, WitnessSigner } from '../../core/transcript';

/** A clock that ticks one second per reading, from a fixed start. */
export function steppingClock(startMs = Date.UTC(2025, 2, 1, 9, 0, 0)): Clock {
  let n = 0;
  return () => new Date(startMs + 1000 * n++);
}

export function keyFrom(label: string): Uint8Array {
  return sha256(utf8ToBytes(`keyshard test key: ${label}`));
}

export function ed25519Witness(id: string): WitnessSigner {
  return softwareEd25519Signer(id, keyFrom(id));
}

/**
 * A P-256 witness that signs the way a PKCS#11 token does (raw ECDSA over the 32-byte hash, r||s). With
 * `highS`, it returns the other valid signature (n - s), which a token may produce and noble's default rejects.
 */
export function p256TokenWitness(id: string, highS = false): WitnessSigner {
  const secretKey = keyFrom(id);
  return {
    witnessId: id,
    algorithm: 'ecdsa-p256',
    publicKey: p256.getPublicKey(secretKey, false), // tokens report the 65-byte uncompressed point
    async sign(hash: Uint8Array): Promise<Uint8Array> {
      const low = p256.sign(hash, secretKey, { prehash: false });
      if (!highS) return low;
      const sig = p256.Signature.fromBytes(low);
      return new p256.Signature(sig.r, p256.Point.Fn.ORDER - sig.s).toBytes('compact');
    },
  };
}

export function witnessEntry(w: WitnessSigner): { id: string; algorithm: string; publicKey: string; label: string } {
  return { id: w.witnessId, algorithm: w.algorithm, publicKey: bytesToHex(w.publicKey), label: `key of ${w.witnessId}` };
}

export const alice = ed25519Witness('alice');
export const bob = ed25519Witness('bob');
export const carol = p256TokenWitness('carol');
export const carolHighS = p256TokenWitness('carol', true);

/**
 * The ceremony used across tests (10 entries):
 * 1 plan (pins alice, bob, carol) · 2 airgap-check · 3 entropy · 4 split · 5 handoff · 6 seal ·
 * 7 alice signs 6 · 8 bob signs 6 · 9 carol signs 6 (low S) · 10 carol signs 4 (high S).
 */
export async function ceremonyTranscript(ceremonyId = 'acme-root-2025'): Promise<Transcript> {
  let t = createTranscript(ceremonyId, steppingClock());
  t = appendEntry(t, 'plan', {
    title: 'Root key for ACME signing',
    groupThreshold: 2,
    groups: [
      { name: 'Finance', threshold: 2, custodians: ['Dana', 'Eve', 'Frank'] },
      { name: 'Legal', threshold: 1, custodians: ['Grace'] },
    ],
    // The policy's people (no keys) and, separately, the keys their sign-offs must use.
    witnesses: [
      { id: 'alice', name: 'Alice', organisation: 'Audit', observes: 'all' },
      { id: 'bob', name: 'Bob', organisation: 'Legal', observes: 'all' },
      { id: 'carol', name: 'Carol', organisation: 'Security', observes: ['Dana'] },
    ],
    witnessKeys: [witnessEntry(alice), witnessEntry(bob), witnessEntry(carol)],
  });
  t = appendEntry(t, 'airgap-check', { interfaces: ['lo'], networkUp: false });
  t = appendEntry(t, 'entropy', { sources: ['os', 'dice'], bits: 256, diceRolls: 99 });
  t = appendEntry(t, 'split', { scheme: 'slip39', fingerprint: 'c0ffee12', shards: 4, note: 'Ünïcode ✓ "quoted" \\ back' });
  t = appendEntry(t, 'handoff', { custodian: 'Dana', shard: 1, protection: 'age', verified: true });
  t = appendEntry(t, 'seal', { shardsHandedOut: 4, fingerprint: 'c0ffee12' });
  t = await signEntry(t, 6, alice);
  t = await signEntry(t, 6, bob);
  t = await signEntry(t, 6, carol);
  t = await signEntry(t, 4, carolHighS);
  return t;
}

/** A small transcript for exhaustive byte-change tests: 1 plan · 2 split · 3 alice signs 2 · 4 carol signs 2. */
export async function smallTranscript(): Promise<Transcript> {
  let t = createTranscript('cer-1', steppingClock());
  t = appendEntry(t, 'plan', { witnessKeys: [witnessEntry(alice), witnessEntry(carol)], n: 0 });
  t = appendEntry(t, 'split', { shards: 3, threshold: 2, fp: 'ab/cd' });
  t = await signEntry(t, 2, alice);
  t = await signEntry(t, 2, carol);
  return t;
}

export { ed25519, p256 };
