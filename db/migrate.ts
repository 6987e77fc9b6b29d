import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations/migration.js';

/** The database was written by a newer workbench; opening it with this one could corrupt it. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly version: number,
    readonly latest: number,
  ) {
    super(`database is version ${version}, this workbench knows up to ${latest}: update the workbench`);
    this.name = 'DatabaseTooNewError';
  }
}

/** The schema version recorded in the database header. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/** Refuses a database newer than `list` knows, before anything touches it. */
export function assertNotTooNew(db: Database, list: readonly Migration[]): void {
  const latest = list.length;
  const version = schemaVersion(db);
  if (version > latest) throw new DatabaseTooNewError(version, latest);
}

/**
 * Brings the database up to the last migration of `list`. All pending migrations run in ONE immediate transaction
 * with `user_version` set inside it, so a failing migration leaves the database exactly at its old version.
 */
export function migrate(db: Database, list: readonly Migration[]): { from: number; to: number } {
  checkOrder(list);
  const run = db.transaction(() => {
    // Read again under the write lock: another process may have migrated since we looked.
    assertNotTooNew(db, list);
    const from = schemaVersion(db);
    for (const m of list.slice(from)) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
    return { from, to: Math.max(from, list.length) };
  });
  return run.immediate();
}
