// Migration 0009 (label-names): a version-8 database keeps its labels (ids, colours, shortcuts, order) and then
// takes names with inner single spaces, still refusing leading, trailing or double spaces, tabs and line breaks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, schemaVersion } from '../../../db/migrate.js';
import { migrations } from '../../../db/migrations/index.js';

test('0009 label-names: labels are kept, and a name may hold inner single spaces', () => {
  const version = migrations.findIndex((m) => m.name === 'label-names') + 1;
  assert.equal(version, 9);
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version - 1));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO labels (project_id, name, colour, shortcut, description, sort_order) VALUES (1, 'PER', '#112233', '1', 'người', 1);
    INSERT INTO labels (project_id, name, colour, shortcut, sort_order) VALUES (1, 'Nơi', '#445566', NULL, 0);`);
  const insert = db.prepare('INSERT INTO labels (project_id, name, colour, sort_order) VALUES (1, ?, ?, 2)');
  assert.throws(() => insert.run('triệu chứng', '#000000'), /CHECK/, 'version 8 refuses spaces');
  const before = db.prepare('SELECT * FROM labels ORDER BY id').all();

  migrate(db, migrations.slice(0, version));
  assert.equal(schemaVersion(db), version);
  assert.deepEqual(db.prepare('SELECT * FROM labels ORDER BY id').all(), before);
  assert.match(
    (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'labels'").get() as { sql: string }).sql,
    /STRICT$/,
  );

  insert.run('triệu chứng bệnh', '#000000');
  for (const bad of [' lead', 'trail ', 'two  spaces', 'tab\there', 'line\nbreak', ''])
    assert.throws(() => insert.run(bad, '#000000'), /CHECK/, JSON.stringify(bad));
  assert.throws(() => insert.run('PER', '#000000'), /UNIQUE/);
  assert.throws(
    () => db.prepare("INSERT INTO labels (project_id, name, colour, sort_order) VALUES (2, 'x', '#000000', 0)").run(),
    /FOREIGN KEY/,
  );
  assert.deepEqual(db.pragma('foreign_key_check'), []);
});
