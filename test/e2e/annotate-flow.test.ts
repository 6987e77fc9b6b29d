// The whole loop in the browser host: import -> pre-annotate -> correct by keyboard and mouse (nested entity,
// resize, relabel, delete, undo, redo) -> mark done -> export -> the exported file holds exactly these spans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noChromium } from './support/browser.js';
import { bratSpans } from './support/outsider.js';
import { openWorkbench } from './support/fixture.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';

const TEXT = 'Bệnh nhân được chuyển đến Bệnh viện Đà Nẵng ngày 12/3 vì sốt cao.';
const FILE = `${TEXT}\nNgười bệnh đi máy bay từ Hà Nội về Huế.\n`;

/** Code-point offsets of `phrase` in TEXT. */
function at(phrase: string): { start: number; end: number } {
  const start = Array.from(TEXT.slice(0, TEXT.indexOf(phrase))).length;
  return { start, end: start + Array.from(phrase).length };
}

test(
  'import, pre-annotate, correct by keyboard and mouse, mark done, export',
  { skip: noChromium, timeout: 120_000 },
  async () => {
    const wb = await openWorkbench({ engine: true });
    try {
      const page = wb.page;
      const docs = new DocumentsPage(page);
      const ed = new EditorPage(page);

      await docs.importFile('ca-benh.txt', FILE, 'text');
      await docs.row('1').waitFor();

      await docs.preannotateAll();
      const job = await docs.jobState('done');
      assert.deepEqual(job, { done: 2, total: 2 });
      await page.getByTestId('device').filter({ hasText: 'CPU' }).waitFor();

      await docs.open('1');
      // Suggestions are drawn dashed and named with their score; accept those at or above 0.7 in one go.
      await ed.suggestion('ORGANIZATION', 'Bệnh viện Đà Nẵng').waitFor();
      await ed.suggestion('SYMPTOM_AND_DISEASE', 'sốt cao').waitFor();
      await page.getByRole('spinbutton', { name: 'Score threshold' }).fill('0.7');
      await ed.button('Accept all').click();
      await ed.span('ORGANIZATION: Bệnh viện Đà Nẵng').waitFor();
      await ed.span('DATE: 12/3').waitFor();
      // Reject the low-scoring one.
      await ed.suggestion('SYMPTOM_AND_DISEASE', 'sốt cao').click();
      await ed.button('Reject').click();
      await ed.suggestion('SYMPTOM_AND_DISEASE', 'sốt cao').waitFor({ state: 'detached' });

      // Mouse: select "Đà Nẵng" inside the organisation and press LOCATION's key: a nested entity.
      await ed.dragSelect('Đà Nẵng');
      await ed.press('6');
      await ed.span('LOCATION: Đà Nẵng').waitFor();
      await ed.span('ORGANIZATION: Bệnh viện Đà Nẵng').waitFor();

      // Keyboard only: caret to "sốt" (token 12), extend over "cao", label SYMPTOM_AND_DISEASE (key 9).
      await ed.text.focus();
      await ed.press('Escape', 'Home', ...Array(12).fill('ArrowRight'), 'Shift+ArrowRight', '9');
      await ed.span('SYMPTOM_AND_DISEASE: sốt cao').waitFor();
      // Resize by keyboard: the end one syllable left ...
      await ed.press('Control+Shift+ArrowLeft');
      await ed.span('SYMPTOM_AND_DISEASE: sốt').waitFor();
      // ... and back by dragging the end handle past "cao".
      await ed.dragEndHandleTo('sốt cao');
      await ed.span('SYMPTOM_AND_DISEASE: sốt cao').waitFor();

      // Relabel by key, then back with the label box.
      await ed.span('DATE: 12/3').click();
      await ed.press('1');
      await ed.span('PATIENT_ID: 12/3').waitFor();
      await page.getByRole('combobox', { name: 'Label' }).selectOption('DATE');
      await ed.span('DATE: 12/3').waitFor();

      // A wrong entity around an existing one, deleted; undo brings it back, redo deletes it again.
      await ed.text.focus();
      await ed.press(
        'Escape',
        'Home',
        ...Array(5).fill('ArrowRight'),
        'Shift+ArrowRight',
        'Shift+ArrowRight',
        'Shift+ArrowRight',
        '2',
      );
      await ed.span('NAME: Bệnh viện Đà Nẵng').waitFor();
      await ed.press('Delete');
      await ed.span('NAME: Bệnh viện Đà Nẵng').waitFor({ state: 'detached' });
      await ed.press('Control+z');
      await ed.span('NAME: Bệnh viện Đà Nẵng').waitFor();
      await ed.button('Redo').click();
      await ed.span('NAME: Bệnh viện Đà Nẵng').waitFor({ state: 'detached' });
      await ed.saved();

      await ed.button('Mark done').click();
      await page.locator('.editor[data-status="done"]').waitFor();

      await page.getByRole('button', { name: 'Export…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Export annotations' });
      // The data folder itself is refused as a destination; its exports/ is the place inside it an export may go.
      const dest = join(wb.dataDir, 'exports', 'out-brat');
      await dialog.getByRole('combobox', { name: 'Format' }).selectOption('brat');
      await dialog.getByRole('combobox', { name: 'Scope' }).selectOption('done');
      await dialog.getByRole('textbox', { name: 'Destination' }).fill(dest);
      await dialog.getByRole('button', { name: 'Export' }).click();
      const summary = page.getByTestId('export-summary');
      await summary.waitFor();
      assert.equal(await summary.getAttribute('data-destination'), dest);

      const ann = readdirSync(dest).find((f) => f.endsWith('.ann'));
      assert.ok(ann, `no .ann file in ${readdirSync(dest).join(', ')}`);
      assert.equal(readdirSync(dest).filter((f) => f.endsWith('.ann')).length, 1, 'only the done document is exported');
      const spans = bratSpans(dest, ann.replace(/\.ann$/u, ''));
      const expected = [
        { label: 'ORGANIZATION', ...at('Bệnh viện Đà Nẵng'), text: 'Bệnh viện Đà Nẵng' },
        { label: 'LOCATION', ...at('Đà Nẵng'), text: 'Đà Nẵng' },
        { label: 'DATE', ...at('12/3'), text: '12/3' },
        { label: 'SYMPTOM_AND_DISEASE', ...at('sốt cao'), text: 'sốt cao' },
      ];
      assert.deepEqual(spans, expected);

      // Exporting again to the same folder: the UI asks, naming the folder, and only a yes writes into it.
      writeFileSync(join(dest, 'notes.md'), 'mine');
      await dialog.getByRole('button', { name: 'Export' }).click();
      const ask = page.getByTestId('export-overwrite');
      await ask.waitFor();
      assert.equal(await ask.getAttribute('data-path'), dest);
      // The UI speaks Vietnamese by default: "Thư mục <dest> đã có N mục" (the folder already holds N entries).
      assert.ok(
        ((await ask.textContent()) ?? '').includes(`${dest} đã có ${readdirSync(dest).length} mục`),
        (await ask.textContent()) ?? '',
      );
      await ask.getByRole('button', { name: 'Cancel' }).click();
      await ask.waitFor({ state: 'detached' });
      await dialog.getByRole('button', { name: 'Export' }).click();
      await ask.waitFor();
      await ask.getByRole('button', { name: 'Write into folder' }).click();
      await summary.waitFor();
      assert.equal(await summary.getAttribute('data-destination'), dest);
      assert.equal(readFileSync(join(dest, 'notes.md'), 'utf8'), 'mine', "a file of the user's in the folder is kept");
      assert.equal(readdirSync(dest).filter((f) => f.endsWith('.ann')).length, 1);
    } finally {
      await wb.close();
    }
  },
);
