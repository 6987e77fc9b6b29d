// What a team project's gold standard and dataset card are read from (issue 15): which documents a curator has
// written gold for, the latest revision of every annotator's line, the model versions that suggested, and the dates
// the annotation was made. Read-only; the tables are migration 0010's and 0001's.
import type { Statement } from 'better-sqlite3';
import type { DocumentStatus } from '../../core/document-status.js';
import type { Entity } from '../../core/document.js';
import type { Db } from '../open-database.js';
import { entitiesFromJson } from '../json-columns.js';

/** The latest revision of one annotator's line of a document. */
export interface LineHeadRow {
  documentId: number;
  /** The annotator (the line's name). */
  line: string;
  /** Who wrote the latest revision (the annotator, or an admin's label rewrite). */
  author: string;
  createdAt: string;
  entities: Entity[];
  /** The line's status; a line with revisions but no status set is in progress. */
  status: DocumentStatus;
}

/** A model version that pre-annotated documents of the project. */
export interface SuggestionSource {
  model: string;
  version: string;
  documents: number;
  first: string;
  last: string;
}

export class CurationRepository {
  private readonly goldStmt: Statement<[number], { documentId: number }>;
  private readonly headsStmt: Statement<
    [number],
    { documentId: number; line: string; author: string; createdAt: string; spans: string; status: DocumentStatus }
  >;
  private readonly sourcesStmt: Statement<[number], SuggestionSource>;
  private readonly datesStmt: Statement<[number, number], { first: string | null; last: string | null }>;

  constructor(db: Db) {
    this.goldStmt = db.prepare(
      `SELECT DISTINCT g.document_id AS documentId FROM gold_revisions g JOIN documents d ON d.id = g.document_id
       WHERE d.project_id = ? ORDER BY g.document_id`,
    );
    this.headsStmt = db.prepare(
      `SELECT r.document_id AS documentId, r.line, r.author, r.created_at AS createdAt, r.spans,
              coalesce(s.status, 'in_progress') AS status
       FROM line_revisions r JOIN documents d ON d.id = r.document_id
       LEFT JOIN line_states s ON s.document_id = r.document_id AND s.line = r.line
       WHERE d.project_id = ?
         AND r.revision = (SELECT max(revision) FROM line_revisions l WHERE l.document_id = r.document_id AND l.line = r.line)
       ORDER BY r.document_id, r.line`,
    );
    this.sourcesStmt = db.prepare(
      `SELECT s.model_name AS model, s.model_version AS version, count(DISTINCT s.document_id) AS documents,
              min(s.created_at) AS first, max(s.created_at) AS last
       FROM suggestions s JOIN documents d ON d.id = s.document_id WHERE d.project_id = ?
       GROUP BY s.model_name, s.model_version ORDER BY first, model, version`,
    );
    this.datesStmt = db.prepare(
      `SELECT min(at) AS first, max(at) AS last FROM (
         SELECT r.created_at AS at FROM annotation_revisions r JOIN documents d ON d.id = r.document_id WHERE d.project_id = ?
         UNION ALL
         SELECT l.created_at FROM line_revisions l JOIN documents d ON d.id = l.document_id WHERE d.project_id = ?)`,
    );
  }

  /** The project's documents a curator has written gold for (a gold mark on their shared line). */
  goldDocuments(projectId: number): Set<number> {
    return new Set(this.goldStmt.all(projectId).map((r) => r.documentId));
  }

  /** The latest revision of every annotator's line in the project, by document id (lines by name). */
  lineHeads(projectId: number): Map<number, LineHeadRow[]> {
    const byDocument = new Map<number, LineHeadRow[]>();
    for (const { spans, ...row } of this.headsStmt.all(projectId)) {
      const head = { ...row, entities: entitiesFromJson(spans) };
      byDocument.set(row.documentId, [...(byDocument.get(row.documentId) ?? []), head]);
    }
    return byDocument;
  }

  /** The model versions whose suggestions reached the project's documents, oldest first. */
  suggestionSources(projectId: number): SuggestionSource[] {
    return this.sourcesStmt.all(projectId);
  }

  /** The first and last revision (shared or an annotator's) of the project; null when nothing was annotated. */
  revisionDates(projectId: number): { first: string | null; last: string | null } {
    return this.datesStmt.get(projectId, projectId) ?? { first: null, last: null };
  }
}
