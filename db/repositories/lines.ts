import type { Statement } from 'better-sqlite3';
import type { DocumentStatus } from '../../core/document-status.js';
import type { Entity } from '../../core/document.js';
import type { Db } from '../open-database.js';
import { entitiesFromJson, entitiesToJson, nowIso } from '../json-columns.js';
import type { Revision } from './revisions.js';
import type { SuggestionOutcome } from './suggestions.js';

/** A revision of one annotator's line (migration 0010); `line` is the annotator's name. */
export interface LineRevision extends Revision {
  line: string;
  /** The shared revision the line started from (its first revision only; null when the document had none). */
  baseRevisionId: number | null;
}

export interface NewLineRevision {
  documentId: number;
  line: string;
  /** The line's previous revision; null for its first. A stale parent is refused by the database. */
  parentId: number | null;
  /** For a line's first revision: the shared revision it started from. */
  baseRevisionId: number | null;
  author: string;
  entities: readonly Entity[];
  note?: string;
}

interface LineRow extends Omit<LineRevision, 'entities'> {
  spans: string;
}

const COLUMNS = `id, document_id AS documentId, line, revision, parent_id AS parentId, base_revision_id AS baseRevisionId,
  author, created_at AS createdAt, spans, note`;

/**
 * Per-annotator lines of revisions, their suggestion outcomes and statuses, and the shared revisions marked gold.
 * Revisions, outcomes and gold marks are append-only (the database refuses updates and deletes).
 */
