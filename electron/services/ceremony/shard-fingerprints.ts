/**
 * The shard fingerprints a handoff records (core/custody/fingerprint.ts), one per share the custodian receives, in the
 * plan's order: computed from the envelopes held in the secret store, each decoded copy wiped at once.
 */
import { decodeEnvelope, wipeEnvelope } from '../../../core/envelope';
import { shardFingerprint } from '../../../core/custody/fingerprint';
import type { SecretHandle } from '../secrets/index';

export function heldShardFingerprints(held: readonly { readonly handle: SecretHandle }[], read: (handle: SecretHandle) => Uint8Array): string[] {
  return held.map((h) => {
    const envelope = decodeEnvelope(read(h.handle));
    try {
      return shardFingerprint(envelope);
    } finally {
      wipeEnvelope(envelope);
    }
  });
}
