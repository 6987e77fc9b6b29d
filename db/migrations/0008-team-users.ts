// Team mode of the browser host (issue 15): people with a role, their login sessions and the install's secret.
// Passwords are kept as scrypt hashes (the format is main/hosts/web/team/passwords.ts's); a session is kept only as
// an HMAC of its id under the install secret, so neither a database dump nor another server's cookie opens one.
// Revisions and outcomes keep naming their author by text (users.name), as they always have: no foreign key, so a
// user can be disabled without touching history, and the single-user 'annotator' stays a valid author.
import type { Migration } from './migration.js';
import { SQL_NOW } from './migration.js';

export const teamUsers: Migration = {
  version: 8,
  name: 'team-users',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 64),
        role          TEXT NOT NULL CHECK (role IN ('annotator', 'curator', 'admin')),
        password_hash TEXT NOT NULL CHECK (length(password_hash) > 0),
        disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at    TEXT NOT NULL DEFAULT ${SQL_NOW},
        password_set_at TEXT NOT NULL DEFAULT ${SQL_NOW}
      ) STRICT;
      CREATE TABLE sessions (
        id_hash     TEXT PRIMARY KEY CHECK (length(id_hash) = 64),
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL DEFAULT ${SQL_NOW},
        expires_at  TEXT NOT NULL,
        address     TEXT
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE TABLE install_secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL CHECK (length(value) >= 32)
      ) STRICT;
    `);
  },
};
