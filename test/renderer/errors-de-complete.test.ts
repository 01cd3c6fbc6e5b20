/**
 * Every error code a screen can show has German words (issue 14.8). errors-de.ts's table is typed to need every
 * KeyshardErrorCode, so a new code fails the typecheck; this test reads the codes from core/errors.ts itself, so it
 * also fails when the table's type is loosened again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { germanMessage } from '../../renderer/i18n/errors-de';

function errorCodes(): string[] {
  const source = readFileSync(new URL('../../core/errors.ts', import.meta.url), 'utf8');
  const union = /export type KeyshardErrorCode =([\s\S]*?')\s*;/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/\|\s*'([A-Z0-9_]+)'/g)].map((m) => m[1]!);
}

describe('German words for every error code', () => {
  it('has a German message for each KeyshardErrorCode', () => {
    const codes = errorCodes();
    assert.ok(codes.length > 80, `${codes.length} codes read from core/errors.ts`);
    const missing = codes.filter((c) => (germanMessage(c) ?? '').trim() === '');
    assert.deepEqual(missing, []);
    for (const c of codes) assert.doesNotMatch(germanMessage(c)!, /\b(the|and|file|please)\b/i, `${c} reads as German`);
  });
});
