import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import { hexFromTyped, looksLikeWords, parseSpokenWords, SPOKEN_WORDS, spokenText, spokenWords } from '../../core/read-aloud';

// bc-ur's own Bytewords encoder is the published list's reference here: the words keyshard speaks must be the ones any
// Bytewords tool writes for the same bytes (standard style: the bytes, then their CRC-32).
const require = createRequire(import.meta.url);
const bcBytewords = (require('@ngraveio/bc-ur/dist/bytewords.js') as { default: { encode: (hex: string, style: string) => string } }).default;

const code = (c: string) => (e: unknown) => e instanceof KeyshardError && e.code === c;
const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);

describe('words to read aloud (Bytewords)', () => {
  it('are the Bytewords standard form of the first 16 bytes, as bc-ur encodes them', () => {
    fc.assert(
      fc.property(hex32, (hex) => {
        assert.equal(spokenWords(hex).join(' '), bcBytewords.encode(hex.slice(0, 32), 'standard'));
      }),
      { numRuns: 300 },
    );
    // All 256 words in one go: bytes 0..255 in 16 runs of 16.
    for (let run = 0; run < 16; run++) {
      const hex = bytesToHex(Uint8Array.from({ length: 16 }, (_, i) => run * 16 + i));
      assert.equal(spokenWords(hex).join(' '), bcBytewords.encode(hex, 'standard'));
    }
  });

  it('round-trip: the words typed back (any case, any separators) give the first 32 hex digits', () => {
    fc.assert(
      fc.property(hex32, fc.constantFrom(' ', '  ', '-', ' · ', '\n'), fc.boolean(), (hex, sep, upper) => {
        const typed = spokenWords(hex).join(sep);
        assert.equal(parseSpokenWords(upper ? typed.toUpperCase() : typed), hex.slice(0, 32));
        assert.equal(parseSpokenWords(spokenText(hex)), hex.slice(0, 32));
      }),
      { numRuns: 300 },
    );
  });

  it('shows 20 words in five groups of four', () => {
    const text = spokenText('00'.repeat(32));
    assert.equal(text.split(' · ').length, 5);
    assert.equal(text.replace(/ · /g, ' ').split(' ').length, SPOKEN_WORDS);
  });

  it('refuses a word not on the list by its position, without repeating it', () => {
    const words = spokenWords('ab'.repeat(32));
    words[6] = 'xqzt';
    assert.throws(() => parseSpokenWords(words.join(' ')), (e: unknown) => {
      assert.ok(code('READ_ALOUD_WORD')(e));
      const err = e as KeyshardError;
      assert.deepEqual(err.details?.['positions'], [7]);
      assert.match(err.message, /Word 7 /);
      assert.doesNotMatch(err.message, /xqzt/);
      return true;
    });
    words[12] = 'abl';
    assert.throws(() => parseSpokenWords(words.join(' ')), (e: unknown) => code('READ_ALOUD_WORD')(e) && /Words 7, 13 /.test((e as Error).message));
  });

  it('checksum: every single wrong word, and every swap of two different neighbours, is refused', () => {
    const hex = bytesToHex(Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff));
    const words = spokenWords(hex);
    for (let pos = 0; pos < SPOKEN_WORDS; pos++) {
      for (const other of spokenWords('ff'.repeat(16)).concat(spokenWords('01'.repeat(16)))) {
        if (other === words[pos]) continue;
        const bad = [...words];
        bad[pos] = other;
        assert.throws(() => parseSpokenWords(bad.join(' ')), code('READ_ALOUD_CHECKSUM'), `position ${pos + 1}`);
      }
    }
    for (let pos = 0; pos + 1 < SPOKEN_WORDS; pos++) {
      if (words[pos] === words[pos + 1]) continue;
      const swapped = [...words];
      [swapped[pos], swapped[pos + 1]] = [swapped[pos + 1] as string, swapped[pos] as string];
      assert.throws(() => parseSpokenWords(swapped.join(' ')), code('READ_ALOUD_CHECKSUM'), `swap at ${pos + 1}`);
    }
  });

  it('refuses a missing or an extra word by count', () => {
    const words = spokenWords('cd'.repeat(32));
    assert.throws(() => parseSpokenWords(words.slice(1).join(' ')), (e: unknown) => code('READ_ALOUD_LENGTH')(e) && (e as KeyshardError).details?.['words'] === 19);
    assert.throws(() => parseSpokenWords([...words, 'able'].join(' ')), code('READ_ALOUD_LENGTH'));
  });

  it('tells words from hex: hex is passed on as typed, words become hex', () => {
    const hex = 'ab12'.repeat(16);
    assert.equal(looksLikeWords('AB12 CD34 EF56'), false);
    assert.equal(hexFromTyped(hex), hex);
    assert.equal(looksLikeWords(spokenText(hex)), true);
    assert.equal(hexFromTyped(spokenText(hex)), hex.slice(0, 32));
  });
});

