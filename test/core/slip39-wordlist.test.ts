import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { createChecksum, verifyChecksum } from '../../core/slip39/rs1024';
import { editDistance, suggestWord } from '../../core/slip39/suggest';
import { WORDLIST, wordAt, wordIndex } from '../../core/slip39/wordlist';
import { loadVectors, toHex } from './slip39-helpers';

const README_SHA256 = (() => {
  const readme = readFileSync(new URL('../../../shared/slip39/README.md', import.meta.url), 'utf8');
  const line = readme.split('\n').find((l) => l.includes('`wordlist.txt`'))!;
  return /sha256 `([0-9a-f]{64})`/.exec(line)![1]!;
})();

describe('SLIP-39 wordlist', () => {
  it('equals /work/shared/slip39/wordlist.txt word for word, and hashes to the sha256 in its README', () => {
    const file = readFileSync(new URL('../../../shared/slip39/wordlist.txt', import.meta.url), 'utf8');
    assert.equal(toHex(sha256(new TextEncoder().encode(file))), README_SHA256);
    assert.deepEqual([...WORDLIST], file.split('\n').filter((w) => w !== ''));
    assert.equal(toHex(sha256(new TextEncoder().encode(`${WORDLIST.join('\n')}\n`))), README_SHA256);
  });
  it('has 1024 sorted words of 4..8 lowercase letters, unique in their first four letters', () => {
    assert.equal(WORDLIST.length, 1024);
    assert.deepEqual([...WORDLIST].sort(), [...WORDLIST]);
    for (const w of WORDLIST) assert.match(w, /^[a-z]{4,8}$/);
    assert.equal(new Set(WORDLIST.map((w) => w.slice(0, 4))).size, 1024);
  });
  it('maps words to indices and back', () => {
    WORDLIST.forEach((w, i) => {
      assert.equal(wordIndex(w), i);
      assert.equal(wordAt(i), w);
    });
    assert.equal(wordIndex('bitcoin'), undefined);
    assert.throws(() => wordAt(1024), RangeError);
  });
});

describe('word suggestions', () => {
  it('uses the unique four-letter prefix, then edit distance', () => {
    assert.equal(suggestWord('academix'), 'academic'); // prefix
    assert.equal(suggestWord('ACADEMIC'), 'academic'); // case
    assert.equal(suggestWord('zcademic'), 'academic'); // one substitution in the prefix
    assert.equal(suggestWord('wisdon'), 'wisdom');
    assert.equal(suggestWord('xyzzy'), undefined); // nothing close
  });
  it('suggests the original word after any one edit that leaves a non-word', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1023 }), fc.nat(), fc.constantFrom('delete', 'swap', 'append'), (i, at, kind) => {
        const w = WORDLIST[i]!;
        const p = at % (w.length - 1);
        const typo =
          kind === 'delete' ? w.slice(0, p) + w.slice(p + 1) : kind === 'swap' ? w.slice(0, p) + w[p + 1]! + w[p]! + w.slice(p + 2) : `${w}s`;
        fc.pre(wordIndex(typo) === undefined && typo !== w);
        const s = suggestWord(typo);
        // A hint is either the right word or, when several words are equally close, no hint at all.
        assert.ok(s === w || s === undefined || editDistance(typo, s) <= editDistance(typo, w), `${typo} -> ${s}`);
        if (p >= 4 || kind === 'append') assert.equal(s, w);
      }),
      { numRuns: 300 },
    );
  });
  it('edit distance counts insertions, deletions, substitutions and adjacent swaps', () => {
    assert.equal(editDistance('abcd', 'abcd'), 0);
    assert.equal(editDistance('abcd', 'abd'), 1);
    assert.equal(editDistance('abcd', 'abxd'), 1);
    assert.equal(editDistance('abcd', 'acbd'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });
});

describe('RS1024 checksum', () => {
  const vectorShares = loadVectors()
    .filter(([, , secret]) => secret !== '')
    .flatMap(([, mnemonics]) => mnemonics)
    .map((m) => m.split(' ').map((w) => wordIndex(w)!));
  const extendable = (idx: readonly number[]) => ((idx[1]! >> 4) & 1) === 1;

  it('accepts every share of the valid official vectors, and recomputes their last three words', () => {
    assert.ok(vectorShares.length > 20);
    for (const idx of vectorShares) {
      assert.ok(verifyChecksum(idx, extendable(idx)));
      assert.deepEqual(createChecksum(idx.slice(0, -3), extendable(idx)), idx.slice(-3));
    }
  });
  it('binds the customization string: a share fails under the other one', () => {
    for (const idx of vectorShares) assert.ok(!verifyChecksum(idx, !extendable(idx)));
  });
  it('detects any change of one to three words', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: vectorShares.length - 1 }),
        fc.uniqueArray(fc.record({ pos: fc.nat(), delta: fc.integer({ min: 1, max: 1023 }) }), { minLength: 1, maxLength: 3, selector: (e) => e.pos % 20 }),
        (which, edits) => {
          const idx = vectorShares[which]!.slice();
          const ext = extendable(idx);
          for (const { pos, delta } of edits) idx[pos % 20] = idx[pos % 20]! ^ delta;
          assert.ok(!verifyChecksum(idx, ext));
        },
      ),
      { numRuns: 500 },
    );
  });
});
