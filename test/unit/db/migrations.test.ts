import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseTooNewError, migrate, schemaVersion } from '../../../db/migrate.js';
import { migrations } from '../../../db/migrations/index.js';
import type { Migration } from '../../../db/migrations/migration.js';
import { openDatabase } from '../../../db/open-database.js';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'wb-migrate-')), 'test.sqlite');
const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );

test('a fresh database reaches the latest version with every table', () => {
  const db = openDatabase(tempDb());
  assert.equal(schemaVersion(db), migrations.length);
  assert.deepEqual(tables(db), [
    'annotation_revisions',
    'assignments',
    'documents',
    'events',
    'fine_tunes',
    'gold_revisions',
    'imports',
    'install_secrets',
    'label_mappings',
    'label_totals',
    'labels',
    'line_outcomes',
    'line_revisions',
    'line_states',
    'models',
    'projects',
    'sessions',
    'sqlite_sequence', // line_revisions' AUTOINCREMENT, seeded so its ids stay apart from shared revisions'
    'staged_records',
    'status_totals',
    'suggested_spans',
    'suggestion_outcomes',
    'suggestions',
    'users',
  ]);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
  db.close();
});

test('opening again runs nothing and keeps the data', () => {
  const path = tempDb();
  const first = openDatabase(path);
  first.prepare("INSERT INTO projects (name) VALUES ('kept')").run();
  first.close();
  const again = openDatabase(path);
  assert.deepEqual(migrate(again, migrations), { from: migrations.length, to: migrations.length });
  assert.equal((again.prepare('SELECT name FROM projects').get() as { name: string }).name, 'kept');
  again.close();
});

test('every migration applies on its own, one version at a time', () => {
  const db = new Database(':memory:');
  for (let n = 1; n <= migrations.length; n++) {
    migrate(db, migrations.slice(0, n));
    assert.equal(schemaVersion(db), n);
  }
});

test('a database newer than the code is refused, untouched, with a clear message', () => {
  const path = tempDb();
  const raw = new Database(path);
  raw.pragma(`user_version = ${migrations.length + 5}`);
  raw.close();
  const before = readFileSync(path);
  assert.throws(
    () => openDatabase(path),
    (error: unknown) => {
      assert.ok(error instanceof DatabaseTooNewError);
      assert.equal(
        error.message,
        `database is version ${migrations.length + 5}, this workbench knows up to ${migrations.length}: update the workbench`,
      );
      return true;
    },
  );
  assert.deepEqual(readFileSync(path), before);
});

test('a migration that throws leaves the database at its old version, with none of its changes', () => {
  const path = tempDb();
  openDatabase(path).close();
  const failing: Migration[] = [
    ...migrations,
    { version: migrations.length + 1, name: 'adds-a-table', up: (db) => db.exec('CREATE TABLE half_done (x INTEGER)') },
    {
      version: migrations.length + 2,
      name: 'breaks',
      up: () => {
        throw new Error('boom');
      },
    },
  ];
  assert.throws(() => openDatabase(path, { migrations: failing }), /boom/);
  const db = openDatabase(path);
  assert.equal(schemaVersion(db), migrations.length);
  assert.ok(!tables(db).includes('half_done'));
  db.close();
});

test('migrations out of order are refused before anything runs', () => {
  const db = new Database(':memory:');
  const wrong: Migration[] = [{ version: 2, name: 'two', up: () => {} }];
  assert.throws(() => migrate(db, wrong), /expected 1/);
  assert.equal(schemaVersion(db), 0);
});

