/**
 * A USB custodian awaiting confirmation whose file main cannot read back, or no longer holds, writes it again from the
 * confirm screen (the drive picker shared with the handoff, then ceremony:handoff for the custodian awaiting
 * confirmation: same shard, no second handoff), then reads it back. Writing it again repeats the handoff, so the first
 * rewrite asks for the step-repeated exception (reason, Wendy's signature) before anything is written.
 *
 * Bob's file is written; the window is reloaded (a new window on the same backend): main still holds the delivery, so
 * the confirm screen shows where the file is and no rewrite. Bob's file is deleted from the stick: the read-back answers
 * USB_REMOVED and the screen offers the drive list and "Write the file again". A rewrite onto a stick that turned
 * read-only fails (USB_READ_ONLY), which makes main drop the delivery; a reload then finds no file in main
 * (ceremony:current-handoff answers null) and offers the rewrite at once, without a read-back. The stick writable
 * again, the rewrite works, the read-back confirms Bob, and the transcript has one handoff for him.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTranscriptText } from '../../core/transcript';
import type { CeremonyPlan } from '../../core/policy';
import { createCeremonyBackend, witnessPassphrase } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';

/** The example recipient from the age specification (a public key; nothing secret). */
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

const REASON = 'The file was gone from the stick at the read-back; written again onto the same stick.';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-usb-rewrite-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function usbPlan(): CeremonyPlan {
  const plan = smallPlan('USB rewrite 2025');
  return { ...plan, custodians: plan.custodians.map((c) => (c.id === 'bob' ? { ...c, medium: 'usb' as const, protection: { type: 'age' as const, recipient: AGE_RECIPIENT } } : c)) };
}

