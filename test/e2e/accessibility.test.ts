// axe-core over every view, in Vietnamese and in English (issue 14): the document list, the label set and its delete
// question, the editor with spans nested three deep (a span selected, the history and the replay open), the shortcuts
// overlay, the Models view and the export dialog (its folder browser, its overwrite question, its summary). No serious
// or critical violation, no exception: nested spans are unroled <mark>s, each with one control, its label chip
// (renderer/src/editor/line-html.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { noChromium } from './support/browser.js';
import { seriousViolations } from './support/axe.js';
import { openShowcase } from './support/showcase.js';
import { DocumentsPage } from './pages/documents-page.js';
import { LabelsPage } from './pages/labels-page.js';
import { ModelsPage } from './pages/models-page.js';

for (const locale of ['vi', 'en'] as const) {
  test(
    `axe: no serious or critical violation in any view (${locale})`,
    { skip: noChromium, timeout: 180_000 },
    async () => {
      const show = await openShowcase(locale);
      const { page, home } = show;
      const found: string[] = [];
      const check = async (view: string) => {
        for (const v of await seriousViolations(page)) found.push(`${view}: ${v}`);
      };
      try {
        await check('documents');
        const labels = new LabelsPage(page);
        await labels.show();
        await check('label set');
        // The question a delete of a label in use asks: checked, then cancelled.
        await page.getByRole('button', { name: /Delete LOCATION/ }).click();
        await labels.confirmation.waitFor();
        await check('label set, delete question');
        await labels.confirmation.getByRole('button', { name: /Cancel/ }).click();
        await labels.confirmation.waitFor({ state: 'detached' });

        await new DocumentsPage(page).open('1');
        await page.getByRole('button', { name: 'ORGANIZATION: Bệnh viện Đà Nẵng', exact: true }).waitFor();
        await check('editor');
        // Pressing a nested span's control selects that span (not its parent, not the LOCATION inside it).
        const middle = page.getByRole('button', { name: 'ORGANIZATION: Bệnh viện Đà Nẵng', exact: true });
        await middle.click();
        await page.locator('[aria-pressed="true"]').and(middle).waitFor();
        await page.getByRole('slider', { name: /\(?End\)?:/ }).waitFor();
        await check('editor, nested span selected');
        await page.getByRole('button', { name: /History/ }).click();
        await page.locator('section.history').waitFor();
        await check('editor, history');
        await page.getByRole('button', { name: /Watch the model denoise/ }).click();
        await page.locator('section.replay[data-loading="false"]').waitFor();
        await check('editor, denoising replay');
        await page.getByRole('button', { name: /Keyboard shortcuts/ }).click();
        const shortcuts = page.getByTestId('shortcuts');
        await shortcuts.waitFor();
        await check('shortcuts overlay');
        await page.keyboard.press('Escape');
        await shortcuts.waitFor({ state: 'hidden' });

        await new ModelsPage(page).show();
        await check('models');

        await page.getByRole('button', { name: /Export…/ }).click();
        const dialog = page.getByTestId('export-dialog');
        await dialog.waitFor();
        await check('export dialog');
        await dialog.getByRole('combobox', { name: /Format/ }).selectOption('doccano');
        await dialog.getByRole('button', { name: /Browse…/ }).click();
        await dialog.getByTestId('folder-browser').waitFor();
        await dialog.getByRole('button', { name: 'Documents' }).click();
        await page.locator(`[data-testid="folder-browser"][data-path="${join(home, 'Documents')}"]`).waitFor();
        await check('export dialog, folder browser');
        await dialog.getByRole('button', { name: /^ca-benh-thang-3\.jsonl/ }).click();
        await dialog.getByRole('button', { name: /\bExport\b/ }).click();
        await dialog.getByTestId('export-overwrite').waitFor();
        await check('export dialog, overwrite question');
        await dialog.getByRole('button', { name: /Replace file/ }).click();
        await dialog.getByTestId('export-summary').waitFor();
        await check('export dialog, summary');
        assert.equal(found.length, 0, `\n${found.join('\n')}`);
      } finally {
        await show.close();
      }
    },
  );
}
