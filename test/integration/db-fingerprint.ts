// A database's whole content as one hash, to prove that a failed operation changed nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Db } from '../../db/open-database.js';

/** sha256 over every row of every table (in rowid order) and the schema version. */
export function contentFingerprint(db: Db): string {
  const hash = createHash('sha256');
  hash.update(String(db.pragma('user_version', { simple: true })));
  const tables = db.prepare('SELECT name, sql FROM sqlite_master ORDER BY type, name').all() as {
    name: string;
    sql: string | null;
  }[];
  for (const { name, sql } of tables) {
    hash.update(`${name}\0${sql ?? ''}\0`);
    if (sql?.startsWith('CREATE TABLE'))
      for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

/** The main database file's bytes after folding the WAL into it. */
export function fileBytes(db: Db, path: string): Buffer {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return readFileSync(path);
}
