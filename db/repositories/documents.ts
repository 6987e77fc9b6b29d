import type { Statement } from 'better-sqlite3';
import type { DocumentSummary } from '../../core/contract/types.js';
import type { Entity, Range } from '../../core/document.js';
import type { DocumentStatus } from '../../core/document-status.js';
import type { Db } from '../open-database.js';
import { entitiesFromJson, metaFromJson, metaToJson, nowIso, tokensFromJson, tokensToJson } from '../json-columns.js';

export interface NewDocument {
  projectId: number;
  name: string;
  /** NFC text. */
  text: string;
  /** sha256 hex of the UTF-8 text. */
  contentHash: string;
  source: string;
  sourceRef: string;
  split: string | null;
  status: DocumentStatus;
  tokens?: readonly Range[];
  meta?: Record<string, unknown>;
  /** What the list shows; without it the row is summarised later (DocumentIndex.summariseStale). */
  summary?: DocumentSummaryColumns;
}

/** A document with its current (latest) annotation, as export and the editor read it. */
export interface CurrentDocument {
  id: number;
  name: string;
  text: string;
  source: string;
  sourceRef: string;
  split: string | null;
  status: DocumentStatus;
  tokens?: Range[];
  meta?: Record<string, unknown>;
  /** Latest revision's entities; empty when the document has none. */
  entities: Entity[];
  /** Latest revision id, or null when never annotated. */
  revisionId: number | null;
}

interface CurrentRow {
  id: number;
  name: string;
  text: string;
  source: string;
  sourceRef: string;
  split: string | null;
  status: DocumentStatus;
  tokens: string | null;
  meta: string | null;
  spans: string | null;
  revisionId: number | null;
}

const CURRENT = `
  SELECT d.id, d.name, d.text, d.source, d.source_ref AS sourceRef, d.split, d.status, d.tokens, d.meta,
         r.spans, r.id AS revisionId
  FROM documents d
  LEFT JOIN annotation_revisions r
    ON r.id = (SELECT id FROM annotation_revisions WHERE document_id = d.id ORDER BY revision DESC LIMIT 1)`;

function fromRow(row: CurrentRow): CurrentDocument {
  return {
    id: row.id,
    name: row.name,
    text: row.text,
    source: row.source,
    sourceRef: row.sourceRef,
    split: row.split,
    status: row.status,
    tokens: tokensFromJson(row.tokens),
    meta: metaFromJson(row.meta),
    entities: entitiesFromJson(row.spans),
    revisionId: row.revisionId,
  };
}

/** What the document list shows and filters on (migration 0006). */
export interface DocumentSummaryColumns {
  entityCount: number;
  pendingCount: number;
  uncertainty: number | null;
  labels: string[];
  labelCounts: Record<string, number>;
}

/** One row of the document list, as the contract defines it. */
export type DocumentListRow = DocumentSummary;

export interface DocumentFilter {
  projectId: number;
  status?: DocumentStatus;
  /** Documents with an entity or a pending suggestion of this label. */
  label?: string;
  /** Lower-cased (Vietnamese rules) NFC substring of the name or the text. */
  needle?: string;
}

const SEPARATOR = '\u001f';
const labelsToColumn = (labels: readonly string[]) =>
  labels.length === 0 ? '' : `${SEPARATOR}${labels.join(SEPARATOR)}${SEPARATOR}`;
const PREVIEW = 160;
const LIST_COLUMNS = `id, name, status, entity_count AS entityCount, pending_count AS pendingSuggestions, uncertainty, substr(text, 1, ${PREVIEW}) AS preview`;

/** Where a page starts: after or before a document (in the list's order), else at an offset. */
export interface PageAt {
  offset?: number;
  after?: number;
  before?: number;
}

/** The WHERE clause and parameters of a list filter. */
function filterSql(filter: DocumentFilter): { where: string; params: Record<string, unknown> } {
  const clauses = ['project_id = @project'];
  const params: Record<string, unknown> = { project: filter.projectId };
  if (filter.status) {
    clauses.push('status = @status');
    params.status = filter.status;
  }
  if (filter.label) {
    clauses.push('instr(labels, @label) > 0');
    params.label = labelsToColumn([filter.label]);
  }
  if (filter.needle) {
    clauses.push('wb_contains(name, text, @needle)');
    params.needle = filter.needle;
  }
  return { where: clauses.join(' AND '), params };
}

