/**
 * Duplicate member names in a JSON file are refused always: JSON.parse keeps the last one, so a transcript could show a
 * reader one value and hash another. `-0` and escaped letters parse to the same values as keyshard's own layout; only
 * the layout check refuses them, and every caller in the app (main and the window) keeps that check on.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { duplicateMember } from '../../core/canonical-json';
import { appendEntry, createTranscript, serializeTranscript, verifyTranscriptText } from '../../core/transcript';

function clock(): () => Date {
  let n = 0;
  return () => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + 60_000 * n++);
}

function smallText(): string {
  let t = createTranscript('dup-2025', clock());
  t = appendEntry(t, 'plan', { label: 'Vault', n: 0 });
  t = appendEntry(t, 'note', { text: 'all fine', by: 'wendy' });
  return serializeTranscript(t);
}

describe('canonical JSON: duplicate member names', () => {
  it('finds a name twice in one object, after unescaping, and where that object is', () => {
    assert.deepEqual(duplicateMember('{"a":1,"a":2}'), { name: 'a', path: [] });
    assert.deepEqual(duplicateMember('{"a":1,"\\u0061":2}'), { name: 'a', path: [] });
    assert.deepEqual(duplicateMember('{"x":[{"b":1},{"a":1,"c":{"z":0},"a":2}]}'), { name: 'a', path: ['x', 1] });
    assert.deepEqual(duplicateMember('{"__proto__":1,"__proto__":2}'), { name: '__proto__', path: [] });
    assert.deepEqual(duplicateMember('{"constructor":1,"toString":2,"constructor":3}')?.name, 'constructor');
  });

  it('does not mistake equal names in different objects, or names inside strings, for duplicates', () => {
    for (const text of ['{"x":{"a":1},"y":{"a":1}}', '[{"a":1},{"a":1}]', '{"a":"{\\"a\\":1,","b":"a,\\"a\\""}', '{"a":["a","a"],"b":{"a":[{"a":0}]}}', '"a"', '[]', '{}']) {
      JSON.parse(text);
      assert.equal(duplicateMember(text), undefined, text);
    }
  });

  it('a transcript with a duplicated member fails with layout checking on or off, naming its entry', () => {
    const text = smallText();
    assert.ok(verifyTranscriptText(text).ok);
    // A reader of the file sees "forged"; JSON.parse (and so the hash) takes the original value that follows it.
    const edited = text.replace('"text": "all fine"', '"text": "forged", "text": "all fine"');
    assert.notEqual(edited, text);
    for (const options of [{}, { exactLayout: false }]) {
      const v = verifyTranscriptText(edited, options);
      assert.equal(v.ok, false, JSON.stringify(options));
      assert.equal(v.ok ? '' : v.code, 'TRANSCRIPT_FORMAT');
      assert.equal(v.ok ? 0 : v.firstBadSeq, 2);
      assert.match(v.ok ? '' : v.reason, /"text" appears twice in one object of entry 2/);
    }
  });

  it('-0 and escaped letters: same values, so only the layout check refuses them, and it is on by default', () => {
    const text = smallText();
    for (const edited of [text.replace('"n": 0', '"n": -0'), text.replace('"by": "wendy"', '"by": "w\\u0065ndy"')]) {
      assert.notEqual(edited, text);
      assert.equal(verifyTranscriptText(edited, { exactLayout: false }).ok, true);
      const v = verifyTranscriptText(edited);
      assert.equal(v.ok ? '' : v.code, 'TRANSCRIPT_FORMAT');
    }
  });

  it('no caller in main or the window switches the layout check off (only the CLI, on --ignore-layout)', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx)$/.test(name)) files.push(path);
      }
    };
    walk('electron');
    walk('renderer');
    const switching = files.filter((f) => /exactLayout/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(switching, [join('electron', 'cli', 'commands', 'transcript.ts')]);
    assert.match(readFileSync(switching[0]!, 'utf8'), /exactLayout(:| =) args\.booleans\.get\('ignore-layout'\) !== true/);
  });
});
