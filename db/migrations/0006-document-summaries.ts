// The document list reads from the database, a page at a time, at any project size (docs/data-safety.md): each
// document carries the summary the list shows and filters on (entity and pending-suggestion counts, uncertainty,
// its labels), kept current by the services that write. Rows from before this migration start stale and are
// summarised in the background, a page at a time. Indexes give every list order without a sort.
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
    `);
  },
};
