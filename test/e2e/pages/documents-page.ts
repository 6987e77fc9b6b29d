// Page object: the document list (import, pre-annotate, open).
import type { Page } from 'playwright-core';

export class DocumentsPage {
  constructor(private readonly page: Page) {}

  async show(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Documents' }).click();
  }

  /** Imports a file through the file input, choosing the format, and waits for the list to show the new rows. */
  async importFile(name: string, content: string, format: string): Promise<void> {
    const answered = Number(await this.page.locator('label[data-imports]').getAttribute('data-imports'));
    await this.page.getByRole('combobox', { name: 'Import format' }).selectOption(format);
    await this.page
      .getByLabel('Import file')
      .setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(content, 'utf8') });
    // The import's own answer, and the list reloaded after it (the list also reloads for other reasons, e.g. a job's
    // events, so its reload count alone could be passed before the import is in).
    await this.page.locator(`label[data-imports="${answered + 1}"]`).waitFor({ state: 'attached' });
  }

  async preannotateAll(): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Scope' }).selectOption('unfinished');
    await this.page.getByRole('button', { name: 'Pre-annotate' }).click();
  }

  /** Waits until the job reaches `state` (the UI shows each progress event). */
  async jobState(state: 'running' | 'done' | 'cancelled' | 'failed'): Promise<{ done: number; total: number }> {
    const job = this.page.locator(`[data-testid="job"][data-state="${state}"]`);
    await job.waitFor();
    return { done: Number(await job.getAttribute('data-done')), total: Number(await job.getAttribute('data-total')) };
  }

  private openButton(name: string) {
    return this.page.getByRole('button', {
      name: new RegExp(`Open\\)?: ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    });
  }

  async open(name: string): Promise<void> {
    await this.openButton(name).click();
    await this.page.locator('.editor').waitFor();
  }

  row(name: string) {
    return this.page.getByRole('row').filter({ has: this.openButton(name) });
  }
}
