import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';
import { nowIso } from '../json-columns.js';

export interface ModelEntry {
  id: number;
  name: string;
  version: string;
  /** Folder of the model package. */
  path: string;
  manifest: unknown;
  metrics: unknown;
  createdAt: string;
  active: boolean;
  /** The model this one was fine-tuned from. */
  parentId: number | null;
  /** The project whose corrections trained it (fine-tuned versions only). */
  projectId: number | null;
}

export interface NewModel {
  name: string;
  version: string;
  path: string;
  manifest: unknown;
  metrics?: unknown;
  parentId?: number;
  projectId?: number;
}

type ModelRow = Omit<ModelEntry, 'manifest' | 'metrics' | 'active'> & {
  manifest: string;
  metrics: string | null;
  active: number;
};

const COLUMNS =
  'id, name, version, path, manifest, metrics, created_at AS createdAt, active, parent_id AS parentId, project_id AS projectId';

function toEntry(row: ModelRow): ModelEntry {
  return {
    ...row,
    manifest: JSON.parse(row.manifest),
    metrics: row.metrics === null ? null : JSON.parse(row.metrics),
    active: row.active === 1,
  };
}

/** The registry of model packages; at most one is active (a partial unique index guarantees it). */
export class ModelRepository {
  private readonly insertStmt: Statement;
  private readonly listStmt: Statement<[], ModelRow>;
  private readonly activeStmt: Statement<[], ModelRow>;
  private readonly clearActiveStmt: Statement<[]>;
  private readonly setActiveStmt: Statement<[number]>;
  private readonly metricsStmt: Statement<[string, number]>;
  private readonly byNameStmt: Statement<[string, string], ModelRow>;
  private readonly byIdStmt: Statement<[number], ModelRow>;
  private readonly seenAtStmt: Statement<[string, string, number]>;
  private readonly activate_: (id: number) => void;
  private readonly ensure_: (model: { name: string; version: string; path: string; manifest: unknown }) => number;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO models (name, version, path, manifest, metrics, created_at, parent_id, project_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM models WHERE id = ?`);
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM models ORDER BY name, created_at`);
    this.activeStmt = db.prepare(`SELECT ${COLUMNS} FROM models WHERE active = 1`);
    this.clearActiveStmt = db.prepare('UPDATE models SET active = 0 WHERE active = 1');
    this.setActiveStmt = db.prepare('UPDATE models SET active = 1 WHERE id = ?');
    this.metricsStmt = db.prepare('UPDATE models SET metrics = ? WHERE id = ?');
    this.byNameStmt = db.prepare(`SELECT ${COLUMNS} FROM models WHERE name = ? AND version = ?`);
    this.seenAtStmt = db.prepare('UPDATE models SET path = ?, manifest = ? WHERE id = ?');
    this.ensure_ = db.transaction((model: { name: string; version: string; path: string; manifest: unknown }) => {
      const row = this.byNameStmt.get(model.name, model.version);
      if (!row) return this.register(model);
      const manifest = JSON.stringify(model.manifest);
      if (row.path !== model.path || row.manifest !== manifest) this.seenAtStmt.run(model.path, manifest, row.id);
      return row.id;
    });
    this.activate_ = db.transaction((id: number) => {
      this.clearActiveStmt.run();
      if (this.setActiveStmt.run(id).changes !== 1) throw new Error(`model ${id} is not in the registry`);
    });
  }

  register(model: NewModel, now = nowIso()): number {
    const metrics = model.metrics === undefined ? null : JSON.stringify(model.metrics);
    const row = [
      model.name,
      model.version,
      model.path,
      JSON.stringify(model.manifest),
      metrics,
      now,
      model.parentId ?? null,
      model.projectId ?? null,
    ];
    return Number(this.insertStmt.run(...row).lastInsertRowid);
  }

  get(id: number): ModelEntry | undefined {
    const row = this.byIdStmt.get(id);
    return row && toEntry(row);
  }

  /**
   * The registry id of a package, registering it on first sight. Name + version identify a model (suggestions
   * keep them); a package opened again from another folder, or with an edited manifest, keeps its id and the entry
   * follows it (path and manifest are where and what it was last opened as).
   */
  ensure(model: { name: string; version: string; path: string; manifest: unknown }): number {
    return this.ensure_(model);
  }

  byName(name: string, version: string): ModelEntry | undefined {
    const row = this.byNameStmt.get(name, version);
    return row && toEntry(row);
  }

  list(): ModelEntry[] {
    return this.listStmt.all().map(toEntry);
  }

  active(): ModelEntry | undefined {
    const row = this.activeStmt.get();
    return row && toEntry(row);
  }

  /** Makes `id` the one active model. */
  activate(id: number): void {
    this.activate_(id);
  }

  setMetrics(id: number, metrics: unknown): void {
    this.metricsStmt.run(JSON.stringify(metrics), id);
  }
}
