// Imports stage before they publish (docs/data-safety.md). A file is decoded and validated into staged_records in
// short transactions of their own, so no other writer ever joins an import's transaction and a failed or killed
// import leaves only staged rows, which are never read as documents. Publishing moves the staged records into the
// document tables, also in short transactions; once an import is 'publishing' it is finished even after a crash
// (the next process rolls it forward), so a file is still all-or-nothing. `owner` (host:pid) says which process is
// doing the work, so recovery never touches a live process's import. Rows here are work in progress only: a
// published or abandoned import is deleted (the event log records what was imported).
import { SQL_NOW as NOW, type Migration } from './migration.js';

export const stagedImports: Migration = {
  version: 4,
  name: 'staged-imports',
  up(db) {
    db.exec(`
      CREATE TABLE imports (
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES projects(id),
        source      TEXT NOT NULL,
        format      TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('staging', 'publishing')),
        owner       TEXT,
        actor       TEXT NOT NULL CHECK (length(actor) > 0),
        -- What publishing has done so far (imported, unchanged, changed, entities, suggestedSpans).
        counts      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
        started_at  TEXT NOT NULL DEFAULT ${NOW}
      ) STRICT;

      CREATE TABLE staged_records (
        import_id INTEGER NOT NULL REFERENCES imports(id),
        seq       INTEGER NOT NULL,
        line      INTEGER NOT NULL,
        record    TEXT NOT NULL CHECK (json_valid(record)),
        PRIMARY KEY (import_id, seq)
      ) STRICT;
    `);
  },
};
