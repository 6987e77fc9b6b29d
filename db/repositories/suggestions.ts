import type { Statement } from 'better-sqlite3';
import type { UncertaintySignals } from '../../core/active-learning/signals.js';
import type { Entity } from '../../core/document.js';
import type { Db } from '../open-database.js';
import { nowIso } from '../json-columns.js';

/** What a person did with a suggested span; `reopened` takes back the previous one (an undo), so it is pending again. */
export type SuggestionOutcome = 'accepted' | 'edited' | 'rejected' | 'reopened';

export interface NewSuggestion {
  documentId: number;
  /** Registry id when the model is in the registry; null for imported predictions. */
  modelId: number | null;
  modelName: string;
  modelVersion: string;
  /** Whole-prediction score where the source has one (Label Studio `score`). */
  score?: number;
  spans: readonly Entity[];
  /** The engine's uncertainty about this document in this run (active learning). */
  signals?: UncertaintySignals;
}

/** A span of a stored suggestion run, with its outcome (what the UI shows is core/contract's SuggestedSpan). */
export interface SuggestionRunSpan extends Entity {
  id: number;
  /** Latest outcome, if a person has acted on it (`reopened`: they took it back; the span is pending again). */
  outcome?: SuggestionOutcome;
}

export interface Suggestion {
  id: number;
  documentId: number;
  modelId: number | null;
  modelName: string;
  modelVersion: string;
  score: number | null;
  signals: UncertaintySignals | null;
  createdAt: string;
  spans: SuggestionRunSpan[];
}

interface SpanRow {
  id: number;
  label: string;
  start: number;
  end: number;
  fragments: string | null;
  score: number | null;
  outcome: SuggestionOutcome | null;
}

/** Model suggestions (never annotations) and what people did with each suggested span; all append-only. */
export class SuggestionRepository {
  private readonly insertStmt: Statement;
  private readonly insertSpanStmt: Statement;
  private readonly outcomeStmt: Statement;
  private readonly byDocumentStmt: Statement<
    [number],
    Omit<Suggestion, 'spans' | 'signals'> & { signals: string | null }
  >;
  private readonly spansStmt: Statement<[number], SpanRow>;
  private readonly latestSignalsStmt: Statement<[number], { documentId: number; signals: string | null }>;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO suggestions (document_id, model_id, model_name, model_version, score, signals, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertSpanStmt = db.prepare(
      'INSERT INTO suggested_spans (suggestion_id, label, start, end, fragments, score) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.outcomeStmt = db.prepare(
      'INSERT INTO suggestion_outcomes (suggested_span_id, outcome, actor, created_at, revision_id) VALUES (?, ?, ?, ?, ?)',
    );
    this.byDocumentStmt = db.prepare(
      `SELECT id, document_id AS documentId, model_id AS modelId, model_name AS modelName, model_version AS modelVersion,
              score, signals, created_at AS createdAt
       FROM suggestions WHERE document_id = ? ORDER BY id`,
    );
    this.latestSignalsStmt = db.prepare(
      `SELECT s.document_id AS documentId, s.signals FROM suggestions s JOIN documents d ON d.id = s.document_id
       WHERE d.project_id = ? AND s.id = (SELECT max(id) FROM suggestions WHERE document_id = s.document_id)`,
    );
    this.spansStmt = db.prepare(
      `SELECT s.id, s.label, s.start, s.end, s.fragments, s.score,
              (SELECT outcome FROM suggestion_outcomes o WHERE o.suggested_span_id = s.id ORDER BY o.id DESC LIMIT 1) AS outcome
       FROM suggested_spans s WHERE s.suggestion_id = ? ORDER BY s.start, s.end DESC, s.id`,
    );
  }

  /** Stores one model run's spans for a document; returns the suggestion id. Call inside a transaction. */
  add(s: NewSuggestion, now = nowIso()): number {
    const id = Number(
      this.insertStmt.run(
        s.documentId,
        s.modelId,
        s.modelName,
        s.modelVersion,
        s.score ?? null,
        s.signals ? JSON.stringify(s.signals) : null,
        now,
      ).lastInsertRowid,
    );
    for (const span of s.spans) {
      this.insertSpanStmt.run(
        id,
        span.label,
        span.start,
        span.end,
        span.fragments ? JSON.stringify(span.fragments) : null,
        span.score ?? null,
      );
    }
    return id;
  }

  /**
   * Records what a person did with a suggested span; `revisionId` is the revision that resulted (null for a reject,
   * and for a reopen that takes back a reject).
   */
  recordOutcome(
    spanId: number,
    outcome: SuggestionOutcome,
    actor: string,
    revisionId: number | null,
    now = nowIso(),
  ): void {
    this.outcomeStmt.run(spanId, outcome, actor, now, revisionId);
  }

  /** The signals of each document's latest model run in a project (documents whose latest run has none are left out). */
  latestSignals(projectId: number): Map<number, UncertaintySignals> {
    const out = new Map<number, UncertaintySignals>();
    for (const row of this.latestSignalsStmt.iterate(projectId))
      if (row.signals !== null) out.set(row.documentId, JSON.parse(row.signals));
    return out;
  }

  forDocument(documentId: number): Suggestion[] {
    return this.byDocumentStmt.all(documentId).map((s) => ({
      ...s,
      signals: s.signals === null ? null : (JSON.parse(s.signals) as UncertaintySignals),
      spans: this.spansStmt.all(s.id).map((row) => ({
        id: row.id,
        label: row.label,
        start: row.start,
        end: row.end,
        ...(row.fragments ? { fragments: JSON.parse(row.fragments) } : {}),
        ...(row.score !== null ? { score: row.score } : {}),
        ...(row.outcome ? { outcome: row.outcome } : {}),
      })),
    }));
  }
}
