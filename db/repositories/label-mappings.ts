import type { Statement } from 'better-sqlite3';
import type { LabelMappingRow } from '../../core/label-mapping.js';
import type { Db } from '../open-database.js';

/** Model label -> project label, per project and model (migration 0007); model `*` is any model. */
export class LabelMappingRepository {
  private readonly listStmt: Statement<[number], LabelMappingRow>;
  private readonly setStmt: Statement<[number, string, string, string]>;
  private readonly removeStmt: Statement<[number, string, string]>;
  private readonly retargetStmt: Statement<[string, number, string]>;
  private readonly dropTargetStmt: Statement<[number, string]>;
  private readonly dropIdentityStmt: Statement<[number]>;

  constructor(db: Db) {
    this.listStmt = db.prepare(
      `SELECT model_name AS model, model_label AS modelLabel, project_label AS projectLabel
       FROM label_mappings WHERE project_id = ? ORDER BY model_name, model_label`,
    );
    this.setStmt = db.prepare(
      `INSERT INTO label_mappings (project_id, model_name, model_label, project_label) VALUES (?, ?, ?, ?)
       ON CONFLICT (project_id, model_name, model_label) DO UPDATE SET project_label = excluded.project_label`,
    );
    this.removeStmt = db.prepare(
      'DELETE FROM label_mappings WHERE project_id = ? AND model_name = ? AND model_label = ?',
    );
    this.retargetStmt = db.prepare(
      'UPDATE label_mappings SET project_label = ? WHERE project_id = ? AND project_label = ?',
    );
    this.dropTargetStmt = db.prepare('DELETE FROM label_mappings WHERE project_id = ? AND project_label = ?');
    this.dropIdentityStmt = db.prepare(
      'DELETE FROM label_mappings WHERE project_id = ? AND model_label = project_label',
    );
  }

  list(projectId: number): LabelMappingRow[] {
    return this.listStmt.all(projectId);
  }

  /** Sets (or replaces) one row. */
  set(projectId: number, row: LabelMappingRow): void {
    this.setStmt.run(projectId, row.model, row.modelLabel, row.projectLabel);
  }

  /** Removes one row; true when there was one. */
  remove(projectId: number, model: string, modelLabel: string): boolean {
    return this.removeStmt.run(projectId, model, modelLabel).changes > 0;
  }

  /** Every row that maps onto `from` maps onto `to` instead (a rename or merge); rows that become X -> X go. */
  retarget(projectId: number, from: string, to: string): void {
    this.retargetStmt.run(to, projectId, from);
    this.dropIdentityStmt.run(projectId);
  }

  /** Removes every row that maps onto `label` (the label was deleted). */
  dropTarget(projectId: number, label: string): void {
    this.dropTargetStmt.run(projectId, label);
  }
}
