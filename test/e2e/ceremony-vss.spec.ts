/**
 * A 3-of-5 verifiable-shares (FROST, Ed25519) ceremony in Chromium with the real handlers. The issue asks for "two
 * groups"; verifiable shares have one level (t of n signers), so the plan puts the five custodians in two
 * organisations and locations instead (Acme/Zurich: three, Globex/Geneva: two): the three Acme custodians can reach
 * the quorum together, and the plan and start screens warn about it. Victor witnesses only the two Globex handoffs.
 *
 * The shards do not fit one small code here (the backend frames at most version 8, 100 bytes a part), so every QR is
 * animated: the test measures its frame rate, reads all its parts off the screen, plays them to the fake camera, and
 * Ana scans them back. The printed backup carries every part, and they decode from the PDF. Paper custodians type the
 * shard text back; Cem (USB) gets an age-encrypted file, read back. The test recovery uses keyshard's own copies.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTranscriptText } from '../../core/transcript';
import { createCeremonyBackend } from './backend';
import { keepsClockTime, measureAnimation, readAllQrTexts, readAnimatedQr, sampleFrames, shardFromQr } from './ceremony-support';
import { animatedVideo, HEIGHT, WIDTH, writeY4m } from './fake-camera';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import { PlanPage } from './plan-page';
import { printToPng } from './print';

const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-vss-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a 3-of-5 FROST ceremony across two organisations, with animated QR codes', async ({ launch }) => {
  const started = Date.now();
  const camera = join(dir, 'camera.y4m');
  const grey = new Uint8Array(WIDTH * HEIGHT).fill(128);
  writeY4m(camera, [grey, grey]);
  const backend = createCeremonyBackend({ qr: { maxSingleVersion: 8, fragmentLength: 100 } });
  const app = await launch({ camera, backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  backend.drive('CEM-STICK');

  // ---- the plan: FROST 3-of-5, Acme (3, Zurich) and Globex (2, Geneva), Victor watches the Globex handoffs
  await app.open('plan');
  const plan = new PlanPage(page);
  await page.getByTestId('scheme.type=vss').check();
  await expect(page.getByTestId('secret.type=new-key')).toBeChecked();
  await plan.fill('scheme.shares', '5');
  await plan.fill('scheme.threshold', '3');
  await page.getByTestId('add-custodian').click();
  await page.getByTestId('add-custodian').click();
  await plan.fill('label', 'Signer set A');
  await plan.setCustodian(0, { name: 'Ana Brun', organisation: 'Acme', location: 'Zurich', handoff: 'QR code on this screen' });
  await plan.setCustodian(1, { name: 'Ben Frei', organisation: 'Acme', location: 'Zurich', handoff: 'Printed paper' });
  await plan.setCustodian(2, { name: 'Cem Yilmaz', organisation: 'Acme', location: 'Zurich', handoff: 'USB drive (encrypted file)', ageRecipient: AGE_RECIPIENT });
  await plan.setCustodian(3, { name: 'Dora Meli', organisation: 'Globex', location: 'Geneva', handoff: 'Printed paper' });
  await plan.setCustodian(4, { name: 'Eli Roth', organisation: 'Globex', location: 'Geneva', handoff: 'Printed paper' });
  await plan.setWitness(0, 'Wendy Wu', 'Notary Office');
  await page.getByTestId('add-witness').click();
  await plan.setWitness(1, 'Victor Vogt', 'Audit Ltd');
  await page.getByTestId('witnesses[1].observes=all').uncheck();
  const victorCard = page.getByTestId('witness-1');
  await victorCard.getByRole('checkbox', { name: 'Dora Meli' }).check();
  await victorCard.getByRole('checkbox', { name: 'Eli Roth' }).check();
  await expect(plan.todo()).toHaveCount(0);
  await expect(page.getByTestId('quorum-sentence')).toHaveText('Signing or recovery needs 3 of the 5 signers.');
  const orgWarning = plan.coalitionWarnings().filter({ hasText: 'Acme' });
  await expect(orgWarning.first()).toBeVisible();
  await saveScreens(page, 'vss-plan-coalitions');
  await page.getByTestId('plan-continue').click();

  // ---- start: the same warnings, read with the witnesses; both load their keys
  await c.expectStage('airgap');
  await expect(page.getByTestId('start-warning').filter({ hasText: 'Acme' }).first()).toBeVisible();
  expect(await page.getByTestId('start-warning').count()).toBeGreaterThanOrEqual(1);
  const witnesses = await c.loadWitnessKeys();
  expect(witnesses).toHaveLength(2);
  await saveScreens(page, 'vss-start');
  await c.start();
  await c.overrideAirgap('Air-gapped laptop with a soldered NIC; both witnesses checked the cable is out.');
  await c.signOff();
  await c.gatherEntropy('6 5 4 3 2 1 1 2 3 4 5 6');
  await c.expectStage('generate');
  await expect(page.getByTestId('generate')).toHaveText('Generate the ed25519 key');
  await page.getByTestId('generate').click();
  await c.expectStage('fingerprint');
  await expect(page.getByTestId('public-key')).toContainText(/[0-9a-f]{64}/);
  const fpHex = (await page.getByTestId('fingerprint').getAttribute('data-hex'))!;
  await c.signOff();
  await page.getByTestId('split').click();
  await expect(page.getByTestId('group-key')).toContainText(/Group public key: [0-9a-f]{64}/);
  await saveScreens(page, 'vss-split');
  await c.signOff();

  // ---- Ana: screen, animated QR. Its frame rate is steady; the test reads every part off the screen.
  await c.chooseCustodian('Ana Brun');
  await page.getByTestId('handoff-reveal').click();
  const qr = page.getByTestId('shard-qr');
  await expect(qr).toHaveAttribute('data-kind', 'animated');
  const parts = Number(await qr.getAttribute('data-parts'));
  expect(parts).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('shard-qr-counter')).toHaveText(/^Part [1-9] of \d+$/);
  await expect(page.getByTestId('shard-text')).toContainText('KS1');
  const timing = await measureAnimation(page, 'shard-qr', 3000);
  const timingText = `${parts} parts; ${timing.fps.toFixed(2)} frames/s over ${timing.changes} changes, mean ${timing.meanMs.toFixed(1)} ms, max jitter ${timing.maxJitterMs.toFixed(1)} ms`;
  test.info().annotations.push({ type: 'animated-qr', description: timingText });
  console.log(`animated QR: ${timingText}`);
  // Measured for the record only: a busy machine renders late frames, which says nothing about the app.
  expect(timing.fps).toBeLessThan(8.8);
  // Timed from the clock: every frame the page renders shows the part the clock gives (a late frame is caught up, so
  // no part stays up too long or too short), over 12 changes of part, however slowly this machine renders.
  const fps = Number(await qr.getAttribute('data-fps'));
  expect(fps).toBe(8);
  // The loop: every plain part, then extra (mixed) parts, round again (core/qr/display-loop.ts).
  // (the extra parts join just after the plain ones are on screen: wait for that state)
  await expect(qr).toHaveAttribute('data-frames', String(3 * parts));
  const loopLength = 3 * parts;
  const frames = await sampleFrames(page, 'shard-qr', { changes: 12 });
  expect(keepsClockTime(frames, fps, loopLength), `${frames.length} frames: ${JSON.stringify(frames.slice(0, 40))}`).toBe(true);
  await saveScreens(page, 'vss-handoff-animated');
  // Pause holds one part.
  await page.getByTestId('shard-qr-pause').click();
  // Over the page's frames for three periods (its first frames may still show the change in flight), one part.
  const paused = (await sampleFrames(page, 'shard-qr', { spanMs: 3 * (1000 / fps) })).slice(3);
  expect(paused.length).toBeGreaterThan(0);
  expect(new Set(paused.map((f) => f.part)).size).toBe(1);
  await expect(qr).toHaveAttribute('data-part', String(paused[0]!.part));
  await page.getByTestId('shard-qr-pause').click();
  const texts = await readAnimatedQr(qr.locator('img'), parts);
  expect(texts).toHaveLength(parts);
  const anaShard = shardFromQr(texts);
  expect(anaShard.words).toBeUndefined();
  expect(anaShard.custodianLabel).toBe('Ana Brun');
  const anaPaperText = (await page.getByTestId('shard-text').innerText()).replace(/^\s*\d+\s+/gm, '');
  expect(anaPaperText.replace(/\s+/g, '')).toBe(anaShard.envelopeText);
  animatedVideo(join(dir, 'ana.y4m'), texts, 3);
  renameSync(join(dir, 'ana.y4m'), camera);
  await page.getByTestId('hide-shard').click();
  await expect(page.getByTestId('method-scan-qr')).toBeChecked();
  await page.getByTestId('scanner-start').click();
  await c.expectStage('confirmed');
  await c.signOff();

  // ---- Ben: paper. The printed backup holds every part of the animated code; they decode from the PDF.
  await c.chooseCustodian('Ben Frei');
  await page.getByTestId('handoff-reveal').click();
  await expect(page.getByTestId('shard-text')).toBeVisible();
  const benText = (await page.getByTestId('shard-text').innerText()).replace(/^\s*\d+\s+/gm, '');
  const printed = await printToPng(page, 'vss-paper-backup-ben');
  expect(printed.pages).toHaveLength(1);
  const printedTexts = await readAllQrTexts(printed.pages[0]!);
  expect(printedTexts).toHaveLength(parts);
  expect(shardFromQr(printedTexts).envelopeText).toBe(benText.replace(/\s+/g, ''));
  await page.getByTestId('hide-shard').click();
  await page.getByTestId('shard-text-entry').fill(benText);
  await expect(page.getByTestId('shard-text-entry-count')).toContainText('groups of four typed');
  await saveScreens(page, 'vss-confirm-text');
  await page.getByTestId('confirm-submit').click();
  await c.expectStage('confirmed');
  await c.signOff();

  // ---- Cem: USB
  await c.chooseCustodian('Cem Yilmaz');
  await page.getByTestId('handoff-write').click();
  await expect(page.getByTestId('usb-file')).toContainText('CEM-STICK');
  await page.getByTestId('confirm-readback').click();
  await c.expectStage('confirmed');
  await c.signOff();

  // ---- Dora and Eli: paper, watched by Victor too; Victor signs Eli's confirmation.
  for (const [name, signer] of [['Dora Meli', undefined], ['Eli Roth', 'victor']] as const) {
    await c.chooseCustodian(name);
    await page.getByTestId('handoff-reveal').click();
    const text = (await page.getByTestId('shard-text').innerText()).replace(/^\s*\d+\s+/gm, '');
    await page.getByTestId('hide-shard').click();
    await page.getByTestId('shard-text-entry').fill(text);
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    const eligible = await page.getByTestId('signoff').locator('li').count();
    expect(eligible).toBe(2);
    const victorId = witnesses.find((w) => w !== witnesses[0])!;
    await c.signOff(true, signer === 'victor' ? victorId : undefined);
  }

  // ---- test recovery with keyshard's own copies of a quorum
  await c.expectStage('test-recovery');
  await page.getByTestId('recovery-mode-machine').check();
  await expect(page.getByTestId('recovery-quorum')).toHaveAttribute('data-quorum', 'true');
  await saveScreens(page, 'vss-test-recovery');
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovered-fingerprint')).toHaveAttribute('data-hex', fpHex);
  await c.signOff();
  await c.destroy();
  await c.signOff();
  await page.getByTestId('seal').click();
  await c.signOff(false);
  await c.expectStage('sealed');
  const finalHash = (await page.getByTestId('final-hash').getAttribute('data-hash'))!;
  const transcript = readFileSync(await c.transcriptPath(), 'utf8');
  const v = verifyTranscriptText(transcript, { expectedHeadHash: finalHash });
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (v.ok) {
    const signers = new Set(v.signoffs.flatMap((s) => s.witnesses.map((w) => w.id)));
    expect([...signers].sort()).toEqual([...witnesses].sort());
    expect(v.entries.filter((e) => e.kind === 'confirm')).toHaveLength(5);
  }
  await saveScreens(page, 'vss-sealed');
  test.info().annotations.push({ type: 'duration', description: `FROST 3-of-5 ceremony: ${((Date.now() - started) / 1000).toFixed(1)} s` });
  console.log(`FROST 3-of-5 ceremony: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await backend.shutdown();
  backend.remove();
});
