// The "next most useful document" queue: the project's unfinished documents ranked by the active-learning strategy
// from their latest model run's signals (core/active-learning/ranking.ts), each with the reason for its place.
// Texts are read only for the documents near the top, where near-duplicates are looked for, so the queue of a large
// project costs its signals, not its texts.
import type { Params, Results } from '../../core/contract/methods.js';
import { rankDocuments } from '../../core/active-learning/ranking.js';
import { UNFINISHED_STATUSES } from '../../core/document-status.js';
import type { DocumentStatus } from '../../core/document-status.js';
import type { Store } from '../../db/store.js';

const PREVIEW = 120;
/** How many top-ranked documents are checked for near-duplicates (ranking.ts's `duplicateWindow`). */
const DUPLICATE_WINDOW = 1000;

/**
 * The queue for a project under a strategy, most useful first. `only`: a team annotator's unfinished documents with
 * their line's status (annotator-documents.ts), in place of the project's unfinished documents.
 */
export function nextDocuments(
  store: Store,
  p: Params<'queue.next'>,
  only?: readonly { id: number; status: DocumentStatus }[],
): Results['queue.next'] {
  const signals = store.suggestions.latestSignals(p.projectId);
  const ids = only ? only.map((r) => r.id) : store.documents.ids(p.projectId, UNFINISHED_STATUSES);
  const statusOf = new Map(only?.map((r) => [r.id, r.status]));
  const options = { strategy: p.strategy, costAware: p.costAware ?? false, seed: p.seed ?? 0 };
  // Rank all by signal alone, then rank the top window again with its texts to push near-duplicates back.
  const byScore = rankDocuments(
    ids.map((id) => ({ id, text: '', signals: signals.get(id) })),
    { ...options, duplicateThreshold: 1 },
  );
  const top = byScore.slice(0, DUPLICATE_WINDOW).map((r) => store.documents.get(r.id)!);
  const topRanked = rankDocuments(
    top.map((d) => ({ id: d.id, text: d.text, signals: signals.get(d.id) })),
    { ...options, duplicateWindow: DUPLICATE_WINDOW },
  );
  const firstDuplicate = topRanked.findIndex((r) => r.reason.nearDuplicateOf !== undefined);
  const kept = firstDuplicate < 0 ? topRanked : topRanked.slice(0, firstDuplicate);
  const ranked = [...kept, ...byScore.slice(DUPLICATE_WINDOW), ...topRanked.slice(kept.length)];
  const docs = new Map(top.map((d) => [d.id, d]));
  const items = ranked.slice(0, p.limit ?? 50).map((r) => {
    const doc = docs.get(r.id) ?? store.documents.get(r.id)!;
    return {
      documentId: r.id,
      name: doc.name,
      preview: Array.from(doc.text).slice(0, PREVIEW).join(''),
      status: statusOf.get(r.id) ?? doc.status,
      score: r.score,
      uncertainty: store.documents.uncertaintyOf(r.id),
      reason: r.reason,
    };
  });
  return { items, total: ranked.length, scored: ranked.filter((r) => r.score !== null).length };
}
