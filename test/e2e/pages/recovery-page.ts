/**
 * Page object for the recovery screen (#/recover): its three steps (what the key should be, add the shards, result)
 * through the test ids the screen gives its controls.
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

  async loadTranscript(path: string): Promise<void> {
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

  async method(name: 'camera' | 'words' | 'file' | 'device'): Promise<void> {
    await this.id(`method-${name}`).click();
    await expect(this.id(`method-${name}`)).toHaveAttribute('aria-selected', 'true');
  }

  /** The answer to the last shard: accepted, duplicate, rejected (or checking). */
  outcome(): Locator {
    return this.id('shard-outcome');
  }

  async expectOutcome(outcome: 'accepted' | 'duplicate' | 'rejected', attempt?: number): Promise<void> {
    await expect(this.outcome()).toHaveAttribute('data-outcome', outcome, { timeout: 30_000 });
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

  async finish(): Promise<void> {
    await this.id('finish').click();
  }

  // ---- step 3: result

  verdict(): Locator {
    return this.id('verdict');
  }
}
