import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';

export interface Count {
  key: string | null;
  count: number;
}

/** Read-only aggregates for a project, computed in SQL so large projects never load into memory. */
export class StatsRepository {
  private readonly byStatusStmt: Statement<[number], Count>;
  private readonly bySplitStmt: Statement<[number], Count>;
  private readonly byLabelStmt: Statement<[number], Count>;
  private readonly totalsStmt: Statement<
    [{ project: number }],
    { documents: number; annotated: number; entities: number; revisions: number }
  >;
  private readonly suggestionsStmt: Statement<[number], { suggestions: number; spans: number }>;
  private readonly outcomesStmt: Statement<[number], Count>;

  constructor(db: Db) {
    const latest = `(SELECT r.* FROM documents d JOIN annotation_revisions r
      ON r.id = (SELECT id FROM annotation_revisions WHERE document_id = d.id ORDER BY revision DESC LIMIT 1)
      WHERE d.project_id = ?)`;
    this.byStatusStmt = db.prepare(
      'SELECT status AS key, count(*) AS count FROM documents WHERE project_id = ? GROUP BY status ORDER BY status',
    );
    this.bySplitStmt = db.prepare(
      'SELECT split AS key, count(*) AS count FROM documents WHERE project_id = ? GROUP BY split ORDER BY split',
    );
    this.byLabelStmt = db.prepare(
      // Grouped by position, not alias: json_each has a column of its own called "key".
      `SELECT json_extract(j.value, '$.label') AS key, count(*) AS count FROM ${latest} AS r, json_each(r.spans) AS j
       GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    this.totalsStmt = db.prepare(
      `SELECT (SELECT count(*) FROM documents WHERE project_id = @project) AS documents,
              (SELECT count(*) FROM ${latest.replace('?', '@project')}) AS annotated,
              (SELECT coalesce(sum(entity_count), 0) FROM ${latest.replace('?', '@project')}) AS entities,
              (SELECT count(*) FROM annotation_revisions r JOIN documents d ON d.id = r.document_id WHERE d.project_id = @project) AS revisions`,
    );
    this.suggestionsStmt = db.prepare(
      `SELECT count(DISTINCT s.id) AS suggestions, count(sp.id) AS spans
       FROM suggestions s JOIN documents d ON d.id = s.document_id LEFT JOIN suggested_spans sp ON sp.suggestion_id = s.id
       WHERE d.project_id = ?`,
    );
    this.outcomesStmt = db.prepare(
      `SELECT o.outcome AS key, count(*) AS count FROM suggestion_outcomes o
       JOIN suggested_spans sp ON sp.id = o.suggested_span_id JOIN suggestions s ON s.id = sp.suggestion_id
       JOIN documents d ON d.id = s.document_id
       WHERE d.project_id = ? AND o.id = (SELECT max(id) FROM suggestion_outcomes WHERE suggested_span_id = o.suggested_span_id)
         AND o.outcome <> 'reopened'
       GROUP BY o.outcome ORDER BY o.outcome`,
    );
  }

  totals(projectId: number) {
    return this.totalsStmt.get({ project: projectId })!;
  }
  byStatus(projectId: number): Count[] {
    return this.byStatusStmt.all(projectId);
  }
  bySplit(projectId: number): Count[] {
    return this.bySplitStmt.all(projectId);
  }
  /** Entities of the latest revisions, per label. */
  byLabel(projectId: number): Count[] {
    return this.byLabelStmt.all(projectId);
  }
  suggestions(projectId: number) {
    return this.suggestionsStmt.get(projectId)!;
  }
  /** Current outcome of every suggested span that has one (a reopened span is pending again: it has none). */
  outcomes(projectId: number): Count[] {
    return this.outcomesStmt.all(projectId);
  }
}
