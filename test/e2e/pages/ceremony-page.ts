/**
 * Page object for the ceremony screens (renderer/ceremony): one method per thing a person does, through the same
 * controls they use. Witness keys and drives come from the backend (files the test wrote, as a witness's stick would).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { witnessPassphrase, type CeremonyBackend } from '../backend';
import type { PageGlobals } from './page-globals';

export class CeremonyPage {
  constructor(
    readonly page: Page,
    readonly backend: CeremonyBackend,
  ) {}

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async expectStage(kind: string): Promise<void> {
    await expect(this.byTestId('stage')).toHaveAttribute('data-stage', kind);
  }

  /** Every witness chooses their key file in main's dialog, which loads it (start screen). */
  async loadWitnessKeys(): Promise<string[]> {
    await this.expectStage('airgap');
    await expect(this.byTestId('witness-keys')).toBeVisible();
    const loaders = this.page.locator('[data-testid^="key-loader-"]');
    const ids: string[] = [];
    for (const l of await loaders.all()) ids.push((await l.getAttribute('data-testid'))!.slice('key-loader-'.length));
    expect(ids.length, 'witnesses waiting for their key').toBeGreaterThan(0);
    for (const id of ids) {
      this.backend.answerDialog(this.backend.witnessKeyFile(id));
      await this.byTestId(`key-load-${id}`).click();
      await expect(this.byTestId(`witness-key-${id}`)).toHaveAttribute('data-loaded', 'true');
    }
    return ids;
  }

  async start(): Promise<void> {
    await expect(this.byTestId('ceremony-start')).toBeEnabled();
    await this.byTestId('ceremony-start').click();
    await expect(this.byTestId('airgap-failed').or(this.byTestId('airgap-passed'))).toBeVisible();
  }

  /** A witness overrides the failed check: the reason, then their passphrase (or `pin` for a token key), which signs the exception. */
  async overrideAirgap(reason: string, act: { readonly pin?: string } = {}): Promise<void> {
    await this.byTestId('override-reason').fill(reason);
    const witnessId = await this.byTestId('override-witness').inputValue();
    if ((await this.byTestId('override-passphrase').count()) > 0) {
      await this.byTestId('override-passphrase').fill(witnessPassphrase(witnessId));
    } else if ((await this.byTestId('override-pin').count()) > 0) {
      expect(act.pin, `${witnessId} signs with a token: give the PIN`).toBeDefined();
      await this.byTestId('override-pin').fill(act.pin!);
    }
    await this.byTestId('override-submit').click();
    await expect(this.byTestId('airgap-overridden')).toBeVisible();
  }

  /**
   * The first witness still to sign (or `witnessId`) signs the open checkpoint as a witness does (loading their key
   * file first if this window has not): types the fingerprint shown and read aloud, their passphrase (or `pin` for a
   * token key), and presses Sign; then "Continue" unless `continueAfter` is false. At a confirmation, Continue waits
   * for the custodian's receipt (main refuses the next handoff without it): when the receipt panel is waiting, the
   * receipt is recorded first (recordReceipt), as the room does before going on. Returns the witness id.
   */
  async signOff(continueAfter = true, witnessId?: string, act: { readonly pin?: string } = {}): Promise<string> {
    const panel = this.byTestId('signoff');
    await expect(panel).toBeVisible();
    const row = witnessId === undefined ? panel.locator('li[data-signed="false"]').first() : panel.getByTestId(`signoff-${witnessId}`);
    const id = (await row.getAttribute('data-testid'))!.slice('signoff-'.length);
    if ((await row.getByTestId(`key-load-${id}`).count()) > 0) {
      this.backend.answerDialog(this.backend.witnessKeyFile(id));
      await row.getByTestId(`key-load-${id}`).click();
    }
    await this.fillSignForm(id, act);
    await row.getByTestId(`sign-${id}`).click();
    // Signed (or, at the seal, the sealed screen has replaced the panel).
    await expect(panel.locator(`li[data-testid="signoff-${id}"][data-signed="false"]`)).toHaveCount(0);
    if (continueAfter) {
      await expect(panel.getByTestId('signoff-done')).toBeVisible();
      if ((await this.byTestId('receipt-panel').count()) > 0) {
        await expect(panel.getByTestId('signoff-continue')).toBeDisabled();
        await this.recordReceipt();
      }
      await panel.getByTestId('signoff-continue').click();
    }
    return id;
  }

  /**
   * The confirmed custodian's receipt (catalogue step 'receipt'): their shard sealed, the serial typed again off the
   * sealed bag (`bagSerial`, when the handoff recorded a bag), then "Record ...'s receipt".
   */
  async recordReceipt(bagSerial?: string): Promise<void> {
    await expect(this.byTestId('receipt-panel')).toBeVisible();
    if (bagSerial !== undefined) await this.byTestId('receipt-bag-serial').fill(bagSerial);
    else expect(await this.byTestId('receipt-bag-serial').count(), 'a bag was recorded at the handoff: give recordReceipt its serial').toBe(0);
    await this.byTestId('receipt-record').click();
    await expect(this.byTestId('receipt-done')).toBeVisible();
  }

  /** A witness's sign form, filled as they would: the fingerprint on screen typed back, then passphrase or PIN. */
  async fillSignForm(witnessId: string, act: { readonly pin?: string } = {}): Promise<void> {
    const form = this.byTestId(`sign-form-${witnessId}`);
    await expect(form).toBeVisible();
    const heard = (await this.byTestId('signoff-fingerprint').textContent())!.trim();
    await form.getByTestId(`sign-fingerprint-${witnessId}`).fill(heard);
    if ((await form.getByTestId(`sign-passphrase-${witnessId}`).count()) > 0) {
      await form.getByTestId(`sign-passphrase-${witnessId}`).fill(witnessPassphrase(witnessId));
    } else if ((await form.getByTestId(`sign-pin-${witnessId}`).count()) > 0) {
      expect(act.pin, `${witnessId} signs with a token: give the PIN`).toBeDefined();
      await form.getByTestId(`sign-pin-${witnessId}`).fill(act.pin!);
    }
  }

  /** The same from the keyboard: Tab to the fingerprint field, type it, Tab, the passphrase, Enter signs. */
  async signByKeyboard(witnessId: string): Promise<void> {
    const heard = (await this.byTestId('signoff-fingerprint').textContent())!.trim();
    await this.tabTo(`sign-fingerprint-${witnessId}`);
    await this.page.keyboard.type(heard);
    await this.page.keyboard.press('Tab');
    await expect(this.byTestId(`sign-passphrase-${witnessId}`)).toBeFocused();
    await this.page.keyboard.type(witnessPassphrase(witnessId));
    await this.page.keyboard.press('Enter');
  }

  async gatherEntropy(dice: string): Promise<void> {
    await this.byTestId('entropy-dice').fill(dice);
    await this.byTestId('entropy-gather').click();
  }

  /** Opens a custodian's handoff from the list of those still waiting. */
  async chooseCustodian(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Hand over to ${name}` }).click();
  }

  /** The words on screen, in order (what the custodian reads). */
  async shardWords(): Promise<string[]> {
    await expect(this.byTestId('shard-words')).toBeVisible();
    return this.page.locator('[data-testid="shard-words"] .word-w').allInnerTexts();
  }

  /** Types each word's first four letters and accepts the completion with Tab, from box `first` on. */
  async typeWordsWithCompletion(words: readonly string[], prefix = 'word', first = 1): Promise<void> {
    await this.byTestId(`${prefix}-${first}`).focus();
    for (const w of words) {
      await this.page.keyboard.type(w.slice(0, 4));
      await this.page.keyboard.press('Tab');
    }
  }

  /** Fills a word entry at once (several words typed into the first box spread into the boxes after it). */
  async fillWords(words: readonly string[], prefix = 'word'): Promise<void> {
    await this.byTestId(`${prefix}-1`).fill(words.join(' '));
    await expect(this.byTestId(`${prefix}-count`)).toHaveAttribute('data-entered', String(words.length));
  }

  /**
   * From a plan file to the first handoff, the quickest honest way: load the plan on the plan screen (with `tokens`,
   * check the plan's tokens), load the witnesses' keys, start, override the air gap, dice, generate, split, each
   * checkpoint signed.
   */
  async runToHandoffs(planFile: string, open: (route: string) => Promise<void>, options: { readonly tokens?: boolean } = {}): Promise<void> {
    await open('plan');
    await this.byTestId('plan-load').setInputFiles(planFile);
    await expect(this.byTestId('plan-loaded')).toBeVisible();
    await this.byTestId('plan-continue').click();
    await this.expectStage('airgap');
    // A plan with token custodians: their tokens (preselected from the plan's labels) are checked before the start.
    if (options.tokens === true) {
      await this.expectTokenSetup();
      // The plan's labels preselect each custodian's token as the token list arrives: a check pressed before that
      // checks a partial choice, and the picks that land after it make that check stale.
      await expect(this.byTestId('token-assign')).toBeVisible();
      await expect(this.page.locator('[data-testid="token-assign"] [data-chosen=""]')).toHaveCount(0);
      expect(await this.checkTokens(), 'every token of the plan is ready').toBe(true);
    }
    await this.loadWitnessKeys();
    await this.start();
    await this.overrideAirgap('The built-in network card cannot be disabled; the cable is unplugged and Wi-Fi is off.');
    await this.signOff();
    await this.gatherEntropy('1 2 3 4 5 6 6 5 4 3 2 1');
    await this.byTestId('generate').click();
    await this.expectStage('fingerprint');
    await this.signOff();
    await this.byTestId('split').click();
    await this.signOff();
    await this.expectStage('handoff');
  }

  // ---- PKCS#11 tokens (renderer/devices + the token parts of the ceremony screens)

  /** The start screen's token panel, with the module main uses already shown (ModuleChooser's automatic choice). */
  async expectTokenSetup(): Promise<void> {
    await this.expectStage('airgap');
    await expect(this.byTestId('token-setup')).toBeVisible();
    await expect(this.byTestId('module-info')).toBeVisible();
  }

  /** Opens the module list, picks the option whose path is `modulePath`, and uses it. */
  async chooseModule(modulePath: string): Promise<void> {
    if (await this.byTestId('module-change').isVisible()) await this.byTestId('module-change').click();
    await this.page.locator(`[data-testid^="module-option-"][data-path="${modulePath}"]`).check();
    await this.byTestId('module-use').click();
    await expect(this.byTestId('module-chooser')).toHaveAttribute('data-selected', modulePath);
    await expect(this.byTestId('module-info')).toBeVisible();
  }

  /** Assigns the token labelled `label` to a token custodian (the drop-down of the assignment table). */
  async assignToken(custodianId: string, label: string): Promise<void> {
    const select = this.byTestId(`token-for-${custodianId}-select`);
    const option = select.locator('option').filter({ hasText: new RegExp(`^${label} · `) });
    await select.selectOption((await option.getAttribute('value'))!);
    await expect(this.byTestId(`token-for-${custodianId}`)).toHaveAttribute('data-chosen', label);
  }

  /** "Check the tokens": waits for the report and returns whether every token is ready. */
  async checkTokens(): Promise<boolean> {
    await this.byTestId('tokens-check').click();
    await expect(this.byTestId('device-check').or(this.byTestId('tokens-check-error'))).toBeVisible();
    return (await this.byTestId('device-check').getAttribute('data-ok')) === 'true';
  }

  /** A witness loads the signing key on their token: "Key on a token", the token, the key label, the PIN. */
  async loadWitnessTokenKey(witnessId: string, tokenLabel: string, pin: string, keyLabel?: string): Promise<void> {
    await this.byTestId(`key-way-token-${witnessId}`).check();
    await this.byTestId(`key-token-${witnessId}-${tokenLabel}`).check();
    if (keyLabel !== undefined) await this.byTestId(`key-label-${witnessId}`).fill(keyLabel);
    await this.byTestId(`key-pin-${witnessId}`).fill(pin);
    await this.byTestId(`key-token-load-${witnessId}`).click();
  }

  /** Dice plus the HSM source (the token chosen at the start, or `tokenLabel` picked here) with its holder's PIN. */
  async gatherEntropyWithHsm(dice: string, pin: string, tokenLabel?: string): Promise<void> {
    if (!(await this.byTestId('entropy-hsm').isChecked())) await this.byTestId('entropy-hsm').check();
    if (tokenLabel !== undefined) await this.byTestId(`entropy-token-pick-${tokenLabel}`).check();
    await this.byTestId('entropy-pin').fill(pin);
    await this.byTestId('entropy-dice').fill(dice);
    await this.byTestId('entropy-gather').click();
  }

  // ---- USB custodians (the handoff's drive list)

  /** A drive in the USB handoff's list (its radio button), by label. */
  driveOption(label: string): Locator {
    return this.byTestId(`drive-${label}`);
  }

  /** The whole row of a drive in the list: its label, folder, free space and "read-only". */
  driveRow(label: string): Locator {
    return this.page.locator('label.drive').filter({ has: this.driveOption(label) });
  }

  /** On a USB custodian's handoff screen: list the drives again, choose one, and write the shard file to it. */
  async writeToDrive(label: string): Promise<void> {
    await this.byTestId('drives-again').click();
    await expect(this.driveOption(label)).toBeEnabled();
    await this.driveOption(label).check();
    await this.byTestId('handoff-write').click();
  }

  /**
   * On the confirm screen of a USB custodian whose file main does not hold (or could not read back): list the drives
   * again, choose one, and write the file again.
   */
  async rewriteToDrive(label: string): Promise<void> {
    await expect(this.byTestId('usb-rewrite')).toBeVisible();
    await this.byTestId('drives-again').click();
    await expect(this.driveOption(label)).toBeEnabled();
    await this.driveOption(label).check();
    await this.byTestId('rewrite-write').click();
  }

  /** The handoff's error panel shows `code`; returns its message and next step as shown. */
  async expectHandoffError(code: string): Promise<{ message: string; todo: string }> {
    await expect(this.byTestId('handoff-error')).toHaveAttribute('data-code', code);
    await expect(this.byTestId('handoff-error')).toBeFocused();
    return { message: await this.byTestId('handoff-error-message').innerText(), todo: await this.byTestId('handoff-error-todo').innerText() };
  }

  /** "Choose someone else" on a handoff screen: back to the list of custodians. */
  async backToHandoffList(): Promise<void> {
    await this.byTestId('handoff-back').click();
    await expect(this.byTestId('handoff-choices')).toBeVisible();
  }

  /** On a token custodian's handoff screen: type the PIN and store the shard. */
  async storeOnToken(pin: string): Promise<void> {
    await this.byTestId('handoff-pin').fill(pin);
    await this.byTestId('handoff-token').click();
  }

  /** On the confirmation screen of a token custodian: type the PIN and read the shard back. */
  async readBackFromToken(pin: string): Promise<void> {
    await this.byTestId('confirm-pin').fill(pin);
    await this.byTestId('confirm-readback').click();
  }

  /** Destroy: tick that the room understands what will be gone (main refuses destroy without it), then destroy. */
  async destroy(): Promise<void> {
    await this.expectStage('destroy');
    await expect(this.byTestId('destroy')).toBeDisabled();
    await this.byTestId('destroy-understood').check();
    await this.byTestId('destroy').click();
    await expect(this.byTestId('destroyed')).toBeVisible();
  }

  /** The test id of the focused element (null for none). */
  async focused(): Promise<string | null> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('data-testid') ?? null);
  }

  /** Presses Tab (only Tab) until the element with this test id has the focus. */
  async tabTo(testId: string, max = 90): Promise<void> {
    for (let i = 0; i < max; i++) {
      if ((await this.focused()) === testId) {
        // A screen that just opened moves focus to its title once React has run its effects; on a busy machine that
        // can land after Tab reached the control. Let two frames pass, and go on tabbing if focus moved.
        await this.page.evaluate(() => {
          const g = globalThis as unknown as PageGlobals;
          return new Promise<void>((done) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => done())));
        });
        if ((await this.focused()) === testId) return;
      }
      await this.page.keyboard.press('Tab');
    }
    throw new Error(`${max} presses of Tab never reached ${testId} (focus is on ${await this.focused()})`);
  }

  /** Tab to a control and press a key on it (Enter for buttons and links, Space for checkboxes). */
  async press(testId: string, key = 'Enter'): Promise<void> {
    await this.tabTo(testId);
    await this.page.keyboard.press(key);
  }

  /** The ceremony's folder (from the transcript path the sealed screen shows). */
  async transcriptPath(): Promise<string> {
    return (await this.byTestId('transcript-path').innerText()).trim();
  }
}
