import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';

export interface Label {
  id: number;
  projectId: number;
  name: string;
  /** `#rrggbb`. */
  colour: string;
  /** One key that applies the label in the editor; null when none. */
  shortcut: string | null;
  description: string;
  sortOrder: number;
}

export interface NewLabel {
  name: string;
  colour?: string;
  shortcut?: string | null;
  description?: string;
}

// Distinct, readable on white and on dark backgrounds; cycled when a project has more labels.
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#469990', '#9a6324', '#800000', '#808000', '#000075', '#fabed4'];
const SHORTCUTS = '1234567890qwertyuiop';

/** A project's label set, in the order the editor shows it. */
export class LabelRepository {
  private readonly insertStmt: Statement<[number, string, string, string | null, string, number]>;
  private readonly listStmt: Statement<[number], Label>;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO labels (project_id, name, colour, shortcut, description, sort_order) VALUES (?, ?, ?, ?, ?, ?)');
    this.listStmt = db.prepare(
      `SELECT id, project_id AS projectId, name, colour, shortcut, description, sort_order AS sortOrder
       FROM labels WHERE project_id = ? ORDER BY sort_order, id`,
    );
  }

  list(projectId: number): Label[] {
    return this.listStmt.all(projectId);
  }

  /** Adds a label at the end of the set; colour and shortcut default to the next unused ones. */
  add(projectId: number, label: NewLabel): Label {
    const existing = this.list(projectId);
    const usedColours = new Set(existing.map((l) => l.colour.toLowerCase()));
    const usedKeys = new Set(existing.map((l) => l.shortcut));
    const colour = label.colour ?? PALETTE.find((c) => !usedColours.has(c)) ?? PALETTE[existing.length % PALETTE.length];
    const shortcut = label.shortcut === undefined ? ([...SHORTCUTS].find((k) => !usedKeys.has(k)) ?? null) : label.shortcut;
    const sortOrder = existing.length === 0 ? 0 : Math.max(...existing.map((l) => l.sortOrder)) + 1;
    const description = label.description ?? '';
    const id = Number(this.insertStmt.run(projectId, label.name, colour, shortcut, description, sortOrder).lastInsertRowid);
    return { id, projectId, name: label.name, colour, shortcut, description, sortOrder };
  }
}
