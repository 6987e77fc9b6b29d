// The document list reads from the database, a page at a time, at any project size (docs/data-safety.md): each
// document carries the summary the list shows and filters on (entity and pending-suggestion counts, uncertainty,
// its labels), kept current by the services that write. Rows from before this migration start stale and are
// summarised in the background, a page at a time. Indexes give every list order without a sort. Documents per status
// and entities per label are kept per project by triggers, in the transaction of the write that changes them, so
// totals cost a few rows to read whatever writes them (the services, the CLI, a recovery).
import type { Migration } from './migration.js';

export const documentSummaries: Migration = {
  version: 6,
  name: 'document-summaries',
  up(db) {
    db.exec(`
      ALTER TABLE documents ADD COLUMN entity_count INTEGER NOT NULL DEFAULT 0 CHECK (entity_count >= 0);
      ALTER TABLE documents ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0 CHECK (pending_count >= 0);
      -- 1 - mean score of the pending suggestions; NULL when none has a score.
      ALTER TABLE documents ADD COLUMN uncertainty REAL;
      -- Labels of the entities and pending suggestions, each between unit separators: char(31) || 'DATE' || char(31).
      ALTER TABLE documents ADD COLUMN labels TEXT NOT NULL DEFAULT '';
      -- Entities per label of the latest revision, as a JSON object.
      ALTER TABLE documents ADD COLUMN label_counts TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(label_counts));
      ALTER TABLE documents ADD COLUMN summary_stale INTEGER NOT NULL DEFAULT 1 CHECK (summary_stale IN (0, 1));
      UPDATE documents SET summary_stale = 1;
      CREATE INDEX documents_in_order ON documents (project_id, id);
      CREATE INDEX documents_by_uncertainty ON documents (project_id, uncertainty DESC, id);
      CREATE INDEX documents_stale ON documents (id) WHERE summary_stale = 1;

      CREATE TABLE status_totals (
        project_id INTEGER NOT NULL REFERENCES projects(id),
        status     TEXT NOT NULL,
        n          INTEGER NOT NULL CHECK (n >= 0),
        PRIMARY KEY (project_id, status)
      ) STRICT;
      INSERT INTO status_totals (project_id, status, n) SELECT project_id, status, count(*) FROM documents GROUP BY project_id, status;
      CREATE TRIGGER status_totals_insert AFTER INSERT ON documents BEGIN
        INSERT INTO status_totals (project_id, status, n) VALUES (NEW.project_id, NEW.status, 1)
          ON CONFLICT (project_id, status) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER status_totals_update AFTER UPDATE OF status ON documents WHEN OLD.status IS NOT NEW.status BEGIN
        UPDATE status_totals SET n = n - 1 WHERE project_id = OLD.project_id AND status = OLD.status;
        INSERT INTO status_totals (project_id, status, n) VALUES (NEW.project_id, NEW.status, 1)
          ON CONFLICT (project_id, status) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER status_totals_delete AFTER DELETE ON documents BEGIN
        UPDATE status_totals SET n = n - 1 WHERE project_id = OLD.project_id AND status = OLD.status;
      END;

      CREATE TABLE label_totals (
        project_id INTEGER NOT NULL REFERENCES projects(id),
        label      TEXT NOT NULL,
        n          INTEGER NOT NULL CHECK (n >= 0),
        PRIMARY KEY (project_id, label)
      ) STRICT;
      CREATE TRIGGER label_totals_insert AFTER INSERT ON documents WHEN NEW.label_counts != '{}' BEGIN
        INSERT INTO label_totals (project_id, label, n) SELECT NEW.project_id, key, value FROM json_each(NEW.label_counts) WHERE true
          ON CONFLICT (project_id, label) DO UPDATE SET n = n + excluded.n;
      END;
      CREATE TRIGGER label_totals_update AFTER UPDATE OF label_counts ON documents WHEN OLD.label_counts IS NOT NEW.label_counts BEGIN
        UPDATE label_totals SET n = n - (SELECT value FROM json_each(OLD.label_counts) WHERE key = label_totals.label)
          WHERE project_id = OLD.project_id AND label IN (SELECT key FROM json_each(OLD.label_counts));
        INSERT INTO label_totals (project_id, label, n) SELECT NEW.project_id, key, value FROM json_each(NEW.label_counts) WHERE true
          ON CONFLICT (project_id, label) DO UPDATE SET n = n + excluded.n;
      END;
      CREATE TRIGGER label_totals_delete AFTER DELETE ON documents BEGIN
        UPDATE label_totals SET n = n - (SELECT value FROM json_each(OLD.label_counts) WHERE key = label_totals.label)
          WHERE project_id = OLD.project_id AND label IN (SELECT key FROM json_each(OLD.label_counts));
      END;
    `);
  },
};
