/**
 * The screens in German (issue 14.8): Deutsch is chosen on the start screen, every screen reached from there shows
 * its German strings, no English catalogue string is left on a migrated screen, and each is saved as <name>-de so the
 * 1366x768 checks (fold, sideways scrolling, overflow, axe) apply to the longer German text too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { appendEntry, createTranscript, serializeTranscript, signEntry, softwareEd25519Signer } from '../../core/transcript';
import { de } from '../../renderer/i18n/de';
import { en } from '../../renderer/i18n/en';
import { expect, test } from './fixtures';
import { chooseGerman, englishFragments, englishOnScreen, go } from './german';
import { saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';
import { CeremonyPage } from './pages/ceremony-page';
import { smallPlan, writePlanFile } from './ceremony-support';
import { printToPng } from './print';
import type { PageGlobals } from './pages/page-globals';

let dir: string;
let good: string;
let tampered: string;

function clock(): () => Date {
  let n = 0;
  return () => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + 60_000 * n++);
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-german-'));
  const alice = softwareEd25519Signer('alice', sha256(utf8ToBytes('e2e witness alice')));
  let t = createTranscript('acme-root-2025', clock());
  t = appendEntry(t, 'plan', { label: 'ACME root signing key', language: 'de', witnessKeys: [{ id: 'alice', algorithm: 'ed25519', publicKey: bytesToHex(alice.publicKey) }] });
  t = appendEntry(t, 'airgap-check', { passed: true, interfacesUp: [] });
  t = appendEntry(t, 'generate', { fingerprint: 'c0ffee1234' });
  t = await signEntry(t, 3, alice);
  t = appendEntry(t, 'split', { fingerprint: 'c0ffee1234', shards: 3 });
  t = appendEntry(t, 'seal', { shardsHandedOut: 3 });
  t = await signEntry(t, 6, alice);
  const text = serializeTranscript(t);
  good = join(dir, 'transcript.json');
  writeFileSync(good, text);
  tampered = join(dir, 'tampered.json');
  // One recorded fact changed in entry 1 without touching the layout.
  const changed = text.replace('ACME root signing key', 'ACME root signing kez');
  if (changed === text) throw new Error('the tampering changed nothing');
  writeFileSync(tampered, changed);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the check finds English: the English start screen shows catalogue strings it would flag', async ({ app }) => {
  await app.open('');
  expect(englishFragments().length).toBeGreaterThan(50);
  expect(await englishOnScreen(app.page)).toContain(en['start.lead'].replace(/\{\w+\}/g, '').trim());
});

test('start, about, not-found, recovery and verify screens in German, with no English catalogue string left', async ({ app }) => {
  await app.open('');
  const { page } = app;
  await chooseGerman(page);
  await expect(page.getByTestId('start-new')).toContainText(de['start.new.title']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'start-de');
  // "Über diesen Build" is in the first view at 1366x768 under the longer German choices.
  await page.setViewportSize({ width: 1366, height: 768 });
  const about = await page.getByTestId('about-build').locator('summary').boundingBox();
  expect(about !== null && about.y + about.height <= 768, `Über diesen Build ends at ${about === null ? '?' : about.y + about.height}`).toBe(true);

  await page.getByTestId('about-build').locator('summary').click();
  await expect(page.getByTestId('about-build')).toContainText('Lesen Sie diese Hashes vor');
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'start-about-de');

  await go(page, 'no-such-screen');
  await expect(page.getByTestId('screen-title')).toHaveText(de['notFound.title']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'not-found-de');

  await page.getByTestId('nav-home').click();
  await page.getByTestId('start-recover').click();
  await expect(page.getByTestId('screen-title')).toHaveText(de['expect.title']);
  await expect(page.getByTestId('step-list')).toContainText(de['recovery.flow.shards']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'recovery-expect-de');

  await page.getByTestId('nav-home').click();
  await page.getByTestId('start-verify').click();
  await expect(page.getByTestId('screen-title')).toHaveText(de['verify.title']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'verify-empty-de');

  await page.getByTestId('transcript-file').setInputFiles(good);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('transcript-language')).toHaveText('Deutsch');
  await expect(page.getByTestId('entry-2')).toContainText('Air-Gap-Prüfung');
  await expect(page.getByTestId('transcript-count')).toContainText('7 Einträge');
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'verify-ok-de');

  // The resume screen: its words and the saved-ceremonies panel in German.
  await page.getByTestId('nav-home').click();
  await page.getByTestId('start-resume').click();
  await expect(page.getByTestId('screen-title')).toHaveText(de['resume.title']);
  await expect(page.getByTestId('saved-ceremonies').locator('h2')).toHaveText(de['saved.title']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'resume-de');
  await page.getByTestId('nav-home').click();
  await page.getByTestId('start-verify').click();
  await page.getByTestId('transcript-file').setInputFiles(good);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();

  await page.getByTestId('transcript-file').setInputFiles(tampered);
  await expect(page.getByTestId('transcript-error')).toBeVisible();
  await expect(page.getByTestId('transcript-error')).toContainText('Was das bedeutet:');
  await expect(page.getByTestId('transcript-error')).toContainText('Für den Support:');
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'verify-tampered-de');
});

test('recovery in German: adding the shards, the bag serial and a bad serial say it in German', async ({ app }) => {
  await app.open('');
  const { page } = app;
  await chooseGerman(page);
  await page.getByTestId('start-recover').click();
  const recovery = new RecoveryPage(page);
  await recovery.skip();
  await expect(page.getByTestId('screen-title')).toHaveText(de['collect.title']);
  await expect(page.getByTestId('method-words')).toHaveText(de['collect.method.words']);
  await expect(page.getByTestId('finish-reason')).toHaveText(de['collect.notYet']);
  await expect(page.getByTestId('expect-bar')).toContainText(de['collect.nothingYet']);
  await expect(page.locator('.bag-serial-field label')).toHaveText(de['bag.recovery']);
  await expect(page.getByTestId('recovery-bag-serial-reads')).toHaveText(de['bag.hint']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'recovery-collect-de');

  // A serial too short: what is wrong, in German (core's message is English).
  await page.getByTestId('recovery-bag-serial').fill('ab');
  await expect(page.getByTestId('recovery-bag-serial-reads')).toHaveText(/Seriennummer/);
  await page.getByTestId('recovery-bag-serial').fill('ks00-42a7');
  await expect(page.getByTestId('recovery-bag-serial-reads')).toHaveText('Vorlesen: KS00 42A7');
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'recovery-bag-serial-de');
});

test('the plan form in German: labels, a problem after a field is left, the to-do list and the coalition panel', async ({ app }) => {
  await app.open('');
  const { page } = app;
  await chooseGerman(page);
  await page.getByTestId('start-new').click();
  await expect(page.getByTestId('screen-title')).toHaveText(de['plan.title']);
  await expect(page.getByTestId('quorum-sentence')).toHaveText('Die Wiederherstellung braucht 2 der 3 Anteile.');
  await expect(page.getByTestId('plan-check-more')).toContainText(de['plan.checks.notYet']);
  await expect(page.getByTestId('coalition-pending')).toHaveText(de['plan.coalition.pending']);
  await expect(page.locator('label[for="f-custodians-0-location"]')).toHaveText(de['plan.field.location']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'plan-new-de');

  // A field left empty: its problem and the to-do list name the field in German.
  await page.getByTestId('custodians[0].name').fill('');
  await page.getByTestId('custodians[0].name').blur();
  await expect(page.getByTestId('problem-custodians[0].name')).toBeVisible();
  await expect(page.locator('#plan-todo-title')).toHaveText(/^Noch zu erledigen \(\d+\)$/);
  await expect(page.getByTestId('plan-todo-item').first()).toContainText('Verwahrer 1, Name');
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'plan-problem-de');

  // A loaded plan: Wendy watches every handoff, so the panel warns that a witness could assemble the quorum.
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, smallPlan('Tresor 2025')));
  await expect(page.getByTestId('plan-loaded')).toContainText('geladen. Prüfen Sie jeden Abschnitt');
  const warning = page.locator('[data-kind="witness-can-assemble"]');
  await expect(warning).toContainText(de['plan.coalition.kind.witness-can-assemble']);
  await expect(warning).toContainText('Zeuge Wendy Wu sieht die Übergabe der Anteile von Alice Meier, Bob Keller und Carol Rossi');
  await expect(page.getByTestId('coalition-warning-fix')).toContainText('Lassen Sie Wendy Wu in „5. Zeugen“ weniger dieser Übergaben zusehen');
  await expect(page.getByTestId('coalition-smallest')).toContainText(de['plan.coalition.smallest']);
  await expect(page.getByTestId('plan-continue')).toHaveText(de['plan.continue']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'plan-coalition-de');
});

test('a ceremony in German from the plan to the seal: entropy, split, handoffs, the shard paper, confirmations, test recovery, destroy and sealed, each saved as -de', async ({ app }) => {
  await app.open('');
  const { page } = app;
  await chooseGerman(page);
  const c = new CeremonyPage(page, app.backend);
  // As runToHandoffs, but every route is opened without a reload (a reload starts in English again).
  await go(page, 'plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, smallPlan('Tresor 2025')));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.loadWitnessKeys();
  await expect(page.getByTestId('ceremony-start')).toHaveText(de['airgap.start']);
  await expect(page.getByTestId('pending-plan')).toContainText('3 Verwahrer, 1 Zeuge.');
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-airgap-de');
  await c.start();
  await expect(page.getByTestId('airgap-override')).toContainText(de['airgap.override.title']);
  await expect(page.getByTestId('airgap-failed')).toContainText(de['airgap.connected']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-airgap-failed-de');
  await c.overrideAirgap('Die eingebaute Netzwerkkarte lässt sich nicht abschalten; das Kabel ist gezogen.');
  await expect(page.getByTestId('airgap-overridden')).toContainText(de['airgap.overridden.title']);
  await expect(page.getByTestId('status-tools').locator('summary')).toHaveText(de['ceremony.outOfDate']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-airgap-overridden-de');
  await c.signOff();

  await c.expectStage('entropy');
  await expect(page.getByTestId('screen-title')).toHaveText(de['entropy.title']);
  await expect(page.getByTestId('entropy-gather')).toHaveText(de['entropy.gather']);
  await expect(page.getByTestId('source-os')).toContainText(de['sources.os']);
  await page.getByTestId('entropy-dice').fill('1 2 7');
  await expect(page.getByTestId('dice-bad')).toHaveText(' · Zeichen 5 ist keine Augenzahl (nur 1 bis 6)');
  await expect(page.getByTestId('dice-count')).toContainText('2 Würfe · 5 Bit');
  await saveScreens(page, 'ceremony-entropy-de');
  await c.gatherEntropy('1 2 3 4 5 6 6 5 4 3 2 1');
  await page.getByTestId('generate').click();
  await c.expectStage('fingerprint');
  await expect(page.getByTestId('screen-title')).toHaveText(de['fingerprint.title']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-fingerprint-de');
  await c.signOff();

  await c.expectStage('split');
  await expect(page.getByTestId('screen-title')).toHaveText(de['split.title']);
  await expect(page.getByTestId('split')).toHaveText('Das Geheimnis in 3 Anteile aufteilen');
  await saveScreens(page, 'ceremony-split-de');
  await page.getByTestId('split').click();
  await expect(page.getByTestId('screen-title')).toHaveText(de['split.titleDone']);
  await saveScreens(page, 'ceremony-split-done-de');
  await c.signOff();

  await c.expectStage('handoff');
  await expect(page.getByTestId('screen-title')).toHaveText(de['handoff.title']);
  await expect(page.getByTestId('handoff-choose-alice')).toHaveText('An Alice Meier übergeben');
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-handoff-list-de');
  await page.getByTestId('handoff-choose-alice').click();
  await expect(page.getByTestId('screen-title')).toHaveText('Übergabe an Alice Meier');
  await expect(page.locator('.bag-serial-field label')).toHaveText(de['bag.handoff.shard'].replace('{name}', 'Alice Meier'));
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-handoff-reveal-de');

  // Each custodian: shard shown, (Alice) paper printed in German, typed back; confirmed in German.
  const words: Record<string, string[]> = {};
  for (const [id, name] of [['alice', 'Alice Meier'], ['bob', 'Bob Keller'], ['carol', 'Carol Rossi']] as const) {
    if (id !== 'alice') await page.getByTestId(`handoff-choose-${id}`).click();
    await page.getByTestId('handoff-reveal').click();
    words[id] = await c.shardWords();
    if (id === 'alice') {
      await expect(page.getByTestId('paper-backup')).toContainText(de['paper.kicker']);
      await expect(page.getByTestId('paper-instructions')).toContainText(de['paper.recoverLabel']);
      await expect(page.getByTestId('paper-receipt')).toContainText('Ich, Alice Meier, habe diesen Anteil erhalten');
      const paper = await printToPng(page, 'paper-backup-alice-de');
      const paperText = paper.texts.join('\n').replace(/\s+/g, ' ');
      expect(englishFragments().filter((f) => paperText.includes(f))).toEqual([]);
      await expect(page.getByTestId('hide-shard')).toHaveText(de['shard.hide']);
      expect(await englishOnScreen(page)).toEqual([]);
    }
    await page.getByTestId('hide-shard').click();
    if ((await page.getByTestId('method-type-back').count()) > 0) await page.getByTestId('method-type-back').check();
    if (id === 'alice') {
      await page.getByTestId('word-1').fill('xqzt');
      await expect(page.getByTestId('word-note-1')).toHaveText(de['words.noteUnknown']);
      await expect(page.getByTestId('word-count')).toContainText('0 von 20 Wörtern eingegeben; nicht in der Wortliste: Wort 1');
      await page.getByTestId('word-1').fill('');
      await expect(page.getByTestId('screen-title')).toHaveText(de['confirm.title'].replace('{name}', name));
      expect(await englishOnScreen(page)).toEqual([]);
      await saveScreens(page, 'ceremony-confirm-de');
    }
    await c.fillWords(words[id]!);
    await expect(page.getByTestId('word-count')).toContainText('20 von 20 Wörtern eingegeben');
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    await expect(page.getByTestId('confirmed-meaning')).toHaveText(de['confirmed.paperMeaning'].replaceAll('{name}', name));
    if (id === 'alice') await saveScreens(page, 'ceremony-confirmed-de');
    await c.signOff();
  }

  await c.expectStage('test-recovery');
  await expect(page.getByTestId('screen-title')).toHaveText(de['test.title']);
  const givers = page.locator('section[data-testid^="giveback-"]');
  for (let i = 0; i < 2; i++) {
    const id = (await givers.nth(i).getAttribute('data-testid'))!.slice('giveback-'.length);
    await c.fillWords(words[id]!, `rec-${id}-1`);
    if (i === 1) await saveScreens(page, 'ceremony-test-recovery-de');
    await page.getByTestId(`giveback-done-${id}`).click();
  }
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovery-match')).toContainText(de['test.match']);
  await saveScreens(page, 'ceremony-test-recovery-match-de');
  await c.signOff();

  await c.expectStage('destroy');
  await expect(page.getByTestId('destroy-warning')).toContainText(de['destroy.warning']);
  await saveScreens(page, 'ceremony-destroy-de');
  await c.destroy();
  await expect(page.getByTestId('destroyed')).toContainText(de['destroy.wiped']);
  await saveScreens(page, 'ceremony-destroyed-de');
  await c.signOff();

  await c.expectStage('seal');
  await expect(page.getByTestId('seal')).toHaveText(de['seal.button']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-seal-de');
  await page.getByTestId('seal').click();
  await c.signOff(false);
  await c.expectStage('sealed');
  await expect(page.getByTestId('screen-title')).toHaveText(de['sealed.title']);
  await expect(page.getByTestId('transcript-ok')).toContainText(de['sealed.ok']);
  // The air-gap override is the ceremony's one exception: the sealed screen says so, with its step number, in German.
  await expect(page.getByTestId('sealed-exceptions')).toHaveText(/^Diese Zeremonie hatte 1 Ausnahme, bei Schritt \d+\. Das kommentierte Skript/);
  await saveScreens(page, 'ceremony-sealed-de');

  // The annotated script printed from the German sealed screen, saved to look at (annotated-script-de-p<N>). Its own
  // words are still English (AnnotatedScript.tsx and core's annotatedScript have no German yet), so no check here.
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).print = () => undefined;
  });
  await page.getByTestId('print-annotated').click();
  await expect(page.getByTestId('annotated-script')).toHaveCount(1);
  const script = await printToPng(page, 'annotated-script-de');
  expect(script.pages.length).toBeGreaterThanOrEqual(2);
});

test('aborting in German: the abort panel, then the exception form that records the abort', async ({ app }) => {
  await app.open('');
  const { page } = app;
  await chooseGerman(page);
  const c = new CeremonyPage(page, app.backend);
  await go(page, 'plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, smallPlan('Tresor Abbruch')));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.loadWitnessKeys();
  await c.start();
  await page.getByTestId('abort-panel').locator('summary').click();
  await expect(page.getByTestId('abort-panel').locator('summary')).toHaveText(de['abort.summary']);
  await page.getByTestId('abort-reason').fill('Der Rechner zeigt eine unbekannte Netzwerkschnittstelle.');
  await expect(page.getByTestId('abort-confirm')).toHaveText(de['abort.button']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-abort-de');
  await page.getByTestId('abort-confirm').click();

  const panel = page.getByTestId('exception-panel');
  await expect(panel).toHaveAttribute('data-deviation', 'abort');
  await expect(panel.locator('h2')).toHaveText(/^Den Abbruch als Ausnahme festhalten \(angehalten bei Schritt \d+\)$/);
  await expect(panel).toContainText('Wendy Wu signiert die Ausnahme');
  await expect(page.getByTestId('exception-unsigned')).toHaveText(de['exception.unsigned']);
  await expect(page.getByTestId('exception-reason')).toHaveAttribute('placeholder', de['exception.reasonPlaceholder']);
  await expect(page.getByTestId('exception-cause')).toHaveText(de['cause.abort']);
  await expect(page.getByTestId('screen-title')).toHaveText(de['aborted.title']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-abort-exception-de');

  // Recorded without a signature (an abort's exception may be): the aborted screen, all in German.
  await page.getByTestId('exception-reason').fill('Unbekannte Netzwerkschnittstelle; die Zeremonie wird morgen wiederholt.');
  await page.getByTestId('exception-unsigned').click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId('aborted')).toContainText(de['aborted.wiped']);
  await expect(page.getByTestId('aborted-plan')).toHaveText(de['aborted.plan']);
  expect(await englishOnScreen(page)).toEqual([]);
  await saveScreens(page, 'ceremony-aborted-de');
});
