// `workbench import <db> <run> --as-suggestions`: a batch pre-annotation's output (python -m dnw.package.batch_annotate;
// here written by hand, in its format) becomes suggestion runs with the model's name and version, never annotations.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { dataFolder, workbench } from './cli-run.js';

const MODEL = { name: 'batch-model', version: '2.1.0' };
const TEXTS = ['Bệnh nhân 91 ở Hà Nội', 'Chị H. 35 tuổi 🙂 sốt cao'];

function record(index: number, text: string, entities: object[], extra: object = {}) {
  return {
    index,
    source: 'corpus.jsonl',
    name: String(index + 1),
    text,
    model: MODEL,
    entities,
    problems: [],
    signals: { tokens: 5, entityTokens: 2, meanEntropy: 0.1, maxEntropy: 0.2, totalEntropy: 0.5, minMargin: 0.7 },
    ...extra,
  };
}

function runFolder(dir: string, name: string, records: object[], withRun = true): string {
  const out = join(dir, name);
  mkdirSync(out);
  writeFileSync(join(out, 'suggestions-00000.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const run = {
    format: 'dnw-batch-suggestions',
    formatVersion: 1,
    model: { ...MODEL, package: '/models/batch-model', manifest: { name: MODEL.name, version: MODEL.version } },
    documents: records.length,
    shards: ['suggestions-00000.jsonl'],
  };
  if (withRun) writeFileSync(join(out, 'run.json'), JSON.stringify(run));
  return out;
}

function rows(db: string) {
  const con = new Database(db, { readonly: true });
  try {
    const suggestions = con
      .prepare(
        `SELECT d.source_ref AS name, d.status, s.model_name AS modelName, s.model_version AS modelVersion, s.model_id AS modelId,
              (SELECT count(*) FROM suggested_spans p WHERE p.suggestion_id = s.id) AS spans
       FROM suggestions s JOIN documents d ON d.id = s.document_id ORDER BY s.id`,
      )
      .all() as {
      name: string;
      status: string;
      modelName: string;
      modelVersion: string;
      modelId: number | null;
      spans: number;
    }[];
    const revisions = (con.prepare('SELECT count(*) AS n FROM annotation_revisions').get() as { n: number }).n;
    const documents = (con.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    return { suggestions, revisions, documents };
  } finally {
    con.close();
  }
}

test('a batch run imports as suggestions with its model version, onto the documents already there, once', () => {
  const dir = dataFolder();
  const db = join(dir, 'w.sqlite');
  const corpus = join(dir, 'corpus.jsonl');
  writeFileSync(corpus, TEXTS.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  assert.equal(workbench(['init', db]).status, 0);
  assert.equal(workbench(['import', db, corpus, '--format', 'doccano']).status, 0);

  const out = runFolder(dir, 'run', [
    record(0, TEXTS[0], [
      { label: 'PATIENT_ID', start: 10, end: 12, score: 0.99 },
      { label: 'LOCATION', start: 15, end: 21, score: 0.97 },
    ]),
    record(1, TEXTS[1], [{ label: 'AGE', start: 7, end: 14, score: 0.9 }]), // code points: the emoji after it is one
  ]);
  const first = workbench(['import', db, out, '--as-suggestions']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(
    first.stdout,
    /batch-model 2\.1\.0 for 2 documents .*2 runs added to documents there, 0 documents created/,
  );
  const after = rows(db);
  assert.equal(after.documents, 2);
  assert.equal(after.revisions, 0, 'suggestions, not annotations');
  assert.deepEqual(
    after.suggestions.map((s) => [s.name, s.status, s.modelName, s.modelVersion, s.spans]),
    [
      ['1', 'pre-annotated', 'batch-model', '2.1.0', 2],
      ['2', 'pre-annotated', 'batch-model', '2.1.0', 1],
    ],
  );
  assert.ok(
    after.suggestions.every((s) => s.modelId !== null),
    'run.json names the package: it is in the model registry',
  );

  const again = workbench(['import', db, out, '--as-suggestions']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /0 runs added .* 2 already there/);
  assert.equal(rows(db).suggestions.length, 2);

  // A document the project lacks is created; one whose text changed since is left alone, with a warning.
  const more = runFolder(dir, 'more', [
    record(2, 'Ca mới ở Huế', [{ label: 'LOCATION', start: 9, end: 12, score: 0.8 }]),
    record(1, 'Chị H. 36 tuổi', []),
  ]);
  const third = workbench(['import', db, more, '--as-suggestions']);
  assert.equal(third.status, 0, third.stderr);
  assert.match(third.stdout, /1 documents created, 0 already there, 1 with another text skipped/);
  assert.match(third.stderr, /record "2" is in the project with a different text/);
  assert.equal(rows(db).documents, 3);
});

test('a bad record, a folder without run.json or import options refuse the import and write nothing', () => {
  const dir = dataFolder();
  const db = join(dir, 'w.sqlite');
  assert.equal(workbench(['init', db]).status, 0);
  const bad = runFolder(dir, 'bad', [
    record(0, TEXTS[0], [{ label: 'LOCATION', start: 15, end: 99, score: 0.97 }]),
    record(1, TEXTS[1], []),
  ]);
  const refused = workbench(['import', db, bad, '--as-suggestions']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /offsets 15-99 are not a span of the text/);
  assert.equal(rows(db).documents, 0);

  const unfinished = runFolder(dir, 'unfinished', [record(0, TEXTS[0], [])], false);
  const noRun = workbench(['import', db, unfinished, '--as-suggestions']);
  assert.equal(noRun.status, 1);
  assert.match(noRun.stderr, /no run\.json/);
  // One shard on its own is fine (no registry entry without run.json's package).
  const shard = workbench(['import', db, join(unfinished, 'suggestions-00000.jsonl'), '--as-suggestions']);
  assert.equal(shard.status, 0, shard.stderr);
  assert.deepEqual(
    rows(db).suggestions.map((s) => [s.modelVersion, s.modelId]),
    [['2.1.0', null]],
  );

  const usage = workbench(['import', db, bad, '--as-suggestions', '--format', 'doccano']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /leave out --format/);
});
