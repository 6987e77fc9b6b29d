import type { Statement } from 'better-sqlite3';
import type { Db } from '../open-database.js';
import { nowIso } from '../json-columns.js';

export type ImportState = 'staging' | 'publishing';

/** What publishing an import has done so far. */
export interface PublishCounts {
  imported: number;
  unchanged: number;
  changed: number;
  entities: number;
  suggestedSpans: number;
}

export interface ImportEntry {
  id: number;
  projectId: number;
  source: string;
  format: string;
  state: ImportState;
  owner: string | null;
  actor: string;
  counts: PublishCounts;
}

export interface StagedRow {
  seq: number;
  line: number;
  record: string;
}

type Row = Omit<ImportEntry, 'counts'> & { counts: string };

const COLUMNS = 'id, project_id AS projectId, source, format, state, owner, actor, counts';
const NO_COUNTS: PublishCounts = { imported: 0, unchanged: 0, changed: 0, entities: 0, suggestedSpans: 0 };

/**
 * Imports and their staged records (migration 0004). Staged records are never documents: only publishing turns them
 * into documents, revisions and suggestions. Callers group these calls into short synchronous transactions.
 */
export class ImportRepository {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], Row>;
  private readonly unfinishedStmt: Statement<[], Row>;
  private readonly stageStmt: Statement<[number, number, number, string]>;
  private readonly stagedStmt: Statement<[number, number], StagedRow>;
  private readonly dropStagedStmt: Statement<[number, number]>;
  private readonly dropSomeStagedStmt: Statement<[number, number, number]>;
  private readonly stateStmt: Statement<[ImportState, string | null, number]>;
  private readonly deleteStmt: Statement<[number]>;
  private readonly claimStmt: Statement<[string, number, string | null]>;
  private readonly countsStmt: Statement<[string, number]>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      "INSERT INTO imports (project_id, source, format, state, owner, actor, started_at) VALUES (?, ?, ?, 'staging', ?, ?, ?)",
    );
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM imports WHERE id = ?`);
    this.unfinishedStmt = db.prepare(`SELECT ${COLUMNS} FROM imports ORDER BY id`);
    this.stageStmt = db.prepare('INSERT INTO staged_records (import_id, seq, line, record) VALUES (?, ?, ?, ?)');
    this.stagedStmt = db.prepare(
      'SELECT seq, line, record FROM staged_records WHERE import_id = ? ORDER BY seq LIMIT ?',
    );
    this.dropStagedStmt = db.prepare('DELETE FROM staged_records WHERE import_id = ? AND seq <= ?');
    this.dropSomeStagedStmt = db.prepare(
      'DELETE FROM staged_records WHERE import_id = ? AND seq IN (SELECT seq FROM staged_records WHERE import_id = ? ORDER BY seq LIMIT ?)',
    );
    this.stateStmt = db.prepare('UPDATE imports SET state = ?, owner = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM imports WHERE id = ?');
    this.claimStmt = db.prepare('UPDATE imports SET owner = ? WHERE id = ? AND owner IS ?');
    this.countsStmt = db.prepare('UPDATE imports SET counts = ? WHERE id = ?');
  }

  start(
    entry: { projectId: number; source: string; format: string; actor: string },
    owner: string,
    now = nowIso(),
  ): number {
    return Number(
      this.insertStmt.run(entry.projectId, entry.source, entry.format, owner, entry.actor, now).lastInsertRowid,
    );
  }

  get(id: number): ImportEntry | undefined {
    const row = this.getStmt.get(id);
    return row && { ...row, counts: { ...NO_COUNTS, ...JSON.parse(row.counts) } };
  }

  /** Imports being staged or published (by this process, another, or one that died). */
  unfinished(): ImportEntry[] {
    return this.unfinishedStmt.all().map((row) => ({ ...row, counts: { ...NO_COUNTS, ...JSON.parse(row.counts) } }));
  }

  stage(importId: number, seq: number, line: number, record: string): void {
    this.stageStmt.run(importId, seq, line, record);
  }

  /** The first `limit` staged records still to publish, in file order. */
  staged(importId: number, limit: number): StagedRow[] {
    return this.stagedStmt.all(importId, limit);
  }

  /** Drops staged records up to `seq` (they are published). */
  dropStaged(importId: number, throughSeq: number): void {
    this.dropStagedStmt.run(importId, throughSeq);
  }

  /** Drops up to `limit` staged records of an abandoned import; returns how many went. */
  dropSomeStaged(importId: number, limit: number): number {
    return this.dropSomeStagedStmt.run(importId, importId, limit).changes;
  }

  setState(id: number, state: ImportState, owner: string | null): void {
    this.stateStmt.run(state, owner, id);
  }

  /** Forgets a finished import (published, or abandoned with its staged records gone). */
  finish(id: number): void {
    this.deleteStmt.run(id);
  }

  /** Takes over an import from `from` (a dead owner); false when another process took it first. */
  claim(id: number, from: string | null, to: string): boolean {
    return this.claimStmt.run(to, id, from).changes === 1;
  }

  saveCounts(id: number, counts: PublishCounts): void {
    this.countsStmt.run(JSON.stringify(counts), id);
  }
}
