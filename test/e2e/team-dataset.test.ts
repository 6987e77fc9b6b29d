// The dataset form of the Team tab (issue 15), in Chromium on `workbench serve --team`: an admin's gold on four
// documents, two annotators' unsettled answers on a fifth. The admin writes the dataset from the page: the licence
// field starts from the project's recorded licence, the summary's counts per split are the files' own, the typed
// licence lands in dataset.json, a folder that holds files is written into only after a yes; axe finds nothing
// serious. A curator sees the form disabled with the reason; an annotator has no Team tab at all.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureRendererBuilt } from '../../main/hosts/renderer-build.js';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, noChromium } from './support/browser.js';
import { logIn, member, startTeamServer } from './support/team-server.js';

const TEXTS = [
  'Bệnh nhân 91 ở Hà Nội.',
  'Bệnh nhân 17 đến Đà Nẵng.',
  'Chị Hoa ở Huế.',
  'Ông Nam ở Quận 1.',
  'Bệnh nhân 5 về từ Đà Lạt.',
];
const span = (d: number, part: string, label: string) => {
  const start = [...TEXTS[d].slice(0, TEXTS[d].indexOf(part))].length;
  return { label, start, end: start + [...part].length };
};
const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { label: unknown[] });

test(
  'team dataset form: an admin writes the gold standard as splits with its card; other roles cannot',
  { skip: noChromium, timeout: 300_000 },
  async () => {
    await ensureRendererBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-team-dataset-'));
    const dataDir = join(dir, 'data');
    const server = await startTeamServer(dataDir, {
      minh: 'admin',
      cur: 'curator',
      hoa: 'annotator',
      lan: 'annotator',
    });
    const url = server.openUrl;
    const browser = await launchBrowser({ locale: 'en-US' });
    try {
      const minh = await member(url, 'minh');
      const projectId = (await minh('projects.list', {}))[0].id;
      await minh('documents.import', {
        projectId,
        name: 'notes.txt',
        contentBase64: Buffer.from(TEXTS.join('\n') + '\n').toString('base64'),
        format: 'text',
        variant: 'lines',
      });
      const ids: number[] = (await minh('documents.list', { projectId })).items.map((d: { id: number }) => d.id);
      // An admin's save on the shared line is gold.
      const gold = [
        [span(0, '91', 'PATIENT_ID'), span(0, 'Hà Nội', 'LOCATION')],
        [span(1, '17', 'PATIENT_ID'), span(1, 'Đà Nẵng', 'LOCATION')],
        [span(2, 'Hoa', 'NAME'), span(2, 'Huế', 'LOCATION')],
        [span(3, 'Nam', 'NAME'), span(3, 'Quận 1', 'LOCATION')],
      ];
      for (const [d, entities] of gold.entries()) {
        const doc = await minh('documents.get', { documentId: ids[d] });
        await minh('annotations.save', { documentId: ids[d], parentRevisionId: doc.revisionId, entities });
      }
      // Two annotators finish the fifth document and nobody curates it: left out, counted.
      for (const name of ['hoa', 'lan']) {
        const who = await member(url, name);
        const doc = await who('documents.get', { documentId: ids[4] });
        const entities = [span(4, name === 'hoa' ? 'Đà Lạt' : 'Lạt', 'LOCATION')];
        await who('annotations.save', { documentId: ids[4], parentRevisionId: doc.revisionId, entities });
        await who('documents.setStatus', { documentId: ids[4], status: 'done' });
      }
      // A licence recorded earlier (as `workbench dataset --licence` would): the form starts from it.
      await minh('dataset.write', { projectId, licence: 'CC BY 4.0', destination: join(dir, 'first') });

      const page = await logIn(browser.context, url, 'minh');
      await page.getByRole('tab', { name: 'Team' }).click();
      const section = page.getByTestId('dataset-section');
      await section.waitFor();
      const licence = section.getByRole('textbox', { name: 'Licence' });
      // The field starts from the project's recorded licence once projects.settings has answered.
      await page.waitForFunction(
        `document.querySelector('[data-testid=dataset-section] input[aria-describedby=dataset-licence-help]')?.value === 'CC BY 4.0'`,
      );
      assert.equal(await licence.inputValue(), 'CC BY 4.0');
      const format = section.getByRole('combobox', { name: 'Format' });
      const offered = await format
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      assert.ok(offered.includes('doccano') && !offered.includes('text'), offered.join());
      assert.equal(await format.inputValue(), 'doccano');
      assert.deepEqual(
        await Promise.all(
          ['Train', 'Dev', 'Test'].map((n) => section.getByRole('spinbutton', { name: n }).inputValue()),
        ),
        ['80', '10', '10'],
      );

      await section.getByRole('spinbutton', { name: 'Train' }).fill('50');
      await section.getByRole('spinbutton', { name: 'Dev' }).fill('25');
      await section.getByRole('spinbutton', { name: 'Test' }).fill('25');
      await section.getByRole('spinbutton', { name: 'Seed' }).fill('7');
      await licence.fill('CC BY-NC 4.0');
      await section.getByRole('button', { name: 'Write dataset' }).click();
      const summary = section.getByTestId('dataset-summary');
      await summary.waitFor();
      const written = (await summary.getAttribute('data-destination'))!;
      assert.ok(written.startsWith(join(dataDir, 'exports')), `the default is the data folder's exports/: ${written}`);
      assert.deepEqual(readdirSync(written).sort(), [
        'DATASET_CARD.md',
        'dataset.json',
        'dev.jsonl',
        'test.jsonl',
        'train.jsonl',
      ]);
      const card = JSON.parse(readFileSync(join(written, 'dataset.json'), 'utf8')) as {
        licence: string;
        seed: number;
        sources: { awaitingCuration: number };
      };
      assert.equal(card.licence, 'CC BY-NC 4.0');
      assert.equal(card.seed, 7);
      // Every split's row is what its file holds.
      const rows = await summary
        .getByTestId('dataset-splits')
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim())));
      assert.deepEqual(
        rows.map((r) => r[0]),
        ['train', 'dev', 'test'],
      );
      for (const [name, documents, spans] of rows) {
        const records = jsonl(join(written, `${name}.jsonl`));
        assert.equal(String(records.length), documents, name);
        assert.equal(String(records.reduce((n, r) => n + r.label.length, 0)), spans, name);
      }
      assert.equal(
        rows.reduce((n, r) => n + Number(r[1]), 0),
        4,
      );
      assert.equal(
        (await summary.getByTestId('dataset-total').textContent())!.trim(),
        '4 documents, 8 entities in 5 files',
      );
      assert.equal(await summary.getByTestId('dataset-awaiting').textContent(), '1');
      assert.equal(card.sources.awaitingCuration, 1);
      assert.match(await summary.innerText(), /1 document finished by several annotators is not curated/);
      assert.deepEqual(await seriousViolations(page), []);

      // The same folder again: asked first, written only after the yes.
      await section.getByRole('textbox', { name: 'Destination' }).fill(written);
      await section.getByRole('button', { name: 'Write dataset' }).click();
      const question = section.getByTestId('dataset-overwrite');
      await question.waitFor();
      assert.match(await question.innerText(), /5 entries/);
      assert.deepEqual(await seriousViolations(page), []);
      await question.getByRole('button', { name: 'Write into folder' }).click();
      await section.getByTestId('dataset-summary').waitFor();
      assert.equal(await question.count(), 0);
      assert.ok(existsSync(join(written, 'dataset.json')));

      // A curator sees the form, disabled, and why; an annotator has no Team tab.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByTestId('login-form').waitFor();
      const curator = await logIn(browser.context, url, 'cur');
      await curator.getByRole('tab', { name: 'Team' }).click();
      const seen = curator.getByTestId('dataset-section');
      await seen.waitFor();
      const write = seen.getByRole('button', { name: 'Write dataset' });
      assert.equal(await write.isDisabled(), true);
      assert.equal(await write.getAttribute('aria-description'), 'Needs the admin role (you are curator).');
      assert.equal(await seen.getByRole('textbox', { name: 'Licence' }).isDisabled(), true);
      assert.equal(await seen.getByTestId('dataset-why').textContent(), 'Needs the admin role (you are curator).');
      await curator.getByRole('button', { name: 'Log out' }).click();
      await curator.getByTestId('login-form').waitFor();
      const annotator = await logIn(browser.context, url, 'lan');
      assert.equal(await annotator.getByRole('tab', { name: 'Team' }).count(), 0);
      assert.equal(await annotator.getByTestId('dataset-section').count(), 0);
    } finally {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
