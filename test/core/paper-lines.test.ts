import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEnvelope, envelopeFromText, envelopeToText, wipeEnvelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { lineCheck, removeLineChecks, stripLineChecks, withLineChecks } from '../../core/paper-lines';
import { compareShardText } from '../../electron/services/ceremony/compare';
import { vssBackup } from '../services/recovery-fixtures';

const LAYOUT = { groupSize: 4, groupsPerLine: 8 };

/** A verifiable share's text as printed (KS1, groups of four, eight a line), and its envelope bytes. */
function printedShare(): { paper: string; bytes: Uint8Array } {
  const env = envelopeFromText(vssBackup(2, 3).texts[0]!);
  try {
    return { paper: envelopeToText(env, LAYOUT), bytes: encodeEnvelope(env) };
  } finally {
    wipeEnvelope(env);
  }
}

/** The paper as a custodian types it back: each line, " / ", its check characters. */
function typedWithChecks(paper: string): string[] {
  return withLineChecks(paper).map(({ line, check }) => `${line} / ${check}`);
}

const lineError = (lines: number[]) => (e: unknown) => {
  assert.ok(e instanceof KeyshardError && e.code === 'PAPER_LINE_CHECK', String(e));
  assert.deepEqual(e.details?.['lines'], lines);
  return true;
};

describe('paper shard lines with check characters', () => {
  it('a share typed back with its line checks reads as the same share; without them too', () => {
    const { paper, bytes } = printedShare();
    const lines = typedWithChecks(paper);
    assert.ok(lines.length >= 4, `a verifiable share is several lines (${lines.length})`);
    for (const typed of [lines.join('\n'), lines.join('\n').toLowerCase(), paper]) {
      const env = envelopeFromText(typed);
      assert.deepEqual(encodeEnvelope(env), bytes);
      wipeEnvelope(env);
    }
  });

  it('one mistyped character is named by its line, before the envelope checksum; the line\'s content is not repeated', () => {
    const { paper } = printedShare();
    const lines = typedWithChecks(paper);
    for (const n of [2, lines.length]) {
      const bad = [...lines];
      const at = bad[n - 1]!.indexOf(' ') + 2;
      const c = bad[n - 1]![at]!;
      // A line check is 10 bits: 1 mistype in 1,024 keeps it. Take a mistype the check catches (the test's share is
      // random); the envelope's own checksum is what catches the rest.
      const [body, check] = bad[n - 1]!.split(' / ') as [string, string];
      const typo = [...'ABCDEFGH'].filter((x) => x !== c).map((x) => body.slice(0, at) + x + body.slice(at + 1)).find((b2) => lineCheck(n, b2) !== check);
      assert.ok(typo !== undefined);
      bad[n - 1] = `${typo} / ${check}`;
      assert.throws(() => envelopeFromText(bad.join('\n')), (e: unknown) => lineError([n])(e) && !(e as Error).message.includes(bad[n - 1]!.slice(5, 14)));
    }
  });

  it('two lines swapped are both named (the line number is part of each check)', () => {
    const { paper } = printedShare();
    const lines = typedWithChecks(paper);
    const swapped = [...lines];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    assert.throws(() => envelopeFromText(swapped.join('\n')), lineError([2, 3]));
  });

  it('the confirmation compares the share without the checks and names the differing group', () => {
    const { paper, bytes } = printedShare();
    const lines = typedWithChecks(paper);
    assert.equal(compareShardText(bytes, lines.join('\n')), null);
    assert.equal(removeLineChecks(lines.join('\n')), paper);
    assert.equal(stripLineChecks(paper), paper);
  });

  it('checks are two base32 characters and differ by line number', () => {
    assert.match(lineCheck(1, 'KS1 ABCD'), /^[A-Z2-7]{2}$/);
    const differ = [...Array(20).keys()].filter((n) => lineCheck(n + 1, 'ABCD EFGH') !== lineCheck(n + 2, 'ABCD EFGH')).length;
    assert.ok(differ >= 15, `checks depend on the line number (${differ} of 20 differ)`);
  });
});
