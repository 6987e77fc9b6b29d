// Lexicon suggestions through the service (issue 12, point 4): marking a document done suggests its entities on the
// unfinished documents that contain them, stored as a `lexicon` run, summaries refreshed, `document.changed` sent;
// rejects stay rejected; a better project model's run is kept; the project setting turns it off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import { LexiconService } from '../../../main/services/lexicon-service.js';
import { tempService } from './helpers.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const cp = (s: string, sub: string, from = 0) => Array.from(s.slice(0, s.indexOf(sub, from))).length;

async function setup(lines: string[]) {
  const env = await tempService();
  await env.service['documents.import']({
    projectId: 1,
    name: 'a.txt',
    contentBase64: b64(lines.join('\n') + '\n'),
    format: 'text',
  });
  const events: WorkbenchEvent[] = [];
  env.service.events.on((e) => events.push(e));
  return { env, s: env.service, events };
}

async function annotateDone(
  s: Awaited<ReturnType<typeof setup>>['s'],
  documentId: number,
  entities: { label: string; start: number; end: number }[],
) {
  const doc = await s['documents.get']({ documentId });
  await s['annotations.save']({ documentId, parentRevisionId: doc.revisionId, entities });
  await s['documents.setStatus']({ documentId, status: 'done' });
}

test('a document marked done gives the others lexicon suggestions with the right labels and offsets', async () => {
  const lines = [
    'Bệnh nhân 😷 ở Hà Nội bị sốt cao.',
    'Ca mới ở Hà Nội, Hà Nộii và Huế.',
    'Ở Huế trời mưa.',
    'Hà Nội'.normalize('NFD') + ' đã xong.',
  ];
  const { env, s, events } = await setup(lines);
  try {
    const first = lines[0];
    await annotateDone(s, 1, [
      { label: 'LOCATION', start: cp(first, 'Hà Nội'), end: cp(first, 'Hà Nội') + 6 },
      { label: 'SYMPTOM', start: cp(first, 'sốt cao'), end: cp(first, 'sốt cao') + 7 },
    ]);
    await s.lexicon.settled();
    const doc2 = await s['documents.get']({ documentId: 2 });
    assert.equal(doc2.status, 'pre-annotated');
    assert.deepEqual(
      doc2.suggestions.map(({ label, start, end }) => ({ label, start, end })),
      [{ label: 'LOCATION', start: cp(lines[1], 'Hà Nội'), end: cp(lines[1], 'Hà Nội') + 6 }],
    );
    assert.match(doc2.suggestions[0].source, /^workbench:lexicon \d+d-[0-9a-f]{8}$/);
    assert.equal(doc2.suggestions[0].score, 2 / 3);
    // Documents imported NFD are stored NFC: the entry matches there too.
    const doc4 = await s['documents.get']({ documentId: 4 });
    assert.deepEqual(
      doc4.suggestions.map(({ label, start, end }) => [label, start, end]),
      [['LOCATION', 0, 6]],
    );
    assert.equal((await s['documents.get']({ documentId: 3 })).suggestions.length, 0);
    const listed = await s['documents.list']({ projectId: 1 });
    assert.deepEqual(
      listed.items.map((d) => d.pendingSuggestions),
      [0, 1, 0, 1],
    );
    assert.ok(events.some((e) => e.type === 'document.changed' && e.documentId === 2 && e.reason === 'suggestions'));

    // A rejected lexicon suggestion stays rejected when a later document makes the lexicon suggest again.
    await s['suggestions.reject']({ documentId: 2, suggestedSpanIds: [doc2.suggestions[0].id] });
    await annotateDone(s, 3, [{ label: 'LOCATION', start: 2, end: 5 }]);
    await s.lexicon.settled();
    const again = await s['documents.get']({ documentId: 2 });
    assert.deepEqual(
      again.suggestions.map(({ label, start, end }) => [label, start, end]),
      [['LOCATION', cp(lines[1], 'Huế'), cp(lines[1], 'Huế') + 3]],
    );

    // Reopening a document takes its entries back.
    await s['documents.setStatus']({ documentId: 1, status: 'in_progress' });
    await s.lexicon.settled();
    assert.equal(
      [...(await s.lexicon.lexiconOf(1)).pairs()].some((p) => p.key === 'Hà Nội'),
      false,
    );
  } finally {
    await env.close();
  }
});

