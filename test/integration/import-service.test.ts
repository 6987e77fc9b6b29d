import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scoredAreSuggestions, type Codec, type DecodeEvent } from '../../core/codecs/codec.js';
import { phonerCodec } from '../../core/codecs/phoner.js';
import { InputError } from '../../core/issues.js';
import { linesOf } from '../../core/source.js';
import { openDatabase } from '../../db/open-database.js';
import { Store } from '../../db/store.js';
import { exportProject } from '../../main/services/export-service.js';
import { importPath } from '../../main/services/import-service.js';
import { contentFingerprint, fileBytes } from './db-fingerprint.js';

// A minimal span format that checks nothing itself, so the service's own checks are what is tested:
// {"id": "...", "text": "...", "spans": [[start, end, label, score?]]} per line.
const spansCodec: Codec = {
  id: 'doccano',
  title: 'test spans',
  extensions: ['.jsonl'],
  multiFile: false,
  carried: scoredAreSuggestions(false),
  async *decode(input): AsyncIterable<DecodeEvent> {
    for await (const { line, text } of linesOf(input.source.chunks())) {
      let record: { id: string; text: string; spans: [number, number, string, number?][] };
      try {
        record = JSON.parse(text);
      } catch (e) {
        yield {
          kind: 'issue',
          issue: {
            severity: 'error',
            file: input.source.name,
            line,
            message: `malformed JSON: ${(e as Error).message}`,
          },
        };
        continue;
      }
      const entities = record.spans.map(([start, end, label, score]) => ({
        label,
        start,
        end,
        ...(score === undefined ? {} : { score }),
      }));
      yield { kind: 'doc', line, doc: { name: record.id, text: record.text.normalize('NFC'), entities } };
    }
  },
  async *encode() {},
};

const line = (id: string, text: string, spans: unknown[]) => JSON.stringify({ id, text, spans });
const GOOD = [
  line('a', 'Bệnh nhân 91 ở Hà Nội', [[15, 21, 'LOCATION']]),
  line('b', 'Sốt, ho khan', [
    [0, 3, 'SYMPTOM_AND_DISEASE'],
    [5, 12, 'SYMPTOM_AND_DISEASE', 0.75],
  ]),
  line('c', 'Ngày 25/7', [[5, 9, 'DATE', 0.5]]),
];

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'wb-import-'));
  const dbPath = join(dir, 'workbench.sqlite');
  const store = new Store(openDatabase(dbPath));
  const project = store.projects.create('covid');
  store.labels.add(project.id, { name: 'LOCATION' });
  const write = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  return { dir, dbPath, store, project, write };
}

async function refused(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('the import was not refused');
}

test('a valid file is imported: documents, first revisions, suggestions, new labels, an event', async () => {
  const { store, project, write } = setup();
  const result = await importPath(store, write('train.jsonl', GOOD), { projectId: project.id, format: spansCodec });
  assert.deepEqual([result.imported, result.entities, result.suggestedSpans, result.errors], [3, 2, 2, 0]);
  const docs = [...store.documents.current(project.id, ['new', 'pre-annotated', 'done'])];
  assert.deepEqual(
    docs.map((d) => [d.name, d.status, d.split, d.entities.length]),
    [
      ['a', 'done', 'train', 1],
      ['b', 'done', 'train', 1],
      ['c', 'pre-annotated', 'train', 0],
    ],
  );
  assert.equal(store.revisions.latest(docs[0].id)?.author, 'import:train.jsonl');
  assert.equal(store.revisions.latest(docs[2].id), undefined);
  assert.deepEqual(
    store.suggestions.forDocument(docs[1].id)[0].spans.map((s) => [s.label, s.score]),
    [['SYMPTOM_AND_DISEASE', 0.75]],
  );
  assert.deepEqual(
    store.labels.list(project.id).map((l) => l.name),
    ['LOCATION', 'SYMPTOM_AND_DISEASE', 'DATE'],
  );
  assert.equal(store.events.recent({ type: 'import' }).length, 1);
});