/** Documents of a project. Their text is frozen at insert; status and split may change. */
export class DocumentRepository {
  private readonly insertStmt: Statement;
  private readonly identityStmt: Statement<[number, string, string], { id: number; contentHash: string }>;
  private readonly statusStmt: Statement<[string, string, number]>;
  private readonly getStmt: Statement<[number], CurrentRow>;
  private readonly pageStmt: Statement<[number, number, string, number], CurrentRow>;
  private readonly repeatedStmt: Statement<[number, string], { name: string }>;
  private readonly summaryStmt: Statement;
  private readonly staleStmt: Statement<[number], { id: number }>;
  private readonly projectStmt: Statement<[number], { projectId: number; length: number }>;
  private readonly statusTotalsStmt: Statement<[number], { key: DocumentStatus; n: number }>;
  private readonly labelTotalsStmt: Statement<[number], { key: string; n: number }>;
  private readonly lists = new Map<string, Statement>();
  private readonly uncertaintyStmt: Statement<[number], number | null>;

  constructor(private readonly db: Db) {
    // Case-insensitive search beyond ASCII (SQLite's lower() folds ASCII only). Vietnamese has no locale-specific
    // case rules, so plain toLowerCase folds it as toLocaleLowerCase('vi') would, several times faster.
    db.function('wb_contains', { deterministic: true }, (name, text, needle) =>
      (name as string).toLowerCase().includes(needle as string) ||
      (text as string).toLowerCase().includes(needle as string)
        ? 1
        : 0,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO documents (project_id, name, text, content_hash, source, source_ref, split, status, tokens, meta, created_at, updated_at,
                              entity_count, pending_count, uncertainty, labels, label_counts, summary_stale)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.identityStmt = db.prepare(
      'SELECT id, content_hash AS contentHash FROM documents WHERE project_id = ? AND source = ? AND source_ref = ?',
    );
    this.statusStmt = db.prepare('UPDATE documents SET status = ?, updated_at = ? WHERE id = ?');
    this.getStmt = db.prepare(`${CURRENT} WHERE d.id = ?`);
    // Keyset pages rather than one long iterate(): the connection stays free for other work between pages.
    this.pageStmt = db.prepare(
      `${CURRENT} WHERE d.project_id = ? AND d.id > ? AND d.status IN (SELECT value FROM json_each(?)) ORDER BY d.id LIMIT ?`,
    );
    this.repeatedStmt = db.prepare(
      `SELECT name FROM documents WHERE project_id = ? AND status IN (SELECT value FROM json_each(?))
       GROUP BY name HAVING count(*) > 1`,
    );
    this.summaryStmt = db.prepare(
      `UPDATE documents SET entity_count = @entityCount, pending_count = @pendingCount, uncertainty = @uncertainty, labels = @labels,
       label_counts = @labelCounts, summary_stale = 0 WHERE id = @id`,
    );
    this.staleStmt = db.prepare('SELECT id FROM documents WHERE summary_stale = 1 ORDER BY id LIMIT ?');
    this.uncertaintyStmt = db.prepare('SELECT uncertainty FROM documents WHERE id = ?').pluck() as Statement<
      [number],
      number | null
    >;
    this.projectStmt = db.prepare('SELECT project_id AS projectId, length(text) AS length FROM documents WHERE id = ?');
    this.statusTotalsStmt = db.prepare(
      'SELECT status AS key, n FROM status_totals WHERE project_id = ? AND n > 0 ORDER BY status',
    );
    this.labelTotalsStmt = db.prepare(
      'SELECT label AS key, n FROM label_totals WHERE project_id = ? AND n > 0 ORDER BY label',
    );
  }

  /** Stores what the list shows for a document. */
  setSummary(id: number, summary: DocumentSummaryColumns): void {
    this.summaryStmt.run({
      id,
      entityCount: summary.entityCount,
      pendingCount: summary.pendingCount,
      uncertainty: summary.uncertainty,
      labels: labelsToColumn(summary.labels),
      labelCounts: JSON.stringify(summary.labelCounts),
    });
  }

  /** Up to `limit` documents whose summary predates migration 0006 or was never computed. */
  staleSummaries(limit: number): number[] {
    return this.staleStmt.all(limit).map((r) => r.id);
  }

  /** The project a document belongs to and its text's length in code points; undefined when there is no such document. */
  locate(id: number): { projectId: number; length: number } | undefined {
    return this.projectStmt.get(id);
  }

  /**
   * A page of the list, in id order or most uncertain first (uncertainty descending, unscored last, ties by id). A
   * page after (or before) a document is a few seeks in an index whatever the depth; a page at an offset steps
   * through the index only (the inner query) and reads the rows of the page alone.
   */
  list(filter: DocumentFilter, order: 'order' | 'uncertainty', at: PageAt, limit: number): DocumentListRow[] {
    const { where, params } = filterSql(filter);
    const select = (condition: string, sort: string) =>
      `SELECT * FROM (SELECT ${LIST_COLUMNS} FROM documents WHERE ${where} AND ${condition} ORDER BY ${sort} LIMIT @limit)`;
    const cursor = at.after ?? at.before;
    if (cursor !== undefined) {
      const forward = at.after !== undefined;
      // The ranges that follow (or precede) the cursor in list order, nearest first, each an index seek.
      let parts: string[];
      if (order === 'order') parts = [select(forward ? 'id > @id' : 'id < @id', forward ? 'id' : 'id DESC')];
      else {
        const u = this.uncertaintyStmt.get(cursor);
        if (u === undefined) return [];
        parts =
          u === null
            ? forward
              ? [select('uncertainty IS NULL AND id > @id', 'id')]
              : [
                  select('uncertainty IS NULL AND id < @id', 'id DESC'),
                  select('uncertainty IS NOT NULL', 'uncertainty, id DESC'),
                ]
            : forward
              ? [
                  select('uncertainty = @u AND id > @id', 'id'),
                  select('uncertainty < @u', 'uncertainty DESC, id'),
                  select('uncertainty IS NULL', 'id'),
                ]
              : [
                  select('uncertainty = @u AND id < @id', 'id DESC'),
                  select('uncertainty > @u', 'uncertainty, id DESC'),
                ];
        params.u = u;
      }
      const rows = this.statement(`${parts.join(' UNION ALL ')} LIMIT @limit`).all({
        ...params,
        id: cursor,
        limit,
      }) as DocumentListRow[];
      return forward ? rows : rows.reverse();
    }
    const sort = order === 'uncertainty' ? 'uncertainty DESC, id' : 'id';
    return this.statement(
      `SELECT ${LIST_COLUMNS} FROM documents WHERE id IN (SELECT id FROM documents WHERE ${where} ORDER BY ${sort} LIMIT @limit OFFSET @offset) ORDER BY ${sort}`,
    ).all({ ...params, limit, offset: at.offset ?? 0 }) as DocumentListRow[];
  }

  /** The list rows of these documents, in the order given. */
  rows(ids: readonly number[]): DocumentListRow[] {
    const rows = this.statement(
      `SELECT ${LIST_COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(@ids))`,
    ).all({ ids: JSON.stringify(ids) }) as DocumentListRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Documents matching a filter with ids in (after, through]: a slice of a scan that yields between slices. */
  matchesIn(filter: DocumentFilter, after: number, through: number): { id: number; uncertainty: number | null }[] {
    const { where, params } = filterSql(filter);
    return this.statement(
      `SELECT id, uncertainty FROM documents WHERE ${where} AND id > @after AND id <= @through ORDER BY id`,
    ).all({ ...params, after, through }) as { id: number; uncertainty: number | null }[];
  }

  /** The highest document id of a project (0 when it has none). */
  lastId(projectId: number): number {
    return (
      (this.statement('SELECT max(id) FROM documents WHERE project_id = @project')
        .pluck()
        .get({ project: projectId }) as number | null) ?? 0
    );
  }

  /** How many documents match a filter. */
  count(filter: DocumentFilter): number {
    const { where, params } = filterSql(filter);
    return this.statement(`SELECT count(*) FROM documents WHERE ${where}`).pluck().get(params) as number;
  }

  /** The next (or previous) document id in order, optionally of one status; null at either end. */
  adjacent(projectId: number, id: number, direction: 'next' | 'previous', status?: DocumentStatus): number | null {
    const { where, params } = filterSql({ projectId, status });
    const sql =
      direction === 'next'
        ? `SELECT id FROM documents WHERE ${where} AND id > @id ORDER BY id LIMIT 1`
        : `SELECT id FROM documents WHERE ${where} AND id < @id ORDER BY id DESC LIMIT 1`;
    return (
      (this.statement(sql)
        .pluck()
        .get({ ...params, id }) as number | undefined) ?? null
    );
  }

  /** Ids of a project's documents with one of `statuses`, in order. */
  ids(projectId: number, statuses: readonly DocumentStatus[]): number[] {
    return this.statement(
      'SELECT id FROM documents WHERE project_id = @project AND status IN (SELECT value FROM json_each(@statuses)) ORDER BY id',
    )
      .pluck()
      .all({ project: projectId, statuses: JSON.stringify(statuses) }) as number[];
  }

  /** Documents per status (kept by triggers, migration 0006). */
  statusTotals(projectId: number): Map<DocumentStatus, number> {
    return new Map(this.statusTotalsStmt.all(projectId).map((r) => [r.key, r.n]));
  }

  /** Entities of the latest revisions per label, as the stored summaries say (kept by triggers, migration 0006). */
  labelTotals(projectId: number): Map<string, number> {
    return new Map(this.labelTotalsStmt.all(projectId).map((r) => [r.key, r.n]));
  }

  /** A statement prepared once per distinct SQL text (list filters combine into a handful of them). */
  private statement(sql: string): Statement {
    let stmt = this.lists.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.lists.set(sql, stmt);
    }
    return stmt;
  }

  /** Inserts a document and returns its id; `now` lets a bulk import stamp every row alike. */
  insert(doc: NewDocument, now = nowIso()): number {
    const summary = doc.summary;
    const result = this.insertStmt.run(
      doc.projectId,
      doc.name,
      doc.text,
      doc.contentHash,
      doc.source,
      doc.sourceRef,
      doc.split,
      doc.status,
      tokensToJson(doc.tokens),
      metaToJson(doc.meta),
      now,
      now,
      summary?.entityCount ?? 0,
      summary?.pendingCount ?? 0,
      summary?.uncertainty ?? null,
      labelsToColumn(summary?.labels ?? []),
      JSON.stringify(summary?.labelCounts ?? {}),
      summary ? 0 : 1,
    );
    return Number(result.lastInsertRowid);
  }

  /** The document a source record was imported as, if any. */
  findBySource(projectId: number, source: string, sourceRef: string): { id: number; contentHash: string } | undefined {
    return this.identityStmt.get(projectId, source, sourceRef);
  }

  setStatus(id: number, status: DocumentStatus): void {
    this.statusStmt.run(status, nowIso(), id);
  }

  /** The uncertainty the list shows for a document (its stored summary); null when it has none. */
  uncertaintyOf(id: number): number | null {
    return this.uncertaintyStmt.get(id) ?? null;
  }

  get(id: number): CurrentDocument | undefined {
    const row = this.getStmt.get(id);
    return row && fromRow(row);
  }

  /** Names that more than one document with one of `statuses` carries. */
  repeatedNames(projectId: number, statuses: readonly DocumentStatus[]): Set<string> {
    return new Set(this.repeatedStmt.all(projectId, JSON.stringify(statuses)).map((r) => r.name));
  }

  /** Documents with one of `statuses`, in insertion order, each with its latest annotation, `pageSize` at a time. */
  *current(projectId: number, statuses: readonly DocumentStatus[], pageSize = 500): Generator<CurrentDocument> {
    const wanted = JSON.stringify(statuses);
    let after = 0;
    for (;;) {
      const rows = this.pageStmt.all(projectId, after, wanted, pageSize);
      for (const row of rows) yield fromRow(row);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].id;
    }
  }
}
