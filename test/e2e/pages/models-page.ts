// Page object: the Models view (components/ModelsView.svelte): versions, fine-tuning, the learning curves.
import type { Locator, Page } from 'playwright-core';

export class ModelsPage {
  constructor(private readonly page: Page) {}

  /** Opens the tab and waits for its first load. */
  async show(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Models' }).click();
    await this.page.locator('.models-view:not([data-loads="0"])').waitFor();
  }

  get versions(): Locator {
    return this.page.getByRole('table', { name: /Model versions/ });
  }

  /** The row of a version, by its name (and version). */
  version(name: string): Locator {
    return this.versions.getByRole('row').filter({ hasText: name });
  }

  get activeVersion(): Locator {
    return this.versions.locator('tr[data-active="true"]');
  }

  get fineTuneButton(): Locator {
    return this.page.getByRole('button', { name: /Fine-tune from corrections/ });
  }

  get error(): Locator {
    return this.page.getByTestId('fine-tune-error');
  }

  get trainerUnavailable(): Locator {
    return this.page.getByTestId('trainer-unavailable');
  }

  /** The project's own learning curve (its versions' held-out F1). */
  get chart(): Locator {
    return this.page.getByRole('img', { name: /Learning curve of this project's models/ });
  }

  /** Opens the simulations' curves (collapsed: they are not the project's data) and returns their chart. */
  async simulations(): Promise<Locator> {
    await this.page.getByTestId('simulation-curves').locator('summary').click();
    const chart = this.page.getByRole('img', { name: /Simulations \(workbench simulate\)/ });
    await chart.waitFor();
    return chart;
  }
}
