// Undoing a reject (or an accept): the outcome `reopened` says a person took back what they did with a suggested
// span, so it is pending again. History stays append-only: the reject is still there, followed by the reopen.
// SQLite cannot change a CHECK in place, so suggestion_outcomes is rebuilt with the same columns, ids, index and
// append-only triggers. A reopen needs no revision when it takes back a reject (suggestions.reopen) and names the
// undo's revision when it takes back an accept or edit (annotations.save).
import { SQL_NOW as NOW, type Migration } from './migration.js';

export const reopenSuggestions: Migration = {
  version: 3,
  name: 'reopen-suggestions',
  up(db) {
    db.exec(`
      CREATE TABLE suggestion_outcomes_v3 (
        id                INTEGER PRIMARY KEY,
        suggested_span_id INTEGER NOT NULL REFERENCES suggested_spans(id),
        outcome           TEXT NOT NULL CHECK (outcome IN ('accepted', 'edited', 'rejected', 'reopened')),
        actor             TEXT NOT NULL CHECK (length(actor) > 0),
        created_at        TEXT NOT NULL DEFAULT ${NOW},
        revision_id       INTEGER REFERENCES annotation_revisions(id),
        CHECK (outcome IN ('rejected', 'reopened') OR revision_id IS NOT NULL)
      ) STRICT;
      INSERT INTO suggestion_outcomes_v3 (id, suggested_span_id, outcome, actor, created_at, revision_id)
        SELECT id, suggested_span_id, outcome, actor, created_at, revision_id FROM suggestion_outcomes ORDER BY id;

      DROP TRIGGER suggestion_outcomes_no_update;
      DROP TRIGGER suggestion_outcomes_no_delete;
      DROP INDEX suggestion_outcomes_by_span;
      DROP TABLE suggestion_outcomes;
      ALTER TABLE suggestion_outcomes_v3 RENAME TO suggestion_outcomes;

      CREATE INDEX suggestion_outcomes_by_span ON suggestion_outcomes (suggested_span_id, id);
      CREATE TRIGGER suggestion_outcomes_no_update BEFORE UPDATE ON suggestion_outcomes
      BEGIN SELECT RAISE(ABORT, 'suggestion_outcomes is append-only: rows are never updated'); END;
      CREATE TRIGGER suggestion_outcomes_no_delete BEFORE DELETE ON suggestion_outcomes
      BEGIN SELECT RAISE(ABORT, 'suggestion_outcomes is append-only: rows are never deleted'); END;
    `);
  },
};
