/**
 * German error messages keep main's detail (issue 14.8 / brief E point 3): which word, which line, taken from the
 * error's details as numbers; text in the details (what was typed) never reaches the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { germanMessage, germanMessageWith } from '../../renderer/i18n/errors-de';

describe('German error messages with their detail', () => {
  it('names the word and how many more are unknown, never the word itself', () => {
    const m = germanMessageWith('SLIP39_WORD', { position: 7, unknownWords: [{ position: 7, word: 'academicq', suggestion: 'academic' }, { position: 9, word: 'zzz' }] });
    assert.equal(m, 'Wort 7 ist kein SLIP-39-Wort. Prüfen Sie die Schreibweise am Papier. Ein weiteres Wort dieses Anteils steht auch nicht in der Liste.');
    assert.doesNotMatch(m ?? '', /academic|zzz/);
  });

  it('names the suspect word of a failed checksum and the lines of a paper-line check', () => {
    assert.match(germanMessageWith('SLIP39_CHECKSUM', { suspectPosition: 12 }) ?? '', /dann Wort 12\.$/);
    assert.match(germanMessageWith('PAPER_LINE_CHECK', { lines: [3] }) ?? '', /^Zeile 3 passt nicht/);
    assert.match(germanMessageWith('PAPER_LINE_CHECK', { lines: [2, 5] }) ?? '', /^Die Zeilen 2, 5 passen nicht/);
  });

  it('without usable numbers it is the fixed German message', () => {
    assert.equal(germanMessageWith('SLIP39_WORD', { position: 'seven' }), germanMessage('SLIP39_WORD'));
    assert.equal(germanMessageWith('PAPER_LINE_CHECK', { lines: [-1] }), germanMessage('PAPER_LINE_CHECK'));
    assert.equal(germanMessageWith('NO_SUCH_CODE', undefined), undefined);
  });
});