for (const [what, bad] of [
  ['malformed JSON mid-file', '{"id": "x", "text": "Hà Nội", "spans": [[0, 6, "LOC"]'],
  ['an out-of-range offset', line('x', 'Hà Nội', [[0, 60, 'LOCATION']])],
] as const) {
  test(`a file with ${what} leaves the database byte-for-byte untouched`, async () => {
    const { store, project, write, dbPath } = setup();
    await importPath(store, write('first.jsonl', GOOD.slice(0, 1)), { projectId: project.id, format: spansCodec });
    const before = contentFingerprint(store.db);
    const bytes = fileBytes(store.db, dbPath);
    const path = write('broken.jsonl', [GOOD[1], bad, GOOD[2], bad]);
    const error = await refused(importPath(store, path, { projectId: project.id, format: spansCodec }));
    assert.deepEqual(
      error.issues.filter((i) => i.severity === 'error').map((i) => i.line),
      [2, 4],
    );
    assert.equal(error.issues[0].file, path);
    assert.equal(contentFingerprint(store.db), before);
    assert.deepEqual(fileBytes(store.db, dbPath), bytes);
    assert.ok(!store.db.inTransaction);
  });
}

test('--skip-invalid imports the valid rest and writes every issue to the report', async () => {
  const { store, project, write, dir } = setup();
  const path = write('mixed.jsonl', [GOOD[0], '{oops', GOOD[1], line('x', 'Hà', [[0, 9, 'LOCATION']])]);
  const reportPath = join(dir, 'reports', 'mixed.issues.jsonl');
  const result = await importPath(store, path, {
    projectId: project.id,
    format: spansCodec,
    skipInvalid: true,
    reportPath,
  });
  assert.equal(result.imported, 2);
  assert.equal(result.errors, 2);
  assert.equal(result.reportPath, reportPath);
  const issues = readFileSync(reportPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    issues.filter((i) => i.severity === 'error').map((i) => [i.file, i.line]),
    [
      [path, 2],
      [path, 4],
    ],
  );
});

test('re-importing the same file adds nothing; a changed record is reported and left alone', async () => {
  const { store, project, write } = setup();
  const path = write('train.jsonl', GOOD);
  await importPath(store, path, { projectId: project.id, format: spansCodec });
  const before = contentFingerprint(store.db);
  const again = await importPath(store, path, { projectId: project.id, format: spansCodec });
  assert.deepEqual([again.imported, again.unchanged, again.changed], [0, 3, 0]);
  assert.equal(contentFingerprint(store.db), before);
  write('train.jsonl', [line('a', 'Bệnh nhân 92 ở Hà Nội', []), ...GOOD.slice(1)]);
  const changed = await importPath(store, path, { projectId: project.id, format: spansCodec });
  assert.deepEqual([changed.imported, changed.unchanged, changed.changed, changed.warnings], [0, 2, 1, 1]);
  assert.match(changed.issues[0].message, /imported before with a different text/);
  assert.equal(contentFingerprint(store.db), before);
});

test('identical sentences on different lines stay separate documents (identity is the record)', async () => {
  const { store, project, write } = setup();
  const sentence = JSON.stringify({ words: ['Hà', 'Nội'], tags: ['B-LOCATION', 'I-LOCATION'] });
  const result = await importPath(store, write('dup_syllable.jsonl', [sentence, sentence]), {
    projectId: project.id,
    format: phonerCodec,
  });
  assert.equal(result.imported, 2);
});

test('a phoner file with malformed JSON mid-file is refused as a whole, then imports once fixed', async () => {
  const { store, project, write } = setup();
  const ok = JSON.stringify({ words: ['Bệnh', 'nhân', '91'], tags: ['O', 'O', 'B-PATIENT_ID'] });
  const path = write('test_syllable.jsonl', [ok, '{"words": ["x"], "tags": [', ok]);
  const before = contentFingerprint(store.db);
  const error = await refused(importPath(store, path, { projectId: project.id, format: phonerCodec }));
  assert.match(error.message, /test_syllable\.jsonl:2: error: malformed JSON/);
  assert.equal(contentFingerprint(store.db), before);
  write('test_syllable.jsonl', [ok, ok]);
  const result = await importPath(store, path, { projectId: project.id, format: phonerCodec });
  assert.deepEqual([result.imported, result.entities], [2, 2]);
  assert.equal([...store.documents.current(project.id, ['done'])][0].split, 'test');
});

