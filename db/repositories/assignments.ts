import type { Statement } from 'better-sqlite3';
import type { DocumentStatus } from '../../core/document-status.js';
import type { Db } from '../open-database.js';
import { nowIso } from '../json-columns.js';

/** One annotator's assignment in a project, with how far their line has got (migration 0010). */
export interface AnnotatorProgress {
  annotator: string;
  assigned: number;
  /** Assigned documents whose line is done or reviewed. */
  done: number;
  /** Assigned documents whose line is in progress. */
  inProgress: number;
  /** Assigned documents whose line is skipped. */
  skipped: number;
}

/** A document as an annotator's line sees it: its id and the line's status. */
export interface LineStatusRow {
  id: number;
  status: DocumentStatus;
}

/** Which annotator is to annotate which document. Rows are added and removed by admins; history is the events'. */
export class AssignmentRepository {
  private readonly insertStmt: Statement;
  private readonly removeStmt: Statement;
  private readonly removeAllStmt: Statement<[string, number]>;
  private readonly anyStmt: Statement<[number]>;
  private readonly assignedStmt: Statement<[number, string, number]>;
  private readonly progressStmt: Statement<[number], AnnotatorProgress>;
  private readonly countsStmt: Statement<[number], { unassigned: number; overlapped: number }>;
  private readonly unassignedStmt: Statement<[number]>;
  private readonly lineStatusStmt: Statement<[{ project: number; line: string; restricted: number }], LineStatusRow>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT OR IGNORE INTO assignments (document_id, annotator, assigned_by, created_at) VALUES (?, ?, ?, ?)',
    );
    this.removeStmt = db.prepare('DELETE FROM assignments WHERE document_id = ? AND annotator = ?');
    this.removeAllStmt = db.prepare(
      'DELETE FROM assignments WHERE annotator = ? AND document_id IN (SELECT id FROM documents WHERE project_id = ?)',
    );
    this.anyStmt = db.prepare(
      'SELECT EXISTS (SELECT 1 FROM assignments a JOIN documents d ON d.id = a.document_id WHERE d.project_id = ?)',
    );
    this.assignedStmt = db.prepare(
      `SELECT EXISTS (SELECT 1 FROM assignments a JOIN documents d ON d.id = a.document_id
                      WHERE d.project_id = ? AND a.annotator = ? AND a.document_id = ?)`,
    );
    this.progressStmt = db.prepare(
      `SELECT a.annotator, count(*) AS assigned,
              count(*) FILTER (WHERE s.status IN ('done', 'reviewed')) AS done,
              count(*) FILTER (WHERE s.status = 'in_progress') AS inProgress,
              count(*) FILTER (WHERE s.status = 'skipped') AS skipped
       FROM assignments a JOIN documents d ON d.id = a.document_id
       LEFT JOIN line_states s ON s.document_id = a.document_id AND s.line = a.annotator
       WHERE d.project_id = ? GROUP BY a.annotator ORDER BY a.annotator`,
    );
    this.countsStmt = db.prepare(
      `SELECT count(*) FILTER (WHERE n = 0) AS unassigned, count(*) FILTER (WHERE n > 1) AS overlapped
       FROM (SELECT d.id, (SELECT count(*) FROM assignments a WHERE a.document_id = d.id) AS n
             FROM documents d WHERE d.project_id = ?)`,
    );
    this.unassignedStmt = db.prepare(
      `SELECT id FROM documents d WHERE project_id = ?
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id) ORDER BY id`,
    );
    // An annotator's documents with their line's status; a line never touched is pre-annotated when the model has
    // suggested, else new (annotation-lines.ts says the same for one document).
    this.lineStatusStmt = db.prepare(
      `SELECT d.id, coalesce(s.status, CASE WHEN EXISTS (SELECT 1 FROM suggestions g WHERE g.document_id = d.id)
                                            THEN 'pre-annotated' ELSE 'new' END) AS status
       FROM documents d LEFT JOIN line_states s ON s.document_id = d.id AND s.line = @line
       WHERE d.project_id = @project
         AND (@restricted = 0 OR d.id IN (SELECT document_id FROM assignments WHERE annotator = @line))
       ORDER BY d.id`,
    );
  }

  /** Assigns each document to each annotator (already assigned pairs are kept); returns the rows added. */
  add(rows: readonly { documentId: number; annotator: string }[], by: string, now = nowIso()): number {
    let added = 0;
    for (const r of rows) added += this.insertStmt.run(r.documentId, r.annotator, by, now).changes;
    return added;
  }

  /** Takes documents from an annotator; all of theirs in the project when `documentIds` is absent. */
  remove(projectId: number, annotator: string, documentIds?: readonly number[]): number {
    if (!documentIds) return this.removeAllStmt.run(annotator, projectId).changes;
    let removed = 0;
    for (const id of documentIds) removed += this.removeStmt.run(id, annotator).changes;
    return removed;
  }

  /** True when the project has any assignment (a project without one is open to every annotator). */
  any(projectId: number): boolean {
    return this.anyStmt.pluck().get(projectId) === 1;
  }

  isAssigned(projectId: number, annotator: string, documentId: number): boolean {
    return this.assignedStmt.pluck().get(projectId, annotator, documentId) === 1;
  }

  /** Each annotator with an assignment in the project, and how far they have got. */
  progress(projectId: number): AnnotatorProgress[] {
    return this.progressStmt.all(projectId);
  }

  /** Documents of the project with no annotator, and with more than one. */
  counts(projectId: number): { unassigned: number; overlapped: number } {
    return this.countsStmt.get(projectId)!;
  }

  /** Ids of the project's documents nobody is assigned, in order. */
  unassigned(projectId: number): number[] {
    return this.unassignedStmt.pluck().all(projectId) as number[];
  }

  /** The annotator's documents in order with their line's status: their assignment, or every document when `all`. */
  lineStatuses(projectId: number, line: string, all: boolean): LineStatusRow[] {
    return this.lineStatusStmt.all({ project: projectId, line, restricted: all ? 0 : 1 });
  }
}
