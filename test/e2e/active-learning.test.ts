// Active learning in the browser host: the "next most useful document" queue (strategies, reasons, near-duplicates,
// cost-aware ranking, Open next, "Next document" following the queue) and the Models view (versions, the
// learning-curve chart, fine-tuning refused with the service's own message). The lexicon stand-in engine gives
// deterministic made-up signals (test/e2e/support/lexicon-engine.ts), so the expected orders below follow from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { noChromium } from './support/browser.js';
import { openWorkbench } from './support/fixture.js';
import { api, fakePython, trainablePackage } from './support/trainer.js';
import { DocumentsPage } from './pages/documents-page.js';
import { EditorPage } from './pages/editor-page.js';
import { ModelsPage } from './pages/models-page.js';
import { QueuePage } from './pages/queue-page.js';

// Document names are line numbers. Signals per the stand-in: mean entropy = mean (1 − score) of the lexicon's
// suggestions (0.05 when none), max entropy = 0.2 + 0.1 × (syllables mod 7), 1 − margin = 1 − lowest score.
const LINES = [
  'Người bệnh đi máy bay từ Hà Nội về Huế.', // 1: LOCATION 0.95 -> mean 0.05, 10 syllables -> max 0.5, 1-margin 0.05
  'Bệnh nhân sốt cao ngày 12/3.', // 2: SYMPTOM 0.55 + DATE 0.9 -> mean 0.275, 6 syllables -> max 0.8, 1-margin 0.45
  'Bệnh viện Đà Nẵng tiếp nhận ca bệnh số 1.', // 3: ORGANIZATION 0.71 -> mean 0.29, max 0.5, 1-margin 0.29
  'Không có triệu chứng gì.', // 4: nothing -> mean 0.05, 5 syllables -> max 0.7, 1-margin 0
  'Bệnh viện Đà Nẵng tiếp nhận ca bệnh số 2.', // 5: 3 again, numbers aside: a near-duplicate, always after 3
];

