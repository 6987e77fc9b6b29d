import type { Database } from 'better-sqlite3';

/** One schema step: `up` runs inside the runner's transaction, so it must not BEGIN or COMMIT itself. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
