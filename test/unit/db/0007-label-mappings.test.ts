// Migration 0007 (label-mappings), in the style of migrations.test.ts: a version-6 database keeps its labels and
// gains the (empty) mapping table, keyed by project, model and model label.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, schemaVersion } from '../../../db/migrate.js';
import { migrations } from '../../../db/migrations/index.js';

test('0007 label-mappings: a version-6 database keeps its labels and gains label_mappings', () => {
  const version = migrations.findIndex((m) => m.name === 'label-mappings') + 1;
  assert.equal(version, 7);
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version - 1));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO labels (project_id, name, colour, shortcut, sort_order) VALUES (1, 'PER', '#112233', '1', 0);`);
  const before = db.prepare('SELECT * FROM labels').all();

  migrate(db, migrations.slice(0, version));
  assert.equal(schemaVersion(db), version);
  assert.deepEqual(db.prepare('SELECT * FROM labels').all(), before);
  assert.deepEqual(db.prepare('SELECT * FROM label_mappings').all(), []);
  assert.match(
    (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'label_mappings'").get() as { sql: string }).sql,
    /STRICT$/,
  );

  const insert = db.prepare(
    'INSERT INTO label_mappings (project_id, model_name, model_label, project_label) VALUES (?, ?, ?, ?)',
  );
  insert.run(1, '*', 'PERSON', 'PER');
  insert.run(1, 'm', 'PERSON', 'PER');
  assert.throws(() => insert.run(1, 'm', 'PERSON', 'X'), /UNIQUE/);
  assert.throws(() => insert.run(1, '', 'A', 'B'), /CHECK/);
  assert.throws(() => insert.run(1, 'm', 'A', ''), /CHECK/);
  assert.throws(() => insert.run(2, 'm', 'A', 'B'), /FOREIGN KEY/);
});
