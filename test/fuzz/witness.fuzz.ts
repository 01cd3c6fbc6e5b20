/**
 * Fuzzing the witness key file reader (electron/services/witness/key-file.ts): a witness brings the file on a stick, so
 * it is outside input. Random text, the genuine encrypted file damaged character by character, and its JSON edited
 * (hostile member names too). parseSealedWitnessKey answers WITNESS_KEY or WITNESS_KEY_UNENCRYPTED, or a sealed key;
 * a damaged file that still parses opens with the witness's passphrase to exactly the original key, or is
 * WITNESS_PASSPHRASE (the header is bound to the ciphertext). Only typed errors; every call's CPU time is bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { parseSealedWitnessKey, sealWitnessKeySync, unsealWitnessKey } from '../../electron/services/witness/key-file';
import { CallClock, fuzzRuns, mutatedJson, mutatedText, params } from './fuzz-kit';

const RUNS = fuzzRuns(600);
const SECRET = sha256(utf8ToBytes('keyshard fuzz witness wendy'));
const PASSPHRASE = 'wendy-fuzz-passphrase';
const FILE = sealWitnessKeySync('wendy', SECRET, PASSPHRASE);
const PARSE_CODES = ['WITNESS_KEY', 'WITNESS_KEY_UNENCRYPTED'];

describe('fuzz: witness key files', () => {
  it('random, damaged and edited key files: a typed error, or a sealed key that opens to the original or is WITNESS_PASSPHRASE', async () => {
    const parseClock = new CallClock('parseSealedWitnessKey');
    const openClock = new CallClock('unsealWitnessKey (scrypt N = 2^14: total CPU of the call, which yields every 10 ms)');
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: mutatedText(FILE) },
          { weight: 3, arbitrary: mutatedJson(JSON.parse(FILE)).map((v) => JSON.stringify(v, null, 2) ?? '') },
          { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
          { weight: 1, arbitrary: fc.constantFrom(bytesToHex(SECRET), JSON.stringify({ secretKeyHex: bytesToHex(SECRET) }), FILE) },
        ),
        fc.option(fc.constantFrom('wendy', 'victor', 'constructor')),
        async (text, witnessId) => {
          const parsed = parseClock.run(() => parseSealedWitnessKey(text, witnessId ?? undefined));
          if (!parsed.ok) {
            assert.ok(PARSE_CODES.includes(parsed.error.code), `parse failed with ${parsed.error.code}`);
            return;
          }
          opened++;
          const key = await openClock.runAsync(() => unsealWitnessKey(parsed.value, PASSPHRASE));
          if (key.ok) assert.equal(bytesToHex(key.value), bytesToHex(SECRET), 'a damaged key file opened to another key');
          else assert.equal(key.error.code, 'WITNESS_PASSPHRASE');
        },
      ),
      params(RUNS),
    );
    parseClock.report();
    openClock.report();
    assert.ok(opened > 0, 'no case reached the decryption');
  });
});
