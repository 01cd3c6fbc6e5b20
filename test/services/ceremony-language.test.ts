/**
 * The ceremony service records the language the window asked for in the plan entry (issue 14.8), and nothing when
 * none was given; the IPC contract refuses a language keyshard does not have before main sees it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CeremonyPlan } from '../../core/policy';
import { StartRequestSchema } from '../../electron/ipc/contract-ceremony';
import { cleanTemps, rig, unwitnessedPlan } from './ceremony-harness';

after(cleanTemps);

const plan = (): CeremonyPlan => unwitnessedPlan({ type: 'new-seed', bits: 128 }, 'slip39', 'ed25519', 'language');

function planEntry(dir: string): Record<string, unknown> {
  const t = JSON.parse(readFileSync(join(dir, 'transcript.json'), 'utf8')) as { entries: { kind: string; data: Record<string, unknown> }[] };
  const e = t.entries.find((x) => x.kind === 'plan');
  assert.ok(e, 'a plan entry');
  return e.data;
}

describe('ceremony language in the transcript', () => {
  it('the plan entry records the language the window chose, or none', async () => {
    const german = rig();
    await german.service.start({ plan: plan(), language: 'de' });
    assert.equal(planEntry(german.dir)['language'], 'de');
    const unsaid = rig();
    await unsaid.service.start({ plan: plan() });
    assert.equal(Object.hasOwn(planEntry(unsaid.dir), 'language'), false);
  });

  it('the window may send en or de only', () => {
    assert.equal(StartRequestSchema.safeParse({ plan: {}, language: 'de' }).success, true);
    assert.equal(StartRequestSchema.safeParse({ plan: {}, language: 'fr' }).success, false);
  });
});
