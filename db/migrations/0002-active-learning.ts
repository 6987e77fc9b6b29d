// Active learning (docs/active-learning.md): the engine's uncertainty signals per model run, model lineage (a
// fine-tuned version names its parent and the project whose corrections trained it), and a log of fine-tune runs,
// including the failed and cancelled ones, which register no model.
import { SQL_NOW as NOW, type Migration } from './migration.js';

export const activeLearning: Migration = {
  version: 2,
  name: 'active-learning',
  up(db) {
    db.exec(`
      ALTER TABLE suggestions ADD COLUMN signals TEXT CHECK (signals IS NULL OR json_valid(signals));
      ALTER TABLE models ADD COLUMN parent_id INTEGER REFERENCES models(id);
      ALTER TABLE models ADD COLUMN project_id INTEGER REFERENCES projects(id);

      CREATE TABLE fine_tunes (
        id            INTEGER PRIMARY KEY,
        project_id    INTEGER NOT NULL REFERENCES projects(id),
        base_model_id INTEGER NOT NULL REFERENCES models(id),
        model_id      INTEGER REFERENCES models(id),
        state         TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
        train_docs    INTEGER NOT NULL CHECK (train_docs >= 0),
        heldout_docs  INTEGER NOT NULL CHECK (heldout_docs >= 0),
        metrics       TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
        message       TEXT,
        started_at    TEXT NOT NULL DEFAULT ${NOW},
        finished_at   TEXT
      ) STRICT;
      CREATE INDEX fine_tunes_by_project ON fine_tunes (project_id, id);
    `);
  },
};
