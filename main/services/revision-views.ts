// A stored revision (shared or an annotator's line) as the contract shows it: its facts, and its entities on demand.
import type { RevisionInfo, RevisionView } from '../../core/contract/types.js';
import type { Revision } from '../../db/repositories/revisions.js';

/** The history row of a revision. */
export function revisionInfo(r: Revision): RevisionInfo {
  return {
    id: r.id,
    revision: r.revision,
    author: r.author,
    createdAt: r.createdAt,
    entityCount: r.entities.length,
    note: r.note,
  };
}

/** A revision with its entities (fragments only where discontinuous). */
export function revisionView(r: Revision): RevisionView {
  return {
    ...revisionInfo(r),
    entities: r.entities.map(({ label, start, end, fragments }) =>
      fragments ? { label, start, end, fragments } : { label, start, end },
    ),
  };
}
