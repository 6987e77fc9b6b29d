// The document list at any project size (docs/data-safety.md). Pages, counts and filters come from the database
// (each document's summary is stored with it, migration 0006), so the first page of a million documents costs what
// the tenth of a hundred does. What is kept in memory is only each project's entity total per label, built a page
// at a time in the background and then kept current by delta. Summaries are recomputed by `refresh` after every
// write; rows written without one (an import from the command line, an older database) are summarised in the
// background, a page per turn of the event loop, so no call waits for them.
import { performance } from 'node:perf_hooks';
import type { DocumentPage, DocumentStatus, ProjectProgress } from '../../core/contract/types.js';
import { DOCUMENT_STATUSES } from '../../db/repositories/documents.js';
import type { Store } from '../../db/store.js';
import { summarize } from './document-summary.js';
import { pendingSuggestions } from './pending-suggestions.js';

export interface ListQuery {
  text?: string;
  label?: string;
  status?: DocumentStatus;
  sort?: 'order' | 'uncertainty';
  offset?: number;
  limit?: number;
}

/** A project's entities per label, and how far (by document id) the background count has read. */
interface LabelTotals {
  counts: Map<string, number>;
  /** Documents up to this id are counted; later ones are the builder's to read. */
  through: number;
  done: boolean;
}

// Background work runs in slices of at most SLICE_MS, each ending with the event loop's turn, so no call waits
// behind it for long. Scans that cannot use an index (text search, label filter) read
// SCAN_IDS ids per statement for the same reason; status counts take one index range per statement.
const PAGE = 500;
const SLICE_MS = 8;
const SCAN_IDS = 5_000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class DocumentIndex {
  private readonly totals = new Map<number, LabelTotals>();
  private summarising: Promise<void> | undefined;
  private readonly building = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly store: Store) {}

  /** Recomputes one document's summary after a write (and the label totals by the difference). */
  refresh(projectId: number, documentId: number): void {
    const doc = this.store.documents.get(documentId);
    if (!doc) return;
    const summary = summarize(doc.entities, pendingSuggestions(doc.entities, this.store.suggestions.forDocument(doc.id)));
    const totals = this.totals.get(projectId);
    if (totals && documentId <= totals.through) {
      for (const [label, n] of Object.entries(this.store.documents.labelCountsOf(documentId))) add(totals.counts, label, -n);
      for (const [label, n] of Object.entries(summary.labelCounts)) add(totals.counts, label, n);
    }
    this.store.documents.setSummary(documentId, summary);
  }

  /** Summarises documents written without a summary, in the background; resolves when none is left. */
  summariseStale(): Promise<void> {
    this.summarising ??= (async () => {
      try {
        while (!this.closed) {
          const ids = this.store.documents.staleSummaries(PAGE);
          if (ids.length === 0) return;
          const started = performance.now();
          this.store.transaction(() => {
            for (const id of ids) {
              const at = this.store.documents.locate(id);
              if (at) this.refresh(at.projectId, id);
              if (performance.now() - started > SLICE_MS) break;
            }
          });
          await yieldToEventLoop();
        }
      } finally {
        this.summarising = undefined;
      }
    })();
    return this.summarising;
  }

  /** The project of a document and its text's length in code points (range checks); undefined when there is none. */
  locate(documentId: number): { projectId: number; length: number } | undefined {
    return this.store.documents.locate(documentId);
  }

  /** Document ids of a project in order, optionally of one status. */
  ids(projectId: number, status?: DocumentStatus): number[] {
    return this.store.documents.ids(projectId, status ? [status] : DOCUMENT_STATUSES);
  }

  async list(projectId: number, query: ListQuery): Promise<DocumentPage> {
    void this.summariseStale();
    const needle = query.text?.trim().normalize('NFC').toLowerCase() ?? '';
    const filter = { projectId, status: query.status, label: query.label || undefined, needle: needle || undefined };
    const sort = query.sort ?? 'order';
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 200;
    if (!filter.needle && !filter.label) {
      // Every remaining filter and order has an index: one statement each for the page and the count.
      return { items: this.store.documents.list(filter, sort, offset, limit), total: this.store.documents.count(filter) };
    }
    // A text or label filter reads every row: scan in slices, then page the matches.
    const matches: { id: number; uncertainty: number | null }[] = [];
    const last = this.store.documents.lastId(projectId);
    for (let after = 0; after < last; after += SCAN_IDS) {
      matches.push(...this.store.documents.matchesIn(filter, after, after + SCAN_IDS));
      if (after + SCAN_IDS < last) await yieldToEventLoop();
    }
    if (sort === 'uncertainty') matches.sort((a, b) => (b.uncertainty ?? -1) - (a.uncertainty ?? -1) || a.id - b.id);
    return { items: this.store.documents.rows(matches.slice(offset, offset + limit).map((m) => m.id)), total: matches.length };
  }

  async progress(projectId: number): Promise<ProjectProgress> {
    void this.summariseStale();
    const byStatus: Record<string, number> = {};
    let total = 0;
    for (const status of DOCUMENT_STATUSES) {
      const n = this.store.documents.countWithStatus(projectId, status);
      if (n > 0) byStatus[status] = n;
      total += n;
      await yieldToEventLoop();
    }
    const done = (byStatus.done ?? 0) + (byStatus.reviewed ?? 0);
    return { total, done, byStatus, byLabel: Object.fromEntries(this.labelTotals(projectId).counts) };
  }

  /** Stops the background work (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.summarising, ...this.building]);
  }

  /** Resolves when a project's label totals are complete (tests, benchmarks). */
  async labelTotalsReady(projectId: number): Promise<void> {
    while (!this.labelTotals(projectId).done && !this.closed) await yieldToEventLoop();
  }

  /** A project's label totals, started in the background on first use. */
  private labelTotals(projectId: number): LabelTotals {
    let totals = this.totals.get(projectId);
    if (!totals) {
      const building: LabelTotals = { counts: new Map(), through: 0, done: false };
      this.totals.set(projectId, building);
      totals = building;
      const build = (async () => {
        while (!this.closed) {
          const page = this.store.documents.labelCountsPage(projectId, building.through, PAGE);
          for (const counts of page.counts) for (const [label, n] of Object.entries(counts)) add(building.counts, label, n);
          if (page.last === undefined) break;
          building.through = page.last;
          await yieldToEventLoop();
        }
        building.through = Number.MAX_SAFE_INTEGER;
        building.done = true;
      })();
      this.building.add(build);
      void build.finally(() => this.building.delete(build));
    }
    return totals;
  }
}

function add(counts: Map<string, number>, label: string, n: number): void {
  const next = (counts.get(label) ?? 0) + n;
  if (next === 0) counts.delete(label);
  else counts.set(label, next);
}
