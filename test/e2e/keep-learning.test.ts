// Keep learning in the browser (issue 12, point 5): the Models view's project settings switch it on (every 10 newly
// finished documents); finishing the tenth document starts a training by itself, shown in "Train a model for this
// project" as started automatically, and the better version it gives re-annotates the unfinished documents. The
// trainer is the stand-in of support/fake-trainer.mjs (its version scores 0.5 against the embedded model's 0.25).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { api, fakePython, trainablePackage } from './support/trainer.js';
import { DocumentsPage } from './pages/documents-page.js';
import { ModelsPage } from './pages/models-page.js';

test(
  'keep learning: switched on in the Models view, the tenth finished document trains a better version that re-annotates the rest',
  { skip: noChromium, timeout: 180_000 },
  async () => {
    const pkg = trainablePackage();
    const { bin, python } = fakePython();
    Object.assign(process.env, { WORKBENCH_TEST_EMBEDDED_PACKAGE: pkg, WORKBENCH_PYTHON: python });
    const wb = await openWorkbench({ engine: true });
    try {
      const { page } = wb;
      const docs = new DocumentsPage(page);
      const models = new ModelsPage(page);
      await api(wb, 'labels.add', { projectId: 1, name: 'Triệu_chứng' });
      const lines = Array.from({ length: 12 }, (_, i) => `Bệnh nhân số ${i + 1} ở Hà Nội bị sốt cao ngày ${i + 1}/3.`);
      await docs.importFile('ca.txt', lines.join('\n') + '\n', 'text');
      const listed = (await api(wb, 'documents.list', { projectId: 1, limit: 100 })) as { items: { id: number }[] };
      const ids = listed.items.map((d) => d.id).sort((a, b) => a - b);
      for (const id of ids.slice(0, 9)) await api(wb, 'documents.setStatus', { documentId: id, status: 'done' });

      await models.show();
      await page.getByRole('checkbox', { name: /Tự học tiếp/ }).check();
      await page.getByRole('spinbutton', { name: /Huấn luyện lại sau mỗi/ }).fill('10');
      await page.getByRole('button', { name: /Lưu cài đặt/ }).click();
      await page.locator('[data-testid="project-settings"][data-retrain-every="10"]').waitFor();
      // Nine finished documents: fewer than any training needs, so nothing started.
      assert.equal(
        await page.getByTestId('keep-learning-count').textContent(),
        'Đã xong 9 tài liệu; lần huấn luyện gần nhất học từ 0.',
      );
      assert.equal(await page.getByTestId('train-job').count(), 0);

      // The tenth: a training starts by itself and shows where a person's would, then re-annotates the other two.
      await api(wb, 'documents.setStatus', { documentId: ids[9], status: 'done' });
      const job = page.locator(
        '[data-testid="train-job"][data-trigger="auto"][data-state="done"][data-activated="true"]',
      );
      await job.waitFor();
      assert.match((await page.getByTestId('train-auto').textContent()) ?? '', /Tự học tiếp: bắt đầu tự động/);
      assert.match(
        (await page.getByTestId('train-reannotated').textContent()) ?? '',
        /gán nhãn lại 2 tài liệu chưa xong/,
      );
      const modelId = await page.getByTestId('train-job').getAttribute('data-model-id');
      await models.versions.locator(`tr[data-model-id="${modelId}"][data-active="true"]`).waitFor();
      await page
        .locator('[data-testid="keep-learning-count"]', { hasText: 'lần huấn luyện gần nhất học từ 10.' })
        .waitFor();
      // The project's own curve has its first point: the version's held-out F1 by its training documents.
      await models.chart.waitFor();
      await page
        .getByRole('table', { name: /Learning curve of this project's models/ })
        .getByRole('row', { name: /^Mô hình cho nhãn của dự án \d+ 0\.500/ })
        .waitFor();
    } finally {
      for (const key of ['WORKBENCH_TEST_EMBEDDED_PACKAGE', 'WORKBENCH_PYTHON']) delete process.env[key];
      await wb.close();
      rmSync(pkg, { recursive: true, force: true });
      rmSync(bin, { recursive: true, force: true });
    }
  },
);
