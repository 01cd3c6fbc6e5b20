/**
 * Custody checks (core/custody): one custodian's shard against the transcript alone. Properties over random deals and
 * splits: the real shard is accepted; a shard of another ceremony, a tampered shard (bit flipped and re-wrapped so
 * that only the record can tell), another custodian's shard in this custodian's wrapping, and a shard of another deal
 * under this ceremony's id are refused with their codes; old transcripts without shard fingerprints still check
 * verifiable shares and refuse SLIP-39 ones as CUSTODY_NOT_RECORDED; the receipt's signature holds and breaks when
 * any field changes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { checkCustody, checkCustodyOfWords, custodyReceipt, shardFingerprint, signCustodyReceipt, slip39ShareFingerprint, verifySignedCustodyReceipt, type CustodyReceipt } from '../../core/custody/index';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../../core/envelope';
import { encodeSlip39Payload } from '../../core/envelope-payload';
import { decodeShare, encodeShare } from '../../core/slip39/index';
import { isKeyshardError } from '../../core/errors';
import { softwareEd25519Signer } from '../../core/transcript';
import { CUSTODIANS, custodyCeremony as ceremony } from '../helpers/custody-fixture';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isKeyshardError(e)) return e.code;
    throw e;
  }
  return 'accepted';
}

/** The envelope with one field replaced, re-encoded (so its own checksum holds: only the record can tell). */
function rewrap(binary: Uint8Array, change: Partial<Envelope>): Envelope {
  const e = decodeEnvelope(binary);
  return decodeEnvelope(encodeEnvelope({ ...e, ...change }));
}

const KINDS = ['slip39', 'ed25519', 'secp256k1', 'p256'] as const;

describe('custody check', () => {
  it('accepts each custodian\'s real shard: verified with the final hash, unverified without, FINAL_HASH_MISMATCH with a wrong one', () => {
    for (const kind of KINDS) {
      const m = ceremony(kind, 1);
      m.shards.forEach((binary, i) => {
        const env = decodeEnvelope(binary);
        const r = checkCustody(m.transcript, env, { finalHash: m.transcript.headHash });
        assert.equal(r.result, 'verified');
        assert.equal(r.custodianId, CUSTODIANS[i]);
        assert.equal(r.checkedAgainst, kind === 'slip39' ? 'shard-fingerprint' : 'commitments');
        assert.equal(r.shardFingerprint, shardFingerprint(env));
        assert.equal(checkCustody(m.transcript, env).result, 'unverified');
        assert.equal(codeOf(() => checkCustody(m.transcript, env, { finalHash: 'ab'.repeat(32) })), 'FINAL_HASH_MISMATCH');
      });
    }
  });

  it('an unsealed ceremony\'s transcript is never verified, even with its final hash', () => {
    const m = ceremony('ed25519', 2, { seal: false });
    const r = checkCustody(m.transcript, decodeEnvelope(m.shards[0]!), { finalHash: m.transcript.headHash });
    assert.equal(r.result, 'unverified');
    assert.equal(r.source, 'transcript-unfinished');
  });

  it('property: another ceremony, a flipped bit, a swapped custodian and another deal under this id are all refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.integer(), fc.integer({ min: 0, max: 2 }), fc.nat(), (kind, seed, who, bitSeed) => {
        const m = ceremony(kind, seed);
        const other = ceremony(kind, seed + 1);
        const mine = m.shards[who]!;
        assert.equal(codeOf(() => checkCustody(m.transcript, decodeEnvelope(mine))), 'accepted');
        // A shard of another ceremony, as it is.
        assert.equal(codeOf(() => checkCustody(m.transcript, decodeEnvelope(other.shards[who]!))), 'CUSTODY_OTHER_CEREMONY');
        // Another deal's shard relabelled with this ceremony's id and fingerprint: its content gives it away.
        const env = decodeEnvelope(mine);
        const foreign = rewrap(other.shards[who]!, { ceremonyId: env.ceremonyId, groupFingerprint: env.groupFingerprint });
        assert.equal(codeOf(() => checkCustody(m.transcript, foreign)), 'CUSTODY_MISMATCH');
        // One bit of the share flipped, the envelope rebuilt around it.
        const payload = env.payload.slice();
        let flipped: Envelope | undefined;
        if (kind === 'slip39') {
          // A different word at one position (still a valid-looking mnemonic shape): the record tells.
          const words = new TextDecoder().decode(payload).split(' ');
          const at = 4 + (bitSeed % (words.length - 4));
          words[at] = words[at] === 'academic' ? 'acid' : 'academic';
          flipped = rewrap(mine, { payload: encodeSlip39Payload(words.join(' ')) });
        } else {
          // The signing share sits after threshold (2), share count (2) and identifier (32): flip a bit in it.
          payload[4 + 32 + (bitSeed % 32)]! ^= 1 << (bitSeed % 8);
          try {
            flipped = rewrap(mine, { payload });
          } catch {
            flipped = undefined; // a flip that makes the scalar out of range is refused by the envelope itself
          }
        }
        if (flipped !== undefined) assert.equal(codeOf(() => checkCustody(m.transcript, flipped!)), 'CUSTODY_MISMATCH');
        // The next custodian's shard in this custodian's wrapping.
        const next = (who + 1) % 3;
        const swapped = rewrap(m.shards[next]!, { custodianIndex: who, custodianLabel: CUSTODIANS[who]! });
        assert.equal(codeOf(() => checkCustody(m.transcript, swapped)), 'CUSTODY_MISMATCH');
        // A custodian index the plan does not have.
        assert.equal(codeOf(() => checkCustody(m.transcript, rewrap(mine, { custodianIndex: 7 }))), 'CUSTODY_MISMATCH');
      }),
      { numRuns: 24 },
    );
  });

  it('a transcript from before shard fingerprints: verifiable shares still check against the commitments, SLIP-39 ones are CUSTODY_NOT_RECORDED', () => {
    for (const kind of KINDS) {
      const m = ceremony(kind, 5, { fingerprints: false });
      const got = codeOf(() => checkCustody(m.transcript, decodeEnvelope(m.shards[1]!)));
      assert.equal(got, kind === 'slip39' ? 'CUSTODY_NOT_RECORDED' : 'accepted', kind);
    }
    // Even without fingerprints, a swapped verifiable share is caught by its identifier.
    const m = ceremony('ed25519', 6, { fingerprints: false });
    assert.equal(codeOf(() => checkCustody(m.transcript, rewrap(m.shards[2]!, { custodianIndex: 0, custodianLabel: 'alice' }))), 'CUSTODY_MISMATCH');
  });

  it('the SLIP-39 shard fingerprint is the same from the words as from the envelope, whatever the spacing and case', () => {
    const m = ceremony('slip39', 7);
    const env = decodeEnvelope(m.shards[0]!);
    const words = new TextDecoder().decode(env.payload);
    assert.equal(slip39ShareFingerprint(`  ${words.toUpperCase().replace(/ /g, '\n ')} `), shardFingerprint(env));
  });
});

