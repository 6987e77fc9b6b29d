// Edits as append-only revisions. Each save names the revision it started from; a stale parent (another window
// or a restarted server saved in between) is refused with `conflict` so the UI reloads instead of forking history.
// Suggestion outcomes are append-only too: an undo takes one back by recording `reopened` after it, and refuses
// (`conflict`) when the span's latest outcome is not the one being taken back (another window acted on it).
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { RevisionInfo, RevisionView, SaveResult } from '../../core/contract/types.js';
import type { CurrentDocument } from '../../db/repositories/documents.js';
import type { SuggestionOutcome } from '../../db/repositories/suggestions.js';
import type { Store } from '../../db/store.js';
import { refreshSummary } from './document-summary.js';
import { savedEntities } from './entity-input.js';
import { revisionInfo, revisionView } from './revision-views.js';
import { checkReject, checkReopen, checkSaveOutcomes } from './outcome-checks.js';

export class AnnotationService {
  constructor(
    private readonly store: Store,
    private readonly actor: string,
    /** A team curator's saves: their revisions are the gold standard (annotator lines start from before them). */
    private readonly gold = false,
  ) {}

  document(documentId: number): CurrentDocument & { projectId: number } {
    const doc = this.store.documents.get(documentId);
    if (!doc) throw new ContractError('not-found', `no document ${documentId}`, 'documentId');
    const projectId = this.projectOf(documentId);
    return { ...doc, projectId };
  }

  private projectOf(documentId: number): number {
    const at = this.store.documents.locate(documentId);
    if (!at) throw new ContractError('not-found', `no document ${documentId}`, 'documentId');
    return at.projectId;
  }

  save(params: Params<'annotations.save'>): SaveResult {
    const doc = this.document(params.documentId);
    const entities = savedEntities(params, doc.text);
    const result = this.store.transaction(() => {
      const outcomes = this.latestOutcomes(doc.id);
      checkSaveOutcomes(outcomes, params);
      const latest = this.store.revisions.latest(doc.id);
      if ((latest?.id ?? null) !== params.parentRevisionId) {
        throw new ContractError(
          'conflict',
          `document ${doc.id} changed since revision ${params.parentRevisionId ?? 'none'} (now ${latest?.id ?? 'none'}); reload it`,
        );
      }
      const rev = this.store.revisions.append({
        documentId: doc.id,
        parentId: params.parentRevisionId,
        author: this.actor,
        entities,
        note: params.note,
      });
      if (this.gold) this.store.lines.markGold(rev.id, doc.id);
      for (const o of params.outcomes ?? [])
        this.store.suggestions.recordOutcome(o.suggestedSpanId, o.outcome, this.actor, rev.id);
      let status = doc.status;
      if (status === 'new' || status === 'pre-annotated') {
        status = 'in_progress';
        this.store.documents.setStatus(doc.id, status);
      }
      refreshSummary(this.store, doc.id);
      return { revisionId: rev.id, revision: rev.revision, status };
    });
    return result;
  }

  /** Rejects pending suggestions (outcome-checks.ts says which may be). */
  reject(params: Params<'suggestions.reject'>): number {
    const doc = this.document(params.documentId);
    const ids = [...new Set(params.suggestedSpanIds)];
    this.store.transaction(() => {
      const outcomes = this.latestOutcomes(doc.id);
      checkReject(outcomes, params.suggestedSpanIds);
      for (const id of ids) this.store.suggestions.recordOutcome(id, 'rejected', this.actor, null);
      refreshSummary(this.store, doc.id);
    });
    return ids.length;
  }

  /** Takes back rejects (undo): the spans are pending again. Each one's latest outcome must be `rejected`. */
  reopen(params: Params<'suggestions.reopen'>): number {
    const doc = this.document(params.documentId);
    const ids = [...new Set(params.suggestedSpanIds)];
    this.store.transaction(() => {
      const outcomes = this.latestOutcomes(doc.id);
      checkReopen(outcomes, params.suggestedSpanIds);
      for (const id of ids) this.store.suggestions.recordOutcome(id, 'reopened', this.actor, null);
      refreshSummary(this.store, doc.id);
    });
    return ids.length;
  }

  /** Every suggested span of the document (all runs) with its latest outcome (undefined: none yet). */
  private latestOutcomes(documentId: number): Map<number, SuggestionOutcome | undefined> {
    return new Map(
      this.store.suggestions
        .forDocument(documentId)
        .flatMap((s) => s.spans.map((span) => [span.id, span.outcome] as const)),
    );
  }

  history(documentId: number): RevisionInfo[] {
    this.document(documentId);
    return this.store.revisions.history(documentId).map(revisionInfo);
  }

  revision(documentId: number, revisionId: number): RevisionView {
    this.document(documentId);
    const r = this.store.revisions.history(documentId).find((x) => x.id === revisionId);
    if (!r) throw new ContractError('not-found', `document ${documentId} has no revision ${revisionId}`, 'revisionId');
    return revisionView(r);
  }

  setStatus(params: Params<'documents.setStatus'>): void {
    const doc = this.document(params.documentId);
    this.store.transaction(() => {
      this.store.documents.setStatus(doc.id, params.status);
      this.store.events.append({
        type: 'status',
        actor: this.actor,
        projectId: doc.projectId,
        documentId: doc.id,
        payload: { from: doc.status, to: params.status },
      });
    });
  }
}
