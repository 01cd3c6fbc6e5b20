/**
 * After a restart. keyshard stops after the plan and air-gap steps; a new app on the same folders (a new backend:
 * new host, new services, no witness key in memory) and a new window resume the ceremony from its transcript with
 * ceremony:resume, and finish it; the new window takes the plan keyshard saved (ceremony:transcript), or asks for the plan
 * file when keyshard cannot give it. And when keyshard stops after a shard was handed out, the secret is gone: the resumed
 * ceremony says so plainly (who holds shards of it, that they must be destroyed) and offers only to abort.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTranscriptText } from '../../core/transcript';
import { createCeremonyBackend } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-resume-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a ceremony stopped after the air-gap check is resumed in a new window and finished', async ({ launch }) => {
  const first = createCeremonyBackend();
  const a = await launch({ backend: first });
  const ca = new CeremonyPage(a.page, first);
  await a.open('plan');
  await a.page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, smallPlan('Resumed key 2025')));
  await a.page.getByTestId('plan-continue').click();
  await ca.loadWitnessKeys();
  await ca.start();
  await ca.overrideAirgap('Soldered network card; cable out, Wi-Fi off, checked by Wendy.');
  await ca.signOff();
  await ca.expectStage('entropy');
  // keyshard stops: the window closes and the app quits (main zeroizes what it holds and forgets the witness keys).
  await a.close();
  await first.shutdown();
  const [ceremonyDir] = first.ceremonyDirs();
  expect(ceremonyDir).toBeDefined();
  expect(existsSync(join(ceremonyDir!, 'plan.json'))).toBe(true);

  // ---- a new app on the same machine, a new window
  const second = createCeremonyBackend({ root: first.root });
  const b = await launch({ backend: second });
  const { page } = b;
  const c = new CeremonyPage(page, second);
  await b.open('resume');
  const saved = page.getByTestId('saved-ceremony');
  await expect(saved).toHaveCount(1);
  await expect(saved).toHaveAttribute('data-state', 'open');
  await expect(saved).toContainText('Resumed key 2025');
  // Steps in plain words: where it stopped is the air-gap check (the witness's sign-off after it is not a step).
  await expect(saved).toContainText('last step: Air-gap check');
  await expect(saved).not.toContainText('airgap-check');
  // The transcript file is checked in the window first; its ceremony is the saved one, which can be continued.
  await page.getByTestId('resume-file').setInputFiles(join(ceremonyDir!, 'transcript.json'));
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('resume-last-step')).toHaveText('Air-gap check');
  await expect(page.getByTestId('step-airgap')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('step-plan')).toHaveAttribute('data-state', 'done');
  await saveScreens(page, 'ceremony-resume');
  await page.getByTestId('resume-continue').click();

  // This window has no plan of its own: keyshard gives the one it saved next to the transcript (ceremony:transcript),
  // so no plan file is asked for. Where it stopped: the air-gap check, signed by Wendy before the restart.
  await c.expectStage('airgap');
  expect(b.ipcCalls).toContain('ceremony:transcript');
  await expect(page.getByTestId('need-plan-file')).toHaveCount(0);
  await expect(page.getByTestId('signoff-done')).toContainText('Signed by Wendy Wu');
  // "Continue" is the next thing: focused, and on a 1366x768 screen even from the top of the page.
  await expect(page.getByTestId('signoff-continue')).toBeFocused();
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await expect(page.getByTestId('signoff-continue')).toBeInViewport({ ratio: 1 });
  await saveScreens(page, 'ceremony-resumed');
  await page.getByTestId('signoff-continue').click();
  await c.expectStage('entropy');
  await expect(page.getByTestId('step-airgap')).toHaveAttribute('data-state', 'done');

  // ---- and on to the end; the witness's key is asked for again at the first sign-off (main forgot it)
  await c.gatherEntropy('2 2 3 3 4 4 5 5 6 6');
  await page.getByTestId('generate').click();
  await c.expectStage('fingerprint');
  await expect(page.getByTestId('signoff').locator('[data-testid^="key-load-"]')).toHaveCount(1);
  await c.signOff();
  await page.getByTestId('split').click();
  await c.signOff();
  for (const name of ['Alice Meier', 'Bob Keller', 'Carol Rossi']) {
    await c.chooseCustodian(name);
    await page.getByTestId('handoff-reveal').click();
    const words = await c.shardWords();
    await page.getByTestId('hide-shard').click();
    if (name === 'Carol Rossi') await page.getByTestId('method-type-back').check();
    await c.fillWords(words);
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    await c.signOff();
  }
  await page.getByTestId('recovery-mode-machine').check();
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovery-match')).toBeVisible();
  await c.signOff();
  await c.destroy();
  await c.signOff();
  await page.getByTestId('seal').click();
  await c.signOff(false);
  await c.expectStage('sealed');
  await expect(page.getByTestId('step-seal')).toHaveAttribute('data-state', 'done');
  // keyshard's copy of the transcript, checked against the final hash, ready to save and print (the plan came from main).
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('print-summary')).toBeVisible();
  const finalHash = (await page.getByTestId('final-hash').getAttribute('data-hash'))!;
  const text = readFileSync(join(ceremonyDir!, 'transcript.json'), 'utf8');
  const v = verifyTranscriptText(text, { expectedHeadHash: finalHash });
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  // One ceremony, one transcript: the steps before the restart and after it.
  if (v.ok) expect(v.entries.filter((e) => e.kind === 'plan')).toHaveLength(1);

  // ---- the sealed ceremony in yet another new window, which has no plan: while main answers, the screen says it is
  // reading the transcript; the plan panel never shows (the plan comes with the transcript, so the summary prints).
  // main's answer is held back a moment, so the reading state can be seen (and pictured).
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const slowHost = new Proxy(second.host, {
    get(target, prop) {
      if (prop === 'transcript') return async () => (await held, target.transcript());
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const d = await launch({ backend: second, deps: { ceremony: slowHost } });
  await d.context.addInitScript(() => {
    const g = globalThis as unknown as {
      document: { querySelector(s: string): unknown };
      MutationObserver: new (cb: () => void) => { observe(t: unknown, o: unknown): void };
      __seen: string[];
    };
    g.__seen = [];
    new g.MutationObserver(() => {
      for (const id of ['need-plan-inline', 'need-plan-reading', 'transcript-reading']) {
        if (!g.__seen.includes(id) && g.document.querySelector(`[data-testid="${id}"]`) !== null) g.__seen.push(id);
      }
    }).observe(g.document, { childList: true, subtree: true });
  });
  await d.open('ceremony');
  await expect(d.page.getByTestId('stage')).toHaveAttribute('data-stage', 'sealed');
  await expect(d.page.getByTestId('transcript-reading')).toHaveText('Reading the transcript keyshard saved…');
  await expect(d.page.getByTestId('final-hash')).toHaveAttribute('data-hash', finalHash);
  await expect(d.page.getByTestId('need-plan-inline')).toHaveCount(0);
  await saveScreens(d.page, 'ceremony-sealed-reading');
  release();
  await expect(d.page.getByTestId('transcript-ok')).toBeVisible();
  await expect(d.page.getByTestId('transcript-reading')).toHaveCount(0);
  await expect(d.page.getByTestId('print-summary')).toBeVisible();
  // The plan from main names the custodians in the step list too.
  await expect(d.page.getByTestId('step-list')).toContainText('Carol Rossi');
  const seen = await d.page.evaluate(() => (globalThis as unknown as { __seen: string[] }).__seen);
  expect(seen).not.toContain('need-plan-inline');
  expect(seen).not.toContain('need-plan-reading');
  expect(d.ipcCalls.filter((ch) => ch === 'ceremony:transcript')).toHaveLength(1);
  await saveScreens(d.page, 'ceremony-sealed-new-window');
  await second.shutdown();
  first.remove();
});

test('when keyshard cannot give the plan it saved, the window asks for the plan file and refuses another one', async ({ launch }) => {
  const first = createCeremonyBackend();
  const a = await launch({ backend: first });
  const ca = new CeremonyPage(a.page, first);
  await a.open('plan');
  await a.page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, smallPlan('Plan file key 2025')));
  await a.page.getByTestId('plan-continue').click();
  await ca.loadWitnessKeys();
  await ca.start();
  await ca.overrideAirgap('Soldered network card; cable out, Wi-Fi off, checked by Wendy.');
  await ca.signOff();
  await ca.expectStage('entropy');
  await a.close();
  await first.shutdown();
  const [ceremonyDir] = first.ceremonyDirs();

  // The app again, as if plan.json could no longer be read: main answers with the transcript but no plan.
  const second = createCeremonyBackend({ root: first.root });
  let asked = 0;
  const host = {
    ...second.host,
    transcript: async () => {
      asked++;
      const files = await second.host.transcript();
      return files === null ? null : { ...files, plan: null };
    },
  };
  const b = await launch({ backend: second, deps: { ceremony: host } });
  const { page } = b;
  const c = new CeremonyPage(page, second);
  await b.open('resume');
  await page.getByTestId('resume-continue-0').click();
  await c.expectStage('need-plan');
  await expect(page.getByTestId('need-plan-saved-error-message')).toContainText('did not find the plan it saved');
  await expect(page.getByTestId('need-plan-saved-error-todo')).toContainText("a copy is on the ceremony's USB stick");
  await expect(page.getByTestId('need-plan-path')).toHaveText(join(ceremonyDir!, 'plan.json'));
  await saveScreens(page, 'ceremony-resume-need-plan');
  // Asking again asks main again.
  const before = asked;
  await page.getByTestId('need-plan-retry').click();
  await expect.poll(() => asked).toBeGreaterThan(before);
  await expect(page.getByTestId('need-plan-saved-error')).toBeVisible();
  // Another ceremony's plan is refused with the reason and what to choose instead.
  await page.getByTestId('need-plan-file').setInputFiles(writePlanFile(dir, smallPlan('Some other key')));
  await expect(page.getByTestId('need-plan-error')).toContainText('not the plan of the running ceremony');
  await expect(page.getByTestId('need-plan-error-todo')).toContainText('Plan file key 2025');
  await saveScreens(page, 'ceremony-resume-wrong-plan');
  await page.getByTestId('need-plan-file').setInputFiles(join(ceremonyDir!, 'plan.json'));
  await c.expectStage('airgap');
  await expect(page.getByTestId('signoff-done')).toContainText('Signed by Wendy Wu');
  await second.shutdown();
  first.remove();
});

test('after a restart that lost the secret once a shard was handed out, the screen says so and only abort is left', async ({ launch }) => {
  const first = createCeremonyBackend();
  const a = await launch({ backend: first });
  const ca = new CeremonyPage(a.page, first);
  await ca.runToHandoffs(writePlanFile(dir, smallPlan('Lost key 2025')), (r) => a.open(r));
  await ca.chooseCustodian('Alice Meier');
  await a.page.getByTestId('handoff-reveal').click();
  await ca.shardWords();
  await a.close();
  await first.shutdown();

  const second = createCeremonyBackend({ root: first.root });
  const b = await launch({ backend: second });
  const { page } = b;
  const c = new CeremonyPage(page, second);
  await b.open('resume');
  await page.getByTestId('resume-continue-0').click();
  await c.expectStage('lost');
  const lost = page.getByTestId('secret-lost');
  await expect(lost).toHaveAttribute('data-phase', 'secret-lost-after-handoff');
  await expect(page.getByTestId('secret-lost-message')).toContainText('Alice Meier already holds a shard of it');
  await expect(lost).toContainText('destroy each one in front of the witnesses');
  // This new window has no plan of its own: the one keyshard saved names who holds a shard.
  await expect(page.getByTestId('secret-lost-holders')).toHaveText('Alice Meier');
  await expect(page.getByTestId('abort-panel')).toHaveAttribute('open', '');
  // Nothing else is offered: no step button, only abort.
  for (const id of ['handoff-reveal', 'split', 'generate', 'status-reload']) await expect(page.getByTestId(id)).toHaveCount(0);
  // The step list says it too: lost at the handoffs (Alice's was under way), never "handoff current".
  await expect(page.getByTestId('step-list')).toHaveAttribute('data-ended', 'lost');
  await expect(page.getByTestId('step-handoff')).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('step-split')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-seal')).toHaveAttribute('data-state', 'not-reached');
  // Numbered as this plan's script (the plan keyshard saved; this window had none): no token, so no device step.
  await expect(page.getByTestId('step-devices')).toHaveCount(0);
  await expect(page.getByTestId('steps-ended')).toHaveText('Secret lost in a restart at step 7, Handoff & confirm. It takes no more steps.');
  await saveScreens(page, 'ceremony-secret-lost');
  await page.getByTestId('abort-reason').fill('keyshard restarted after Alice received her shard; the secret was lost.');
  await page.getByTestId('abort-confirm').click();
  await c.expectStage('aborted');
  await expect(page.getByTestId('aborted')).toContainText('Shards handed out before the abort must be destroyed.');
  // Who must bring their shard to be destroyed, by name; and the record, to save as it is.
  await expect(page.getByTestId('aborted-holders')).toHaveText('Alice Meier');
  await expect(page.getByTestId('aborted-todo')).toContainText('destroy each one in front of the witnesses');
  await expect(page.getByTestId('step-list')).toHaveAttribute('data-ended', 'aborted');
  await expect(page.getByTestId('step-handoff')).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('steps-ended')).toContainText('Ceremony aborted at step');
  // After the wipe the abort is recorded as an exception: the reason, and Wendy's signature or, as here (her key is
  // not loaded in this restarted app and she is not staying), the exception marked unsigned.
  const ex = page.getByTestId('exception-panel');
  await expect(ex).toHaveAttribute('data-deviation', 'abort');
  await expect(ex).toContainText('Record the abort as an exception (stopped at step 7');
  await expect(page.getByTestId('exception-unsigned')).toBeDisabled();
  await page.getByTestId('exception-reason').fill('The app restarted after Alice got her shard; Wendy had left.');
  await saveScreens(page, 'ceremony-aborted-exception');
  const [ceremonyDir] = second.ceremonyDirs();
  const transcriptFile = join(ceremonyDir!, 'transcript.json');
  const beforeNote = verifyTranscriptText(readFileSync(transcriptFile, 'utf8'));
  expect(beforeNote.ok && beforeNote.entries[beforeNote.entries.length - 1]?.kind).toBe('abort');
  await page.getByTestId('exception-unsigned').click();
  await expect(ex).toHaveCount(0);
  await expect(page.getByTestId('aborted-plan')).toHaveClass(/^button$/);
  await saveScreens(page, 'ceremony-aborted');
  const onDisk = readFileSync(transcriptFile, 'utf8');
  const v = verifyTranscriptText(onDisk);
  expect(v.ok && v.entries.slice(-2).map((e) => e.kind)).toEqual(['abort', 'exception']);
  expect(v.ok && v.entries[v.entries.length - 1]?.data).toMatchObject({ deviation: 'abort', unsigned: true, reason: 'The app restarted after Alice got her shard; Wendy had left.' });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('aborted-download').click()]);
  expect(download.suggestedFilename()).toBe('lost-key-2025.aborted.transcript.json');
  const savedCopy = join(dir, 'aborted.transcript.json');
  await download.saveAs(savedCopy);
  expect(readFileSync(savedCopy, 'utf8')).toBe(onDisk);
  await second.shutdown();
  first.remove();
});

test('a ceremony whose start is a checkpoint (started outside this window): the witness signs the plan, then the air gap is checked', async ({ launch }) => {
  const backend = createCeremonyBackend();
  // Started through main with the plan as a checkpoint (a policy the start screen never asks for; the CLI may).
  await backend.host.loadWitnessKey({ path: backend.witnessKeyFile('wendy'), witnessId: 'wendy' });
  await backend.host.start({ plan: smallPlan('Checkpoint key 2025'), signOffs: { plan: 'one', 'airgap-check': 'one' } });
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  await app.open('ceremony');
  await c.expectStage('airgap');
  // The plan's sign-off, with what signing states at that moment; no air-gap check offered before it.
  await expect(page.getByTestId('signoff')).toHaveAttribute('data-checkpoint', 'plan');
  await expect(page.getByTestId('signoff')).toContainText('The plan named on this screen is the one read with everyone present before the start.');
  await expect(page.getByTestId('pending-plan')).toContainText('Checkpoint key 2025');
  await expect(page.getByTestId('airgap-check')).toHaveCount(0);
  await saveScreens(page, 'ceremony-plan-signoff');
  await c.signOff(false);
  await expect(page.getByTestId('signoff')).toHaveCount(0);
  await page.getByTestId('airgap-check').click();
  // This test machine has a network interface up: Wendy overrides, and her sign-off states what she saw.
  await expect(page.getByTestId('airgap-failed')).toBeVisible();
  await c.overrideAirgap('Rehearsal machine: cable out, Wi-Fi off, checked by Wendy.');
  await expect(page.getByTestId('signoff')).toHaveAttribute('data-checkpoint', 'airgap-check');
  await expect(page.getByTestId('signoff')).toContainText('The check found a network interface up; I saw the override given, by the witness and for the reason recorded.');
  await c.signOff();
  await c.expectStage('entropy');
  const status = await backend.host.status();
  expect(status.lastStep).toBe('airgap-check');
  await backend.shutdown();
  backend.remove();
});
