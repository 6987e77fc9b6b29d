// Migration 0008 (team-users): a version-7 database keeps its revisions and gains users, sessions and the install
// secrets; names are unique regardless of case, roles are the three the contract knows, a user's sessions go with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, schemaVersion } from '../../../db/migrate.js';
import { migrations } from '../../../db/migrations/index.js';
import { UserRepository } from '../../../db/repositories/users.js';

test('0008 team-users: a version-7 database keeps its data and gains users, sessions and install_secrets', () => {
  const version = migrations.findIndex((m) => m.name === 'team-users') + 1;
  assert.equal(version, 8);
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version - 1));
  db.exec(`INSERT INTO projects (name) VALUES ('p');`);
  const before = db.prepare('SELECT * FROM projects').all();

  migrate(db, migrations.slice(0, version));
  assert.equal(schemaVersion(db), version);
  assert.deepEqual(db.prepare('SELECT * FROM projects').all(), before);
  for (const table of ['users', 'sessions', 'install_secrets']) {
    assert.deepEqual(db.prepare(`SELECT * FROM ${table}`).all(), []);
    assert.match(
      (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql,
      /STRICT$/,
    );
  }

  const insert = db.prepare('INSERT INTO users (name, role, password_hash) VALUES (?, ?, ?)');
  insert.run('lan', 'annotator', 'h');
  assert.throws(() => insert.run('LAN', 'curator', 'h'), /UNIQUE/);
  assert.throws(() => insert.run('minh', 'owner', 'h'), /CHECK/);
  assert.throws(() => insert.run('', 'admin', 'h'), /CHECK/);
  assert.throws(() => insert.run('x'.repeat(65), 'admin', 'h'), /CHECK/);
  const session = db.prepare('INSERT INTO sessions (id_hash, user_id, expires_at) VALUES (?, ?, ?)');
  assert.throws(() => session.run('a'.repeat(64), 99, '2100-01-01'), /FOREIGN KEY/);
  assert.throws(() => session.run('short', 1, '2100-01-01'), /CHECK/);
  session.run('a'.repeat(64), 1, '2100-01-01');
  db.prepare('DELETE FROM users WHERE id = 1').run();
  assert.deepEqual(db.prepare('SELECT * FROM sessions').all(), [], "a user's sessions go with it");
  assert.throws(
    () => db.prepare('INSERT INTO install_secrets (name, value) VALUES (?, ?)').run('s', Buffer.alloc(8)),
    /CHECK/,
  );
});

test('the user repository: one secret per install, kept; disabling and a new password end the sessions', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  const users = new UserRepository(db);
  const secret = users.secret('session');
  assert.equal(secret.length, 32);
  assert.deepEqual(users.secret('session'), secret);
  assert.notDeepEqual(users.secret('other'), secret);
  assert.notDeepEqual(new UserRepository(migrated()).secret('session'), secret, 'another database, another secret');

  const lan = users.add('lan', 'annotator', 'h1');
  assert.equal(users.byName('LAN')?.id, lan.id);
  users.addSession('b'.repeat(64), lan.id, '2100-01-01T00:00:00.000Z', '127.0.0.1');
  users.setPassword(lan.id, 'h2');
  assert.equal(users.byId(lan.id)?.passwordHash, 'h2');
  assert.equal(users.session('b'.repeat(64)), undefined);
  users.addSession('c'.repeat(64), lan.id, '2100-01-01T00:00:00.000Z', null);
  users.setDisabled(lan.id, true);
  assert.equal(users.session('c'.repeat(64)), undefined);
  assert.equal(users.byId(lan.id)?.disabled, true);
  users.addSession('d'.repeat(64), lan.id, '2000-01-01T00:00:00.000Z', null);
  assert.equal(users.pruneSessions(new Date().toISOString()), 1);
});

function migrated() {
  const db = new Database(':memory:');
  migrate(db, migrations);
  return db;
}
