import type { Statement } from 'better-sqlite3';
import type { Entity } from '../../core/document.js';
import { entitiesFromJson } from '../json-columns.js';
import type { Db } from '../open-database.js';
import { LABEL_PALETTE } from '../../core/label-colours.js';

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

// Colour-blind-safe hues, each 3:1 or more against white (core/label-colours.ts); cycled when a project has more labels.
const PALETTE: readonly string[] = LABEL_PALETTE;
const SHORTCUTS = '1234567890qwertyuiop';

/** A project's label set, in the order the editor shows it. */
export class LabelRepository {
  private readonly insertStmt: Statement<[number, string, string, string | null, string, number]>;
  private readonly listStmt: Statement<[number], Label>;
  private readonly renameStmt: Statement<[string, number, string]>;
  private readonly colourStmt: Statement<[string, number, string]>;
  private readonly shortcutStmt: Statement<[string | null, number, string]>;
  private readonly removeStmt: Statement<[number, string]>;
  private readonly usingStmt: Statement<[number, string], { documentId: number; revisionId: number; spans: string }>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO labels (project_id, name, colour, shortcut, description, sort_order) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.listStmt = db.prepare(
      `SELECT id, project_id AS projectId, name, colour, shortcut, description, sort_order AS sortOrder
       FROM labels WHERE project_id = ? ORDER BY sort_order, id`,
    );
    this.renameStmt = db.prepare('UPDATE labels SET name = ? WHERE project_id = ? AND name = ?');
    this.colourStmt = db.prepare('UPDATE labels SET colour = ? WHERE project_id = ? AND name = ?');
    this.shortcutStmt = db.prepare('UPDATE labels SET shortcut = ? WHERE project_id = ? AND name = ?');
    this.removeStmt = db.prepare('DELETE FROM labels WHERE project_id = ? AND name = ?');
    // The latest revision of each document of the project that has an entity with one of the labels (a JSON array).
    this.usingStmt = db.prepare(
      `SELECT r.document_id AS documentId, r.id AS revisionId, r.spans
       FROM documents d
       JOIN annotation_revisions r ON r.id = (SELECT id FROM annotation_revisions WHERE document_id = d.id ORDER BY revision DESC LIMIT 1)
       WHERE d.project_id = ?
         AND EXISTS (SELECT 1 FROM json_each(r.spans) e WHERE json_extract(e.value, '$.label') IN (SELECT value FROM json_each(?)))
       ORDER BY d.id`,
    );
  }

  byName(projectId: number, name: string): Label | undefined {
    return this.list(projectId).find((l) => l.name === name);
  }

  rename(projectId: number, from: string, to: string): void {
    this.renameStmt.run(to, projectId, from);
  }

  setColour(projectId: number, name: string, colour: string): void {
    this.colourStmt.run(colour, projectId, name);
  }

  setShortcut(projectId: number, name: string, shortcut: string | null): void {
    this.shortcutStmt.run(shortcut, projectId, name);
  }

  remove(projectId: number, name: string): void {
    this.removeStmt.run(projectId, name);
  }

  /** The current annotation of every document whose latest revision uses one of `labels`, in document order. */
  currentUsing(
    projectId: number,
    labels: readonly string[],
  ): { documentId: number; revisionId: number; entities: Entity[] }[] {
    return this.usingStmt
      .all(projectId, JSON.stringify(labels))
      .map((r) => ({ documentId: r.documentId, revisionId: r.revisionId, entities: entitiesFromJson(r.spans) }));
  }

  list(projectId: number): Label[] {
    return this.listStmt.all(projectId);
  }

  /** Adds a label at the end of the set; colour and shortcut default to the next unused ones. */
  add(projectId: number, label: NewLabel): Label {
    const existing = this.list(projectId);
    const usedColours = new Set(existing.map((l) => l.colour.toLowerCase()));
    const usedKeys = new Set(existing.map((l) => l.shortcut));
    const colour =
      label.colour ?? PALETTE.find((c) => !usedColours.has(c)) ?? PALETTE[existing.length % PALETTE.length];
    const shortcut =
      label.shortcut === undefined ? ([...SHORTCUTS].find((k) => !usedKeys.has(k)) ?? null) : label.shortcut;
    const sortOrder = existing.length === 0 ? 0 : Math.max(...existing.map((l) => l.sortOrder)) + 1;
    const description = label.description ?? '';
    const id = Number(
      this.insertStmt.run(projectId, label.name, colour, shortcut, description, sortOrder).lastInsertRowid,
    );
    return { id, projectId, name: label.name, colour, shortcut, description, sortOrder };
  }
}
