// An annotator's own line of a document in team mode (issue 15, migration 0010): what they read and write, blind to
// everyone else's. A line starts from the shared line as imported (its state before any gold revision: gold never
// leaks into blind work) and from then on is theirs alone, append-only with the same parent rule as the shared line:
// a save must name the line's latest revision (or, before the line's first save, the shared base it was shown), else
// it is refused with `conflict`, so concurrent saves never fork the line and no acknowledged edit is lost.
// Suggestions are shared; what this annotator did with them (accept, edit, reject, reopen) is recorded on the line,
// so their pending suggestions are those with no outcome *by them*. The line's status (in progress, done...) is the
// annotator's too; the document's shared status is the curators'.
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { DocumentStatus } from '../../core/document-status.js';
import type { DocumentView, RevisionInfo, RevisionView, SaveResult } from '../../core/contract/types.js';
import type { Entity } from '../../core/document.js';
import type { CurrentDocument } from '../../db/repositories/documents.js';
import type { Suggestion } from '../../db/repositories/suggestions.js';
import type { Store } from '../../db/store.js';
import { suggestionLabels } from './document-summary.js';
import { savedEntities } from './entity-input.js';
import { checkReject, checkReopen, checkSaveOutcomes } from './outcome-checks.js';
import { pendingSuggestions } from './pending-suggestions.js';
import { revisionInfo, revisionView } from './revision-views.js';

/** Where a line stands: its latest revision, or (unstarted) the shared revision it would start from. */
interface LineHead {
  /** What a save must name as its parent. */
  parentId: number | null;
  /** The line's latest revision number; 0 before its first save. */
  revision: number;
  entities: Entity[];
  /** The line's latest revision id, or null before its first save. */
  lineRevisionId: number | null;
  /** The shared revision an unstarted line starts from. */
  baseRevisionId: number | null;
}

/**
 * Checks that the caller may work on a document (team assignment); throws ContractError to refuse. The default lets
 * every document through.
 */
export type DocumentAccess = (documentId: number, projectId: number) => void;

/** The entities of a shared revision of the document (the base an unstarted line shows). */
function baseEntities(store: Store, doc: CurrentDocument, base: number | null): Entity[] {
  // Usually the base is the shared line's latest (no gold yet), whose entities came with the document.
  if (base === doc.revisionId) return doc.entities;
  return store.revisions.history(doc.id).find((r) => r.id === base)?.entities ?? [];
}

/** What an annotator's line of a document holds now: its latest revision, or the shared base it starts from. */
export function lineEntities(store: Store, doc: CurrentDocument, line: string): Entity[] {
  return store.lines.latest(doc.id, line)?.entities ?? baseEntities(store, doc, store.lines.baseRevisionId(doc.id));
}

export class AnnotationLines {
  constructor(
    private readonly store: Store,
    /** The annotator: their name is the line's, and every revision and outcome's author. */
    private readonly line: string,
    private readonly access: DocumentAccess = () => {},
  ) {}

  private document(documentId: number): CurrentDocument & { projectId: number } {
    const at = this.store.documents.locate(documentId);
    const doc = at && this.store.documents.get(documentId);
    if (!at || !doc) throw new ContractError('not-found', `no document ${documentId}`, 'documentId');
    this.access(documentId, at.projectId);
    return { ...doc, projectId: at.projectId };
  }

  private head(doc: CurrentDocument): LineHead {
    const latest = this.store.lines.latest(doc.id, this.line);
    if (latest)
      return {
        parentId: latest.id,
        revision: latest.revision,
        entities: latest.entities,
        lineRevisionId: latest.id,
        baseRevisionId: null,
      };
    const base = this.store.lines.baseRevisionId(doc.id);
    const entities = baseEntities(this.store, doc, base);
    return { parentId: base, revision: 0, entities, lineRevisionId: null, baseRevisionId: base };
  }

  /** The line's status; a line never touched is `pre-annotated` when the model has suggested, else `new`. */
  private status(doc: CurrentDocument, runs: readonly Suggestion[]): DocumentStatus {
    return this.store.lines.status(doc.id, this.line) ?? (runs.length > 0 ? 'pre-annotated' : 'new');
  }

