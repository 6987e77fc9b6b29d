// Page object: the labels panel of the document list (rename, merge, delete, recolour, with the confirmation asked).
import type { Locator, Page } from 'playwright-core';

export class LabelsPage {
  constructor(private readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('labels-panel');
  }

  get confirmation(): Locator {
    return this.page.getByTestId('label-confirm');
  }

  /** Opens the panel (a disclosure) and waits for the label rows. */
  async show(): Promise<void> {
    if ((await this.panel.getAttribute('open')) === null) await this.panel.locator('summary').click();
    await this.panel.locator('tbody tr').first().waitFor();
  }

  row(label: string): Locator {
    return this.panel.locator(`tr[data-label="${label}"]`);
  }

  private async changed(action: () => Promise<void>): Promise<void> {
    const before = Number(await this.panel.getAttribute('data-changes'));
    await action();
    await this.page.locator(`[data-testid="labels-panel"][data-changes="${before + 1}"]`).waitFor();
  }

  /** Types the new name, asks to rename, and answers the question with Apply; waits for the change to land. */
  async rename(from: string, to: string): Promise<string> {
    await this.page.getByRole('textbox', { name: `New name of ${from}` }).fill(to);
    await this.page.getByRole('button', { name: `Rename ${from}` }).click();
    const question = (await this.confirmation.locator('p').textContent()) ?? '';
    await this.changed(() => this.confirmation.getByRole('button', { name: 'Apply' }).click());
    return question;
  }

  /** Asks to delete; the question (for a label in use) is returned before Apply is pressed. */
  async delete(label: string): Promise<string> {
    await this.page.getByRole('button', { name: `Delete ${label}` }).click();
    await this.confirmation.waitFor();
    const question = (await this.confirmation.locator('p').textContent()) ?? '';
    await this.changed(() => this.confirmation.getByRole('button', { name: 'Apply' }).click());
    return question;
  }

  /** Maps a model's label onto a project label for any model; waits for the mapping to be listed. */
  async map(modelLabel: string, projectLabel: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Model label' }).fill(modelLabel);
    await this.page.getByRole('combobox', { name: 'Project label' }).selectOption(projectLabel);
    await this.changed(() => this.page.getByRole('button', { name: /^(.* \()?Map\)?$/ }).click());
  }

  /** The labels the form offers to map (the models' own), each as `label: schema · model`. */
  async offeredModelLabels(): Promise<string[]> {
    const input = this.page.getByRole('combobox', { name: 'Model label' });
    const list = this.page.locator(`datalist#${await input.getAttribute('list')}`);
    return list
      .locator('option')
      .evaluateAll((options) => options.map((o) => `${o.getAttribute('value')}: ${o.textContent}`));
  }

  mapping(modelLabel: string): Locator {
    return this.panel.locator(`li[data-model-label="${modelLabel}"]`);
  }
}
