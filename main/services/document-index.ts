// An in-memory summary of each project's documents (status, counts, labels, uncertainty) so the document list can
// search and filter 10,000 documents per keystroke without re-reading every revision. Built on first use from the
// repositories; kept current by the services that write (edits, imports, pre-annotation) through `refresh`.
import type { DocumentPage, DocumentStatus, DocumentSummary, ProjectProgress } from '../../core/contract/types.js';
import { codePointLength } from '../../core/offsets.js';
import { DOCUMENT_STATUSES, type CurrentDocument } from '../../db/repositories/documents.js';
import type { Store } from '../../db/store.js';
import { pendingSuggestions, uncertaintyOf } from './pending-suggestions.js';

interface Entry {
  summary: DocumentSummary;
  /** Lower-cased name and text, for search. */
  haystack: string;
  labels: Set<string>;
  /** Entities per label in the latest revision. */
  labelCounts: Map<string, number>;
  length: number;
}

export interface ListQuery {
  text?: string;
  label?: string;
  status?: DocumentStatus;
  sort?: 'order' | 'uncertainty';
  offset?: number;
  limit?: number;
}

const PREVIEW = 160;

export class DocumentIndex {
  private readonly projects = new Map<number, Map<number, Entry>>();

  constructor(private readonly store: Store) {}

  private entries(projectId: number): Map<number, Entry> {
    let entries = this.projects.get(projectId);
    if (!entries) {
      entries = new Map();
      for (const doc of this.store.documents.current(projectId, DOCUMENT_STATUSES)) entries.set(doc.id, this.entryOf(doc));
      this.projects.set(projectId, entries);
    }
    return entries;
  }

  private entryOf(doc: CurrentDocument): Entry {
    const pending = pendingSuggestions(doc.entities, this.store.suggestions.forDocument(doc.id));
    const labelCounts = new Map<string, number>();
    for (const e of doc.entities) labelCounts.set(e.label, (labelCounts.get(e.label) ?? 0) + 1);
    const labels = new Set([...labelCounts.keys(), ...pending.map((s) => s.label)]);
    return {
      summary: {
        id: doc.id,
        name: doc.name,
        status: doc.status,
        entityCount: doc.entities.length,
        pendingSuggestions: pending.length,
        uncertainty: uncertaintyOf(pending),
        preview: Array.from(doc.text.slice(0, PREVIEW * 2)).slice(0, PREVIEW).join(''),
      },
      haystack: `${doc.name}\n${doc.text}`.toLocaleLowerCase('vi'),
      labels,
      labelCounts,
      length: codePointLength(doc.text),
    };
  }

  /** Re-reads one document after a write. */
  refresh(projectId: number, documentId: number): void {
    const entries = this.projects.get(projectId);
    if (!entries) return; // not built yet: the first list builds it from the store
    const doc = this.store.documents.get(documentId);
    if (doc) entries.set(documentId, this.entryOf(doc));
  }

  /** Forgets a project (after an import added many documents). */
  invalidate(projectId: number): void {
    this.projects.delete(projectId);
  }

  /** Code-point length of a document's text, for range checks. */
  textLength(projectId: number, documentId: number): number | undefined {
    return this.entries(projectId).get(documentId)?.length;
  }

  /** Document ids of a project in order, optionally of one status. */
  ids(projectId: number, status?: DocumentStatus): number[] {
    return [...this.entries(projectId).values()].filter((e) => !status || e.summary.status === status).map((e) => e.summary.id);
  }

  list(projectId: number, query: ListQuery): DocumentPage {
    const needle = query.text?.trim().normalize('NFC').toLocaleLowerCase('vi') ?? '';
    let matches = [...this.entries(projectId).values()].filter(
      (e) =>
        (!query.status || e.summary.status === query.status) &&
        (!query.label || e.labels.has(query.label)) &&
        (needle === '' || e.haystack.includes(needle)),
    );
    if (query.sort === 'uncertainty') {
      matches = matches.sort((a, b) => (b.summary.uncertainty ?? -1) - (a.summary.uncertainty ?? -1) || a.summary.id - b.summary.id);
    }
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 200;
    return { items: matches.slice(offset, offset + limit).map((e) => e.summary), total: matches.length };
  }

  progress(projectId: number): ProjectProgress {
    const byStatus: Record<string, number> = {};
    const byLabel: Record<string, number> = {};
    let total = 0;
    let done = 0;
    for (const e of this.entries(projectId).values()) {
      total++;
      if (e.summary.status === 'done' || e.summary.status === 'reviewed') done++;
      byStatus[e.summary.status] = (byStatus[e.summary.status] ?? 0) + 1;
      for (const [label, n] of e.labelCounts) byLabel[label] = (byLabel[label] ?? 0) + n;
    }
    return { total, done, byStatus, byLabel };
  }
}
