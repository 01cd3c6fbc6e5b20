/**
 * The string catalogue (renderer/i18n) and the ceremony catalogue's German words (core/ceremony-kinds): German has
 * every key (the typecheck proves that), names the same parameters as English, translates each string, and t fills
 * parameters and plurals. The ceremony kind in German keeps its ids, record kinds and numbers and changes only words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KEY_CEREMONY, numberedSteps, transcriptNames } from '../../core/ceremony-kinds';
import { ceremonyScriptIn, fillPlanWordsIn, kindIn, roleLineIn } from '../../core/ceremony-kinds/language';
import { checkpointName, entropySourceName, methodName, stepName } from '../../core/step-names';
import { de } from '../../renderer/i18n/de';
import { en } from '../../renderer/i18n/en';
import type { Key } from '../../renderer/i18n/catalogue';
import { CATALOGUES, translate } from '../../renderer/i18n/translate';
import { slip39TwoOfThree, vssThreeOfFive } from '../core/plan-fixtures';

const params = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
const forms = (e: string | { one: string; other: string }): string[] => (typeof e === 'string' ? [e] : [e.one, e.other]);

// Strings that are the same in both languages on purpose (product names, units, words German uses as they are).
const SAME_IN_GERMAN: ReadonlySet<string> = new Set(['Start', 'PIN', 'Token', 'SLIP-39', 'BIP-39', 'OK', 'Status', 'Administrator', 'Admin', 'Name', 'Organisation']);

describe('string catalogue', () => {
  it('German has exactly the English keys, with the same parameters and the same plural shape', () => {
    assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en) as Key[]) {
      const e = en[key] as string | { one: string; other: string };
      const g = de[key] as string | { one: string; other: string };
      assert.equal(typeof g, typeof e, `${key}: plural in one language only`);
      const want = [...new Set(forms(e).flatMap(params))].sort();
      for (const form of forms(g)) {
        for (const p of params(form)) assert.ok(want.includes(p) || p === 'count', `${key}: German names {${p}}, English does not`);
      }
      assert.deepEqual([...new Set(forms(g).flatMap(params))].sort(), want, `${key}: parameters differ`);
    }
  });

  it('every German string is German: none is left as its English text', () => {
    const same = (Object.keys(en) as Key[]).filter((k) => forms(en[k]).some((f, i) => f === forms(de[k])[i] && !SAME_IN_GERMAN.has(f)));
    assert.deepEqual(same, []);
  });

  it('t fills named parameters, leaves unknown ones visible, and picks the plural form per language', () => {
    assert.equal(translate('en', 'about.version', { version: '1.2.3', platform: 'linux', arch: 'x64' }).startsWith('keyshard 1.2.3 (linux, x64).'), true);
    assert.equal(translate('de', 'about.version', { version: '1.2.3', platform: 'linux', arch: 'x64' }).startsWith('keyshard 1.2.3 (linux, x64).'), true);
    assert.equal(translate('de', 'start.title'), 'Was möchten Sie tun?');
    assert.notEqual(CATALOGUES.de['start.title'], CATALOGUES.en['start.title']);
  });
});

describe('ceremony catalogue in German', () => {
  const german = kindIn(KEY_CEREMONY, 'de');

  it('keeps ids, record kinds, roles and order, and changes every word', () => {
    assert.deepEqual(
      german.steps.map((s) => [s.id, s.actor, s.when, s.records.map((r) => r.kind)]),
      KEY_CEREMONY.steps.map((s) => [s.id, s.actor, s.when, s.records.map((r) => r.kind)]),
    );
    KEY_CEREMONY.steps.forEach((s, i) => {
      const g = german.steps[i]!;
      // "Start" is the same word in German.
      if (s.screen !== 'Start') assert.notEqual(g.screen, s.screen, s.id);
      assert.notEqual(g.paper, s.paper, s.id);
      assert.notEqual(g.does, s.does, s.id);
      assert.equal(g.readAloud === null, s.readAloud === null, s.id);
      if (s.readAloud !== null) assert.notEqual(g.readAloud, s.readAloud, s.id);
      assert.deepEqual(params(g.does), params(s.does), `${s.id}: {secret} in one language only`);
    });
    const en = transcriptNames(KEY_CEREMONY);
    for (const [kind, words] of transcriptNames(german)) assert.notEqual(words, en.get(kind), kind);
    assert.equal(transcriptNames(german).size, en.size);
  });

  it('the script and step names in German: same numbers and people, German words, {secret} filled in German', () => {
    for (const plan of [slip39TwoOfThree(), vssThreeOfFive()]) {
      const en = ceremonyScriptIn(KEY_CEREMONY, plan, 'en');
      const g = ceremonyScriptIn(KEY_CEREMONY, plan, 'de');
      assert.deepEqual(g.lines.map((l) => [l.number, l.stepId, l.acts, l.watchers]), en.lines.map((l) => [l.number, l.stepId, l.acts, l.watchers]));
      assert.equal(g.kindTitle, 'Schlüsselzeremonie');
      for (const l of g.lines) assert.doesNotMatch(l.does, /\{secret\}|\bkey\b|\bseed\b/, l.stepId);
      assert.deepEqual(numberedSteps(german, plan).map((n) => n.number), numberedSteps(KEY_CEREMONY, plan).map((n) => n.number));
    }
    assert.equal(fillPlanWordsIn('({secret})', slip39TwoOfThree(), 'de').includes('{secret}'), false);
    assert.equal(stepName('airgap-check', 'de'), 'Air-Gap-Prüfung');
    assert.equal(stepName('airgap-check'), 'Air-gap check');
    assert.equal(checkpointName('seal', 'de'), 'das Siegel');
    assert.equal(methodName('type-back', 'de'), 'Wörter zurückgetippt');
    assert.equal(entropySourceName('dice-20-rolls', 'de'), '20 Würfelwürfe');
    assert.equal(roleLineIn('internal-witness', [{ role: 'internal-witness', name: 'Wendy', organisation: '' }, { role: 'internal-witness', name: 'Victor', organisation: '' }], 'de'), 'Interne Zeugen (Wendy, Victor)');
    // Outside data never reaches an inherited name.
    assert.equal(stepName('constructor', 'de'), 'Constructor');
  });
});