test('a USB custodian whose file main does not hold writes it again from the confirm screen', async ({ launch }) => {
  const backend = createCeremonyBackend();
  const stick = backend.drive('BOB-KEY');
  const first = await launch({ backend });
  const c1 = new CeremonyPage(first.page, backend);
  await c1.runToHandoffs(writePlanFile(dir, usbPlan()), (r) => first.open(r));
  await c1.chooseCustodian('Bob Keller');
  await c1.writeToDrive('BOB-KEY');
  await expect(first.page.getByTestId('usb-file')).toContainText(join(stick, ''));
  const bobFile = (await first.page.getByTestId('usb-file').locator('.mono').innerText()).trim();
  expect(existsSync(bobFile)).toBe(true);
  await first.close();

  // ---- a reload: main still holds Bob's delivery, so the screen shows where the file is and offers the read-back.
  const second = await launch({ backend });
  const page2 = second.page;
  const c2 = new CeremonyPage(page2, backend);
  await second.open('ceremony');
  await c2.expectStage('confirm');
  await expect(page2.getByTestId('usb-file')).toContainText(bobFile);
  await expect(page2.getByTestId('confirm-readback')).toBeVisible();
  await expect(page2.getByTestId('usb-rewrite')).toHaveCount(0);

  // The file is gone from the stick: the read-back says so, and the file can be written again right here.
  unlinkSync(bobFile);
  await page2.setViewportSize({ width: 1366, height: 768 });
  await page2.getByTestId('confirm-readback').click();
  await expect(page2.getByTestId('confirm-error')).toHaveAttribute('data-code', 'USB_REMOVED');
  await expect(page2.getByTestId('usb-rewrite')).toBeVisible();
  await expect(page2.getByTestId('confirm-readback')).toHaveCount(0);
  await expect(c2.driveOption('BOB-KEY')).toBeChecked();
  // On a laptop's screen the error keeps the focus and the way out is in view with it.
  await expect(page2.getByTestId('confirm-error')).toBeFocused();
  await expect(page2.getByTestId('rewrite-write')).toBeInViewport({ ratio: 1 });
  await saveScreens(page2, 'ceremony-confirm-usb-rewrite-after-readback');

  // Writing the file again repeats the handoff (the stick written first may still hold a copy): main wrote nothing
  // and asks for the step-repeated exception first; Wendy signs it with her passphrase.
  await page2.getByTestId('rewrite-write').click();
  const panel = page2.getByTestId('exception-panel');
  await expect(panel).toHaveAttribute('data-deviation', 'step-repeated');
  await expect(page2.getByTestId('exception-cause')).toContainText("Writing Bob Keller's shard file again repeats the handoff");
  await expect(page2.getByTestId('usb-rewrite')).toHaveCount(0);
  await expect(page2.getByTestId('rewrite-error')).toHaveCount(0);
  await page2.getByTestId('exception-reason').fill(REASON);
  await page2.getByTestId('exception-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page2, 'ceremony-confirm-usb-rewrite-exception');
  await page2.getByTestId('exception-record').click();
  await expect(panel).toHaveCount(0);
  await expect(page2.getByTestId('usb-rewrite')).toBeVisible();
  await expect(c2.driveOption('BOB-KEY')).toBeChecked();

  // A rewrite that fails (the stick turned read-only after it was listed): main drops the delivery it held.
  backend.setDrive('BOB-KEY', { readOnly: true });
  await page2.getByTestId('rewrite-write').click();
  await expect(page2.getByTestId('rewrite-error')).toHaveAttribute('data-code', 'USB_READ_ONLY');
  await expect(page2.getByTestId('usb-written')).toHaveCount(0);
  await second.close();

  // ---- a reload with no file in main: ceremony:current-handoff answers null, the rewrite is offered at once.
  const third = await launch({ backend });
  const page3 = third.page;
  const c3 = new CeremonyPage(page3, backend);
  await third.open('ceremony');
  await c3.expectStage('confirm');
  await expect(page3.getByTestId('usb-rewrite')).toBeVisible();
  await expect(page3.getByTestId('usb-rewrite')).toContainText('holds no file it wrote for Bob Keller');
  await expect(page3.getByTestId('usb-written')).toHaveCount(0);
  await expect(page3.getByTestId('confirm-readback')).toHaveCount(0);
  expect(third.ipcCalls).toContain('ceremony:current-handoff');
  // The read-only stick is listed but cannot be chosen; writable again, it is.
  await expect(c3.driveOption('BOB-KEY')).toBeDisabled();
  await expect(page3.getByTestId('rewrite-write')).toBeDisabled();
  await saveScreens(page3, 'ceremony-confirm-usb-rewrite-no-file');
  backend.setDrive('BOB-KEY', { readOnly: false });
  await c3.rewriteToDrive('BOB-KEY');
  await expect(page3.getByTestId('usb-file')).toContainText(join(stick, ''));
  await expect(page3.getByTestId('usb-rewrite')).toHaveCount(0);
  const again = (await page3.getByTestId('usb-file').locator('.mono').innerText()).trim();
  expect(readFileSync(again, 'utf8')).toContain('-----BEGIN AGE ENCRYPTED FILE-----');
  await page3.getByTestId('confirm-readback').click();
  await c3.expectStage('confirmed');

  // One handoff and one confirmation for Bob; the rewrites recorded only the one exception, signed by Wendy (the write
  // that failed did not use it up, so the one that worked needed no second).
  const [ceremonyDir] = backend.ceremonyDirs();
  const v = verifyTranscriptText(readFileSync(join(ceremonyDir!, 'transcript.json'), 'utf8'));
  expect(v.ok).toBe(true);
  if (!v.ok) return;
  const bobSteps = v.entries.filter((e) => (e.data as { custodianId?: unknown }).custodianId === 'bob').map((e) => e.kind);
  expect(bobSteps.filter((k) => k === 'handoff')).toHaveLength(1);
  expect(bobSteps.filter((k) => k === 'confirm')).toHaveLength(1);
  const repeats = v.entries.filter((e) => e.kind === 'exception' && (e.data as { deviation?: unknown }).deviation === 'step-repeated');
  expect(repeats.map((e) => e.data)).toEqual([{ stepId: 'handoff', custodianId: 'bob', deviation: 'step-repeated', reason: REASON, witnessId: 'wendy' }]);
  expect(v.entries[repeats[0]!.seq]!.kind).toBe('signoff');
  await third.close();
  await backend.shutdown();
  backend.remove();
});
