import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';
import { nowIso } from '../json-columns.js';
import { currentOwner, ownerAlive } from '../process-owner.js';

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
  /** The process that runs (ran) it, "host:pid" (db/process-owner); null for runs logged before migration 0005. */
  owner: string | null;
}

type Row = Omit<FineTuneEntry, 'metrics'> & { metrics: string | null };

const COLUMNS = `id, project_id AS projectId, base_model_id AS baseModelId, model_id AS modelId, state, train_docs AS trainDocs,
  heldout_docs AS heldoutDocs, metrics, message, started_at AS startedAt, finished_at AS finishedAt, owner`;

/** What recovery writes on a run whose owner is gone. */
export const INTERRUPTED_MESSAGE = 'the workbench stopped while this fine-tune ran';

/** Every fine-tune run of a project, including those that failed or were cancelled (they register no model). */
export class FineTuneRepository {
  private readonly insertStmt: Statement;
  private readonly finishStmt: Statement;
  private readonly listStmt: Statement<[number], Row>;
  private readonly runningStmt: Statement<[], { id: number; owner: string | null }>;
  private readonly interruptedStmt: Statement<[string, string, number]>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO fine_tunes (project_id, base_model_id, state, train_docs, heldout_docs, started_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // A run recovery marked interrupted can still be finished by its owner: the owner knows, recovery guessed.
    this.finishStmt = db.prepare(
      "UPDATE fine_tunes SET state = ?, model_id = ?, metrics = ?, message = ?, finished_at = ?, interrupted = 0 WHERE id = ? AND (state = 'running' OR interrupted = 1)",
    );
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM fine_tunes WHERE project_id = ? ORDER BY id`);
    this.runningStmt = db.prepare("SELECT id, owner FROM fine_tunes WHERE state = 'running' ORDER BY id");
    this.interruptedStmt = db.prepare(
      "UPDATE fine_tunes SET state = 'failed', interrupted = 1, message = ?, finished_at = ? WHERE id = ? AND state = 'running'",
    );
  }

  /** Logs a run as 'running', owned by `owner` (this process unless told). */
  start(
    run: { projectId: number; baseModelId: number; trainDocs: number; heldoutDocs: number },
    now = nowIso(),
    owner = currentOwner(),
  ): number {
    return Number(
      this.insertStmt.run(run.projectId, run.baseModelId, 'running', run.trainDocs, run.heldoutDocs, now, owner)
        .lastInsertRowid,
    );
  }

  /** Records how a run ended; false when it had already ended (and recovery did not merely guess so). */
  finish(
    id: number,
    end: { state: Exclude<FineTuneState, 'running'>; modelId?: number; metrics?: unknown; message?: string },
    now = nowIso(),
  ): boolean {
    return (
      this.finishStmt.run(
        end.state,
        end.modelId ?? null,
        end.metrics === undefined ? null : JSON.stringify(end.metrics),
        end.message ?? null,
        now,
        id,
      ).changes > 0
    );
  }

  /**
   * Runs left 'running' by a process that is gone (`alive` says no: db/process-owner), marked failed since nothing
   * can resume them. A run whose owner is alive (the app training while the CLI looks) is left alone.
   */
  failInterrupted(now = nowIso(), alive: (owner: string | null) => boolean = ownerAlive): number {
    let marked = 0;
    for (const run of this.runningStmt.all()) {
      if (!alive(run.owner)) marked += this.interruptedStmt.run(INTERRUPTED_MESSAGE, now, run.id).changes;
    }
    return marked;
  }

  list(projectId: number): FineTuneEntry[] {
    return this.listStmt
      .all(projectId)
      .map((r) => ({ ...r, metrics: r.metrics === null ? null : JSON.parse(r.metrics) }));
  }
}
