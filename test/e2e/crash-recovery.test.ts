// Kill the server (SIGKILL: no shutdown code runs) in the middle of editing, restart it over the same data folder:
// every edit the UI showed as saved is still there, and the revision history is intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';

const FILE = 'Ông Trần Văn Lâm, giáo viên Trường Tiểu học Lê Lợi, được chẩn đoán viêm phổi ngày 3/5.\n';

test(
  'nothing acknowledged is lost when the server is killed mid-edit',
  { skip: noChromium, timeout: 120_000 },
  async () => {
    const wb = await openWorkbench();
    try {
      let docs = new DocumentsPage(wb.page);
      let ed = new EditorPage(wb.page);
      await docs.importFile('giao-vien.txt', FILE, 'text');
      await docs.open('1');

      // Three entities by keyboard: NAME "Trần Văn Lâm", JOB "giáo viên", SYMPTOM_AND_DISEASE "viêm phổi".
      await ed.text.focus();
      await ed.press('Home', 'ArrowRight', 'Shift+ArrowRight', 'Shift+ArrowRight', '2');
      await ed.span('NAME: Trần Văn Lâm').waitFor();
      await ed.press('Home', ...Array(5).fill('ArrowRight'), 'Shift+ArrowRight', '5');
      await ed.span('JOB: giáo viên').waitFor();
      await ed.press('Home', ...Array(16).fill('ArrowRight'), 'Shift+ArrowRight', '9');
      await ed.span('SYMPTOM_AND_DISEASE: viêm phổi').waitFor();
      const revision = await ed.saved();
      assert.equal(revision, 3);

      const page = await wb.restart(true);
      docs = new DocumentsPage(page);
      ed = new EditorPage(page);
      await docs.open('1');
      await ed.span('NAME: Trần Văn Lâm').waitFor();
      await ed.span('JOB: giáo viên').waitFor();
      await ed.span('SYMPTOM_AND_DISEASE: viêm phổi').waitFor();
      assert.equal(await page.getByTestId('save-status').getAttribute('data-revision'), '3');

      // Editing goes on from the stored revision (the parent check accepts it).
      await ed.span('JOB: giáo viên').click();
      await ed.press('Delete');
      await ed.span('JOB: giáo viên').waitFor({ state: 'detached' });
      await ed.revisionAtLeast(4);
    } finally {
      await wb.close();
    }
  },
);
