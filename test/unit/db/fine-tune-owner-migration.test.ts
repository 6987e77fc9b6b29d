// Migration 0005 (fine-tune-owner), in the style of migrations.test.ts: a version-4 database keeps its fine-tune log
// and gains the owner and the `interrupted` flag; runs logged before have no owner.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, schemaVersion } from '../../../db/migrate.js';
import { migrations } from '../../../db/migrations/index.js';

test('0005 fine-tune-owner: a version-4 database keeps its runs (no owner, not interrupted) and gains both columns', () => {
  const version = migrations.findIndex((m) => m.name === 'fine-tune-owner') + 1;
  assert.equal(version, 5);
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version - 1));
  db.exec(`INSERT INTO projects (name) VALUES ('p');
    INSERT INTO models (name, version, path, manifest) VALUES ('m', '1', '/m', '{}');
    INSERT INTO fine_tunes (id, project_id, base_model_id, state, train_docs, heldout_docs, started_at) VALUES
      (3, 1, 1, 'running', 8, 2, '2024-01-02T03:04:05.678Z'), (4, 1, 1, 'done', 8, 2, '2024-01-02T03:04:06.000Z');`);
  const before = db.prepare('SELECT * FROM fine_tunes ORDER BY id').all() as Record<string, unknown>[];

  migrate(db, migrations.slice(0, version));
  assert.equal(schemaVersion(db), version);
  assert.deepEqual(
    db.prepare('SELECT * FROM fine_tunes ORDER BY id').all(),
    before.map((row) => ({ ...row, owner: null, interrupted: 0 })),
  );
  assert.match(
    (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'fine_tunes'").get() as { sql: string }).sql,
    /STRICT$/,
  );

  db.prepare(
    "INSERT INTO fine_tunes (project_id, base_model_id, state, train_docs, heldout_docs, owner) VALUES (1, 1, 'running', 8, 2, 'host:123')",
  ).run();
  assert.deepEqual(db.prepare('SELECT owner, interrupted FROM fine_tunes WHERE id = 5').get(), {
    owner: 'host:123',
    interrupted: 0,
  });
  assert.throws(() => db.prepare('UPDATE fine_tunes SET interrupted = 2 WHERE id = 5').run(), /CHECK/);
  assert.throws(() => db.prepare('UPDATE fine_tunes SET interrupted = NULL WHERE id = 5').run(), /NOT NULL/);
  assert.throws(
    () => db.prepare("UPDATE fine_tunes SET owner = X'00' WHERE id = 5").run(),
    /cannot store BLOB value in TEXT column/,
    'still STRICT',
  );
});
