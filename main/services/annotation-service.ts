// Edits as append-only revisions. Each save names the revision it started from; a stale parent (another window
// or a restarted server saved in between) is refused with `conflict` so the UI reloads instead of forking history.
// Suggestion outcomes are append-only too: an undo takes one back by recording `reopened` after it, and refuses
// (`conflict`) when the span's latest outcome is not the one being taken back (another window acted on it).
import { ContractError } from '../../core/contract/errors.js';
import type { Params } from '../../core/contract/methods.js';
import type { RevisionInfo, RevisionView, SaveResult } from '../../core/contract/types.js';
import { compareEntities, type Entity } from '../../core/document.js';
import type { CurrentDocument } from '../../db/repositories/documents.js';
import type { SuggestionOutcome } from '../../db/repositories/suggestions.js';
import type { Store } from '../../db/store.js';
import { refreshSummary } from './document-summary.js';
import { codePointLength } from '../../core/offsets.js';

export class AnnotationService {
  constructor(
    private readonly store: Store,
    private readonly actor: string,
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
    const length = codePointLength(doc.text);
    const entities: Entity[] = params.entities.map((e, i) => {
      if (e.end > length)
        throw new ContractError(
          'invalid',
          `annotations.save: invalid entities.${i}.end: ${e.end} is past the end of the text (${length})`,
          `entities.${i}.end`,
        );
      return e.fragments
        ? { label: e.label, start: e.start, end: e.end, fragments: e.fragments }
        : { label: e.label, start: e.start, end: e.end };
    });
    entities.sort(compareEntities);
    const result = this.store.transaction(() => {
      const outcomes = this.latestOutcomes(doc.id);
      params.outcomes?.forEach((o, i) => {
        if (!outcomes.has(o.suggestedSpanId))
          throw new ContractError(
            'invalid',
            `annotations.save: invalid outcomes.${i}.suggestedSpanId: not a suggestion of this document`,
            `outcomes.${i}.suggestedSpanId`,
          );
        const current = outcomes.get(o.suggestedSpanId);
        if (o.outcome === 'reopened' && current !== 'accepted' && current !== 'edited') {
          throw new ContractError(
            'conflict',
            `annotations.save: outcomes.${i}: suggestion ${o.suggestedSpanId} is ${describe(current)}, so there is no accept or edit to take back; reload the document`,
            `outcomes.${i}.outcome`,
          );
        }
      });
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

  /**
   * Rejects pending suggestions. Each one's latest outcome must be none or `reopened`: a span another window accepted,
   * edited or already rejected is refused (`conflict`), so a stale tab cannot log a reject while the entity stays.
   */
  reject(params: Params<'suggestions.reject'>): number {
    const doc = this.document(params.documentId);
    const ids = [...new Set(params.suggestedSpanIds)];
    this.store.transaction(() => {
      const outcomes = this.latestOutcomes(doc.id);
      params.suggestedSpanIds.forEach((id, i) => {
        if (!outcomes.has(id))
          throw new ContractError(
            'invalid',
            `suggestions.reject: invalid suggestedSpanIds.${i}: not a suggestion of this document`,
            `suggestedSpanIds.${i}`,
          );
        const current = outcomes.get(id);
        if (current !== undefined && current !== 'reopened') {
          throw new ContractError(
            'conflict',
            `suggestions.reject: suggestedSpanIds.${i}: suggestion ${id} is already ${current} (another window acted on it); reload the document`,
            `suggestedSpanIds.${i}`,
          );
        }
      });
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
      params.suggestedSpanIds.forEach((id, i) => {
        if (!outcomes.has(id))
          throw new ContractError(
            'invalid',
            `suggestions.reopen: invalid suggestedSpanIds.${i}: not a suggestion of this document`,
            `suggestedSpanIds.${i}`,
          );
        const current = outcomes.get(id);
        if (current !== 'rejected') {
          throw new ContractError(
            'conflict',
            `suggestions.reopen: suggestedSpanIds.${i}: suggestion ${id} is ${describe(current)}, not rejected; only a rejected suggestion can be reopened`,
            `suggestedSpanIds.${i}`,
          );
        }
      });
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
    return this.store.revisions.history(documentId).map((r) => ({
      id: r.id,
      revision: r.revision,
      author: r.author,
      createdAt: r.createdAt,
      entityCount: r.entities.length,
      note: r.note,
    }));
  }

  revision(documentId: number, revisionId: number): RevisionView {
    this.document(documentId);
    const r = this.store.revisions.history(documentId).find((x) => x.id === revisionId);
    if (!r) throw new ContractError('not-found', `document ${documentId} has no revision ${revisionId}`, 'revisionId');
    return {
      id: r.id,
      revision: r.revision,
      author: r.author,
      createdAt: r.createdAt,
      entityCount: r.entities.length,
      note: r.note,
      entities: r.entities.map(({ label, start, end, fragments }) =>
        fragments ? { label, start, end, fragments } : { label, start, end },
      ),
    };
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

/** A span's state in words, for refusals: `pending` covers no outcome yet and a reopened one. */
function describe(outcome: SuggestionOutcome | undefined): string {
  return outcome === undefined || outcome === 'reopened' ? 'pending' : outcome;
}
