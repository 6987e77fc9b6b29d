import type { Statement } from 'better-sqlite3';
import type { Entity, Range } from '../../core/document.js';
import type { Db } from '../open-database.js';
import { entitiesFromJson, metaFromJson, metaToJson, nowIso, tokensFromJson, tokensToJson } from '../json-columns.js';

export const DOCUMENT_STATUSES = ['new', 'pre-annotated', 'in_progress', 'done', 'reviewed', 'skipped'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

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

/** Documents of a project. Their text is frozen at insert; status and split may change. */
export class DocumentRepository {
  private readonly insertStmt: Statement;
  private readonly identityStmt: Statement<[number, string, string], { id: number; contentHash: string }>;
  private readonly statusStmt: Statement<[string, string, number]>;
  private readonly getStmt: Statement<[number], CurrentRow>;
  private readonly pageStmt: Statement<[number, number, string, number], CurrentRow>;
  private readonly repeatedStmt: Statement<[number, string], { name: string }>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO documents (project_id, name, text, content_hash, source, source_ref, split, status, tokens, meta, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  }

  /** Inserts a document and returns its id; `now` lets a bulk import stamp every row alike. */
  insert(doc: NewDocument, now = nowIso()): number {
    const result = this.insertStmt.run(
      doc.projectId, doc.name, doc.text, doc.contentHash, doc.source, doc.sourceRef, doc.split, doc.status,
      tokensToJson(doc.tokens), metaToJson(doc.meta), now, now,
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