  /** The suggestion runs with this line's outcomes in place of the shared ones. */
  private runsOnLine(documentId: number): Suggestion[] {
    const outcomes = this.store.lines.outcomes(documentId, this.line);
    return this.store.suggestions.forDocument(documentId).map((run) => ({
      ...run,
      spans: run.spans.map(({ outcome: _shared, ...span }) => {
        const mine = outcomes.get(span.id);
        return mine ? { ...span, outcome: mine } : span;
      }),
    }));
  }

  private spanOutcomes(documentId: number) {
    return new Map(
      this.runsOnLine(documentId).flatMap((run) => run.spans.map((span) => [span.id, span.outcome] as const)),
    );
  }

  /** documents.get on the line. */
  view(documentId: number): DocumentView {
    const doc = this.document(documentId);
    const head = this.head(doc);
    const runs = this.runsOnLine(doc.id);
    return {
      id: doc.id,
      name: doc.name,
      text: doc.text,
      status: this.status(doc, runs),
      ...(doc.tokens ? { tokens: doc.tokens } : {}),
      revisionId: head.parentId,
      revision: head.revision,
      entities: head.entities.map(({ label, start, end, fragments }) =>
        fragments ? { label, start, end, fragments } : { label, start, end },
      ),
      suggestions: pendingSuggestions(head.entities, runs, suggestionLabels(this.store, doc.id)),
    };
  }

  save(params: Params<'annotations.save'>): SaveResult {
    const doc = this.document(params.documentId);
    const entities = savedEntities(params, doc.text);
    return this.store.transaction(() => {
      checkSaveOutcomes(this.spanOutcomes(doc.id), params);
      const head = this.head(doc);
      if (head.parentId !== params.parentRevisionId) {
        throw new ContractError(
          'conflict',
          `document ${doc.id} changed on ${this.line}'s line since revision ${params.parentRevisionId ?? 'none'} (now ${head.parentId ?? 'none'}); reload it`,
        );
      }
      const rev = this.store.lines.append({
        documentId: doc.id,
        line: this.line,
        parentId: head.lineRevisionId,
        baseRevisionId: head.baseRevisionId,
        author: this.line,
        entities,
        note: params.note,
      });
      for (const o of params.outcomes ?? [])
        this.store.lines.recordOutcome(o.suggestedSpanId, this.line, o.outcome, this.line, rev.id);
      let status = this.status(doc, this.store.suggestions.forDocument(doc.id));
      if (status === 'new' || status === 'pre-annotated') {
        status = 'in_progress';
        this.store.lines.setStatus(doc.id, this.line, status);
      }
      return { revisionId: rev.id, revision: rev.revision, status };
    });
  }

  reject(params: Params<'suggestions.reject'>): number {
    return this.recordOutcomes(params, 'rejected');
  }

  reopen(params: Params<'suggestions.reopen'>): number {
    return this.recordOutcomes(params, 'reopened');
  }

  private recordOutcomes(params: Params<'suggestions.reject'>, outcome: 'rejected' | 'reopened'): number {
    const doc = this.document(params.documentId);
    const ids = [...new Set(params.suggestedSpanIds)];
    this.store.transaction(() => {
      const outcomes = this.spanOutcomes(doc.id);
      if (outcome === 'rejected') checkReject(outcomes, params.suggestedSpanIds);
      else checkReopen(outcomes, params.suggestedSpanIds);
      for (const id of ids) this.store.lines.recordOutcome(id, this.line, outcome, this.line, null);
    });
    return ids.length;
  }

  /** The line's revisions (the shared base it started from is not among them: it is nobody's work on this line). */
  history(documentId: number): RevisionInfo[] {
    this.document(documentId);
    return this.store.lines.history(documentId, this.line).map(revisionInfo);
  }

  revision(documentId: number, revisionId: number): RevisionView {
    this.document(documentId);
    const r = this.store.lines.history(documentId, this.line).find((x) => x.id === revisionId);
    if (!r)
      throw new ContractError(
        'not-found',
        `document ${documentId} has no revision ${revisionId} on ${this.line}'s line`,
        'revisionId',
      );
    return revisionView(r);
  }

  setStatus(params: Params<'documents.setStatus'>): void {
    const doc = this.document(params.documentId);
    this.store.transaction(() => {
      const from = this.status(doc, this.store.suggestions.forDocument(doc.id));
      this.store.lines.setStatus(doc.id, this.line, params.status);
      this.store.events.append({
        type: 'line-status',
        actor: this.line,
        projectId: doc.projectId,
        documentId: doc.id,
        payload: { from, to: params.status, line: this.line },
      });
    });
  }
}
