// Label names with inner single spaces (issue 12, "any label names"): core/labels.ts now allows "triệu chứng bệnh",
// and 0001's CHECK refused any space. SQLite cannot change a CHECK in place, so the table is rebuilt with the same
// columns, rows and ids (nothing references labels by id), under the new rule's shape: no leading, trailing or
// double space, no tab or line break (the code's rule is stricter: control characters, other Unicode spaces, length).
import type { Migration } from './migration.js';

const HEX = '[0-9A-Fa-f]';

export const labelNames: Migration = {
  version: 9,
  name: 'label-names',
  up(db) {
    db.exec(`
      CREATE TABLE labels_new (
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES projects(id),
        name        TEXT NOT NULL CHECK (length(name) > 0 AND name = trim(name) AND instr(name, '  ') = 0
                                        AND instr(name, char(9)) = 0 AND instr(name, char(10)) = 0 AND instr(name, char(13)) = 0),
        colour      TEXT NOT NULL CHECK (colour GLOB '#${HEX.repeat(6)}'),
        shortcut    TEXT CHECK (shortcut IS NULL OR length(shortcut) = 1),
        description TEXT NOT NULL DEFAULT '',
        sort_order  INTEGER NOT NULL,
        UNIQUE (project_id, name),
        UNIQUE (project_id, shortcut)
      ) STRICT;
      INSERT INTO labels_new (id, project_id, name, colour, shortcut, description, sort_order)
        SELECT id, project_id, name, colour, shortcut, description, sort_order FROM labels;
      DROP TABLE labels;
      ALTER TABLE labels_new RENAME TO labels;
    `);
  },
};
