/**
 * Fuzzing the protected shard file readers (electron/services/protection): age and OpenPGP armored files and
 * token-sealed (.p11) files as they arrive on a custodian's stick, opened with the right key. Random text, and genuine
 * files damaged character by character (and, for .p11, byte by byte). Only typed errors (ENVELOPE_DECRYPT,
 * ENVELOPE_FORMAT); a damaged file that still opens yields exactly the shard text it was made from. age and OpenPGP
 * are slow per call, so their CI count is small.
 *
 * Also here: what is read from a PKCS#11 token besides shard objects (which are binary envelopes, fuzzed in
 * envelope.fuzz.ts): CKA_EC_PARAMS and CKA_EC_POINT (electron/services/hsm/ec.ts).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { curveOfParams, EC_PARAMS, ecPointAttribute, pointFromEcPoint } from '../../electron/services/hsm/ec';
import { detectProtection, generateAgeIdentity, generateOpenPgpKey, openProtected, parseSealed, protectEnvelopeText, type OpeningKey, type SealedShardOpener } from '../../electron/services/protection/index';
import { openSealedWithSoftwareKey } from '../../electron/services/protection/pkcs11';
import { CallClock, fuzzRuns, mutatedBytes, mutatedText, params } from './fuzz-kit';
import { VALID_ENVELOPE_TEXTS } from './fixtures';

const RUNS = fuzzRuns(300);
const SEALED_RUNS = fuzzRuns(800);
const SHARD = VALID_ENVELOPE_TEXTS[0]!;
const TOKEN_KEY = p256.utils.randomSecretKey();
const softwareToken: SealedShardOpener = { openSealed: async (sealed) => openSealedWithSoftwareKey(sealed, TOKEN_KEY) };

let files: { age: string; openpgp: string; pkcs11: string };
let keys: { age: OpeningKey; openpgp: OpeningKey; pkcs11: OpeningKey };
before(async () => {
  const age = await generateAgeIdentity();
  const pgp = await generateOpenPgpKey('Fuzz Custodian');
  const text = (p: { data: string | Uint8Array }) => (typeof p.data === 'string' ? p.data : new TextDecoder().decode(p.data));
  files = {
    age: text(await protectEnvelopeText(SHARD, { kind: 'age', recipient: age.recipient })),
    openpgp: text(await protectEnvelopeText(SHARD, { kind: 'openpgp', publicKeyArmored: pgp.publicKeyArmored })),
    pkcs11: text(await protectEnvelopeText(SHARD, { kind: 'pkcs11', publicKey: bytesToHex(p256.getPublicKey(TOKEN_KEY, false)) })),
  };
  keys = {
    age: { kind: 'age', identity: age.identity },
    openpgp: { kind: 'openpgp', privateKeyArmored: pgp.privateKeyArmored },
    pkcs11: { kind: 'pkcs11', token: softwareToken },
  };
});

const ARMOR_CHARS = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-\n ');

async function check(clock: CallClock, data: string | Uint8Array, key: OpeningKey): Promise<void> {
  clock.run(() => detectProtection(data));
  const r = await clock.runAsync(() => openProtected(data, key));
  if (r.ok) assert.equal(r.value, SHARD, 'a damaged file opened to a different shard text');
  else assert.ok(['ENVELOPE_DECRYPT', 'ENVELOPE_FORMAT'].includes(r.error.code), `openProtected failed with ${r.error.code}`);
}

describe('fuzz: protected shard files (age, OpenPGP, token-sealed) and token EC attributes', () => {
  for (const kind of ['age', 'openpgp', 'pkcs11'] as const) {
    it(`${kind}: random and damaged files give ENVELOPE_DECRYPT / ENVELOPE_FORMAT or the original shard text`, async () => {
      const clock = new CallClock(`openProtected (${kind})`);
      const input = fc.oneof(
        { weight: 4, arbitrary: fc.constant(null).chain(() => mutatedText(files[kind], ARMOR_CHARS)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
        { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => `${files[kind].split('\n')[0]}\n${s}\n${files[kind].trim().split('\n').at(-1)}\n`) },
      );
      await fc.assert(
        fc.asyncProperty(input, fc.boolean(), async (text, asBytes) => {
          await check(clock, asBytes ? new TextEncoder().encode(text) : text, keys[kind]);
        }),
        params(kind === 'pkcs11' ? SEALED_RUNS : RUNS),
      );
      clock.report();
    });
  }

  it('token-sealed binary form: random and damaged bytes give ENVELOPE_DECRYPT or the original', async () => {
    const clock = new CallClock('parseSealed / open (binary .p11)');
    const binary = parseSealedBinary();
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedBytes(binary), fc.uint8Array({ maxLength: 300 })), async (bytes) => {
        const parsed = clock.run(() => parseSealed(bytes));
        if (!parsed.ok) assert.equal(parsed.error.code, 'ENVELOPE_DECRYPT');
        await check(clock, bytes, keys.pkcs11);
      }),
      params(SEALED_RUNS),
    );
    clock.report();
  });

  it('CKA_EC_PARAMS and CKA_EC_POINT from a token: any bytes give HSM_MODULE or a point on the curve', () => {
    const clock = new CallClock('curveOfParams / pointFromEcPoint');
    const good = ecPointAttribute(p256.getPublicKey(TOKEN_KEY, false));
    fc.assert(
      fc.property(fc.oneof(mutatedBytes(good), fc.uint8Array({ maxLength: 80 }), mutatedBytes(EC_PARAMS.p256)), fc.constantFrom('p256' as const, 'secp256k1' as const), (bytes, curve) => {
        clock.run(() => curveOfParams(bytes));
        const r = clock.run(() => pointFromEcPoint(bytes, curve));
        if (!r.ok) assert.equal(r.error.code, 'HSM_MODULE');
        else assert.equal(r.value.length, 65);
      }),
      params(SEALED_RUNS),
    );
    clock.report();
  });
});

/** The binary form of the fixture's .p11 file (what the armor wraps). */
function parseSealedBinary(): Uint8Array {
  const lines = files.pkcs11.trim().split('\n');
  return new Uint8Array(Buffer.from(lines.slice(1, -1).join(''), 'base64'));
}
