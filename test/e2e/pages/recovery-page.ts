/**
 * Page object for the recovery screen (#/recover): its three steps (what the key should be, add the shards, result)
 * through the test ids the screen gives its controls - including shards read from a custodian's USB drive or PKCS#11
 * token, and the import of the recovered key into a token.
 */
import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';

export class RecoveryPage {
  constructor(readonly page: Page) {}

  id(testId: string): Locator {
    return this.page.getByTestId(testId);
  }

  stage(): Locator {
    return this.id('recovery');
  }

  // ---- step 1: what the key should be

  /** With the final hash (or witness key fingerprints) typed from the paper record first, the result is verified. */
  async loadTranscript(path: string, paper: { finalHash?: string; witnessKeys?: readonly string[] } = {}): Promise<void> {
    if (paper.finalHash !== undefined) await this.id('expected-final-hash').fill(paper.finalHash);
    if (paper.witnessKeys !== undefined) {
      await this.id('witness-pins').locator('summary').click();
      await this.id('witness-key-fingerprints').fill(paper.witnessKeys.join('\n'));
    }
    await this.id('recovery-transcript-file').setInputFiles(path);
  }

  async typeFingerprint(text: string): Promise<void> {
    await this.id('expected-fingerprint').fill(text);
    await this.id('use-fingerprint').click();
  }

  async skip(): Promise<void> {
    await this.id('expect-skip').click();
    await expect(this.stage()).toHaveAttribute('data-stage', 'collect');
  }

  // ---- step 2: the shards

  async method(name: 'camera' | 'words' | 'file' | 'usb' | 'token'): Promise<void> {
    await this.id(`method-${name}`).click();
    await expect(this.id(`method-${name}`)).toHaveAttribute('aria-selected', 'true');
  }

  /** The answer to the last shard: accepted, duplicate, rejected (or checking). */
  outcome(): Locator {
    return this.id('shard-outcome');
  }

  async expectOutcome(outcome: 'accepted' | 'duplicate' | 'rejected', attempt?: number): Promise<void> {
    await expect(this.outcome()).toHaveAttribute('data-outcome', outcome);
    if (attempt !== undefined) await expect(this.outcome()).toHaveAttribute('data-attempt', String(attempt));
  }

  group(n: number): Locator {
    return this.id(`group-${n}-text`);
  }

  held(): Locator {
    return this.id('received-shard');
  }

  /** Types a share's words: pasted into the first box, as a custodian's typed copy would be. */
  async typeWords(words: readonly string[]): Promise<void> {
    await this.method('words');
    await this.id('word-input-1').fill(words.join(' '));
    await expect(this.id(`word-input-${words.length}`)).toHaveValue(words[words.length - 1] ?? '');
  }

  async checkWords(): Promise<void> {
    await this.id('words-submit').click();
  }

  async openShardFile(path: string): Promise<void> {
    await this.method('file');
    await this.id('shard-file').setInputFiles(path);
  }

  async openProtected(shardPath: string, keyPath: string, passphrase?: string): Promise<void> {
    await this.openShardFile(shardPath);
    await expect(this.id('key-step')).toBeVisible();
    await this.id('key-file').setInputFiles(keyPath);
    await expect(this.id('key-chosen')).toBeVisible();
    if (passphrase !== undefined) await this.id('key-passphrase').fill(passphrase);
    await this.id('open-shard-file').click();
  }

  // ---- USB drives

  drive(label: string): Locator {
    return this.page.locator(`[data-testid="usb-drive"][data-label="${label}"]`);
  }

  /** Chooses a listed drive and waits for its shard files. */
  async chooseDrive(label: string): Promise<void> {
    await this.drive(label).click();
    await expect(this.drive(label)).toHaveAttribute('aria-pressed', 'true');
    await expect(this.id('usb-files')).toHaveAttribute('data-drive', label);
    await expect(this.id('usb-reading')).toHaveCount(0);
  }

  /** A shard file on the chosen drive, by the custodian index (0-based) its name carries. */
  usbFile(custodianIndex: number): Locator {
    return this.page.locator(`[data-testid="usb-file"][data-custodian-index="${custodianIndex}"]`);
  }

  /** The last shard was refused with `code` (the outcome's error panel); returns the message and next step shown. */
  async expectRejected(code: string, attempt?: number): Promise<{ message: string; todo: string }> {
    await this.expectOutcome('rejected', attempt);
    await expect(this.id('shard-error')).toHaveAttribute('data-code', code);
    return { message: await this.id('shard-error-message').innerText(), todo: await this.id('shard-error-todo').innerText() };
  }

  /** "List the drives again" on the USB tab. */
  async listDrivesAgain(): Promise<void> {
    await this.id('usb-drives-again').click();
  }

  /** Opens a listed file: at once when unprotected; with the custodian's key file (and passphrase) when encrypted. */
  async openUsbFile(custodianIndex: number, keyPath?: string, passphrase?: string): Promise<void> {
    await this.usbFile(custodianIndex).getByTestId('usb-file-open').click();
    if (keyPath === undefined) return;
    await expect(this.id('key-step')).toBeVisible();
    await this.id('key-file').setInputFiles(keyPath);
    await expect(this.id('key-chosen')).toBeVisible();
    if (passphrase !== undefined) await this.id('key-passphrase').fill(passphrase);
    await this.id('open-shard-file').click();
  }

  // ---- PKCS#11 tokens (the ModuleChooser, a token list and a PIN field; `prefix` names the group)

  /** Waits for the module (SoftHSM2 is found and used by itself) and chooses the token by its label. */
  async chooseToken(label: string, prefix = 'token'): Promise<void> {
    await expect(this.id('module-info')).toBeVisible();
    const option = this.id(`${prefix}-picker-${label}`);
    await expect(option).toBeVisible();
    await option.check();
    await expect(this.id(`${prefix}-pin`)).toBeVisible();
  }

  /** Types the PIN into the group's PIN field and presses its button. */
  async typePinAndSubmit(pin: string, prefix = 'token'): Promise<void> {
    await this.id(`${prefix}-pin`).fill(pin);
    await this.id(`${prefix}-submit`).click();
  }

  /** "HSM token" tab: the custodian's token and PIN; main reads the shard. */
  async readToken(label: string, pin: string): Promise<void> {
    await this.chooseToken(label);
    await this.typePinAndSubmit(pin);
  }

  async finish(): Promise<void> {
    await this.id('finish').click();
  }

  // ---- step 3: result

  verdict(): Locator {
    return this.id('verdict');
  }

  /** "Import into an HSM token": the key label, the token, its holder's PIN. */
  async importToToken(tokenLabel: string, pin: string, keyLabel?: string): Promise<void> {
    if ((await this.id('hsm-import-form').count()) === 0) await this.id('export-hsm').click();
    await expect(this.id('hsm-import-form')).toBeVisible();
    if (keyLabel !== undefined) await this.id('hsm-import-label').fill(keyLabel);
    await this.chooseToken(tokenLabel, 'hsm-import');
    await this.typePinAndSubmit(pin, 'hsm-import');
  }
}
