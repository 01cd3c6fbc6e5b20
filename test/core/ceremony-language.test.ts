/**
 * The plan entry records the language the screens and paper were in (issue 14.8): replay accepts it, a transcript
 * written before it (no `language`) still replays, and a language keyshard does not have is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apply, createCeremony, replay, type CeremonyEvent } from '../../core/ceremony';
import { isKeyshardError } from '../../core/errors';
import { slip39TwoOfThree, steppingClock } from './plan-fixtures';

function planEntry(extra: Record<string, unknown>) {
  const plan = slip39TwoOfThree();
  const s = apply(createCeremony(plan, steppingClock()), { step: 'plan', ...extra } as CeremonyEvent);
  return { plan, records: s.records };
}

describe('plan entry language', () => {
  it('records the chosen language, and replay rebuilds the same records', () => {
    const { plan, records } = planEntry({ language: 'de' });
    assert.equal(records[0]!.data['language'], 'de');
    assert.deepEqual(replay(plan, JSON.parse(JSON.stringify(records)), steppingClock()).records, records);
  });

  it('an older transcript without a language replays as written', () => {
    const { plan, records } = planEntry({});
    assert.equal(Object.hasOwn(records[0]!.data, 'language'), false);
    assert.deepEqual(replay(plan, records, steppingClock()).records, records);
  });

  // An edit from one valid language to another is caught by the transcript's hash links, as any edit is (transcript
  // tests); replay's part is to refuse a value keyshard never writes.
  it('refuses a language keyshard does not have, also when replaying an edited entry', () => {
    assert.throws(
      () => planEntry({ language: 'fr' }),
      (e: unknown) => isKeyshardError(e) && /language/.test(e.message),
    );
    const { plan, records } = planEntry({ language: 'en' });
    const edited = [{ ...records[0]!, data: { ...records[0]!.data, language: 'xx' } }];
    assert.throws(() => replay(plan, edited, steppingClock()), (e: unknown) => isKeyshardError(e) && e.code === 'CEREMONY_TRANSITION');
  });
});
