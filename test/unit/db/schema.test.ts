import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../../db/open-database.js';
import { Store } from '../../../db/store.js';

function fixture() {
  const store = new Store(openDatabase(':memory:'));
  const project = store.projects.create('covid');
  const documentId = store.documents.insert({
    projectId: project.id,
    name: '1',
    text: 'Bệnh nhân ở Hà Nội',
    contentHash: 'a'.repeat(64),
    source: 'train.jsonl',
    sourceRef: '1',
    split: 'train',
    status: 'done',
    tokens: [{ start: 0, end: 4 }],
  });
  const first = store.revisions.append({
    documentId,
    parentId: null,
    author: 'import:train.jsonl',
    entities: [{ label: 'LOCATION', start: 12, end: 18 }],
  });
  const suggestionId = store.suggestions.add({
    documentId,
    modelId: null,
    modelName: 'm',
    modelVersion: '1',
    spans: [{ label: 'LOCATION', start: 12, end: 18, score: 0.9 }],
  });
  const spanId = store.suggestions.forDocument(documentId)[0].spans[0].id;
  store.suggestions.recordOutcome(spanId, 'accepted', 'lan', first.id);
  store.events.append({ type: 'import', actor: 'cli', projectId: project.id });
  return { store, db: store.db, project, documentId, first, suggestionId, spanId };
}

const APPEND_ONLY = ['annotation_revisions', 'suggestions', 'suggested_spans', 'suggestion_outcomes', 'events'];

for (const table of APPEND_ONLY) {
  test(`${table} is append-only: UPDATE and DELETE are refused`, () => {
    const { db } = fixture();
    assert.throws(
      () => db.prepare(`UPDATE ${table} SET id = id`).run(),
      new RegExp(`${table} is append-only: rows are never updated`),
    );
    assert.throws(
      () => db.prepare(`DELETE FROM ${table}`).run(),
      new RegExp(`${table} is append-only: rows are never deleted`),
    );
  });
}

test('a document with history cannot be deleted, and its text never changes', () => {
  const { db, documentId } = fixture();
  assert.throws(() => db.prepare('DELETE FROM documents WHERE id = ?').run(documentId), /FOREIGN KEY/);
  assert.throws(() => db.prepare("UPDATE documents SET text = 'x' WHERE id = ?").run(documentId), /text never changes/);
  db.prepare("UPDATE documents SET status = 'reviewed' WHERE id = ?").run(documentId);
});

test('revisions chain: the next needs the latest as parent, a stale or foreign parent is refused', () => {
  const { store, documentId, first, project } = fixture();
  const second = store.revisions.append({ documentId, parentId: first.id, author: 'lan', entities: [] });
  assert.equal(second.revision, 2);
  assert.throws(
    () => store.revisions.append({ documentId, parentId: first.id, author: 'minh', entities: [] }),
    /UNIQUE/,
  );
  const other = store.documents.insert({
    projectId: project.id,
    name: '2',
    text: 'x',
    contentHash: 'b'.repeat(64),
    source: 's',
    sourceRef: '2',
    split: null,
    status: 'new',
  });
  assert.throws(
    () => store.revisions.append({ documentId: other, parentId: second.id, author: 'lan', entities: [] }),
    /previous revision of the same document/,
  );
  assert.deepEqual(store.documents.get(documentId)?.entities, []);
  assert.deepEqual(
    store.revisions.history(documentId).map((r) => r.revision),
    [1, 2],
  );
});

test('constraints: one record per source identity, known statuses, sane spans, one active model', () => {
  const { store, db, project, suggestionId } = fixture();
  const doc = {
    projectId: project.id,
    name: '1',
    text: 'y',
    contentHash: 'c'.repeat(64),
    source: 'train.jsonl',
    sourceRef: '1',
    split: null,
    status: 'new' as const,
  };
  assert.throws(() => store.documents.insert(doc), /UNIQUE/);
  assert.throws(() => store.documents.insert({ ...doc, sourceRef: '9', status: 'bogus' as 'new' }), /CHECK/);
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggested_spans (suggestion_id, label, start, end) VALUES (?, 'X', 5, 5)")
        .run(suggestionId),
    /CHECK/,
  );
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES (1, 'accepted', 'x')")
        .run(),
    /CHECK/,
  );
  const a = store.models.register({ name: 'tiny', version: '1', path: '/m/1', manifest: { mask: 1 } });
  const b = store.models.register({ name: 'tiny', version: '2', path: '/m/2', manifest: { mask: 1 } });
  store.models.activate(a);
  store.models.activate(b);
  assert.equal(store.models.active()?.version, '2');
  assert.throws(() => db.prepare('UPDATE models SET active = 1').run(), /UNIQUE/);
});

test('ensuring a model registers it once per name and version; the entry follows the package', () => {
  const { store } = fixture();
  const id = store.models.ensure({ name: 'tiny', version: '1', path: '/m/1', manifest: { mask: 1 } });
  assert.equal(store.models.ensure({ name: 'tiny', version: '1', path: '/m/1', manifest: { mask: 1 } }), id);
  assert.equal(store.models.ensure({ name: 'tiny', version: '1', path: '/moved', manifest: { mask: 2 } }), id);
  assert.deepEqual(
    [store.models.byName('tiny', '1')?.path, store.models.byName('tiny', '1')?.manifest],
    ['/moved', { mask: 2 }],
  );
  assert.notEqual(store.models.ensure({ name: 'tiny', version: '2', path: '/moved', manifest: { mask: 2 } }), id);
  assert.equal(store.models.list().length, 2);
});

test('labels get distinct colours and shortcut keys in order', () => {
  const { store, project } = fixture();
  for (const name of ['LOCATION', 'ORGANIZATION', 'DATE']) store.labels.add(project.id, { name });
  const labels = store.labels.list(project.id);
  assert.deepEqual(
    labels.map((l) => [l.name, l.shortcut, l.sortOrder]),
    [
      ['LOCATION', '1', 0],
      ['ORGANIZATION', '2', 1],
      ['DATE', '3', 2],
    ],
  );
  assert.equal(new Set(labels.map((l) => l.colour)).size, 3);
  // Inner single spaces are a name (migration 0009); an edge or double space, a tab, is not.
  store.labels.add(project.id, { name: 'HAS SPACE' });
  for (const name of [' EDGE', 'TWO  SPACES', 'TAB\tX'])
    assert.throws(() => store.labels.add(project.id, { name }), /CHECK/, name);
});

test('stats count the latest revision per label and outcome', () => {
  const { store, project } = fixture();
  assert.deepEqual(store.stats.byLabel(project.id), [{ key: 'LOCATION', count: 1 }]);
  assert.deepEqual(store.stats.outcomes(project.id), [{ key: 'accepted', count: 1 }]);
  assert.deepEqual(store.stats.totals(project.id), { documents: 1, annotated: 1, entities: 1, revisions: 1 });
});
