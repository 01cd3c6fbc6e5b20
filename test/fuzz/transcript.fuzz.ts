/**
 * Fuzzing the transcript verifier (core/transcript.ts verifyTranscriptText), which reads a transcript file a recovery
 * team or a witness brings: random text, the valid file damaged character by character, and its JSON edited
 * (values replaced, members dropped or added, including `__proto__`, `constructor`, `toString`), laid out as keyshard
 * writes it and otherwise. verifyTranscriptText never throws; it answers ok or one of its three codes; and a damaged
 * file that still verifies holds only entries of the original, in order (a prefix of it: cutting the end is what the
 * head hash on paper is for).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { serializeTranscript, verifyTranscriptText, type VerifyResult } from '../../core/transcript';
import { ceremonyTranscript, smallTranscript } from '../core/transcript-fixture';
import { CallClock, fuzzRuns, mutatedJson, mutatedText, params } from './fuzz-kit';

const RUNS = fuzzRuns(800);
const CODES = ['TRANSCRIPT_TAMPERED', 'TRANSCRIPT_SIGNATURE', 'TRANSCRIPT_FORMAT'];

let texts: string[] = [];
let originals: { hash: string }[][] = [];
before(async () => {
  texts = [serializeTranscript(await ceremonyTranscript()), serializeTranscript(await smallTranscript())];
  originals = texts.map((t) => (JSON.parse(t) as { entries: { hash: string }[] }).entries);
});

function check(clock: CallClock, text: string, exactLayout: boolean): void {
  const r = clock.run(() => verifyTranscriptText(text, { exactLayout }));
  assert.ok(r.ok, 'verifyTranscriptText threw');
  const v: VerifyResult = r.value;
  if (!v.ok) {
    assert.ok(CODES.includes(v.code), `unknown code ${v.code}`);
    assert.ok(v.reason.length > 0);
    return;
  }
  const fromSome = originals.some((orig) => v.entries.length <= orig.length && v.entries.every((e, i) => e.hash === orig[i]!.hash));
  assert.ok(fromSome, 'a damaged transcript verified with entries that are not the original\'s');
}

describe('fuzz: transcripts', () => {
  it('random text and character damage: never throws, a known code, or a prefix of the original', () => {
    const clock = new CallClock('verifyTranscriptText (text)');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''), fc.constantFrom(0, 1).chain((i) => mutatedText(texts[i]!))), fc.boolean(), (text, exact) => {
        check(clock, text, exact);
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('JSON edits (hostile member names too), in keyshard\'s layout and re-saved: never throws, a known code, or a prefix of the original', () => {
    const clock = new CallClock('verifyTranscriptText (json)');
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1).chain((i) => mutatedJson(JSON.parse(texts[i]!))),
        fc.constantFrom(0, 2),
        fc.boolean(),
        (doc, indent, exact) => {
          check(clock, JSON.stringify(doc, null, indent) ?? '', exact);
        },
      ),
      params(RUNS),
    );
    clock.report();
  });
});
