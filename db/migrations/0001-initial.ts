// The first schema. Design notes:
// - Timestamps are ISO-8601 UTC text with milliseconds; JSON columns are checked with json_valid.
// - A document's text never changes (every revision's offsets point into it), so text/content_hash are frozen.
// - Annotation history, suggestions, their outcomes and the event log are append-only: triggers refuse UPDATE and
//   DELETE, so no code path can rewrite history. Foreign keys therefore do not cascade: a document with history
//   cannot be deleted (mark it `skipped` instead).
import type { Migration } from './migration.js';

const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const HEX = '[0-9A-Fa-f]';

function appendOnly(table: string): string {
  return `
    CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never updated'); END;
    CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows are never deleted'); END;`;
}

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE projects (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
        description TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL DEFAULT ${NOW},
        updated_at  TEXT NOT NULL DEFAULT ${NOW}
      ) STRICT;

      CREATE TABLE labels (
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES projects(id),
        name        TEXT NOT NULL CHECK (length(name) > 0 AND instr(name, ' ') = 0 AND instr(name, char(9)) = 0),
        colour      TEXT NOT NULL CHECK (colour GLOB '#${HEX.repeat(6)}'),
        shortcut    TEXT CHECK (shortcut IS NULL OR length(shortcut) = 1),
        description TEXT NOT NULL DEFAULT '',
        sort_order  INTEGER NOT NULL,
        UNIQUE (project_id, name),
        UNIQUE (project_id, shortcut)
      ) STRICT;

      CREATE TABLE documents (
        id           INTEGER PRIMARY KEY,
        project_id   INTEGER NOT NULL REFERENCES projects(id),
        name         TEXT NOT NULL,
        text         TEXT NOT NULL,
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        source       TEXT NOT NULL,
        source_ref   TEXT NOT NULL,
        split        TEXT,
        status       TEXT NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped')),
        tokens       TEXT CHECK (tokens IS NULL OR json_valid(tokens)),
        meta         TEXT CHECK (meta IS NULL OR json_valid(meta)),
        created_at   TEXT NOT NULL DEFAULT ${NOW},
        updated_at   TEXT NOT NULL DEFAULT ${NOW},
        -- Identity is the record in its source, not the text: PhoNER repeats sentences on different lines.
        UNIQUE (project_id, source, source_ref)
      ) STRICT;
      CREATE INDEX documents_by_status ON documents (project_id, status);
      CREATE INDEX documents_by_split ON documents (project_id, split);
      CREATE INDEX documents_by_hash ON documents (project_id, content_hash);
      CREATE INDEX documents_by_name ON documents (project_id, name);

      CREATE TRIGGER documents_text_frozen BEFORE UPDATE OF text, content_hash ON documents
      WHEN NEW.text IS NOT OLD.text OR NEW.content_hash IS NOT OLD.content_hash
      BEGIN SELECT RAISE(ABORT, 'a document''s text never changes: its revisions point into it'); END;

      CREATE TABLE annotation_revisions (
        id           INTEGER PRIMARY KEY,
        document_id  INTEGER NOT NULL REFERENCES documents(id),
        revision     INTEGER NOT NULL CHECK (revision >= 1),
        parent_id    INTEGER REFERENCES annotation_revisions(id),
        author       TEXT NOT NULL CHECK (length(author) > 0),
        created_at   TEXT NOT NULL DEFAULT ${NOW},
        -- JSON array of {label, start, end, fragments?} in code points of the document's NFC text.
        spans        TEXT NOT NULL CHECK (json_valid(spans) AND json_type(spans) = 'array'),
        entity_count INTEGER NOT NULL CHECK (entity_count >= 0),
        note         TEXT,
        UNIQUE (document_id, revision),
        CHECK ((revision = 1) = (parent_id IS NULL))
      ) STRICT;

      -- Revision n+1 must name revision n of the same document as parent; with UNIQUE(document_id, revision) this
      -- makes concurrent edits from the same parent fail instead of silently forking the history.
      CREATE TRIGGER annotation_revisions_parent_is_previous BEFORE INSERT ON annotation_revisions
      WHEN NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM annotation_revisions p
        WHERE p.id = NEW.parent_id AND p.document_id = NEW.document_id AND p.revision = NEW.revision - 1)
      BEGIN SELECT RAISE(ABORT, 'a revision''s parent must be the previous revision of the same document'); END;
      ${appendOnly('annotation_revisions')}

      CREATE TABLE models (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL CHECK (length(name) > 0),
        version    TEXT NOT NULL CHECK (length(version) > 0),
        path       TEXT NOT NULL,
        manifest   TEXT NOT NULL CHECK (json_valid(manifest)),
        metrics    TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
        created_at TEXT NOT NULL DEFAULT ${NOW},
        active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        UNIQUE (name, version)
      ) STRICT;
      CREATE UNIQUE INDEX models_at_most_one_active ON models (active) WHERE active = 1;

      -- One model run over one document. model_id is set for models in the registry; model_name/version always
      -- say where the suggestion came from (an imported Label Studio prediction has no registry entry).
      CREATE TABLE suggestions (
        id            INTEGER PRIMARY KEY,
        document_id   INTEGER NOT NULL REFERENCES documents(id),
        model_id      INTEGER REFERENCES models(id),
        model_name    TEXT NOT NULL,
        model_version TEXT NOT NULL,
        score         REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
        created_at    TEXT NOT NULL DEFAULT ${NOW}
      ) STRICT;
      CREATE INDEX suggestions_by_document ON suggestions (document_id, id);
      ${appendOnly('suggestions')}

      CREATE TABLE suggested_spans (
        id            INTEGER PRIMARY KEY,
        suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
        label         TEXT NOT NULL CHECK (length(label) > 0),
        start         INTEGER NOT NULL CHECK (start >= 0),
        end           INTEGER NOT NULL CHECK (end > start),
        fragments     TEXT CHECK (fragments IS NULL OR json_valid(fragments)),
        score         REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1))
      ) STRICT;
      CREATE INDEX suggested_spans_by_suggestion ON suggested_spans (suggestion_id);
      ${appendOnly('suggested_spans')}

      -- What a person did with a suggested span; the latest row per span is its current outcome.
      CREATE TABLE suggestion_outcomes (
        id                INTEGER PRIMARY KEY,
        suggested_span_id INTEGER NOT NULL REFERENCES suggested_spans(id),
        outcome           TEXT NOT NULL CHECK (outcome IN ('accepted', 'edited', 'rejected')),
        actor             TEXT NOT NULL CHECK (length(actor) > 0),
        created_at        TEXT NOT NULL DEFAULT ${NOW},
        revision_id       INTEGER REFERENCES annotation_revisions(id),
        CHECK (outcome = 'rejected' OR revision_id IS NOT NULL)
      ) STRICT;
      CREATE INDEX suggestion_outcomes_by_span ON suggestion_outcomes (suggested_span_id, id);
      ${appendOnly('suggestion_outcomes')}

      CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        type        TEXT NOT NULL CHECK (length(type) > 0),
        project_id  INTEGER REFERENCES projects(id),
        document_id INTEGER REFERENCES documents(id),
        actor       TEXT NOT NULL CHECK (length(actor) > 0),
        payload     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
        created_at  TEXT NOT NULL DEFAULT ${NOW}
      ) STRICT;
      CREATE INDEX events_by_type ON events (type, id);
      CREATE INDEX events_by_project ON events (project_id, id);
      CREATE INDEX events_by_document ON events (document_id, id) WHERE document_id IS NOT NULL;
      ${appendOnly('events')}
    `);
  },
};