describe('words typed where a fingerprint or final hash is asked for', () => {
  // A small sealed transcript (plan, generate, split, seal) to type the final hash of.
  async function sealed() {
    const { appendEntry, createTranscript, verifyTranscript } = await import('../../core/transcript');
    const { steppingClock } = await import('./transcript-fixture');
    let t = createTranscript('words-1', steppingClock());
    t = appendEntry(t, 'plan', { scheme: 'slip39', witnessIds: [], signOffs: {}, witnessKeys: [] });
    t = appendEntry(t, 'generate', { kind: 'seed', fingerprint: FP });
    t = appendEntry(t, 'split', { scheme: 'slip39', fingerprint: FP, identifier: 1, shareCount: 3 });
    t = appendEntry(t, 'seal', { fingerprint: FP });
    const v = verifyTranscript(t);
    assert.ok(v.ok);
    return { t, v };
  }
  const FP = '97b47ecb0b153e03f4858e4fd72d9d3254b05d2f246c876a5b915dc6f8a4bfd6';

  it('a fingerprint typed as words is its short form: the recovered key matches it', async () => {
    const { expectedFromTypedFingerprint, parseFingerprintInput, recoveryVerdict } = await import('../../core/recovery-trust');
    assert.equal(parseFingerprintInput(spokenText(FP).toUpperCase()), FP.slice(0, 32));
    const e = expectedFromTypedFingerprint(spokenText(FP));
    assert.equal(recoveryVerdict(e, FP), 'verified');
    assert.equal(recoveryVerdict(e, 'aa'.repeat(32)), 'mismatch');
  });

  it('a final hash typed as words verifies the transcript; another hash\'s words, or one wrong word, do not', async () => {
    const { expectedFromTranscript } = await import('../../core/recovery-trust');
    const { verifyTranscript } = await import('../../core/transcript');
    const { t, v } = await sealed();
    assert.equal(expectedFromTranscript(v, { finalHash: spokenText(v.headHash) }).source, 'final-hash');
    assert.equal(verifyTranscript(t, { expectedHeadHash: parseSpokenWords(spokenText(v.headHash)) }).ok, true);
    // The words of entry 2's hash: the paper record ends earlier than the file.
    assert.throws(() => expectedFromTranscript(v, { finalHash: spokenText(v.entries[1]!.hash) }), (e: unknown) => code('FINAL_HASH_MISMATCH')(e) && (e as KeyshardError).details?.['matchesSeq'] === 2);
    assert.equal(verifyTranscript(t, { expectedHeadHash: v.entries[1]!.hash.slice(0, 32) }).ok, false);
    const words = spokenWords(v.headHash);
    words[3] = words[3] === 'able' ? 'acid' : 'able';
    assert.throws(() => expectedFromTranscript(v, { finalHash: words.join(' ') }), code('READ_ALOUD_CHECKSUM'));
  });

  it('a witness signs off with the words of the fingerprint; a wrong word is WITNESS_FINGERPRINT by position', async () => {
    const { checkFingerprintTyped } = await import('../../electron/services/witness/credential');
    checkFingerprintTyped(spokenText(FP), FP, 'wendy', 'Wendy', "key's fingerprint");
    assert.throws(() => checkFingerprintTyped(spokenText('bb'.repeat(32)), FP, 'wendy', 'Wendy', "key's fingerprint"), (e: unknown) => code('WITNESS_FINGERPRINT')(e) && (e as KeyshardError).details?.['reason'] === 'mismatch');
    const words = spokenWords(FP);
    words[9] = 'bogus';
    assert.throws(
      () => checkFingerprintTyped(words.join(' '), FP, 'wendy', 'Wendy', "key's fingerprint"),
      (e: unknown) => code('WITNESS_FINGERPRINT')(e) && /Word 10 /.test((e as Error).message) && !(e as Error).message.includes('bogus'),
    );
  });
});
