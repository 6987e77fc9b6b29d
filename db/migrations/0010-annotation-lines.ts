// Team mode's per-annotator work (issue 15): a document holds one line of revisions per annotator beside the shared
// line (annotation_revisions: imports, label rewrites and the curators' gold), so annotators work blind to each
// other. annotation_revisions is left as it is (UNIQUE (document_id, revision) and its parent trigger make it one
// line; rebuilding an append-only table would have to carry every row and trigger). New tables:
// - line_revisions: append-only, keyed (document_id, line, revision) with the same parent rule per line, so two
//   saves from the same parent on one line conflict instead of forking it. A line's first revision names the shared
//   revision it started from (base_revision_id), so what the annotator was shown is on record. Its ids start at
//   LINE_REVISION_IDS (AUTOINCREMENT, seeded), so a save's parent id says unambiguously whether it names a shared
//   revision (an unstarted line's base) or a line revision: the two id ranges never meet.
// - line_outcomes: what an annotator did with a suggested span on their line (suggestions are shared, outcomes are
//   per annotator); append-only like suggestion_outcomes.
// - line_states: each line's status (new ... done); a plain row per (document, line), changed in place like
//   documents.status.
// - gold_revisions: which shared revisions a curator wrote as gold in team mode; an annotator's line starts from the
//   shared line as it was before the first gold revision, so gold never leaks into blind work.
// - assignments: which annotator is to annotate which document (changed by admins; not history).
// Lines and assignees are user names as text, like revision authors (users can be disabled, history stays).
import { SQL_NOW as NOW, type Migration } from './migration.js';

function appendOnly(table: string): string {
  return `
    CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never updated'); END;
    CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never deleted'); END;`;
}

/** The first line revision id (10^12: far above any shared revision id, far below 2^53). */
export const LINE_REVISION_IDS = 1_000_000_000_000;

const NAME = 'TEXT NOT NULL CHECK (length(%) BETWEEN 1 AND 64)';
const name = (column: string) => `${column} ${NAME.replace('%', column)}`;

export const annotationLines: Migration = {
  version: 10,
  name: 'annotation-lines',
  up(db) {
    db.exec(`
      CREATE TABLE line_revisions (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id      INTEGER NOT NULL REFERENCES documents(id),
        ${name('line')},
        revision         INTEGER NOT NULL CHECK (revision >= 1),
        parent_id        INTEGER REFERENCES line_revisions(id),
        base_revision_id INTEGER REFERENCES annotation_revisions(id),
        ${name('author')},
        created_at       TEXT NOT NULL DEFAULT ${NOW},
        spans            TEXT NOT NULL CHECK (json_valid(spans) AND json_type(spans) = 'array'),
        entity_count     INTEGER NOT NULL CHECK (entity_count >= 0),
        note             TEXT,
        UNIQUE (document_id, line, revision),
        CHECK ((revision = 1) = (parent_id IS NULL)),
        CHECK (revision = 1 OR base_revision_id IS NULL)
      ) STRICT;
      CREATE INDEX line_revisions_by_line ON line_revisions (line, document_id);
      INSERT INTO sqlite_sequence (name, seq) VALUES ('line_revisions', ${LINE_REVISION_IDS - 1});

      CREATE TRIGGER line_revisions_parent_is_previous BEFORE INSERT ON line_revisions
      WHEN NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM line_revisions p
        WHERE p.id = NEW.parent_id AND p.document_id = NEW.document_id AND p.line = NEW.line
          AND p.revision = NEW.revision - 1)
      BEGIN SELECT RAISE(ABORT, 'a line revision''s parent must be the previous revision of the same line'); END;
      CREATE TRIGGER line_revisions_base_same_document BEFORE INSERT ON line_revisions
      WHEN NEW.base_revision_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM annotation_revisions b WHERE b.id = NEW.base_revision_id AND b.document_id = NEW.document_id)
      BEGIN SELECT RAISE(ABORT, 'a line''s base must be a revision of the same document'); END;
      ${appendOnly('line_revisions')}

      CREATE TABLE line_outcomes (
        id                INTEGER PRIMARY KEY,
        suggested_span_id INTEGER NOT NULL REFERENCES suggested_spans(id),
        ${name('line')},
        outcome           TEXT NOT NULL CHECK (outcome IN ('accepted', 'edited', 'rejected', 'reopened')),
        ${name('actor')},
        created_at        TEXT NOT NULL DEFAULT ${NOW},
        revision_id       INTEGER REFERENCES line_revisions(id),
        CHECK (outcome IN ('rejected', 'reopened') OR revision_id IS NOT NULL)
      ) STRICT;
      CREATE INDEX line_outcomes_by_span ON line_outcomes (line, suggested_span_id, id);
      ${appendOnly('line_outcomes')}

      CREATE TABLE line_states (
        document_id INTEGER NOT NULL REFERENCES documents(id),
        ${name('line')},
        status      TEXT NOT NULL
                    CHECK (status IN ('new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped')),
        updated_at  TEXT NOT NULL DEFAULT ${NOW},
        PRIMARY KEY (document_id, line)
      ) STRICT;
      CREATE INDEX line_states_by_line ON line_states (line, status, document_id);

      CREATE TABLE gold_revisions (
        revision_id INTEGER PRIMARY KEY REFERENCES annotation_revisions(id),
        document_id INTEGER NOT NULL REFERENCES documents(id)
      ) STRICT;
      CREATE INDEX gold_revisions_by_document ON gold_revisions (document_id, revision_id);
      ${appendOnly('gold_revisions')}

      CREATE TABLE assignments (
        document_id INTEGER NOT NULL REFERENCES documents(id),
        ${name('annotator')},
        ${name('assigned_by')},
        created_at  TEXT NOT NULL DEFAULT ${NOW},
        PRIMARY KEY (document_id, annotator)
      ) STRICT;
      CREATE INDEX assignments_by_annotator ON assignments (annotator, document_id);
    `);
  },
};