export class LineRepository {
  private readonly insertStmt: Statement;
  private readonly latestStmt: Statement<[number, string], LineRow>;
  private readonly historyStmt: Statement<[number, string], LineRow>;
  private readonly linesStmt: Statement<[number], { line: string }>;
  private readonly outcomeStmt: Statement;
  private readonly outcomesStmt: Statement<[string, number], { spanId: number; outcome: SuggestionOutcome }>;
  private readonly statusStmt: Statement<[number, string], { status: DocumentStatus }>;
  private readonly setStatusStmt: Statement;
  private readonly goldStmt: Statement;
  private readonly finishedStmt: Statement<[number], { documentId: number; line: string }>;
  private readonly labelTotalsStmt: Statement<[string, number], { label: string; n: number }>;
  private readonly baseStmt: Statement<[{ doc: number }], { id: number }>;
  private readonly usingStmt: Statement<
    [number, string],
    { documentId: number; line: string; id: number; spans: string }
  >;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO line_revisions (document_id, line, revision, parent_id, base_revision_id, author, created_at, spans, entity_count, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.latestStmt = db.prepare(
      `SELECT ${COLUMNS} FROM line_revisions WHERE document_id = ? AND line = ? ORDER BY revision DESC LIMIT 1`,
    );
    this.historyStmt = db.prepare(
      `SELECT ${COLUMNS} FROM line_revisions WHERE document_id = ? AND line = ? ORDER BY revision`,
    );
    this.linesStmt = db.prepare('SELECT DISTINCT line FROM line_revisions WHERE document_id = ? ORDER BY line');
    this.outcomeStmt = db.prepare(
      'INSERT INTO line_outcomes (suggested_span_id, line, outcome, actor, created_at, revision_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // Latest outcome per suggested span of the document, on one line. Driven from the document's spans (CROSS JOIN
    // fixes the order): the cost follows the document, not the line's whole history (a correlated subquery over the
    // line's outcomes made every documents.get of a busy annotator slower as the day went on: bench/RESULTS.md).
    this.outcomesStmt = db.prepare(
      `SELECT o.suggested_span_id AS spanId, o.outcome FROM (
         SELECT max(o2.id) AS id FROM suggestions s
         CROSS JOIN suggested_spans ss ON ss.suggestion_id = s.id
         CROSS JOIN line_outcomes o2 ON o2.line = ? AND o2.suggested_span_id = ss.id
         WHERE s.document_id = ? GROUP BY o2.suggested_span_id) latest
       JOIN line_outcomes o ON o.id = latest.id`,
    );
    this.statusStmt = db.prepare('SELECT status FROM line_states WHERE document_id = ? AND line = ?');
    this.setStatusStmt = db.prepare(
      `INSERT INTO line_states (document_id, line, status, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (document_id, line) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
    );
    this.usingStmt = db.prepare(
      `SELECT r.document_id AS documentId, r.line, r.id, r.spans FROM line_revisions r
       JOIN documents d ON d.id = r.document_id
       WHERE d.project_id = ?
         AND r.revision = (SELECT max(revision) FROM line_revisions l WHERE l.document_id = r.document_id AND l.line = r.line)
         AND EXISTS (SELECT 1 FROM json_each(r.spans) e
                     WHERE json_extract(e.value, '$.label') IN (SELECT value FROM json_each(?)))
       ORDER BY r.document_id, r.line`,
    );
    this.labelTotalsStmt = db.prepare(
      `SELECT json_extract(e.value, '$.label') AS label, count(*) AS n
       FROM line_revisions r JOIN documents d ON d.id = r.document_id, json_each(r.spans) e
       WHERE r.line = ? AND d.project_id = ?
         AND r.revision = (SELECT max(revision) FROM line_revisions l WHERE l.document_id = r.document_id AND l.line = r.line)
       GROUP BY label ORDER BY label`,
    );
    this.finishedStmt = db.prepare(
      `SELECT s.document_id AS documentId, s.line FROM line_states s JOIN documents d ON d.id = s.document_id
       WHERE d.project_id = ? AND s.status IN ('done', 'reviewed') ORDER BY s.document_id, s.line`,
    );
    this.goldStmt = db.prepare('INSERT INTO gold_revisions (revision_id, document_id) VALUES (?, ?)');
    // The shared line as it was before its first gold revision (all of it when there is none).
    this.baseStmt = db.prepare(
      `SELECT id FROM annotation_revisions WHERE document_id = @doc
         AND id < coalesce((SELECT min(revision_id) FROM gold_revisions WHERE document_id = @doc), id + 1)
       ORDER BY revision DESC LIMIT 1`,
    );
  }

  /** The latest revision of every line in the project whose entities use one of `labels` (a label rewrite's work). */
  currentUsing(
    projectId: number,
    labels: readonly string[],
  ): { documentId: number; line: string; revisionId: number; entities: Entity[] }[] {
    return this.usingStmt.all(projectId, JSON.stringify(labels)).map((r) => ({
      documentId: r.documentId,
      line: r.line,
      revisionId: r.id,
      entities: entitiesFromJson(r.spans),
    }));
  }

  /** Appends a revision to a line after `parentId`; returns its id and number. Call inside a transaction. */
  append(rev: NewLineRevision, now = nowIso()): { id: number; revision: number } {
    const parent = rev.parentId === null ? undefined : this.latest(rev.documentId, rev.line);
    if (rev.parentId !== null && parent?.id !== rev.parentId)
      throw new Error(`revision ${rev.parentId} is not the latest of ${rev.line}'s line on document ${rev.documentId}`);
    const revision = (parent?.revision ?? 0) + 1;
    const result = this.insertStmt.run(
      rev.documentId,
      rev.line,
      revision,
      rev.parentId,
      revision === 1 ? rev.baseRevisionId : null,
      rev.author,
      now,
      entitiesToJson(rev.entities),
      rev.entities.length,
      rev.note ?? null,
    );
    return { id: Number(result.lastInsertRowid), revision };
  }

  latest(documentId: number, line: string): LineRevision | undefined {
    const row = this.latestStmt.get(documentId, line);
    return row && toLineRevision(row);
  }

  history(documentId: number, line: string): LineRevision[] {
    return this.historyStmt.all(documentId, line).map(toLineRevision);
  }

  /** The annotators who have a line on the document, by name. */
  lines(documentId: number): string[] {
    return this.linesStmt.all(documentId).map((r) => r.line);
  }

  /** The id of the shared revision a new line of the document starts from (null: the document has none). */
  baseRevisionId(documentId: number): number | null {
    return this.baseStmt.get({ doc: documentId })?.id ?? null;
  }

  recordOutcome(
    spanId: number,
    line: string,
    outcome: SuggestionOutcome,
    actor: string,
    revisionId: number | null,
    now = nowIso(),
  ): void {
    this.outcomeStmt.run(spanId, line, outcome, actor, now, revisionId);
  }

  /** The latest outcome on `line` of each suggested span of the document that has one. */
  outcomes(documentId: number, line: string): Map<number, SuggestionOutcome> {
    return new Map(this.outcomesStmt.all(line, documentId).map((r) => [r.spanId, r.outcome]));
  }

  /** The line's status, or undefined when it has never been set. */
  status(documentId: number, line: string): DocumentStatus | undefined {
    return this.statusStmt.get(documentId, line)?.status;
  }

  setStatus(documentId: number, line: string, status: DocumentStatus, now = nowIso()): void {
    this.setStatusStmt.run(documentId, line, status, now);
  }

  /** Entities per label of the latest revision of each of the line's documents in a project. */
  labelTotals(projectId: number, line: string): Map<string, number> {
    return new Map(this.labelTotalsStmt.all(line, projectId).map((r) => [r.label, r.n]));
  }

  /** Every line of the project's documents that its annotator has finished (done or reviewed), by document. */
  finished(projectId: number): { documentId: number; line: string }[] {
    return this.finishedStmt.all(projectId);
  }

  /** Marks a shared revision as a curator's gold. Call in the transaction that appended it. */
  markGold(revisionId: number, documentId: number): void {
    this.goldStmt.run(revisionId, documentId);
  }
}

function toLineRevision({ spans, ...rest }: LineRow): LineRevision {
  return { ...rest, entities: entitiesFromJson(spans) };
}