test('0002 active-learning: a version-1 database keeps its suggestions and models and gains signals, lineage and the fine-tune log', () => {
  const db = new Database(':memory:');
  migrate(db, migrations.slice(0, 1));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO documents (project_id, name, text, source, source_ref, content_hash) VALUES (1, 'd', 'Hà Nội', 's', '1', '${'0'.repeat(64)}');
    INSERT INTO models (name, version, path, manifest, active) VALUES ('m', '1', '/m', '{}', 1);
    INSERT INTO suggestions (document_id, model_id, model_name, model_version) VALUES (1, 1, 'm', '1');`);
  migrate(db, migrations.slice(0, 2));
  assert.equal(schemaVersion(db), 2);
  assert.deepEqual(db.prepare('SELECT signals FROM suggestions').all(), [{ signals: null }]);
  assert.deepEqual(db.prepare('SELECT parent_id, project_id, active FROM models').all(), [
    { parent_id: null, project_id: null, active: 1 },
  ]);
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO suggestions (document_id, model_name, model_version, signals) VALUES (1, 'm', '1', 'not json')",
        )
        .run(),
    /CHECK/,
  );
  assert.throws(() => db.prepare('UPDATE suggestions SET signals = NULL').run(), /append-only/);
  db.prepare(
    "INSERT INTO fine_tunes (project_id, base_model_id, state, train_docs, heldout_docs) VALUES (1, 1, 'running', 8, 2)",
  ).run();
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO fine_tunes (project_id, base_model_id, state, train_docs, heldout_docs) VALUES (1, 1, 'paused', 8, 2)",
        )
        .run(),
    /CHECK/,
  );
});

test('0003 reopen-suggestions: a version-2 database keeps its outcomes (ids too), stays append-only and accepts `reopened`', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 2));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO documents (project_id, name, text, source, source_ref, content_hash) VALUES (1, 'd', 'Hà Nội và Huế', 's', '1', '${'0'.repeat(64)}');
    INSERT INTO annotation_revisions (document_id, revision, author, spans, entity_count) VALUES (1, 1, 'lan', '[]', 0);
    INSERT INTO suggestions (document_id, model_name, model_version) VALUES (1, 'm', '1');
    INSERT INTO suggested_spans (suggestion_id, label, start, end) VALUES (1, 'LOCATION', 0, 6), (1, 'LOCATION', 10, 13);
    INSERT INTO suggestion_outcomes (id, suggested_span_id, outcome, actor, created_at, revision_id) VALUES
      (7, 1, 'accepted', 'lan', '2024-01-02T03:04:05.678Z', 1), (9, 2, 'rejected', 'lan', '2024-01-02T03:04:06.000Z', NULL);`);
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES (2, 'reopened', 'lan')")
        .run(),
    /CHECK/,
    'version 2 does not know reopened',
  );
  const before = db.prepare('SELECT * FROM suggestion_outcomes ORDER BY id').all();

  migrate(db, migrations.slice(0, 3));
  assert.equal(schemaVersion(db), 3);
  assert.deepEqual(db.prepare('SELECT * FROM suggestion_outcomes ORDER BY id').all(), before);
  assert.deepEqual(db.prepare('SELECT id FROM suggestion_outcomes').all(), [{ id: 7 }, { id: 9 }]);
  // Same shape as before: the index, both triggers, STRICT, and no leftover table.
  const objects = db
    .prepare("SELECT type, name FROM sqlite_master WHERE tbl_name = 'suggestion_outcomes' ORDER BY type, name")
    .all();
  assert.deepEqual(objects, [
    { type: 'index', name: 'suggestion_outcomes_by_span' },
    { type: 'table', name: 'suggestion_outcomes' },
    { type: 'trigger', name: 'suggestion_outcomes_no_delete' },
    { type: 'trigger', name: 'suggestion_outcomes_no_update' },
  ]);
  assert.ok(!tables(db).includes('suggestion_outcomes_v3'));
  assert.match(
    (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'suggestion_outcomes'").get() as { sql: string }).sql,
    /STRICT$/,
  );
  assert.deepEqual(db.pragma('foreign_key_check'), []);

  assert.throws(
    () => db.prepare('UPDATE suggestion_outcomes SET actor = actor').run(),
    /suggestion_outcomes is append-only: rows are never updated/,
  );
  assert.throws(
    () => db.prepare('DELETE FROM suggestion_outcomes').run(),
    /suggestion_outcomes is append-only: rows are never deleted/,
  );

  // A reopen takes back a reject (no revision) or an accept (the undo's revision); new ids follow the kept ones.
  const reopened = db
    .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES (2, 'reopened', 'lan')")
    .run();
  assert.equal(reopened.lastInsertRowid, 10);
  db.prepare(
    "INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor, revision_id) VALUES (1, 'reopened', 'lan', 1)",
  ).run();
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES (2, 'withdrawn', 'lan')")
        .run(),
    /CHECK/,
  );
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES (2, 'accepted', 'lan')")
        .run(),
    /CHECK/,
    'an accept still needs its revision',
  );
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES (2, 'reopened', '')")
        .run(),
    /CHECK/,
  );
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES (99, 'reopened', 'lan')")
        .run(),
    /FOREIGN KEY/,
  );
  assert.throws(
    () =>
      db
        .prepare("INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor) VALUES ('x', 'reopened', 'lan')")
        .run(),
    /cannot store TEXT value in INTEGER column/,
    'still STRICT',
  );
});

