import type { Statement } from 'better-sqlite3';
import type { Entity } from '../../core/document.js';
import type { Db } from '../open-database.js';
import { entitiesFromJson, entitiesToJson, nowIso } from '../json-columns.js';

export interface Revision {
  id: number;
  documentId: number;
  revision: number;
  parentId: number | null;
  author: string;
  createdAt: string;
  entities: Entity[];
  note: string | null;
}

export interface NewRevision {
  documentId: number;
  /** The revision the author started from; null for a document's first. A stale parent is refused. */
  parentId: number | null;
  author: string;
  entities: readonly Entity[];
  note?: string;
}

interface RevisionRow extends Omit<Revision, 'entities'> {
  spans: string;
}

const COLUMNS =
  'id, document_id AS documentId, revision, parent_id AS parentId, author, created_at AS createdAt, spans, note';

/** Append-only annotation history; the database refuses updates and deletes. */
export class RevisionRepository {
  private readonly insertStmt: Statement;
  private readonly numberStmt: Statement<[number], { revision: number }>;
  private readonly latestStmt: Statement<[number], RevisionRow>;
  private readonly historyStmt: Statement<[number], RevisionRow>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO annotation_revisions (document_id, revision, parent_id, author, created_at, spans, entity_count, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.numberStmt = db.prepare('SELECT revision FROM annotation_revisions WHERE id = ?');
    this.latestStmt = db.prepare(
      `SELECT ${COLUMNS} FROM annotation_revisions WHERE document_id = ? ORDER BY revision DESC LIMIT 1`,
    );
    this.historyStmt = db.prepare(
      `SELECT ${COLUMNS} FROM annotation_revisions WHERE document_id = ? ORDER BY revision`,
    );
  }

  /** Appends a revision after `parentId` and returns its id and number. */
  append(rev: NewRevision, now = nowIso()): { id: number; revision: number } {
    let revision = 1;
    if (rev.parentId !== null) {
      const parent = this.numberStmt.get(rev.parentId);
      if (!parent) throw new Error(`revision ${rev.parentId} does not exist`);
      revision = parent.revision + 1;
    }
    const result = this.insertStmt.run(
      rev.documentId,
      revision,
      rev.parentId,
      rev.author,
      now,
      entitiesToJson(rev.entities),
      rev.entities.length,
      rev.note ?? null,
    );
    return { id: Number(result.lastInsertRowid), revision };
  }

  latest(documentId: number): Revision | undefined {
    const row = this.latestStmt.get(documentId);
    return row && toRevision(row);
  }

  history(documentId: number): Revision[] {
    return this.historyStmt.all(documentId).map(toRevision);
  }
}

function toRevision({ spans, ...rest }: RevisionRow): Revision {
  return { ...rest, entities: entitiesFromJson(spans) };
}
