// The real diffusion engine behind the browser host (no stand-in): a package folder typed by the user runs (the tiny
// fixture model, whose output is junk: the job finishes, on the engine's device), a broken one shows the loader's
// message, and the embedded model in assets/model pre-annotates an imported document when it has been built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { tinyPackageCopy } from '../support/tiny-package.js';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { repoRoot } from './support/server.js';
import { DocumentsPage } from './pages/documents-page.js';

// The host's embedded model: assets/model, or $WORKBENCH_EMBEDDED_MODEL (the served process inherits it).
const EMBEDDED_MANIFEST = join(
  resolve(repoRoot, process.env.WORKBENCH_EMBEDDED_MODEL || 'assets/model'),
  'manifest.json',
);
const noEmbedded = existsSync(EMBEDDED_MANIFEST)
  ? false
  : `the embedded model is not built (${EMBEDDED_MANIFEST} is missing): see training/README.md`;
const FILE =
  'Bệnh nhân 35 tuổi ở Hà Nội có triệu chứng sốt cao từ ngày 12/3.\nSở Y tế cho biết ca bệnh tại Bệnh viện Đà Nẵng đã hết ho khan.\n';

/** The documents page with FILE imported (two documents). */
async function importFile(page: Page): Promise<DocumentsPage> {
  const docs = new DocumentsPage(page);
  await docs.importFile('ca-benh.txt', FILE, 'text');
  await docs.row('1').waitFor();
  return docs;
}

async function choosePackage(page: Page, path: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Model' }).selectOption('package');
  await page.getByRole('textbox', { name: 'Package folder' }).fill(path);
}

test(
  "a package folder runs on the real engine; a broken one shows the loader's message",
  { skip: noChromium, timeout: 120_000 },
  async () => {
    const wb = await openWorkbench();
    const broken = tinyPackageCopy((m) => delete m.tokens);
    try {
      const page = wb.page;
      const docs = await importFile(page);

      await choosePackage(page, broken);
      await docs.preannotateAll();
      await docs.jobState('failed');
      await page
        .getByRole('alert')
        .filter({ hasText: /cannot be used:\s+manifest\.json: tokens: / })
        .waitFor();

      await choosePackage(page, join(repoRoot, 'test/fixtures/tiny-model/package'));
      await docs.preannotateAll();
      assert.deepEqual(await docs.jobState('done'), { done: 2, total: 2 });
      // The device the engine really runs on, with the reason when it fell back to the CPU.
      const device = page.getByTestId('device');
      await device.filter({ hasText: /CPU — chạy trên CPU vì không dùng được GPU|GPU \(CUDA\)/ }).waitFor();
      // In Vietnamese only: the service's English reason is the line's title, not its text.
      assert.doesNotMatch((await device.textContent()) ?? '', /running|unavailable|execution provider/);
      assert.match((await device.getAttribute('title')) ?? '', /CUDA/);
      await page.locator('[data-testid="job"][data-progress="1.000"]').waitFor();
      await page.locator('tr[data-document-id="1"][data-status="pre-annotated"]').waitFor();
    } finally {
      await wb.close();
      rmSync(join(broken, '..'), { recursive: true, force: true });
    }
  },
);

test(
  'the embedded model, when not built, is offered as unavailable with the reason',
  { skip: noChromium || (!noEmbedded && 'the embedded model is built'), timeout: 60_000 },
  async () => {
    const wb = await openWorkbench();
    try {
      const option = wb.page.getByRole('combobox', { name: 'Model' }).locator('option[value="embedded"]');
      // Said in the UI's language; the service's reason is the option's title.
      assert.match((await option.textContent()) ?? '', /không dùng được/);
      assert.match(
        (await option.getAttribute('title')) ?? '',
        /the embedded model is not built: see training\/README\.md/,
      );
    } finally {
      await wb.close();
    }
  },
);

test(
  'the embedded model pre-annotates an imported document and its suggestions appear',
  { skip: noChromium || noEmbedded, timeout: 300_000 },
  async () => {
    const wb = await openWorkbench();
    try {
      const page = wb.page;
      const docs = await importFile(page);
      await page.getByRole('combobox', { name: 'Model' }).selectOption('embedded');
      await docs.preannotateAll();
      assert.deepEqual(await docs.jobState('done'), { done: 2, total: 2 });
      await docs.open('1');
      // Whatever the model found, drawn as suggestions named "LABEL: text — gợi ý (suggestion) 0.93".
      const suggestion = page.getByRole('button', { name: /^\S+: .+ — .*suggestion/ }).first();
      await suggestion.waitFor();
      const score = /(\d\.\d\d)$/.exec((await suggestion.getAttribute('aria-label')) ?? '')?.[1];
      assert.ok(score === undefined || (Number(score) >= 0 && Number(score) <= 1), `score ${score}`);
    } finally {
      await wb.close();
    }
  },
);

test(
  'the denoising replay shows the embedded model filling in the document step by step',
  { skip: noChromium || noEmbedded, timeout: 300_000 },
  async () => {
    const wb = await openWorkbench();
    try {
      const page = wb.page;
      const docs = await importFile(page);
      await docs.open('1');
      await page.getByRole('button', { name: 'Watch the model denoise' }).click();
      const panel = page.locator('section.replay[data-loading="false"]:not([data-steps="0"])');
      await panel.waitFor();
      const steps = Number(await panel.getAttribute('data-steps'));
      assert.ok(steps >= 1 && steps <= 8, `steps ${steps}`);
      // It opens on the finished canvas: nothing masked, and the labels drawn are entities the model suggests.
      assert.deepEqual(
        [await panel.getAttribute('data-step'), await panel.getAttribute('data-masked')],
        [String(steps), '0'],
      );
      assert.ok((await panel.locator('.entity').count()) > 0);
      // Before the first step every position is masked; playing runs to the end.
      await panel.getByRole('slider', { name: /Denoising step/ }).fill('0');
      await page.locator('section.replay[data-step="0"]').waitFor();
      const masked = await panel.locator('.masked').count();
      assert.ok(masked > 0);
      assert.equal(await panel.getAttribute('data-masked'), String(masked));
      await panel.getByRole('button', { name: /Play/ }).click();
      await page.locator(`section.replay[data-step="${steps}"][data-masked="0"]`).waitFor();
    } finally {
      await wb.close();
    }
  },
);
