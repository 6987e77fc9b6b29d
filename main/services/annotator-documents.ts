// A team annotator's view of a project (issue 15): their documents — their assignment, or every document while the
// project has no assignment at all (a small team may not need one) — with *their line's* status and entity count,
// in the document list, the progress, next/previous and the active-learning queue. A document outside their
// assignment is refused (`forbidden`) on every read and write (annotation-lines.ts asks `access`).
import { ContractError } from '../../core/contract/errors.js';
import type { Params, Results } from '../../core/contract/methods.js';
import type { DocumentPage, ProjectProgress } from '../../core/contract/types.js';
import { UNFINISHED_STATUSES, type DocumentStatus } from '../../core/document-status.js';
import type { LineStatusRow } from '../../db/repositories/assignments.js';
import type { Store } from '../../db/store.js';
import { nextTurn } from '../time-slice.js';
import type { ListQuery } from './document-index.js';
import { lineEntities } from './annotation-lines.js';
import { nextDocuments } from './queue-service.js';

/** Ids read per statement when a text or label filter scans the project (as document-index.ts does). */
const SCAN_IDS = 5_000;
const unfinished = new Set<DocumentStatus>(UNFINISHED_STATUSES);

export class AnnotatorDocuments {
  constructor(
    private readonly store: Store,
    private readonly annotator: string,
  ) {}

  /** Refuses a document of a project with assignments that is not assigned to this annotator. */
  readonly access = (documentId: number, projectId: number): void => {
    if (
      this.store.assignments.any(projectId) &&
      !this.store.assignments.isAssigned(projectId, this.annotator, documentId)
    )
      throw new ContractError('forbidden', `document ${documentId} is not assigned to ${this.annotator}`, 'documentId');
  };

  /** The annotator's documents in order, with their line's status. */
  private mine(projectId: number): LineStatusRow[] {
    return this.store.assignments.lineStatuses(projectId, this.annotator, !this.store.assignments.any(projectId));
  }

  async list(projectId: number, query: ListQuery): Promise<DocumentPage> {
    const status = new Map(
      this.mine(projectId)
        .filter((r) => !query.status || r.status === query.status)
        .map((r) => [r.id, r.status]),
    );
    let matches: { id: number; uncertainty: number | null }[] = [...status.keys()].map((id) => ({
      id,
      uncertainty: null,
    }));
    const needle = query.text?.trim().normalize('NFC').toLowerCase() || undefined;
    if (needle || query.sort === 'uncertainty') {
      // The text filter and the uncertainty are the database's: scan the project in slices.
      const filter = { projectId, needle };
      matches = [];
      const last = this.store.documents.lastId(projectId);
      for (let after = 0; after < last; after += SCAN_IDS) {
        matches.push(
          ...this.store.documents.matchesIn(filter, after, after + SCAN_IDS).filter((m) => status.has(m.id)),
        );
        if (after + SCAN_IDS < last) await nextTurn();
      }
      if (query.sort === 'uncertainty')
        matches.sort((a, b) => (b.uncertainty ?? -1) - (a.uncertainty ?? -1) || a.id - b.id);
    }
    if (query.label) {
      // The label filter reads the annotator's own line (or the shared base it starts from), never the document's
      // summary: that one knows the gold's and the other annotators' labels, which are not theirs to see.
      const label = query.label;
      const kept: typeof matches = [];
      for (const [i, m] of matches.entries()) {
        const doc = this.store.documents.get(m.id);
        if (doc && lineEntities(this.store, doc, this.annotator).some((e) => e.label === label)) kept.push(m);
        if (i % SCAN_IDS === SCAN_IDS - 1) await nextTurn();
      }
      matches = kept;
    }
    const page = pageOf(
      matches.map((m) => m.id),
      query,
    );
    const items = this.store.documents.rows(page).map((row) => {
      const line = this.store.lines.latest(row.id, this.annotator);
      return {
        ...row,
        status: status.get(row.id)!,
        ...(line ? { entityCount: line.entities.length } : {}),
      };
    });
    return { items, total: matches.length };
  }

  progress(projectId: number): ProjectProgress {
    const byStatus: Record<string, number> = {};
    const rows = this.mine(projectId);
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    return {
      total: rows.length,
      done: (byStatus.done ?? 0) + (byStatus.reviewed ?? 0),
      byStatus,
      byLabel: Object.fromEntries(this.store.lines.labelTotals(projectId, this.annotator)),
    };
  }

  adjacent(p: Params<'documents.adjacent'>): Results['documents.adjacent'] {
    const ids = this.mine(p.projectId)
      .filter((r) => !p.status || r.status === p.status)
      .map((r) => r.id);
    const documentId =
      p.direction === 'next'
        ? (ids.find((id) => id > p.documentId) ?? null)
        : (ids.findLast((id) => id < p.documentId) ?? null);
    return { documentId };
  }

  /** The active-learning queue over the annotator's unfinished documents (their line's status). */
  queue(p: Params<'queue.next'>): Results['queue.next'] {
    return nextDocuments(
      this.store,
      p,
      this.mine(p.projectId).filter((r) => unfinished.has(r.status)),
    );
  }
}

/** One page of ids in list order: after or before a document (a cursor no longer listed gives an empty page), else at an offset. */
function pageOf(ids: readonly number[], query: ListQuery): number[] {
  const limit = query.limit ?? 200;
  const position = (id: number) => {
    const i = ids.indexOf(id);
    return i < 0 ? ids.length : i;
  };
  if (query.after !== undefined) return ids.slice(position(query.after) + 1, position(query.after) + 1 + limit);
  if (query.before !== undefined) return ids.slice(Math.max(0, position(query.before) - limit), position(query.before));
  const offset = query.offset ?? 0;
  return ids.slice(offset, offset + limit);
}
