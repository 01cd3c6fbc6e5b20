/**
 * Issue 13.9 from the verify screen: a transcript checked there prints its annotated script once the person chooses
 * the ceremony's plan in main's dialog. Another plan is refused (the rule of `transcript verify --script --plan`). The
 * transcript and plan are `keyshard demo`'s (its air-gap override is an exception signed by Wendy); the printed PDF
 * goes through pdftoppm, and every page must carry the transcript's final hash.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotatedScript, annotatedScriptMismatch } from '../../core/ceremony-kinds/annotated';
import { KEY_CEREMONY } from '../../core/ceremony-kinds/key-ceremony';
import { parsePlan, planToJson } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import { expect, test } from './fixtures';
import { ROOT, SCREENS_DIR, saveScreens } from './harness';
import { printToPng } from './print';

let dir: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-verify-script-'));
  // The demo as a person runs it (its own process): a sealed ceremony with plan.json beside transcript.json.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/bin.ts', 'demo', '--out', join(dir, 'demo')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  // A plan like the ceremony's but not it: one word of its label differs, so its SHA-256 does too.
  const plan = parsePlan(readFileSync(join(dir, 'demo', 'plan.json'), 'utf8'));
  writeFileSync(join(dir, 'other-plan.json'), planToJson({ ...plan, label: `${plan.label} (copy)` }));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the verify screen prints the annotated script with the recorded plan, and refuses another plan', async ({ app }) => {
  const { page, backend } = app;
  const transcriptPath = join(dir, 'demo', 'transcript.json');
  const text = readFileSync(transcriptPath, 'utf8');
  const v = verifyTranscriptText(text);
  expect(v.ok).toBe(true);
  if (!v.ok) return;

  await app.open('verify');
  await page.getByTestId('transcript-file').setInputFiles(transcriptPath);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  const section = page.getByTestId('verify-annotated');
  await expect(section).toBeVisible();
  // Nothing to print before a plan is chosen.
  await expect(page.getByTestId('verify-print-annotated')).toHaveCount(0);
  await expect(page.getByTestId('annotated-script')).toHaveCount(0);

  // Another plan: refused, says why and what to do, and nothing is printable.
  backend.answerDialog(join(dir, 'other-plan.json'));
  await page.getByTestId('verify-plan-file').click();
  const refused = page.getByTestId('verify-plan-error');
  await expect(refused).toHaveAttribute('data-code', 'POLICY_INVALID');
  await expect(refused).toContainText('other-plan.json is not the plan this transcript recorded');
  await expect(refused).toContainText("Choose the ceremony's own plan.json");
  await expect(page.getByTestId('verify-print-annotated')).toHaveCount(0);
  await expect(page.getByTestId('annotated-script')).toHaveCount(0);
  await section.scrollIntoViewIfNeeded();
  await saveScreens(page, 'verify-script-wrong-plan');
  // The section itself as it stands at 1366 wide (the first view shows the top of the screen).
  await section.screenshot({ path: join(SCREENS_DIR, 'verify-script-wrong-plan-section.png') });

  // A cancelled dialog changes nothing.
  await page.getByTestId('verify-plan-file').click();
  await expect.poll(() => backend.dialogPurposes.length).toBe(2);
  await expect(page.getByTestId('verify-plan-file')).toBeEnabled();
  await expect(refused).toBeVisible();

  // The ceremony's own plan.json.
  backend.answerDialog(join(dir, 'demo', 'plan.json'));
  await page.getByTestId('verify-plan-file').click();
  await expect(page.getByTestId('verify-plan-name')).toHaveText('✓ plan.json is the plan this transcript recorded');
  await expect(refused).toHaveCount(0);
  expect(backend.dialogPurposes).toEqual(['plan-file', 'plan-file', 'plan-file']);
  await expect(page.getByTestId('verify-print-annotated')).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await saveScreens(page, 'verify-script-plan-chosen');
  await section.screenshot({ path: join(SCREENS_DIR, 'verify-script-plan-chosen-section.png') });

  // The same model the CLI prints: every entry placed once, and the sheet has each step the model has.
  const plan = parsePlan(readFileSync(join(dir, 'demo', 'plan.json'), 'utf8'));
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  expect(annotatedScriptMismatch(script, v.entries)).toBeNull();
  await expect(page.getByTestId('annotated-step')).toHaveCount(script.lines.length);
  await expect(page.getByTestId('annotated-exception')).toHaveCount(script.lines.reduce((n, l) => n + l.exceptions.length, 0));

  const printed = await printToPng(page, 'verify-annotated-script');
  expect(printed.pages.length).toBeGreaterThanOrEqual(2);
  const firstGroups = (v.headHash.match(/.{4}/g) ?? []).slice(0, 4).join(' ');
  printed.texts.forEach((t, i) => expect(t, `page ${i + 1} of the annotated script`).toContain(firstGroups));
  const all = printed.texts.join('\n');
  expect(all).toContain('Exception: Air-gap check overridden');
  expect(all).toContain('Everyone present signs');
  expect(all).toContain(plan.label);
  // The screen itself is not on the paper.
  expect(all).not.toContain("Choose the ceremony's plan file");
});
