// Label set changes in the browser: rename a label in the labels panel (asked first, in the UI's language), and the
// open text shows the new name; the old revision is still in the history; a delete of a label in use says how
// many entities go before it removes them.
// The new name has spaces ("ngày khám"): any label name works end to end (issue 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';
import { LabelsPage } from './pages/labels-page.js';

const TEXT = 'Bệnh nhân được chuyển đến Bệnh viện Đà Nẵng ngày 12/3 vì sốt cao ở Hà Nội.';

function at(phrase: string): [number, number] {
  const start = Array.from(TEXT.slice(0, TEXT.indexOf(phrase))).length;
  return [start, start + Array.from(phrase).length];
}

const FILE = `${JSON.stringify({
  text: TEXT,
  label: [
    [...at('12/3'), 'DATE'],
    [...at('Hà Nội'), 'LOCATION'],
    [...at('Đà Nẵng'), 'LOCATION'],
  ],
})}\n`;

test(
  'rename a label in the labels panel and see it on the text; delete one in use after being told how many entities go',
  { skip: noChromium, timeout: 120_000 },
  async () => {
    const wb = await openWorkbench();
    try {
      const page = wb.page;
      const docs = new DocumentsPage(page);
      const ed = new EditorPage(page);
      const labels = new LabelsPage(page);
      await docs.importFile('ca-benh.jsonl', FILE, 'doccano');
      await docs.row('1').waitFor();

      await docs.open('1');
      await ed.span('DATE: 12/3').waitFor();
      await docs.show();

      await labels.show();
      const question = await labels.rename('DATE', 'ngày khám');
      assert.match(
        question,
        /DATE.*ngày khám.*1/u,
        'the question names both names and the entities it rewrites (Vietnamese UI)',
      );
      await labels.row('ngày khám').waitFor();
      assert.equal(await labels.row('DATE').count(), 0);

      // Back to the document left open in the editor: it is read again, with the new name.
      await page.getByRole('tab', { name: 'Editor' }).click();
      await ed.span('ngày khám: 12/3').waitFor();
      assert.equal(await ed.span('DATE: 12/3').count(), 0);
      assert.equal(
        await page.getByTestId('save-status').getAttribute('data-revision'),
        '2',
        'the rename is a new revision',
      );

      await docs.show();
      await labels.show();
      const refused = await labels.delete('LOCATION');
      assert.match(refused, /LOCATION.*2.*1/u, 'the question says how many entities in how many documents go');
      await labels.row('LOCATION').waitFor({ state: 'detached' });
      await docs.open('1');
      await ed.span('ngày khám: 12/3').waitFor();
      assert.equal(await page.getByRole('button', { name: /^LOCATION: / }).count(), 0);
      assert.equal(await page.getByTestId('save-status').getAttribute('data-revision'), '3');

      // A model that says PER: its suggestions are stored as ngày khám; the mapping is listed and can be removed.
      await docs.show();
      await labels.show();
      // The form offers the labels the embedded model writes, each with the schema it learnt it in.
      const offered = await labels.offeredModelLabels();
      assert.ok(offered.includes('ten_benh: ViMedNER · dnw-embedded_v2'), offered.join(', '));
      assert.ok(offered.includes('LOCATION: PhoNER_COVID19 · dnw-embedded_v2'), offered.join(', '));
      await labels.map('PER', 'ngày khám');
      assert.match((await labels.mapping('PER').textContent()) ?? '', /PER → ngày khám/u);
      await page.getByRole('button', { name: /Remove mapping PER/ }).click();
      await labels.mapping('PER').waitFor({ state: 'detached' });
    } finally {
      await wb.close();
    }
  },
);