test('0004 staged-imports: a version-3 database keeps its documents and gains the staging tables, which refuse what is not work in progress', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 3));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO documents (project_id, name, text, source, source_ref, content_hash) VALUES (1, 'd', 'Hà Nội', 's', '1', '${'0'.repeat(64)}');`);
  const before = db.prepare('SELECT * FROM documents').all();
  migrate(db, migrations.slice(0, 4));
  assert.equal(schemaVersion(db), 4);
  assert.deepEqual(db.prepare('SELECT * FROM documents').all(), before);
  db.prepare(
    "INSERT INTO imports (project_id, source, format, state, owner, actor) VALUES (1, 'a.jsonl', 'phoner', 'staging', 'h:1', 'cli')",
  ).run();
  db.prepare("INSERT INTO staged_records (import_id, seq, line, record) VALUES (1, 1, 3, '{}')").run();
  assert.throws(
    () => db.prepare("INSERT INTO staged_records (import_id, seq, line, record) VALUES (1, 1, 4, '{}')").run(),
    /UNIQUE/,
  );
  assert.throws(
    () => db.prepare("INSERT INTO staged_records (import_id, seq, line, record) VALUES (1, 2, 4, '{oops')").run(),
    /CHECK/,
  );
  assert.throws(
    () => db.prepare("INSERT INTO staged_records (import_id, seq, line, record) VALUES (9, 1, 4, '{}')").run(),
    /FOREIGN KEY/,
  );
  assert.throws(
    () =>
      db
        .prepare(
          "INSERT INTO imports (project_id, source, format, state, actor) VALUES (1, 'b', 'phoner', 'published', 'cli')",
        )
        .run(),
    /CHECK/,
  );
});

test('0006 document-summaries: a version-5 database keeps its documents, each marked for a summary, and the list orders have indexes', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 5));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO documents (project_id, name, text, source, source_ref, content_hash) VALUES (1, 'd', 'Hà Nội', 's', '1', '${'0'.repeat(64)}'), (1, 'e', 'Huế', 's', '2', '${'1'.repeat(64)}');`);
  migrate(db, migrations.slice(0, 6));
  assert.equal(schemaVersion(db), 6);
  assert.deepEqual(
    db
      .prepare(
        'SELECT name, entity_count, pending_count, uncertainty, labels, label_counts, summary_stale FROM documents ORDER BY id',
      )
      .all(),
    [
      {
        name: 'd',
        entity_count: 0,
        pending_count: 0,
        uncertainty: null,
        labels: '',
        label_counts: '{}',
        summary_stale: 1,
      },
      {
        name: 'e',
        entity_count: 0,
        pending_count: 0,
        uncertainty: null,
        labels: '',
        label_counts: '{}',
        summary_stale: 1,
      },
    ],
  );
  const plan = (sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
  assert.doesNotMatch(
    plan('SELECT id FROM documents WHERE project_id = 1 ORDER BY id LIMIT 10 OFFSET 5'),
    /TEMP B-TREE/,
  );
  assert.doesNotMatch(
    plan('SELECT id FROM documents WHERE project_id = 1 ORDER BY uncertainty DESC, id LIMIT 10'),
    /TEMP B-TREE/,
  );
  assert.doesNotMatch(
    plan("SELECT id FROM documents WHERE project_id = 1 AND status = 'done' ORDER BY id LIMIT 10"),
    /TEMP B-TREE/,
  );
  assert.throws(() => db.prepare("UPDATE documents SET label_counts = 'x' WHERE id = 1").run(), /CHECK/);

  // Totals per status and per label follow every write, whoever makes it.
  const statuses = () => db.prepare('SELECT status, n FROM status_totals WHERE n > 0 ORDER BY status').all();
  const labels = () => db.prepare('SELECT label, n FROM label_totals WHERE n > 0 ORDER BY label').all();
  assert.deepEqual(statuses(), [{ status: 'new', n: 2 }], 'counted by the migration');
  db.prepare("UPDATE documents SET status = 'done' WHERE id = 1").run();
  db.exec(
    `INSERT INTO documents (project_id, name, text, source, source_ref, content_hash, status) VALUES (1, 'f', 'Huế', 's', '3', '${'2'.repeat(64)}', 'done')`,
  );
  assert.deepEqual(statuses(), [
    { status: 'done', n: 2 },
    { status: 'new', n: 1 },
  ]);
  db.prepare(`UPDATE documents SET label_counts = '{"LOC":2,"DATE":1}' WHERE id = 1`).run();
  db.prepare(`UPDATE documents SET label_counts = '{"LOC":1}' WHERE id = 2`).run();
  assert.deepEqual(labels(), [
    { label: 'DATE', n: 1 },
    { label: 'LOC', n: 3 },
  ]);
  db.prepare(`UPDATE documents SET label_counts = '{"LOC":1}' WHERE id = 1`).run();
  assert.deepEqual(labels(), [{ label: 'LOC', n: 2 }]);
  db.prepare('DELETE FROM documents WHERE id = 2').run();
  assert.deepEqual(labels(), [{ label: 'LOC', n: 1 }]);
  assert.deepEqual(statuses(), [{ status: 'done', n: 2 }]);
  db.exec(
    `INSERT INTO documents (project_id, name, text, source, source_ref, content_hash, label_counts) VALUES (1, 'g', 'Huế', 's', '4', '${'3'.repeat(64)}', '{"LOC":2}')`,
  );
  assert.deepEqual(labels(), [{ label: 'LOC', n: 3 }], 'a document inserted with its summary is counted');
});
