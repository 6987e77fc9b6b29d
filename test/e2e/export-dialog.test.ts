// Export as a dialog (issue 14): the header's "Export…" opens it; the folder browser walks the user's home folder
// (here a test's own HOME) and shows the files an export could replace; choosing a folder fills the destination;
// an existing file is named in the question before it is replaced; the summary shows the absolute path.
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { DocumentsPage } from './pages/documents-page.js';

test(
  'export dialog: browse the home folder, choose a folder, replace a named file only after asking',
  { skip: noChromium, timeout: 90_000 },
  async () => {
    const home = realpathSync(mkdtempSync(join(tmpdir(), 'wb-home-')));
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'wb-outside-')));
    mkdirSync(join(home, 'Documents', 'ca-benh'), { recursive: true });
    mkdirSync(join(home, 'Desktop'));
    writeFileSync(join(home, 'Documents', 'old.jsonl'), 'keep me until asked\n');
    writeFileSync(join(home, 'Documents', 'notes.txt'), 'mine');
    symlinkSync(outside, join(home, 'Documents', 'escape'));
    const wb = await openWorkbench({ locale: 'en-GB', env: { HOME: home } });
    try {
      const { page } = wb;
      await page.evaluate("localStorage.setItem('workbench-locale', 'en')");
      await page.reload();
      await page.locator('main[data-ready="true"]').waitFor();
      const docs = new DocumentsPage(page);
      await docs.importFile('ca.txt', 'Bệnh nhân ở Hà Nội.\nBà Hoa ở Huế.\n', 'text');

      // The import's notice belongs to the list: opening a document takes it away (it used to stay on, stale).
      await page.locator('.notice').waitFor();
      await docs.open('1');
      assert.equal(await page.locator('.notice').count(), 0, 'the import notice is gone');

      await page.getByRole('button', { name: 'Export…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Export annotations' });
      await dialog.waitFor();
      await dialog.getByRole('combobox', { name: 'Format' }).selectOption('phoner');
      await dialog.getByRole('combobox', { name: 'Scope' }).selectOption('all');

      // The browser opens at the home folder: its sub-folders, no way up.
      await dialog.getByRole('button', { name: 'Browse…' }).click();
      const browser = dialog.getByTestId('folder-browser');
      await browser.waitFor();
      assert.equal(await browser.getAttribute('data-path'), home);
      assert.equal(await browser.getByRole('button', { name: 'Up one level' }).isDisabled(), true);
      await browser.getByRole('button', { name: 'Documents' }).click();
      await page.locator(`[data-testid="folder-browser"][data-path="${join(home, 'Documents')}"]`).waitFor();
      // The keyboard focus lands in the folder just opened (the pressed button is gone with the old listing).
      assert.match((await page.locator('[data-testid="folder-browser"] .entry:focus').textContent()) ?? '', /ca-benh/);
      // A link out of the home folder is not offered; the .jsonl file an export could replace is, with its size.
      const entries = (await browser.getByRole('listitem').allTextContents()).map((t) => t.trim());
      assert.ok(
        entries.some((t) => t.includes('ca-benh')),
        entries.join(' | '),
      );
      assert.ok(!entries.some((t) => t.includes('escape')), entries.join(' | '));
      assert.ok(
        entries.some((t) => t.startsWith('old.jsonl')),
        entries.join(' | '),
      );
      assert.ok(!entries.some((t) => t.includes('notes.txt')), entries.join(' | '));

      // Choosing the folder: the destination is the folder (the service names the file inside it).
      await browser.getByRole('button', { name: 'Save in this folder' }).click();
      await browser.waitFor({ state: 'detached' });
      const destination = dialog.getByRole('textbox', { name: 'Destination' });
      assert.equal(await destination.inputValue(), `${join(home, 'Documents')}/`);
      await dialog.getByRole('button', { name: 'Export', exact: true }).click();
      const summary = dialog.getByTestId('export-summary');
      await summary.waitFor();
      const written = (await summary.getAttribute('data-destination'))!;
      assert.ok(written.startsWith(join(home, 'Documents') + '/') && written.endsWith('.jsonl'), written);
      assert.ok((await summary.textContent())!.includes(written), 'the summary shows the absolute path');
      assert.equal(readFileSync(written, 'utf8').trim().split('\n').length, 2);

      // Choosing an existing file: the export asks, naming it, and only a yes replaces it.
      await dialog.getByRole('button', { name: 'Browse…' }).click();
      await page.locator(`[data-testid="folder-browser"][data-path="${join(home, 'Documents')}"]`).waitFor();
      await browser.getByRole('button', { name: /^old\.jsonl/ }).click();
      assert.equal(await destination.inputValue(), join(home, 'Documents', 'old.jsonl'));
      await dialog.getByRole('button', { name: 'Export', exact: true }).click();
      const ask = dialog.getByTestId('export-overwrite');
      await ask.waitFor();
      assert.equal(await ask.getAttribute('data-path'), join(home, 'Documents', 'old.jsonl'));
      assert.match((await ask.textContent())!, /old\.jsonl already exists \(20 bytes\)/);
      assert.equal(readFileSync(join(home, 'Documents', 'old.jsonl'), 'utf8'), 'keep me until asked\n');
      await ask.getByRole('button', { name: 'Replace file' }).click();
      await ask.waitFor({ state: 'detached' });
      await page
        .locator(`[data-testid="export-summary"][data-destination="${join(home, 'Documents', 'old.jsonl')}"]`)
        .waitFor();
      assert.match(readFileSync(join(home, 'Documents', 'old.jsonl'), 'utf8'), /"Hà", "Nội"/);

      // Esc closes the dialog; nothing outside the home folder was written.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.deepEqual(readdirSync(outside), []);
      // Opened again, it is a fresh dialog: the last export's summary is not shown as if it were this one's.
      await page.getByRole('button', { name: 'Export…' }).click();
      await dialog.waitFor();
      assert.equal(await dialog.getByTestId('export-summary').count(), 0);
    } finally {
      await wb.close();
      rmSync(home, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  },
);