test('a run of a project model that beats the lexicon on the held-out part is kept; a worse one is replaced', async () => {
  const lines = [
    ...Array.from({ length: 6 }, (_, i) => `Ca ${i} ở Đà Nẵng hôm qua.`),
    'Về Đà Nẵng hôm qua.',
    'Rời Đà Nẵng hôm qua.',
  ];
  const { env, s } = await setup(lines);
  try {
    const store = env.store;
    const place = (i: number) => ({
      label: 'LOCATION',
      start: cp(lines[i - 1], 'Đà Nẵng'),
      end: cp(lines[i - 1], 'Đà Nẵng') + 7,
    });
    for (let id = 1; id <= 5; id++) await annotateDone(s, id, [place(id)]);
    await s.lexicon.settled();
    // Newer runs of two models trained for the project: one as good as the lexicon on the held-out part, one worse.
    const better = store.models.register({
      name: 'own',
      version: 'p1-ft1',
      path: env.dir,
      manifest: {},
      metrics: { heldoutF1: 1 },
      projectId: 1,
    });
    const worse = store.models.register({
      name: 'own',
      version: 'p1-ft2',
      path: env.dir,
      manifest: {},
      metrics: { heldoutF1: 0.1 },
      projectId: 1,
    });
    store.transaction(() => {
      store.suggestions.add({
        documentId: 7,
        modelId: better,
        modelName: 'own',
        modelVersion: 'p1-ft1',
        spans: [{ label: 'PLACE', start: 3, end: 10, score: 0.9 }],
      });
      store.suggestions.add({
        documentId: 8,
        modelId: worse,
        modelName: 'own',
        modelVersion: 'p1-ft2',
        spans: [{ label: 'PLACE', start: 0, end: 3, score: 0.9 }],
      });
    });
    // A new entry ("hôm qua") makes the lexicon suggest again; its held-out F1 (document 5 held out) is 1.
    const sixth = lines[5];
    await annotateDone(s, 6, [place(6), { label: 'DATE', start: cp(sixth, 'hôm qua'), end: cp(sixth, 'hôm qua') + 7 }]);
    await s.lexicon.settled();
    assert.deepEqual(
      (await s['documents.get']({ documentId: 7 })).suggestions.map((x) => [x.label, x.source]),
      [['PLACE', 'own p1-ft1']],
    );
    const replaced = await s['documents.get']({ documentId: 8 });
    assert.deepEqual(
      replaced.suggestions.map((x) => [x.label, x.start, x.end, x.source.split(' ')[0]]),
      [
        ['LOCATION', 4, 11, 'workbench:lexicon'],
        ['DATE', 12, 19, 'workbench:lexicon'],
      ],
    );
  } finally {
    await env.close();
  }
});

test('turned off for a project, the lexicon suggests nothing', async () => {
  const { env, s } = await setup(['ở Huế.', 'Về Huế.']);
  try {
    s.lexicon.setEnabled(1, false);
    assert.equal(s.lexicon.enabled(1), false);
    assert.equal(
      new LexiconService(env.store, () => {}, 'test').enabled(1),
      false,
      'kept in the event log: another process sees it',
    );
    await annotateDone(s, 1, [{ label: 'LOCATION', start: 2, end: 5 }]);
    await s.lexicon.settled();
    assert.equal((await s['documents.get']({ documentId: 2 })).suggestions.length, 0);
    s.lexicon.setEnabled(1, true);
    await s['documents.setStatus']({ documentId: 1, status: 'done' });
    await s.lexicon.settled();
    assert.equal((await s['documents.get']({ documentId: 2 })).suggestions.length, 1);
  } finally {
    await env.close();
  }
});

test('documents finished outside the editor (an import) are swept in: every unfinished document is matched once', async () => {
  const { env, s, events } = await setup(['ở Huế.', 'Về Huế.', 'Ở Vinh.']);
  try {
    // As an import of annotated, finished documents leaves them: a revision and the status, no status change event.
    env.store.transaction(() => {
      env.store.revisions.append({
        documentId: 1,
        parentId: null,
        author: 'import',
        entities: [{ label: 'LOCATION', start: 2, end: 5 }],
      });
      env.store.documents.setStatus(1, 'done');
    });
    s.events.emit({ type: 'documents.imported', projectId: 1, count: 1 });
    await s.lexicon.settled();
    const doc2 = await s['documents.get']({ documentId: 2 });
    assert.deepEqual(
      doc2.suggestions.map(({ label, start, end }) => [label, start, end]),
      [['LOCATION', 3, 6]],
    );
    assert.equal((await s['documents.get']({ documentId: 3 })).suggestions.length, 0);
    // A second sweep changes nothing: no new run where the pending suggestions would be the same.
    const written = events.filter((e) => e.type === 'document.changed' && e.reason === 'suggestions').length;
    s.lexicon.invalidate(1);
    await s.lexicon.settled();
    assert.equal(events.filter((e) => e.type === 'document.changed' && e.reason === 'suggestions').length, written);
    assert.equal(env.store.suggestions.forDocument(2).length, 1);
  } finally {
    await env.close();
  }
});

test('a label rename rebuilds the lexicon under the new name; the suggestions already shown are not written again', async () => {
  const { env, s, events } = await setup(['ở Huế.', 'Về Huế.']);
  try {
    await annotateDone(s, 1, [{ label: 'LOCATION', start: 2, end: 5 }]);
    await s.lexicon.settled();
    const runs = env.store.suggestions.forDocument(2).length;
    await s['labels.rename']({ projectId: 1, from: 'LOCATION', to: 'NOI_CHON' });
    await s.lexicon.settled();
    assert.deepEqual(
      [...(await s.lexicon.lexiconOf(1)).pairs()].map((p) => [p.key, p.label]),
      [['Huế', 'NOI_CHON']],
    );
    assert.deepEqual(
      (await s['documents.get']({ documentId: 2 })).suggestions.map((x) => x.label),
      ['NOI_CHON'],
    );
    assert.equal(env.store.suggestions.forDocument(2).length, runs);
    assert.ok(events.some((e) => e.type === 'labels.changed'));
  } finally {
    await env.close();
  }
});
