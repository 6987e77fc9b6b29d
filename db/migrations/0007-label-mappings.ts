// A model's labels onto a project's labels (issue 12, label set changes). A model whose labels are named otherwise
// (`PER` for the project's `NAME`) is used through the project's mapping for that model, applied where its
// suggestions are stored. model_name '*' is every model: renames and merges add such rows (old name -> new name), so
// suggestions stored before the change, which stay as the model wrote them, are shown and accepted under the new
// name, and later model output with the old name is stored under it.
import type { Migration } from './migration.js';

export const labelMappings: Migration = {
  version: 7,
  name: 'label-mappings',
  up(db) {
    db.exec(`
      CREATE TABLE label_mappings (
        project_id    INTEGER NOT NULL REFERENCES projects(id),
        model_name    TEXT NOT NULL CHECK (length(model_name) > 0),
        model_label   TEXT NOT NULL CHECK (length(model_label) > 0),
        project_label TEXT NOT NULL CHECK (length(project_label) > 0),
        PRIMARY KEY (project_id, model_name, model_label)
      ) STRICT;
      CREATE INDEX label_mappings_by_target ON label_mappings (project_id, project_label);
    `);
  },
};
