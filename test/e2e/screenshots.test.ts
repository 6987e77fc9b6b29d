// Screenshots of the main views in Chromium (issue 14), compared with the baselines in test/e2e/screenshots/: the
// document list, the editor with spans nested three deep, the export dialog (with its folder browser) and the
// Models view, in Vietnamese and in English. Fixed data (support/showcase.ts), fixed viewport (1400x900 at scale 1),
// animations and the caret off; the paths of the test's temporary folders are masked. UPDATE_SCREENSHOTS=1 rewrites
// the baselines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { noChromium } from './support/browser.js';
import { checkBaseline } from './support/screenshot.js';
import { openShowcase } from './support/showcase.js';
import { DocumentsPage } from './pages/documents-page.js';
import { ModelsPage } from './pages/models-page.js';

for (const locale of ['vi', 'en'] as const) {
  test(
    `screenshots (${locale}): documents, editor (three nesting levels), export dialog, models`,
    { skip: noChromium, timeout: 180_000 },
    async () => {
      const show = await openShowcase(locale);
      const { page } = show;
      const problems: string[] = [];
      const shoot = async (name: string, mask: Locator[] = []) => {
        // The fonts are loaded before the picture is taken (a fallback font would move every line).
        await page.evaluate('document.fonts.ready');
        const png = await page.screenshot({ animations: 'disabled', caret: 'hide', mask, maskColor: '#c8ccd0' });
        // Vietnamese, the default, keeps the plain names; English ones end in -en.
        const problem = await checkBaseline(show.wb.browser.context, locale === 'vi' ? name : `${name}-en`, png);
        if (problem) problems.push(problem);
      };
      try {
        // The import's notice goes away by itself after a few seconds: closed here, so every run shows the same page.
        await page.getByRole('button', { name: /Dismiss/ }).click();
        await page.locator('.notice').waitFor({ state: 'detached' });
        // Away from the pointer, so no hover card or row highlight shows.
        await page.mouse.move(1390, 890);
        await shoot('documents');

        await new DocumentsPage(page).open('1');
        await page.getByRole('button', { name: 'ORGANIZATION: Bệnh viện Đà Nẵng', exact: true }).waitFor();
        await page.getByRole('button', { name: 'LOCATION: Đà Nẵng', exact: true }).waitFor();
        await page.mouse.move(1390, 890);
        await shoot('editor-nested');

        await page.getByRole('button', { name: /Export…/ }).click();
        const dialog = page.getByTestId('export-dialog');
        await dialog.waitFor();
        await dialog.getByRole('combobox', { name: /Format/ }).selectOption('doccano');
        await dialog.getByRole('button', { name: /Browse…/ }).click();
        await dialog.getByRole('button', { name: 'Documents' }).click();
        await dialog.getByRole('button', { name: /^ca-benh-thang-3\.jsonl/ }).waitFor();
        await page.mouse.move(1390, 890);
        await shoot('export-dialog', [dialog.locator('.path'), dialog.getByRole('textbox')]);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });

        await new ModelsPage(page).show();
        await page.mouse.move(1390, 890);
        await shoot('models');
        assert.equal(problems.length, 0, `\n${problems.join('\n')}`);
      } finally {
        await show.close();
      }
    },
  );
}
