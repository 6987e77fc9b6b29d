// The document list from the database: pages by seek (after / before a document id) equal the pages by offset,
// filters page the same way, totals follow writes through the triggers, and stale summaries are filled in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paramSchemas } from '../../../core/contract/methods.js';

const validate = (method: 'documents.list', params: unknown) => paramSchemas[method].parse(params);
import { tempService } from './helpers.js';

const lines = (n: number) =>
  Array.from({ length: n }, (_, i) => `Bệnh nhân ${i + 1} ở ${i % 2 ? 'Huế' : 'Hà Nội'}.`).join('\n');

async function withDocuments(n: number, fn: (env: Awaited<ReturnType<typeof tempService>>) => Promise<void>) {
  const env = await tempService();
  try {
    await env.service['documents.import']({
      projectId: 1,
      name: 'a.txt',
      contentBase64: Buffer.from(lines(n)).toString('base64'),
      format: 'text',
    });
    await fn(env);
  } finally {
    await env.close();
  }
}

test('paging forwards and back by seek gives the pages paging by offset gives', async () => {
  await withDocuments(23, async ({ service }) => {
    const ids = async (q: object) =>
      (await service['documents.list']({ projectId: 1, limit: 5, ...q })).items.map((d) => d.id);
    const byOffset = [];
    for (let offset = 0; offset < 23; offset += 5) byOffset.push(await ids({ offset }));
    const forwards = [await ids({})];
    while (forwards.length < byOffset.length) forwards.push(await ids({ after: forwards.at(-1)!.at(-1) }));
    assert.deepEqual(forwards, byOffset);
    const backwards = [forwards.at(-1)!];
    while (backwards.length < byOffset.length) backwards.unshift(await ids({ before: backwards[0][0] }));
    assert.deepEqual(
      backwards.slice(1),
      byOffset.slice(1),
      'pages back from the end end where the pages forward start',
    );
    assert.deepEqual(await ids({ after: 23 }), []);
    // A text filter pages the same way.
    const hue = async (q: object) =>
      (await service['documents.list']({ projectId: 1, text: 'huế', limit: 3, ...q })).items.map((d) => d.id);
    assert.deepEqual(await hue({}), [2, 4, 6]);
    assert.deepEqual(await hue({ after: 6 }), [8, 10, 12]);
    assert.deepEqual(await hue({ before: 8 }), [2, 4, 6]);
    assert.equal((await service['documents.list']({ projectId: 1, text: 'huế' })).total, 11);
  });
});

test('after, before and offset are one choice', () => {
  assert.throws(
    () => validate('documents.list', { projectId: 1, after: 3, offset: 5 }),
    /at most one of offset, after and before/,
  );
  assert.doesNotThrow(() => validate('documents.list', { projectId: 1, before: 3, sort: 'uncertainty' }));
});

test('in the uncertainty order too, paging by seek gives the pages paging by offset gives (ties by id, unscored last)', async () => {
  await withDocuments(23, async ({ service, store }) => {
    // Uncertainties with ties and gaps: ids 1-6 unscored, the rest in five levels.
    store.db.prepare('UPDATE documents SET uncertainty = CASE WHEN id <= 6 THEN NULL ELSE (id % 5) / 5.0 END').run();
    for (const text of [undefined, 'bệnh']) {
      const ids = async (q: object) =>
        (
          await service['documents.list']({
            projectId: 1,
            sort: 'uncertainty',
            limit: 4,
            ...(text ? { text } : {}),
            ...q,
          })
        ).items.map((d) => d.id);
      const byOffset = [];
      for (let offset = 0; offset < 23; offset += 4) byOffset.push(await ids({ offset }));
      const forwards = [await ids({})];
      while (forwards.length < byOffset.length) forwards.push(await ids({ after: forwards.at(-1)!.at(-1) }));
      assert.deepEqual(forwards, byOffset, `forwards, ${text ?? 'no filter'}`);
      for (let i = 1; i < byOffset.length; i++)
        assert.deepEqual(
          await ids({ before: byOffset[i][0] }),
          byOffset[i - 1],
          `back from page ${i}, ${text ?? 'no filter'}`,
        );
      assert.deepEqual(await ids({ after: byOffset.at(-1)!.at(-1) }), []);
    }
  });
});

test('totals and summaries follow edits, status changes and rows written without a summary', async () => {
  await withDocuments(4, async ({ service, store }) => {
    assert.equal(
      store.db.prepare('SELECT count(*) FROM documents WHERE summary_stale = 1').pluck().get(),
      0,
      'imported with their summaries',
    );
    await service['annotations.save']({
      documentId: 2,
      parentRevisionId: null,
      entities: [
        { label: 'LOCATION', start: 14, end: 17 },
        { label: 'AGE', start: 10, end: 11 },
      ],
    });
    await service['documents.setStatus']({ documentId: 2, status: 'done' });
    let progress = service['documents.progress']({ projectId: 1 });
    assert.deepEqual((await progress).byLabel, { AGE: 1, LOCATION: 1 });
    assert.deepEqual((await progress).byStatus, { done: 1, new: 3 });
    // A row as an older database holds it: summary stale. The list fills it in before answering.
    store.db
      .prepare(
        "UPDATE documents SET entity_count = 0, label_counts = '{}', labels = '', summary_stale = 1 WHERE id = 2",
      )
      .run();
    assert.equal(store.db.prepare('SELECT count(*) FROM label_totals WHERE n > 0').pluck().get(), 0);
    const page = await service['documents.list']({ projectId: 1, label: 'AGE' });
    assert.deepEqual(
      page.items.map((d) => [d.id, d.entityCount]),
      [[2, 2]],
    );
    progress = service['documents.progress']({ projectId: 1 });
    assert.deepEqual((await progress).byLabel, { AGE: 1, LOCATION: 1 });
  });
});
