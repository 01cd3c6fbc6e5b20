/**
 * plan:read-file (issue 13.9): the verify screen's plan for a transcript's annotated script, chosen in main's dialog.
 * Main reads only a plan (a valid one, answered as canonical JSON so its SHA-256 is what a transcript records); any
 * other file is refused without its content. isRecordedPlan: the one rule the CLI's --script --plan and the screen use.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isRecordedPlan } from '../../core/ceremony-kinds/recorded-plan';
import { planDigest, planToJson } from '../../core/policy';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import { dialogStub } from './dialog-stub';
import { fileDialogSpec } from '../../electron/main/file-dialog';
import { createCameraGate } from '../../electron/main/permissions';
import { cleanTemps, tempDir, unwitnessedPlan } from '../services/ceremony-harness';

const dialog = dialogStub();
const h = createIpcHandlers({
  chooseFile: dialog.chooseFile,
  appInfo: () => ({ name: 'keyshard', version: '0.0.0-test', platform: 'linux', arch: 'x64', production: true }),
  checkAirGap: async () => {
    throw new Error('not used');
  },
  camera: createCameraGate(),
});

after(cleanTemps);

const plan = unwitnessedPlan({ type: 'new-seed', bits: 128 }, 'slip39');

describe('plan:read-file', () => {
  it("answers a plan file's plan as canonical JSON and its name, however the file spaces it", async () => {
    const dir = tempDir('plan-read');
    const path = join(dir, 'plan.json');
    writeFileSync(path, JSON.stringify(JSON.parse(planToJson(plan)), null, 4));
    const r = await h['plan:read-file']({ path: await dialog.choose(h, 'plan-file', path) });
    assert.ok(r.ok);
    assert.equal(r.value.name, 'plan.json');
    assert.equal(r.value.plan, planToJson(plan));
  });

  it('refuses what is not a plan, a link, a folder, a relative path, and says so without the content', async () => {
    const dir = tempDir('plan-read-bad');
    const secret = join(dir, 'notes.json');
    writeFileSync(secret, JSON.stringify({ seedWords: 'abandon ability able about' }));
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'abandon ability able about');
    const link = join(dir, 'plan-link.json');
    const real = join(dir, 'real.json');
    writeFileSync(real, planToJson(plan));
    symlinkSync(real, link);
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    const cases: [string, string][] = [
      [secret, 'POLICY_INVALID'],
      [notJson, 'POLICY_INVALID'],
      [link, 'FILE_LINK'],
      [folder, 'FILE_NOT_REGULAR'],
      [join(dir, 'missing.json'), 'FILE_READ'],
    ];
    // A path the page names itself, relative or not, is refused before anything is read.
    for (const path of ['plan.json', real]) {
      const r = await h['plan:read-file']({ path });
      assert.equal(r.ok ? 'ok' : r.error.code, 'FILE_NOT_CHOSEN', path);
    }
    for (const [path, code] of cases) {
      const r = await h['plan:read-file']({ path: await dialog.choose(h, 'plan-file', path) });
      assert.equal(r.ok ? 'ok' : r.error.code, code, path);
      if (!r.ok) assert.doesNotMatch(r.error.message, /abandon/, path);
    }
  });

  it('opens its own dialog: a plan file, from the home folder', () => {
    const spec = fileDialogSpec('plan-file', '/home/a');
    assert.equal(spec.kind, 'open');
    assert.equal(spec.defaultPath, '/home/a');
    assert.deepEqual(spec.filters[0]?.extensions, ['json']);
  });
});

describe('isRecordedPlan', () => {
  const entry = (planSha256: unknown) => [{ kind: 'plan' as const, data: { planSha256 } as never }];
  it('holds only for the plan whose SHA-256 entry 1 recorded', () => {
    assert.equal(isRecordedPlan(entry(planDigest(plan)), plan), true);
    assert.equal(isRecordedPlan(entry(planDigest(plan)), { ...plan, label: 'another' }), false);
    assert.equal(isRecordedPlan(entry(42), plan), false);
    assert.equal(isRecordedPlan([], plan), false);
    assert.equal(isRecordedPlan([{ kind: 'seal' as const, data: { planSha256: planDigest(plan) } as never }], plan), false);
  });
});