test('export writes the latest revisions of documents in scope', async () => {
  const { store, project, write, dir } = setup();
  const sentence = (w: string[], t: string[]) => JSON.stringify({ words: w, tags: t });
  await importPath(
    store,
    write('a_syllable.jsonl', [sentence(['Hà', 'Nội'], ['B-LOCATION', 'I-LOCATION']), sentence(['ho'], ['O'])]),
    { projectId: project.id, format: phonerCodec },
  );
  const [first] = store.documents.current(project.id, ['done']);
  store.revisions.append({ documentId: first.id, parentId: first.revisionId, author: 'lan', entities: [] });
  const dest = join(dir, 'out.jsonl');
  const summary = await exportProject(store, dest, { projectId: project.id, format: phonerCodec });
  assert.deepEqual([summary.docs, summary.entities, summary.leftOut], [2, 0, 0]);
  assert.equal(
    readFileSync(dest, 'utf8'),
    `${sentence(['Hà', 'Nội'], ['O', 'O']).replace(/,/g, ', ').replace(/:/g, ': ')}\n${sentence(['ho'], ['O']).replace(/,/g, ', ').replace(/:/g, ': ')}\n`,
  );
  store.documents.setStatus(first.id, 'in_progress');
  // The same file again: replaced only because the call says so (an export never writes over a file unasked).
  await assert.rejects(
    exportProject(store, dest, { projectId: project.id, format: phonerCodec, scope: 'done' }),
    /out\.jsonl already exists/,
  );
  const done = await exportProject(store, dest, {
    projectId: project.id,
    format: phonerCodec,
    scope: 'done',
    overwrite: true,
  });
  assert.deepEqual([done.docs, done.leftOut], [1, 1]);
  assert.ok(existsSync(dest));
});

test('Label Studio: the annotation becomes revision 1, predictions become scored suggestions with their model version', async () => {
  const { store, project, write } = setup();
  const region = (start: number, end: number, text: string, label: string, score?: number) => ({
    from_name: 'label',
    to_name: 'text',
    type: 'labels',
    value: { start, end, text, labels: [label] },
    ...(score === undefined ? {} : { score }),
  });
  const tasks = [
    {
      id: 7,
      data: { text: 'Bệnh nhân 91 ở Hà Nội' },
      annotations: [{ result: [region(15, 21, 'Hà Nội', 'LOCATION')] }],
      predictions: [{ model_version: 'tiny-v3', score: 0.8, result: [region(10, 12, '91', 'PATIENT_ID', 0.9)] }],
    },
    {
      id: 8,
      data: { text: 'Sốt cao' },
      predictions: [{ model_version: 'tiny-v3', result: [region(0, 7, 'Sốt cao', 'SYMPTOM_AND_DISEASE', 0.6)] }],
    },
    { id: 9, data: { text: 'Không có gì' } },
  ];
  const path = write('tasks.json', [JSON.stringify(tasks)]);
  const result = await importPath(store, path, { projectId: project.id, format: 'label-studio' });
  assert.deepEqual([result.imported, result.entities, result.suggestedSpans, result.errors], [3, 1, 2, 0]);
  const docs = [...store.documents.current(project.id, ['new', 'pre-annotated', 'done'])];
  assert.deepEqual(
    docs.map((d) => [d.status, d.entities.map((e) => e.label)]),
    [
      ['done', ['LOCATION']],
      ['pre-annotated', []],
      ['new', []],
    ],
  );
  const [suggestion] = store.suggestions.forDocument(docs[0].id);
  assert.equal(suggestion.modelVersion, 'tiny-v3');
  assert.deepEqual(
    suggestion.spans.map((s) => [s.label, s.start, s.end, s.score]),
    [['PATIENT_ID', 10, 12, 0.9]],
  );
});

test('a folder is imported file by file, in natural order; a bad file stops there and says how to resume', async () => {
  const { store, project, dir } = setup();
  const folder = join(dir, 'batch');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder);
  const ok = JSON.stringify({ words: ['Hà', 'Nội'], tags: ['B-LOCATION', 'I-LOCATION'] });
  writeFileSync(join(folder, '2.jsonl'), `${ok}\n`);
  writeFileSync(join(folder, '10.jsonl'), '{broken\n');
  writeFileSync(join(folder, 'notes.md'), 'not a data file');
  const error = await refused(importPath(store, folder, { projectId: project.id, format: phonerCodec }));
  assert.match(error.message, /10\.jsonl:1: error: malformed JSON/);
  assert.match(error.message, /1 earlier file\(s\) of .*batch were imported/);
  assert.deepEqual(
    [...store.documents.current(project.id, ['done'])].map((d) => d.source),
    ['2.jsonl'],
  );
  writeFileSync(join(folder, '10.jsonl'), `${ok}\n`);
  const resumed = await importPath(store, folder, { projectId: project.id, format: phonerCodec });
  assert.deepEqual([resumed.imported, resumed.unchanged], [1, 1]);
});
