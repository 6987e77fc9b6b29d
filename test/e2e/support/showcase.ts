// A fixed workbench for the accessibility and screenshot tests: a home folder of its own (for the export dialog's
// folder browser), four medical notes imported as doccano JSONL (one with spans nested three deep: a department of a
// hospital of a city), pre-annotated by the deterministic test engine, one marked done. The same data every run.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from './fixture.js';
import { DocumentsPage } from '../pages/documents-page.js';

/** Code-point offsets of `phrase` in `text` (its first occurrence), as doccano counts. */
function at(text: string, phrase: string, label: string): [number, number, string] {
  const start = Array.from(text.slice(0, text.indexOf(phrase))).length;
  return [start, start + Array.from(phrase).length, label];
}

const NESTED =
  'Bệnh nhân Nguyễn Văn An, 45 tuổi, được chuyển đến Khoa Hồi sức Bệnh viện Đà Nẵng ngày 12/3 vì sốt cao, khó thở.';
const NOTES: { text: string; spans: [string, string][] }[] = [
  {
    text: NESTED,
    spans: [
      ['Nguyễn Văn An', 'NAME'],
      ['45', 'AGE'],
      ['Khoa Hồi sức Bệnh viện Đà Nẵng', 'ORGANIZATION'],
      ['Bệnh viện Đà Nẵng', 'ORGANIZATION'],
      ['Đà Nẵng', 'LOCATION'],
      ['12/3', 'DATE'],
      ['sốt cao', 'SYMPTOM_AND_DISEASE'],
      ['khó thở', 'SYMPTOM_AND_DISEASE'],
    ],
  },
  {
    text: 'Bà Trần Thị Hoa, 62 tuổi, ở Hà Nội, đau ngực trái từ sáng 3/4, được đưa vào Bệnh viện Bạch Mai.',
    spans: [],
  },
  { text: 'Ngày 12/3 bệnh nhân sốt cao 39 độ, ho khan, được xét nghiệm tại Bệnh viện Đà Nẵng.', spans: [] },
  { text: 'Cháu bé 7 tuổi ở Huế nhập viện vì tiêu chảy, mất nước nhẹ.', spans: [] },
];

export const NESTED_NOTE = NESTED;

export interface Showcase {
  wb: Workbench;
  page: Page;
  home: string;
  close(): Promise<void>;
}

/** Opens the workbench over the fixed data, in `locale` ('vi' or 'en'), on the document list. */
export async function openShowcase(locale: 'vi' | 'en'): Promise<Showcase> {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'wb-showcase-home-')));
  mkdirSync(join(home, 'Documents', 'xuat-du-lieu'), { recursive: true });
  mkdirSync(join(home, 'Desktop'));
  writeFileSync(join(home, 'Documents', 'ca-benh-thang-3.jsonl'), '{"text": "x"}\n');
  const wb = await openWorkbench({ engine: true, locale: locale === 'vi' ? 'vi-VN' : 'en-GB', env: { HOME: home } });
  const { page } = wb;
  await page.evaluate(`localStorage.setItem('workbench-locale', '${locale}')`);
  await page.reload();
  await page.locator('main[data-ready="true"]').waitFor();
  const jsonl = NOTES.map((n) =>
    JSON.stringify({ text: n.text, label: n.spans.map(([phrase, label]) => at(n.text, phrase, label)) }),
  ).join('\n');
  const docs = new DocumentsPage(page);
  await docs.importFile('ca-benh.jsonl', `${jsonl}\n`, 'doccano');
  await page.getByRole('combobox', { name: /Scope/ }).selectOption('unfinished');
  await page.getByRole('button', { name: /Pre-annotate/ }).click();
  await docs.jobState('done');
  return {
    wb,
    page,
    home,
    async close() {
      await wb.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
