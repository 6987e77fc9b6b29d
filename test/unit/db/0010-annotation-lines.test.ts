// Migration 0010 (annotation-lines): a version-9 database keeps its revisions and gains per-annotator lines, their
// outcomes and statuses, gold marks and assignments. Lines are append-only with the parent rule per line, and their
// ids never meet the shared revisions' (so a save's parent says which line it names).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, schemaVersion } from '../../../db/migrate.js';
import { LINE_REVISION_IDS } from '../../../db/migrations/0010-annotation-lines.js';
import { migrations } from '../../../db/migrations/index.js';
import { LineRepository } from '../../../db/repositories/lines.js';

test('0010 annotation-lines: data kept; lines append-only, one parent per line, ids apart from shared revisions', () => {
  const version = migrations.findIndex((m) => m.name === 'annotation-lines') + 1;
  assert.equal(version, 10);
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version - 1));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO documents (project_id, name, text, content_hash, source, source_ref)
      VALUES (1, 'a', 'Hà Nội', '${'0'.repeat(64)}', 's', 'a'), (1, 'b', 'Huế', '${'1'.repeat(64)}', 's', 'b');
    INSERT INTO annotation_revisions (document_id, revision, author, spans, entity_count) VALUES (1, 1, 'import', '[]', 0);`);
  const before = db.prepare('SELECT * FROM annotation_revisions').all();

  migrate(db, migrations.slice(0, version));
  assert.equal(schemaVersion(db), version);
  assert.deepEqual(db.prepare('SELECT * FROM annotation_revisions').all(), before);
  for (const table of ['line_revisions', 'line_outcomes', 'line_states', 'gold_revisions', 'assignments'])
    assert.match(
      (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql,
      /STRICT$/,
    );

  const insert = db.prepare(
    `INSERT INTO line_revisions (document_id, line, revision, parent_id, base_revision_id, author, spans, entity_count)
     VALUES (?, ?, ?, ?, ?, ?, '[]', 0)`,
  );
  const first = Number(insert.run(1, 'hoa', 1, null, 1, 'hoa').lastInsertRowid);
  assert.equal(first, LINE_REVISION_IDS, 'line revision ids start apart from the shared ones');
  const lanFirst = Number(insert.run(1, 'lan', 1, null, 1, 'lan').lastInsertRowid);
  insert.run(1, 'hoa', 2, first, null, 'hoa');
  assert.throws(() => insert.run(1, 'hoa', 2, first, null, 'hoa'), /UNIQUE/, 'two saves from one parent on one line');
  assert.throws(() => insert.run(1, 'hoa', 3, lanFirst, null, 'hoa'), /previous revision of the same line/);
  assert.throws(() => insert.run(2, 'hoa', 1, null, 1, 'hoa'), /base must be a revision of the same document/);
  assert.throws(() => insert.run(1, 'minh', 2, null, null, 'minh'), /CHECK/, 'revision 2 needs a parent');
  assert.throws(() => insert.run(1, '', 1, null, null, 'x'), /CHECK/);
  assert.throws(() => db.prepare("UPDATE line_revisions SET spans = '[1]'").run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM line_revisions').run(), /append-only/);

  db.exec(`INSERT INTO suggestions (document_id, model_name, model_version) VALUES (1, 'm', '1');
    INSERT INTO suggested_spans (suggestion_id, label, start, end) VALUES (1, 'LOC', 0, 6);`);
  const outcome = db.prepare(
    'INSERT INTO line_outcomes (suggested_span_id, line, outcome, actor, revision_id) VALUES (1, ?, ?, ?, ?)',
  );
  outcome.run('hoa', 'accepted', 'hoa', first);
  outcome.run('hoa', 'rejected', 'hoa', null);
  assert.throws(() => outcome.run('hoa', 'accepted', 'hoa', null), /CHECK/, 'an accept names its revision');
  // Each line reads the latest outcome per span of the document, its own only.
  db.exec(`INSERT INTO suggestions (document_id, model_name, model_version) VALUES (2, 'm', '1');
    INSERT INTO suggested_spans (suggestion_id, label, start, end) VALUES (1, 'ORG', 0, 3), (2, 'LOC', 0, 3);`);
  outcome.run('lan', 'accepted', 'lan', lanFirst);
  db.prepare(
    "INSERT INTO line_outcomes (suggested_span_id, line, outcome, actor) VALUES (3, 'hoa', 'rejected', 'hoa')",
  ).run();
  const lines = new LineRepository(db);
  assert.deepEqual([...lines.outcomes(1, 'hoa')], [[1, 'rejected']]);
  assert.deepEqual([...lines.outcomes(1, 'lan')], [[1, 'accepted']]);
  assert.deepEqual([...lines.outcomes(2, 'hoa')], [[3, 'rejected']]);
  assert.deepEqual([...lines.outcomes(2, 'lan')], []);
  assert.deepEqual([...lines.outcomes(1, 'minh')], []);
  assert.throws(() => db.prepare('DELETE FROM line_outcomes').run(), /append-only/);

  db.prepare("INSERT INTO line_states (document_id, line, status) VALUES (1, 'hoa', 'done')").run();
  assert.throws(() => db.prepare("INSERT INTO line_states (document_id, line, status) VALUES (1, 'lan', 'x')").run());
  db.prepare('INSERT INTO gold_revisions (revision_id, document_id) VALUES (1, 1)').run();
  assert.throws(() => db.prepare('DELETE FROM gold_revisions').run(), /append-only/);
  const assign = db.prepare("INSERT INTO assignments (document_id, annotator, assigned_by) VALUES (?, ?, 'minh')");
  assign.run(1, 'hoa');
  assert.throws(() => assign.run(1, 'hoa'), /UNIQUE|PRIMARY KEY/);
  assert.throws(() => assign.run(9, 'hoa'), /FOREIGN KEY/);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
});
