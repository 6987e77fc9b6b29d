// "Train a model for this project" in the Models view (issue 12): progress with loss, Cancel, then a version that
// beats the active model becomes active (the result says why), and one that does not is kept but not made active
// (the result says why not). The trainer is the stand-in of support/fake-trainer.mjs, as in active-learning.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { api, fakePython, trainablePackage } from './support/trainer.js';
import { DocumentsPage } from './pages/documents-page.js';
import { ModelsPage } from './pages/models-page.js';

test(
  'train a model for this project: progress, Cancel, active only when it beats the active model, and why',
  { skip: noChromium, timeout: 180_000 },
  async () => {
    const pkg = trainablePackage();
    const { bin, python } = fakePython();
    const gate = join(bin, 'gate');
    const compare = join(bin, 'compare');
    const seen = join(bin, 'seen');
    Object.assign(process.env, {
      WORKBENCH_TEST_EMBEDDED_PACKAGE: pkg,
      WORKBENCH_PYTHON: python,
      FAKE_TRAINER_GATE: gate,
      FAKE_TRAINER_COMPARE: compare,
      FAKE_TRAINER_SEEN: seen,
    });
    const wb = await openWorkbench({ engine: true });
    try {
      const { page } = wb;
      const docs = new DocumentsPage(page);
      const models = new ModelsPage(page);
      await api(wb, 'labels.add', { projectId: 1, name: 'Triệu_chứng' });
      const lines = Array.from({ length: 12 }, (_, i) => `Bệnh nhân số ${i + 1} ở Hà Nội bị sốt cao ngày ${i + 1}/3.`);
      await docs.importFile('ca.txt', lines.join('\n') + '\n', 'text');
      const listed = (await api(wb, 'documents.list', { projectId: 1, limit: 100 })) as { items: { id: number }[] };
      for (const doc of listed.items.slice(0, 10))
        await api(wb, 'documents.setStatus', { documentId: doc.id, status: 'done' });

      await models.show();
      const train = page.getByRole('button', { name: /Train a model for this project/ });
      const job = page.getByTestId('train-job');

      // Held after its first step: phase, step and loss show; Cancel stops it and nothing is registered.
      await train.click();
      await page.locator('[data-testid="train-job"][data-state="running"][data-phase="train"]').waitFor();
      assert.equal(await page.getByTestId('train-loss').textContent(), '1.0000');
      assert.equal(await page.getByRole('progressbar', { name: /Training progress/ }).count(), 1);
      assert.equal(await train.isDisabled(), true);
      await page.getByTestId('train-cancel').click();
      await page.locator('[data-testid="train-job"][data-state="cancelled"]').waitFor();
      assert.equal(await models.versions.locator('tbody tr').count(), 1);

      // Through (from the embedded model, the default): 0.5 on the held-out documents against the active (embedded) model's 0.25: active.
      writeFileSync(gate, '');
      await train.click();
      await page.locator('[data-testid="train-job"][data-state="done"][data-activated="true"]').waitFor();
      const first = await job.getAttribute('data-model-id');
      await models.versions.locator(`tr[data-model-id="${first}"][data-active="true"]`).waitFor();
      assert.equal(await page.getByTestId('train-heldout-f1').textContent(), '0.500');
      assert.match(
        (await page.getByTestId('train-reason').textContent()) ?? '',
        /beats the active model .* \(0\.2500\) on the same 2 documents/,
      );
      const versions = (await api(wb, 'models.versions', { projectId: 1 })) as {
        versions: { id: number; path: string; metrics: { labels?: string[] } }[];
      };
      const created = versions.versions.find((v) => String(v.id) === first)!;
      assert.ok(created.metrics.labels?.includes('Triệu_chứng'));
      assert.ok(
        JSON.parse(readFileSync(join(created.path, 'manifest.json'), 'utf8')).output.labels.includes('Triệu_chứng'),
      );

      assert.equal(await models.versions.getByTestId('version-heldout-seen').count(), 0);

      // From scratch, against an active model that scores 0.9: kept, not active, and the result says why not; one of
      // its held-out documents was training data, which its row says beside its score.
      writeFileSync(compare, '0.9');
      writeFileSync(seen, '1');
      await page.getByRole('combobox', { name: /Start from/ }).selectOption('scratch');
      await train.click();
      await page.locator('[data-testid="train-job"][data-state="done"][data-activated="false"]').waitFor();
      const second = await job.getAttribute('data-model-id');
      assert.notEqual(second, first);
      assert.match(
        (await page.getByTestId('train-reason').textContent()) ?? '',
        /does not beat the active model .* \(0\.9000\) on the same 2 documents; it is kept as a version, not made active/,
      );
      await models.versions.locator(`tr[data-model-id="${second}"][data-active="false"]`).waitFor();
      const seenNote = models.versions.locator(`tr[data-model-id="${second}"]`).getByTestId('version-heldout-seen');
      assert.equal(await seenNote.textContent(), '1 đã học'); // the UI speaks Vietnamese unless told otherwise
      assert.match((await seenNote.getAttribute('title')) ?? '', /^1 tài liệu giữ lại .* cao hơn thực tế$/);
      await models.versions.locator(`tr[data-model-id="${first}"][data-active="true"]`).waitFor();
    } finally {
      for (const key of [
        'WORKBENCH_TEST_EMBEDDED_PACKAGE',
        'WORKBENCH_PYTHON',
        'FAKE_TRAINER_GATE',
        'FAKE_TRAINER_COMPARE',
        'FAKE_TRAINER_SEEN',
      ])
        delete process.env[key];
      await wb.close();
      rmSync(pkg, { recursive: true, force: true });
      rmSync(bin, { recursive: true, force: true });
    }
  },
);
