// The document list at any project size (docs/data-safety.md). Pages and filters come from the database (each
// document's summary is stored with it, migration 0006): a page is a seek after or before a document, so the last
// page of a million documents costs what the first does. Totals per status and per label are kept by
// triggers. Summaries are recomputed by `refresh` in the transaction of every write; rows written without one (an
// import from the command line, an older database) are summarised in the background in short slices, so no call
// waits for them.
import { performance } from 'node:perf_hooks';
import type { DocumentPage, DocumentStatus, ProjectProgress } from '../../core/contract/types.js';
import { type DocumentFilter, type PageAt } from '../../db/repositories/documents.js';
import type { Store } from '../../db/store.js';
import { refreshSummary } from './document-summary.js';
import { nextTurn } from '../time-slice.js';

export interface ListQuery extends PageAt {
  text?: string;
  label?: string;
  status?: DocumentStatus;
  sort?: 'order' | 'uncertainty';
  limit?: number;
}

// Background work runs in slices of at most SLICE_MS, each ending with the event loop's turn, so no call waits
// behind it for long. Scans that cannot use an index (text search, label filter) read SCAN_IDS ids per statement
// for the same reason.
const PAGE = 500;
const SLICE_MS = 8;
const SCAN_IDS = 5_000;

export class DocumentIndex {
  private summarising: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly store: Store) {}

  /** Summarises documents written without a summary for at most SLICE_MS; false when none is left. */
  private summariseSlice(): boolean {
    const ids = this.store.documents.staleSummaries(PAGE);
    if (ids.length === 0) return false;
    const started = performance.now();
    this.store.transaction(() => {
      for (const id of ids) {
        refreshSummary(this.store, id);
        if (performance.now() - started > SLICE_MS) break;
      }
    });
    return true;
  }

  /**
   * Summarises documents written without a summary, a slice per turn of the event loop; resolves when none is left.
   * Every list and progress call does one slice first, so a small project is always complete when it answers.
   */
  summariseStale(): Promise<void> {
    this.summarising ??= (async () => {
      try {
        while (!this.closed && this.summariseSlice()) await nextTurn();
      } finally {
        this.summarising = undefined;
      }
    })();
    return this.summarising;
  }

  /** Stops the background work (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    await this.summarising;
  }

  async list(projectId: number, query: ListQuery): Promise<DocumentPage> {
    if (this.summariseSlice()) void this.summariseStale();
    const needle = query.text?.trim().normalize('NFC').toLowerCase() ?? '';
    const filter: DocumentFilter = {
      projectId,
      status: query.status,
      label: query.label || undefined,
      needle: needle || undefined,
    };
    const sort = query.sort ?? 'order';
    const limit = query.limit ?? 200;
    if (!filter.needle && !filter.label) {
      // Every remaining filter and order has an index, and the totals are kept by triggers.
      const totals = this.store.documents.statusTotals(projectId);
      const total = filter.status ? (totals.get(filter.status) ?? 0) : [...totals.values()].reduce((a, b) => a + b, 0);
      return { items: this.store.documents.list(filter, sort, query, limit), total };
    }
    // A text or label filter reads every row: scan in slices, then page the matches.
    const matches: { id: number; uncertainty: number | null }[] = [];
    const last = this.store.documents.lastId(projectId);
    for (let after = 0; after < last; after += SCAN_IDS) {
      matches.push(...this.store.documents.matchesIn(filter, after, after + SCAN_IDS));
      if (after + SCAN_IDS < last) await nextTurn();
    }
    const total = matches.length;
    if (sort === 'uncertainty') matches.sort((a, b) => (b.uncertainty ?? -1) - (a.uncertainty ?? -1) || a.id - b.id);
    // A cursor that no longer matches (the document was edited out of the filter) gives an empty page.
    const position = (id: number) => {
      const i = matches.findIndex((m) => m.id === id);
      return i < 0 ? matches.length : i;
    };
    const offset = query.offset ?? 0;
    const [start, end] =
      query.after !== undefined
        ? [position(query.after) + 1, position(query.after) + 1 + limit]
        : query.before !== undefined
          ? [Math.max(0, position(query.before) - limit), position(query.before)]
          : [offset, offset + limit];
    return { items: this.store.documents.rows(matches.slice(start, end).map((m) => m.id)), total };
  }

  progress(projectId: number): ProjectProgress {
    if (this.summariseSlice()) void this.summariseStale();
    const byStatus = Object.fromEntries(this.store.documents.statusTotals(projectId));
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const done = (byStatus.done ?? 0) + (byStatus.reviewed ?? 0);
    return { total, done, byStatus, byLabel: Object.fromEntries(this.store.documents.labelTotals(projectId)) };
  }
}
