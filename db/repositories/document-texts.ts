import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';

/** Ids and texts of a project's documents of some statuses, in id order, a slice at a time (scans that yield between slices). */
export class DocumentTextRepository {
  private readonly sliceStmt: Statement<
    [{ project: number; statuses: string; after: number; through: number; limit: number }],
    { id: number; text: string }
  >;

  constructor(db: Db) {
    this.sliceStmt = db.prepare(
      `SELECT id, text FROM documents WHERE project_id = @project AND status IN (SELECT value FROM json_each(@statuses))
       AND id > @after AND id <= @through ORDER BY id LIMIT @limit`,
    );
  }

  /** Up to `limit` documents with ids in (after, through]. */
  slice(
    projectId: number,
    statuses: readonly string[],
    after: number,
    through: number,
    limit: number,
  ): { id: number; text: string }[] {
    return this.sliceStmt.all({ project: projectId, statuses: JSON.stringify(statuses), after, through, limit });
  }
}
