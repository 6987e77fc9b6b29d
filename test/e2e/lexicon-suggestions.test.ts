// Lexicon suggestions in the browser (issue 12, point 4): with no model at all, annotate a document, mark it done,
// open another one: the form annotated there is suggested, marked as coming from the lexicon.
import { test } from 'node:test';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';

const FILE = 'Bệnh nhân 😷 ở Hà Nội bị sốt.\nCa mới ở Hà Nội, không ở Hà Nộii.\n';

test(
  'annotate a document, mark it done, open another: the lexicon suggests what was annotated',
  { skip: noChromium, timeout: 120_000 },
  async () => {
    const wb = await openWorkbench();
    try {
      const page = wb.page;
      const docs = new DocumentsPage(page);
      const ed = new EditorPage(page);
      await docs.importFile('lexicon.txt', FILE, 'text');
      await docs.open('1');
      await ed.dragSelect('Hà Nội');
      await ed.press('6');
      await ed.span('LOCATION: Hà Nội').waitFor();
      await ed.saved();
      await ed.button('Mark done').click();
      await page.locator('.editor[data-status="done"]').waitFor();

      await docs.show();
      // The list follows the lexicon's `document.changed` event: one pending suggestion on document 2.
      await docs.row('2').locator('td').nth(5).filter({ hasText: /^1$/ }).waitFor();
      await docs.open('2');
      const suggestion = ed.suggestion('LOCATION', 'Hà Nội');
      await suggestion.waitFor();
      await suggestion.click();
      // Its source in words (lib/revision-words.ts; the page is in Vietnamese), not 'workbench:lexicon VERSION'.
      await page
        .getByText(/nguồn: từ điển của dự án/)
        .first()
        .waitFor();
    } finally {
      await wb.close();
    }
  },
);
