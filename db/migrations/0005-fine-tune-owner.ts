// Which process runs a fine-tune, so startup recovery marks failed only the runs whose owner died (db/process-owner:
// "host:pid") and never a run another live process (the app, while `workbench models` looks) is training. A run
// recovery marked failed is flagged `interrupted`: if its owner was alive after all and finishes it, its own
// outcome replaces the guess instead of leaving a "failed" run beside a registered model. Runs logged before this
// migration have no owner: a 'running' one among them counts as interrupted, as it did before.
import type { Migration } from './migration.js';

export const fineTuneOwner: Migration = {
  version: 5,
  name: 'fine-tune-owner',
  up(db) {
    db.exec(`
      ALTER TABLE fine_tunes ADD COLUMN owner TEXT;
      ALTER TABLE fine_tunes ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1));
    `);
  },
};
