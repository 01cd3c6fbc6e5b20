/**
 * The step list's names come from the catalogue by kind and step id (renderer/i18n/steps.ts): every step of every
 * ceremony kind has an entry, its English is core's step.screen word for word, its German is German, and the key
 * ceremony's German is the one core's own German table prints (so screen and paper agree).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindIn } from '../../core/ceremony-kinds/language';
import { ceremonyKinds } from '../../core/ceremony-kinds/registry';
import { CATALOGUES } from '../../renderer/i18n/translate';
import { stepLabel } from '../../renderer/i18n/steps';

describe('step names in the step list', () => {
  const all = ceremonyKinds().flatMap((kind) => kind.steps.map((step) => ({ kind, step })));

  it('every step of every kind has a catalogue entry whose English is core’s', () => {
    assert.ok(all.length > 40);
    for (const { kind, step } of all) {
      const named = Object.hasOwn(CATALOGUES.en, `step.${kind.id}.${step.id}`) || Object.hasOwn(CATALOGUES.en, `step.${step.id}`);
      assert.ok(named, `${kind.id}/${step.id} has no step.* entry`);
      assert.equal(stepLabel('en', kind.id, step), step.screen, `${kind.id}/${step.id}`);
    }
  });

  it('German names every step in German, and the key ceremony as core’s German table does', () => {
    for (const { kind, step } of all) {
      const g = stepLabel('de', kind.id, step);
      if (step.screen !== 'Start') assert.notEqual(g, step.screen, `${kind.id}/${step.id}`);
    }
    const [key] = ceremonyKinds().filter((k) => k.id === 'key-ceremony');
    for (const step of kindIn(key!, 'de').steps) {
      assert.equal(stepLabel('de', 'key-ceremony', { id: step.id, screen: 'unused' }), step.screen, step.id);
    }
  });

  it('a step the catalogue does not know keeps core’s English name', () => {
    assert.equal(stepLabel('de', 'refresh', { id: 'no-such-step', screen: 'Some step' }), 'Some step');
    assert.equal(stepLabel('de', 'refresh', { id: 'destroy', screen: 'Wipe' }), 'Löschen');
    assert.equal(stepLabel('de', 'key-ceremony', { id: 'destroy', screen: 'Destroy' }), 'Vernichten');
  });
});
