import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';
import { nowIso } from '../json-columns.js';

export interface NewEvent {
  type: string;
  actor: string;
  projectId?: number | null;
  documentId?: number | null;
  payload?: unknown;
}

export interface Event {
  id: number;
  type: string;
  actor: string;
  projectId: number | null;
  documentId: number | null;
  payload: unknown;
  createdAt: string;
}

type EventRow = Omit<Event, 'payload'> & { payload: string };

/** The append-only event log: what happened, who did it, when. */
export class EventRepository {
  private readonly insertStmt: Statement;
  private readonly recentStmt: Statement<[{ type: string | null; project: number | null; limit: number }], EventRow>;
  private readonly latestStmt: Statement<[string, number], { payload: string }>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO events (type, project_id, document_id, actor, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.recentStmt = db.prepare(
      `SELECT id, type, actor, project_id AS projectId, document_id AS documentId, payload, created_at AS createdAt
       FROM events WHERE (@type IS NULL OR type = @type) AND (@project IS NULL OR project_id = @project) ORDER BY id DESC LIMIT @limit`,
    );
    // By the type index: a rare type (a setting) is found without reading the project's other events, and its
    // absence costs one index seek, not a scan of the log (the optional filters above make SQLite scan).
    this.latestStmt = db.prepare(
      'SELECT payload FROM events INDEXED BY events_by_type WHERE type = ? AND project_id = ? ORDER BY id DESC LIMIT 1',
    );
  }

  /** The payload of a project's latest event of `type` (a setting kept in the log), or undefined. */
  latestPayload(type: string, projectId: number): unknown {
    const row = this.latestStmt.get(type, projectId);
    return row === undefined ? undefined : JSON.parse(row.payload);
  }

  append(event: NewEvent, now = nowIso()): number {
    const payload = JSON.stringify(event.payload ?? {});
    return Number(
      this.insertStmt.run(event.type, event.projectId ?? null, event.documentId ?? null, event.actor, payload, now)
        .lastInsertRowid,
    );
  }

  /** Latest events first, optionally of one type and one project. */
  recent(options: { type?: string; projectId?: number; limit?: number } = {}): Event[] {
    return this.recentStmt
      .all({ type: options.type ?? null, project: options.projectId ?? null, limit: options.limit ?? 100 })
      .map((row) => ({ ...row, payload: JSON.parse(row.payload) }));
  }
}
