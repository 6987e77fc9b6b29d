import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';
import { nowIso } from '../json-columns.js';

export type FineTuneState = 'running' | 'done' | 'failed' | 'cancelled';

export interface FineTuneEntry {
  id: number;
  projectId: number;
  baseModelId: number;
  /** The registered result; null unless done. */
  modelId: number | null;
  state: FineTuneState;
  trainDocs: number;
  heldoutDocs: number;
  metrics: unknown;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
}

type Row = Omit<FineTuneEntry, 'metrics'> & { metrics: string | null };

const COLUMNS = `id, project_id AS projectId, base_model_id AS baseModelId, model_id AS modelId, state, train_docs AS trainDocs,
  heldout_docs AS heldoutDocs, metrics, message, started_at AS startedAt, finished_at AS finishedAt`;

/** Every fine-tune run of a project, including those that failed or were cancelled (they register no model). */
export class FineTuneRepository {
  private readonly insertStmt: Statement;
  private readonly finishStmt: Statement;
  private readonly listStmt: Statement<[number], Row>;
  private readonly interruptedStmt: Statement;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO fine_tunes (project_id, base_model_id, state, train_docs, heldout_docs, started_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.finishStmt = db.prepare("UPDATE fine_tunes SET state = ?, model_id = ?, metrics = ?, message = ?, finished_at = ? WHERE id = ? AND state = 'running'");
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM fine_tunes WHERE project_id = ? ORDER BY id`);
    this.interruptedStmt = db.prepare("UPDATE fine_tunes SET state = 'failed', message = ?, finished_at = ? WHERE state = 'running'");
  }

  start(run: { projectId: number; baseModelId: number; trainDocs: number; heldoutDocs: number }, now = nowIso()): number {
    return Number(this.insertStmt.run(run.projectId, run.baseModelId, 'running', run.trainDocs, run.heldoutDocs, now).lastInsertRowid);
  }

  finish(id: number, end: { state: Exclude<FineTuneState, 'running'>; modelId?: number; metrics?: unknown; message?: string }, now = nowIso()): void {
    this.finishStmt.run(end.state, end.modelId ?? null, end.metrics === undefined ? null : JSON.stringify(end.metrics), end.message ?? null, now, id);
  }

  /** Runs left 'running' by a process that died: marked failed at startup, since nothing can resume them. */
  failInterrupted(now = nowIso()): number {
    return this.interruptedStmt.run('the workbench stopped while this fine-tune ran', now).changes;
  }

  list(projectId: number): FineTuneEntry[] {
    return this.listStmt.all(projectId).map((r) => ({ ...r, metrics: r.metrics === null ? null : JSON.parse(r.metrics) }));
  }
}