describe('custody check of typed words', () => {
  const wordsOf = (binary: Uint8Array) => new TextDecoder().decode(decodeEnvelope(binary).payload);

  it('finds the custodian whose handoff recorded the words, verified with the final hash; changed words are refused', () => {
    const m = ceremony('slip39', 9);
    m.shards.forEach((b, i) => {
      const r = checkCustodyOfWords(m.transcript, wordsOf(b).toUpperCase(), { finalHash: m.transcript.headHash });
      assert.equal(r.custodianId, CUSTODIANS[i]);
      assert.equal(r.custodianIndex, i);
      assert.equal(r.result, 'verified');
    });
    // One word changed: the checksum catches it, by position only.
    const words = wordsOf(m.shards[0]!).split(' ');
    words[6] = words[6] === 'acid' ? 'academic' : 'acid';
    assert.equal(codeOf(() => checkCustodyOfWords(m.transcript, words.join(' '))), 'SLIP39_CHECKSUM');
    // The share value changed and the checksum made to fit: only the record can tell.
    const d = decodeShare(wordsOf(m.shards[1]!));
    d.value[0]! ^= 1;
    assert.equal(codeOf(() => checkCustodyOfWords(m.transcript, encodeShare(d))), 'CUSTODY_MISMATCH');
    // Another backup's words.
    assert.equal(codeOf(() => checkCustodyOfWords(m.transcript, wordsOf(ceremony('slip39', 10).shards[0]!))), 'CUSTODY_MISMATCH');
  });

  it('a transcript without shard fingerprints is CUSTODY_NOT_RECORDED; a verifiable-share ceremony is not for words', () => {
    const old = ceremony('slip39', 11, { fingerprints: false });
    assert.equal(codeOf(() => checkCustodyOfWords(old.transcript, wordsOf(old.shards[0]!))), 'CUSTODY_NOT_RECORDED');
    const vss = ceremony('ed25519', 12);
    assert.equal(codeOf(() => checkCustodyOfWords(vss.transcript, wordsOf(old.shards[0]!))), 'CUSTODY_MISMATCH');
  });
});

describe('custody receipt', () => {
  it('a witness signature over the receipt verifies, and fails when any field changes or another key is named', async () => {
    const m = ceremony('ed25519', 8);
    const receipt = custodyReceipt(checkCustody(m.transcript, decodeEnvelope(m.shards[0]!), { finalHash: m.transcript.headHash }), new Date('2026-06-01T12:00:00.000Z'));
    assert.equal(receipt.checkedAt, '2026-06-01T12:00:00.000Z');
    const key = new Uint8Array(32).fill(3);
    const signed = await signCustodyReceipt(receipt, softwareEd25519Signer('wendy', key));
    assert.equal(verifySignedCustodyReceipt(signed), true);
    for (const [field, value] of Object.entries({ custodianIndex: 2, result: 'unverified', checkedAt: '2026-06-01T12:00:01.000Z', shardFingerprint: 'ab'.repeat(32), transcriptFinalHash: 'cd'.repeat(32) })) {
      const changed = { ...signed, receipt: { ...receipt, [field]: value } as CustodyReceipt };
      assert.equal(verifySignedCustodyReceipt(changed), false, field);
    }
    const otherKey = bytesToHex(ed25519.getPublicKey(new Uint8Array(32).fill(4)));
    assert.equal(verifySignedCustodyReceipt({ ...signed, witness: { ...signed.witness, publicKey: otherKey } }), false);
  });
});
