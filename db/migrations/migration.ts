import type { Database } from 'better-sqlite3';

/** One schema step: `up` runs inside the runner's transaction, so it must not BEGIN or COMMIT itself. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** SQL default for a timestamp column: now, UTC, ISO 8601 with milliseconds (as 0001 writes it). */
export const SQL_NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
