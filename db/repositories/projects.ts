import type { Db } from '../open-database.js';
import type { Statement } from 'better-sqlite3';
import { nowIso } from '../json-columns.js';

export interface Project {
  id: number;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, name, description, created_at AS createdAt, updated_at AS updatedAt';

/** Projects: a name, a description, and (in labels.ts) a label set. */
export class ProjectRepository {
  private readonly insertStmt: Statement<[string, string, string, string]>;
  private readonly byNameStmt: Statement<[string], Project>;
  private readonly byIdStmt: Statement<[number], Project>;
  private readonly listStmt: Statement<[], Project>;
  private readonly touchStmt: Statement<[string, number]>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO projects (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)',
    );
    this.byNameStmt = db.prepare(`SELECT ${COLUMNS} FROM projects WHERE name = ?`);
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM projects WHERE id = ?`);
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM projects ORDER BY id`);
    this.touchStmt = db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?');
  }

  create(name: string, description = ''): Project {
    const now = nowIso();
    const id = Number(this.insertStmt.run(name, description, now, now).lastInsertRowid);
    return { id, name, description, createdAt: now, updatedAt: now };
  }

  byName(name: string): Project | undefined {
    return this.byNameStmt.get(name);
  }

  byId(id: number): Project | undefined {
    return this.byIdStmt.get(id);
  }

  list(): Project[] {
    return this.listStmt.all();
  }

  touch(id: number): void {
    this.touchStmt.run(nowIso(), id);
  }
}
