// The "?" overlay lists every shortcut and the label keys in the UI's language; Esc closes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';

test('"?" in the editor opens the shortcuts list; Esc closes it', { skip: noChromium, timeout: 60_000 }, async () => {
  const wb = await openWorkbench();
  try {
    const { page } = wb;
    const docs = new DocumentsPage(page);
    await docs.importFile('ca.txt', 'Bệnh nhân ở Hà Nội.\n', 'text');
    await docs.open('1');
    const editor = new EditorPage(page);
    await editor.text.click();
    await page.keyboard.press('Shift+?');
    const dialog = page.getByRole('dialog', { name: /Keyboard shortcuts/ });
    await dialog.waitFor();
    assert.match((await dialog.textContent())!, /di chuyển theo âm tiết/);
    await dialog.getByText('LOCATION').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // The toolbar's "?" button opens it too.
    await page.getByRole('button', { name: /Keyboard shortcuts/ }).click();
    await dialog.waitFor();
  } finally {
    await wb.close();
  }
});
