/** Page object for the plan screen: fills fields by their plan paths (the test ids the screen gives its controls). */
import type { Locator, Page } from '@playwright/test';

export interface CustodianInput {
  readonly name: string;
  readonly organisation: string;
  readonly location: string;
  /** The visible label of the handoff option. */
  readonly handoff?: 'QR code on this screen' | 'Printed paper' | 'USB drive (encrypted file)' | 'HSM token (PKCS#11)';
  readonly ageRecipient?: string;
}

export class PlanPage {
  constructor(readonly page: Page) {}

  field(path: string): Locator {
    return this.page.getByTestId(path);
  }

  problem(path: string): Locator {
    return this.page.getByTestId(`problem-${path}`);
  }

  /** Types into a field and leaves it (problems show once a field was left). */
  async fill(path: string, value: string): Promise<void> {
    const f = this.field(path);
    await f.fill(value);
    await f.blur();
  }

  async setCustodian(index: number, c: CustodianInput): Promise<void> {
    const p = `custodians[${index}]`;
    await this.fill(`${p}.name`, c.name);
    await this.fill(`${p}.organisation`, c.organisation);
    await this.fill(`${p}.location`, c.location);
    if (c.handoff) await this.field(`${p}.medium`).selectOption({ label: c.handoff });
    if (c.ageRecipient !== undefined) await this.fill(`${p}.protection.recipient`, c.ageRecipient);
  }

  async setWitness(index: number, name: string, organisation: string): Promise<void> {
    await this.fill(`witnesses[${index}].name`, name);
    await this.fill(`witnesses[${index}].organisation`, organisation);
  }

  coalitionWarnings(): Locator {
    return this.page.getByTestId('coalition-warning');
  }

  todo(): Locator {
    return this.page.getByTestId('plan-todo-item');
  }
}
