// The "next most useful document" queue: the project's unfinished documents ranked by the active-learning strategy
// from their latest model run's signals (core/active-learning/ranking.ts), each with the reason for its place.
import type { Params, Results } from '../../core/contract/methods.js';
import { rankDocuments } from '../../core/active-learning/ranking.js';
import type { Store } from '../../db/store.js';

const UNFINISHED = ['new', 'pre-annotated', 'in_progress'] as const;
const PREVIEW = 120;

/** The queue for a project under a strategy, most useful first. */
export function nextDocuments(store: Store, p: Params<'queue.next'>): Results['queue.next'] {
  const signals = store.suggestions.latestSignals(p.projectId);
  const docs = [...store.documents.current(p.projectId, UNFINISHED)];
  const ranked = rankDocuments(docs.map((d) => ({ id: d.id, text: d.text, signals: signals.get(d.id) })), {
    strategy: p.strategy, costAware: p.costAware ?? false, seed: p.seed ?? 0,
  });
  const byId = new Map(docs.map((d) => [d.id, d]));
  const items = ranked.slice(0, p.limit ?? 50).map((r) => {
    const doc = byId.get(r.id)!;
    return { documentId: r.id, name: doc.name, preview: Array.from(doc.text).slice(0, PREVIEW).join(''), status: doc.status, score: r.score, reason: r.reason };
  });
  return { items, total: ranked.length, scored: ranked.filter((r) => r.score !== null).length };
}
