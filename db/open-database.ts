import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { assertNotTooNew, migrate } from './migrate.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Refuse to create the file (commands other than `init` work on an existing workbench). */
  mustExist?: boolean;
  /** For tests: the migration list to run instead of the real one. */
  migrations?: readonly Migration[];
  /** How long a writer waits for another process's lock before failing, in ms. */
  busyTimeoutMs?: number;
}

/** Opens (or creates) a workbench database: WAL, foreign keys on, busy timeout, migrated to the latest schema. */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const list = options.migrations ?? allMigrations;
  const db = new Database(path, { fileMustExist: options.mustExist ?? false });
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Checked before WAL is switched on, so a newer database is refused without a single byte written.
    assertNotTooNew(db, list);
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before it is acknowledged, even across a power cut (NORMAL in WAL mode survives
    // only an application crash). Imports and jobs commit in batches, so the extra sync costs little.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, list);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