test(
  'the queue ranks unfinished documents by each strategy with its reason, and Open next / Next document follow it',
  { skip: noChromium, timeout: 180_000 },
  async () => {
    const wb = await openWorkbench({ engine: true });
    try {
      const { page } = wb;
      const docs = new DocumentsPage(page);
      const queue = new QueuePage(page);
      const editor = new EditorPage(page);

      await docs.importFile('ca.txt', LINES.join('\n') + '\n', 'text');
      // Nothing pre-annotated: every document unscored, in list order, saying so.
      await queue.waitForOrder(['1', '2', '3', '4', '5']);
      assert.equal(await queue.reason('1').textContent(), 'chưa gán nhãn trước');

      await docs.preannotateAll();
      await docs.jobState('done');
      // Default strategy: mean entity-token entropy. 5 duplicates 3 (numbers aside), so it goes last.
      await queue.waitForOrder(['3', '2', '1', '4', '5']);
      assert.equal(
        await queue.reason('3').textContent(),
        'mô hình chưa chắc về các thực thể nó đánh dấu (độ phân vân trung bình 0.29, 10 đoạn văn bản)',
      );
      assert.match((await queue.reason('5').textContent())!, /; gần giống hệt 3 \(#3\) nên được dời xuống$/);
      await page.locator('[data-testid="queue-count"][data-total="5"][data-scored="5"]').waitFor();
      // The list and the queue show the same uncertainty number for each document.
      await docs.row('5').waitFor();
      for (const id of ['1', '2', '3', '4', '5']) {
        const inList = (await docs.row(id).getByTestId('uncertainty').textContent())!.trim();
        const inQueue = (await page
          .locator(`section.queue li[data-document-id="${id}"] [data-testid="queue-uncertainty"]`)
          .textContent())!.trim();
        assert.equal(inQueue, inList, `document ${id}: queue ${inQueue}, list ${inList}`);
      }

      // A fresh page load ranks at once: no "0 unfinished" until something happens.
      await page.reload();
      await page.locator('[data-testid="queue-count"][data-total="5"][data-scored="5"]').waitFor();
      await queue.waitForOrder(['3', '2', '1', '4', '5']);
      assert.equal(await queue.region.getByRole('button', { name: /Open next/ }).isDisabled(), false);

      await queue.choose('entropy-max');
      await queue.waitForOrder(['2', '4', '1', '3', '5']);
      await queue.choose('margin');
      await queue.waitForOrder(['2', '3', '1', '4', '5']);
      assert.equal(
        await queue.reason('2').textContent(),
        'mô hình lưỡng lự giữa hai nhãn: hai lựa chọn đầu chỉ cách nhau 0.55 (điểm 0.45)',
      );

      // Disagreement needs the two sampled runs: unscored until pre-annotated with "Measure disagreement".
      await queue.choose('disagreement');
      await page.locator('section.queue li[data-unscored="true"]').first().waitFor();
      assert.match((await queue.reason('3').textContent())!, /^chưa so hai lần chạy/);
      await page.getByRole('checkbox', { name: /Measure disagreement/ }).check();
      await docs.preannotateAll();
      await docs.jobState('done');
      await queue.waitForOrder(['3', '2']);
      await page.locator('section.queue li[data-document-id="3"][data-score="1"]').waitFor();

      // English reasons; cost-aware divides by length (2 has 6 syllables, 3 has 10).
      await page.getByRole('combobox', { name: 'Language' }).selectOption('en');
      await queue.choose('entropy-mean');
      await queue.waitForOrder(['3', '2', '1', '4', '5']);
      assert.equal(
        await queue.reason('3').textContent(),
        'the model is unsure of the entities it marked (average doubt 0.29, 10 text pieces)',
      );
      await queue.region.getByRole('checkbox', { name: /divide by length/ }).check();
      await queue.waitForOrder(['2', '3', '4', '1', '5']);
      assert.equal(
        await queue.reason('2').textContent(),
        'the model is unsure of the entities it marked (average doubt 0.27, 6 text pieces), divided by its length of 6 text pieces → 0.046',
      );
      await queue.region.getByRole('checkbox', { name: /divide by length/ }).uncheck();
      await queue.waitForOrder(['3', '2', '1', '4', '5']);

      // Random works without signals and is stable for its seed.
      await queue.choose('random');
      await page
        .locator('section.queue li[data-document-id="3"] [data-testid="queue-reason"]')
        .filter({ hasText: /^picked at random for comparison \(draw 0\.\d\d\)/ })
        .waitFor();
      await queue.choose('entropy-mean');
      await queue.waitForOrder(['3', '2', '1', '4', '5']);

      // Open next opens the top document; after marking it done, Next document follows the queue (5, no longer
      // a duplicate of anything left) rather than the list order (which would give 4).
      await queue.region.getByRole('button', { name: 'Open next' }).click();
      await editor.text.filter({ hasText: 'ca bệnh số 1.' }).waitFor();
      await editor.button('Mark done').click();
      await page.locator('.editor[data-status="done"]').waitFor();
      await editor.button('Next document').click();
      await editor.text.filter({ hasText: 'ca bệnh số 2.' }).waitFor();
      await editor.button('Next document').click();
      await editor.text.filter({ hasText: 'sốt cao ngày 12/3.' }).waitFor();

      // Back in the list, the finished document has left the queue.
      await docs.show();
      await queue.waitForOrder(['5', '2', '1', '4']);
      assert.equal(await queue.items.count(), 4);
    } finally {
      await wb.close();
    }
  },
);

/** A copy of the tiny fixture package whose manifest says it carries trainable weights (the refusal checks come first). */

test(
  'the Models view lists the versions, draws the learning curves, and shows why fine-tuning cannot start',
  { skip: noChromium, timeout: 120_000 },
  async () => {
    const pkg = trainablePackage();
    // The stand-in engine's embedded model is this package (read by the server this test starts).
    process.env.WORKBENCH_TEST_EMBEDDED_PACKAGE = pkg;
    const wb = await openWorkbench({ engine: true });
    try {
      const { page } = wb;
      const docs = new DocumentsPage(page);
      const models = new ModelsPage(page);
      // A saved `workbench simulate` result: shown apart from this project's (still empty) curve, collapsed.
      mkdirSync(join(wb.dataDir, 'simulations', 'demo'), { recursive: true });
      writeFileSync(
        join(wb.dataDir, 'simulations', 'demo', 'results.json'),
        JSON.stringify({
          runs: [
            {
              name: 'entropy-mean',
              rounds: [
                { labeled: 50, dev: { f1: 0.41 } },
                { labeled: 100, dev: { f1: 0.55 } },
              ],
            },
            {
              name: 'random',
              rounds: [
                { labeled: 50, dev: { f1: 0.38 } },
                { labeled: 100, dev: { f1: 0.47 } },
              ],
            },
          ],
        }),
      );
      await docs.importFile('ca.txt', LINES.slice(0, 3).join('\n') + '\n', 'text');

      await models.show();
      // The embedded model is the one in use while nothing else was activated.
      await models.activeVersion.filter({ hasText: 'tiny-qwen2-l2-h64-s7' }).waitFor();
      assert.match((await models.activeVersion.textContent())!, /Đang dùng/);
      await page.getByText('Chưa tinh chỉnh lần nào.').waitFor();

      // The project's own curve has no point yet, and says how it gets one; no simulation is drawn as the project's.
      await page.getByTestId('no-curve-points').waitFor();
      assert.equal(await models.chart.count(), 0);
      await models.simulations();
      const numbers = page.getByRole('table', { name: /Simulations \(workbench simulate\)/ });
      assert.equal(await numbers.getByRole('row', { name: /^demo: / }).count(), 4);
      // Series are named in words (the strategy as the queue's picker says it), not by id.
      await numbers.getByRole('row', { name: /demo: Ngẫu nhiên \(để so sánh\) 100 0\.470/ }).waitFor();
      // The reference simulation shipped in assets/simulations is there too, named as what it is.
      await numbers
        .getByRole('row', { name: /^PhoNER_COVID19, đi kèm: Nhiều chỗ phân vân trong cả văn bản 1200 / })
        .waitFor();

      // Project settings: keep learning (off by default) switched on every 15 documents, the lexicon switched off; kept.
      const settings = page.getByTestId('project-settings');
      assert.equal(await settings.getAttribute('data-retrain-every'), '');
      await page.getByRole('checkbox', { name: /Tự học tiếp/ }).check();
      await page.getByRole('spinbutton', { name: /Huấn luyện lại sau mỗi/ }).fill('15');
      await page.getByRole('checkbox', { name: /Gợi ý từ từ điển/ }).uncheck();
      await page.getByRole('button', { name: /Lưu cài đặt/ }).click();
      await page.getByTestId('settings-saved').waitFor();
      assert.deepEqual(
        [await settings.getAttribute('data-retrain-every'), await settings.getAttribute('data-lexicon')],
        ['15', 'false'],
      );
      const stored = (await api(wb, 'projects.settings', { projectId: 1 })) as {
        retrainEvery: number | null;
        lexicon: boolean;
      };
      assert.deepEqual([stored.retrainEvery, stored.lexicon], [15, false]);

      if ((await models.trainerUnavailable.count()) === 0) {
        // The trainer is here but no document is finished: the button is off and says why, in Vietnamese.
        assert.equal(await models.fineTuneButton.isDisabled(), true);
        assert.equal(
          await page.getByTestId('fine-tune-why').textContent(),
          'Cần thêm 10 tài liệu đã xong nữa mới tinh chỉnh được.',
        );
        // Training a model for the project's labels likewise.
        assert.equal(await page.getByRole('button', { name: 'Huấn luyện mô hình cho dự án này' }).isDisabled(), true);
        assert.equal(
          await page.getByTestId('train-why').textContent(),
          'Cần thêm 10 tài liệu đã xong nữa mới huấn luyện được.',
        );
      } else {
        // No Python environment: the reason and the setup command are shown, and the button is off.
        assert.match(
          (await models.trainerUnavailable.textContent())!,
          /Chưa cài môi trường Python.*npm run setup:python/,
        );
        assert.equal(await models.fineTuneButton.isDisabled(), true);
      }
      // The picker in the Documents view starts on the model in use.
      await docs.show();
      await modelChoice(page, 'embedded');
    } finally {
      delete process.env.WORKBENCH_TEST_EMBEDDED_PACKAGE;
      await wb.close();
      rmSync(pkg, { recursive: true, force: true });
    }
  },
);

/** Waits until the pre-annotate model picker shows `value` (it follows the active version once models.list answers). */
async function modelChoice(page: Page, value: string): Promise<void> {
  // A function, not source text (the page's CSP refuses string evaluation); only the page's globals inside.
  await page.waitForFunction((want) => {
    const select = (
      globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }
    ).document.querySelector('.preannotate select');
    return select?.value === want;
  }, value);
}

test(
  'fine-tune from corrections: progress with loss, Cancel, a new active version, re-annotation, restore',
  { skip: noChromium, timeout: 180_000 },
  async () => {
    // The trainer is a stand-in speaking dnw.package.finetune_package's protocol (support/fake-trainer.mjs), found through
    // $WORKBENCH_PYTHON like a real environment; the base is the trainable copy of the tiny fixture package.
    const pkg = trainablePackage();
    const { bin, python } = fakePython();
    const gate = join(bin, 'gate');
    Object.assign(process.env, {
      WORKBENCH_TEST_EMBEDDED_PACKAGE: pkg,
      WORKBENCH_PYTHON: python,
      FAKE_TRAINER_GATE: gate,
    });
    const wb = await openWorkbench({ engine: true });
    try {
      const { page } = wb;
      const docs = new DocumentsPage(page);
      const models = new ModelsPage(page);
      const lines = Array.from({ length: 12 }, (_, i) => `Bệnh nhân số ${i + 1} ở Hà Nội bị sốt cao ngày ${i + 1}/3.`);
      await docs.importFile('ca.txt', lines.join('\n') + '\n', 'text');
      const page1 = (await api(wb, 'documents.list', { projectId: 1, limit: 100 })) as { items: { id: number }[] };
      for (const doc of page1.items.slice(0, 10))
        await api(wb, 'documents.setStatus', { documentId: doc.id, status: 'done' });

      await models.show();
      await page.locator('[data-testid="finished-docs"][data-done="10"]').waitFor();
      const job = page.getByTestId('fine-tune-job');

      // A run held after its first step (the gate file is missing): progress shows phase, step and loss; Cancel stops it.
      await models.fineTuneButton.click();
      await page
        .locator('[data-testid="fine-tune-job"][data-state="running"][data-phase="train"][data-done="1"]')
        .waitFor();
      assert.equal(await page.getByTestId('fine-tune-loss').textContent(), '1.0000');
      assert.equal(await page.getByRole('progressbar', { name: /Fine-tune progress/ }).count(), 1);
      assert.equal(await models.fineTuneButton.isDisabled(), true);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.locator('[data-testid="fine-tune-job"][data-state="cancelled"]').waitFor();
      await page
        .getByRole('table', { name: /Fine-tune runs/ })
        .locator('tr[data-state="cancelled"]')
        .waitFor();
      assert.equal(await models.versions.locator('tbody tr').count(), 1);

      // Let the next run through: a new version, registered with its held-out F1, active, and the rest re-annotated.
      writeFileSync(gate, '');
      await models.fineTuneButton.click();
      await page.locator('[data-testid="fine-tune-job"][data-state="done"]').waitFor();
      const modelId = await job.getAttribute('data-model-id');
      await models.versions.locator(`tr[data-model-id="${modelId}"][data-active="true"]`).waitFor();
      const cells = (await models.activeVersion.getByRole('cell').allTextContents()).map((c) => c.trim());
      assert.deepEqual(cells.slice(0, 3), ['tiny-qwen2-l2-h64-s7 p1-ft2', '0.500', '8']);
      await page
        .getByRole('table', { name: /Fine-tune runs/ })
        .locator('tr[data-state="done"]')
        .filter({ hasText: '0.500' })
        .waitFor();
      // One measured point on this project's curve: 8 training documents, F1 0.5.
      await models.chart.waitFor();
      await page
        .getByRole('table', { name: /Learning curve of this project's models/ })
        .getByRole('row', { name: /^Phiên bản tinh chỉnh 8 0\.500/ })
        .waitFor();

      // The pre-annotate picker follows the active version; re-annotation ran over the 2 unfinished documents.
      await docs.show();
      await modelChoice(page, `model:${modelId}`);
      assert.deepEqual(await docs.jobState('done'), { done: 2, total: 2 });

      // Restore the embedded version: active again, and the picker goes back to it.
      await models.show();
      await page.getByRole('button', { name: /Restore\): tiny-qwen2-l2-h64-s7 0\.1\.0$/ }).click();
      await models.activeVersion.filter({ hasText: '0.1.0' }).waitFor();
      await page.getByRole('button', { name: /Restore\): tiny-qwen2-l2-h64-s7 p1-ft2$/ }).waitFor();
      await docs.show();
      await modelChoice(page, 'embedded');
    } finally {
      for (const key of ['WORKBENCH_TEST_EMBEDDED_PACKAGE', 'WORKBENCH_PYTHON', 'FAKE_TRAINER_GATE'])
        delete process.env[key];
      await wb.close();
      rmSync(pkg, { recursive: true, force: true });
      rmSync(bin, { recursive: true, force: true });
    }
  },
);
