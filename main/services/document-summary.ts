// What the document list shows and filters on for one document, computed from its entities and the suggested
// spans still pending (pending-suggestions.ts), and stored with the document (db migration 0006).
import { entityKey, type Entity } from '../../core/document.js';
import type { DocumentSummaryColumns } from '../../db/repositories/documents.js';
import type { Store } from '../../db/store.js';
import { ANY_MODEL, labelMapper } from '../../core/label-mapping.js';
import { pendingSuggestions } from './pending-suggestions.js';

/** The summary of a document with `entities` and these pending suggested spans. */
export function summarize(
  entities: readonly Entity[],
  pending: readonly { label: string; score?: number | null }[],
): DocumentSummaryColumns {
  const labelCounts: Record<string, number> = {};
  for (const e of entities) labelCounts[e.label] = (labelCounts[e.label] ?? 0) + 1;
  const scores = pending.map((s) => s.score).filter((s): s is number => typeof s === 'number');
  return {
    entityCount: entities.length,
    pendingCount: pending.length,
    uncertainty: scores.length === 0 ? null : 1 - scores.reduce((a, b) => a + b, 0) / scores.length,
    labels: [...new Set([...Object.keys(labelCounts), ...pending.map((s) => s.label)])],
    labelCounts,
  };
}

/**
 * The summary of a document about to be inserted with `entities` and one suggestion run of `suggested` spans: what
 * refreshSummary would compute once it is stored (no span has an outcome yet), without reading it back.
 */
export function summarizeNew(
  entities: readonly Entity[],
  suggested: readonly Entity[],
  mapLabel: (label: string) => string,
): DocumentSummaryColumns {
  const taken = new Set(entities.map(entityKey));
  const pending = suggested.map((s) => ({ ...s, label: mapLabel(s.label) })).filter((s) => !taken.has(entityKey(s)));
  return summarize(entities, pending);
}

/** Recomputes and stores one document's summary; call it in the transaction of the write that changed the document. */
export function refreshSummary(store: Store, documentId: number): void {
  const doc = store.documents.get(documentId);
  if (!doc) return;
  const pending = pendingSuggestions(
    doc.entities,
    store.suggestions.forDocument(doc.id),
    suggestionLabels(store, documentId),
  );
  store.documents.setSummary(documentId, summarize(doc.entities, pending));
}

/** How a document's stored suggestions' labels read now: through its project's `*` label mapping (renames, merges). */
export function suggestionLabels(store: Store, documentId: number): (label: string) => string {
  const at = store.documents.locate(documentId);
  return at ? labelMapper(store.labelMappings.list(at.projectId), ANY_MODEL) : (label) => label;
}
