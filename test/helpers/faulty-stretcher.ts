/**
 * The real SLIP-39 key stretcher (electron/services/kdf), whose output is off by one bit while `broken.on`: a test
 * recovery then recovers another secret from shards that all check out, the one way a quorum's test can fail that the
 * shards themselves do not show. For the "step repeated" tests (node and e2e).
 */
import { createKeyStretcher, type KeyStretcher } from '../../electron/services/kdf/index';

export function faultyStretcher(): { kdf: KeyStretcher; broken: { on: boolean } } {
  const real = createKeyStretcher();
  const broken = { on: false };
  const kdf: KeyStretcher = {
    ...real,
    run: (exponent, work) =>
      real.run(exponent, (pbkdf2) =>
        work(async (call) => {
          const out = await pbkdf2(call);
          if (broken.on) out[0] = (out[0] ?? 0) ^ 1;
          return out;
        }),
      ),
  };
  return { kdf, broken };
}
