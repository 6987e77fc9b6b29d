// Undo and redo cover what the annotator does with suggestions: a rejected suggestion (Delete) comes back with
// Ctrl+Z, selected, and goes again with Ctrl+Shift+Z; an accepted one undone is a suggestion again. The server keeps
// every step (reject, reopen, reject), so a reload shows the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';

const FILE = 'Bệnh nhân được chuyển đến Bệnh viện Đà Nẵng ngày 12/3 vì sốt cao.\n';

test(
  'a rejected or accepted suggestion comes back with undo, goes again with redo, and the state survives a reload',
  { skip: noChromium, timeout: 120_000 },
  async () => {
    const wb = await openWorkbench({ engine: true });
    try {
      const page = wb.page;
      let docs = new DocumentsPage(page);
      const ed = new EditorPage(page);
      await docs.importFile('undo.txt', FILE, 'text');
      await docs.preannotateAll();
      await docs.jobState('done');
      await docs.open('1');

      const fever = ed.suggestion('SYMPTOM_AND_DISEASE', 'sốt cao');
      await fever.click();
      await ed.press('Delete');
      await fever.waitFor({ state: 'detached' });
      await ed.saved();
      await ed.press('Control+z');
      await page.locator('[aria-pressed="true"]').and(fever).waitFor();
      await ed.saved();
      await ed.press('Control+Shift+Z');
      await fever.waitFor({ state: 'detached' });

      // Accept, then undo: the entity goes and the suggestion is back (pending on the server too).
      const date = ed.suggestion('DATE', '12/3');
      await date.click();
      await ed.press('Enter');
      await ed.span('DATE: 12/3').waitFor();
      await date.waitFor({ state: 'detached' });
      await ed.press('Control+z');
      await page.locator('[aria-pressed="true"]').and(date).waitFor();
      await ed.span('DATE: 12/3').waitFor({ state: 'detached' });
      const revision = await ed.saved();
      assert.equal(
        revision,
        2,
        'the accept and its undo are revisions; the reject, reopen and reject are outcomes only',
      );

      await page.reload();
      await page.locator('main[data-ready="true"]').waitFor();
      docs = new DocumentsPage(page);
      // The list counts the pending suggestions: the organisation and the date, not the rejected symptom.
      await docs.row('1').locator('td').nth(5).filter({ hasText: /^2$/ }).waitFor();
      await docs.open('1');
      await date.waitFor();
      await ed.suggestion('ORGANIZATION', 'Bệnh viện Đà Nẵng').waitFor();
      assert.equal(await fever.count(), 0, 'the redone reject holds after a reload');
      assert.equal(await ed.span('DATE: 12/3').count(), 0);
      assert.equal(await page.getByTestId('save-status').getAttribute('data-revision'), '2');
    } finally {
      await wb.close();
    }
  },
);
