/**
 * "Step repeated" (issue 13.5) on screen. Printing Alice's paper backup a second time is refused until the exception
 * is recorded (the shard is hidden for the form; then shown again and printed once more). And the test recovery fails (a key stretcher fault after the split, so the
 * quorum's shards check out but recover another secret); the run button gives way to the exception form, and only
 * after the reason is typed and Wendy signs with her passphrase can the test run again. The transcript holds the
 * failed run, the step-repeated exception with Wendy's signature as the next entry, then the passing run.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTranscriptText } from '../../core/transcript';
import { faultyStretcher } from '../helpers/faulty-stretcher';
import { createCeremonyBackend, witnessPassphrase } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import type { PageGlobals } from './pages/page-globals';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-repeat-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REASON = 'The first test recovered another fingerprint; the stretcher fault was found and fixed.';
const REPRINT = 'The printer jammed; the jammed sheet was shredded in front of Wendy.';

/** The running ceremony's transcript, in its folder under the backend's ceremonies folder. */
function runningTranscript(root: string) {
  const folder = readdirSync(root).map((d) => join(root, d)).find((d) => existsSync(join(d, 'transcript.json')));
  expect(folder, `a ceremony folder with transcript.json under ${root}`).toBeDefined();
  return verifyTranscriptText(readFileSync(join(folder!, 'transcript.json'), 'utf8'));
}

test("printing Alice's paper a second time waits for the step-repeated exception, signed by Wendy", async ({ launch }) => {
  const backend = createCeremonyBackend();
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  await c.runToHandoffs(writePlanFile(dir, smallPlan()), (r) => app.open(r));
  await c.chooseCustodian('Alice Meier');
  await page.getByTestId('handoff-reveal').click();
  const words = await c.shardWords();
  // The print button asks main first, then the window prints (counted here instead of a print dialog).
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__printed = 0;
    g.print = () => {
      g.__printed++;
    };
  });
  const printed = (): Promise<number> => page.evaluate(() => (globalThis as unknown as PageGlobals).__printed);
  await page.getByTestId('print-backup').click();
  await expect.poll(printed).toBe(1);
  // The second print: nothing printed; the shard is hidden and the form asks for the reason and Wendy's signature.
  await page.getByTestId('print-backup').click();
  const panel = page.getByTestId('exception-panel');
  await expect(panel).toHaveAttribute('data-deviation', 'step-repeated');
  await expect(panel).toContainText('Record an exception at step 7.1: Step repeated');
  await expect(page.getByTestId('exception-cause')).toContainText("Printing Alice Meier's paper backup again repeats the handoff");
  await expect(page.getByTestId('shard-words')).toHaveCount(0);
  expect(await printed()).toBe(1);
  await page.getByTestId('exception-reason').fill(REPRINT);
  await page.getByTestId('exception-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'ceremony-reprint-exception');
  await page.getByTestId('exception-record').click();
  await expect(panel).toHaveCount(0);
  // Then the shard is shown again and printed once more.
  await page.getByTestId('show-again').click();
  await page.getByTestId('print-backup').click();
  await expect.poll(printed).toBe(2);
  await page.getByTestId('hide-shard').click();
  await c.fillWords(words);
  await page.getByTestId('confirm-submit').click();
  await c.expectStage('confirmed');

  const v = runningTranscript(backend.ceremoniesRoot);
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  const kinds = v.entries.map((e) => e.kind);
  const handoff = kinds.indexOf('handoff');
  // One handoff for Alice, the exception and Wendy's signature over it, then her confirmation.
  expect(kinds.filter((k) => k === 'handoff')).toHaveLength(1);
  expect(kinds.slice(handoff, handoff + 4)).toEqual(['handoff', 'exception', 'signoff', 'confirm']);
  expect(v.entries[handoff + 1]!.data).toEqual({ stepId: 'handoff', custodianId: 'alice', deviation: 'step-repeated', reason: REPRINT, witnessId: 'wendy' });
});

test('a test recovery after a failed one waits for the step-repeated exception, signed by Wendy', async ({ launch }) => {
  const { kdf, broken } = faultyStretcher();
  const backend = createCeremonyBackend({ service: { kdf } });
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  await c.runToHandoffs(writePlanFile(dir, smallPlan()), (r) => app.open(r));
  for (const name of ['Alice Meier', 'Bob Keller', 'Carol Rossi']) {
    await c.chooseCustodian(name);
    await page.getByTestId('handoff-reveal').click();
    const w = await c.shardWords();
    await page.getByTestId('hide-shard').click();
    if ((await page.getByTestId('method-type-back').count()) > 0) await page.getByTestId('method-type-back').check();
    await c.fillWords(w);
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    await c.signOff();
  }
  await c.expectStage('test-recovery');

  broken.on = true;
  await page.getByTestId('recovery-mode-machine').check();
  await page.getByTestId('recovery-run').click();
  const panel = page.getByTestId('exception-panel');
  await expect(panel).toHaveAttribute('data-deviation', 'step-repeated');
  await expect(panel).toContainText('Record an exception at step 9: Step repeated');
  // What failed is said in the form itself: the fingerprint recovered and the one expected.
  await expect(page.getByTestId('exception-cause')).toContainText('The recovered secret is not the one generated: Recovered fingerprint');
  // No second run until the exception is recorded.
  await expect(page.getByTestId('recovery-run')).toHaveCount(0);
  await expect(page.getByTestId('exception-record')).toBeDisabled();
  broken.on = false;
  await page.getByTestId('exception-reason').fill(REASON);
  await page.getByTestId('exception-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'test-recovery-repeat-form');
  await page.getByTestId('exception-record').click();
  await expect(panel).toHaveCount(0);
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovery-match')).toBeVisible();
  await saveScreens(page, 'test-recovery-repeat-matched');

  const v = runningTranscript(backend.ceremoniesRoot);
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  const kinds = v.entries.map((e) => e.kind);
  const firstTest = kinds.indexOf('test-recovery');
  expect(kinds.slice(firstTest, firstTest + 4)).toEqual(['test-recovery', 'exception', 'signoff', 'test-recovery']);
  expect(v.entries[firstTest]!.data).toMatchObject({ fingerprintMatch: false });
  expect(v.entries[firstTest + 1]!.data).toEqual({ stepId: 'test-recovery', deviation: 'step-repeated', reason: REASON, witnessId: 'wendy' });
  expect(v.entries[firstTest + 3]!.data).toMatchObject({ fingerprintMatch: true });
});
