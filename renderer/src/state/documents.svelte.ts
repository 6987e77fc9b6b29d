// The document list: filters, the page of summaries, progress and label counts, and which rows are selected.
import type { DocumentStatus, DocumentSummary, ProjectProgress } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { app } from './app.svelte.js';

/** Rows per page of the list: enough to scroll through, few enough that a refresh (every job event) stays cheap. */
export const PAGE_SIZE = 100;

class DocumentsState {
  text = $state('');
  label = $state('');
  status = $state<DocumentStatus | ''>('');
  sortByUncertainty = $state(false);
  /** Index of the first row shown (a multiple of PAGE_SIZE). */
  offset = $state(0);
  /**
   * Where the page was reached from: after the last row of the page before it, or before the first row of the page
   * after it. A seek, so the last page of a million documents loads as fast as the first.
   */
  private anchor: { after: number } | { before: number } | null = null;
  items = $state.raw<DocumentSummary[]>([]);
  total = $state(0);
  progress = $state.raw<ProjectProgress | null>(null);
  selected = $state.raw<Set<number>>(new Set());
  /** Bumped after every completed load, so tests and the UI can wait for a refresh. */
  loads = $state(0);
  private seq = 0;
  private moves: Promise<void> = Promise.resolve();

  /** Filters changed: back to the first page. */
  async search(): Promise<void> {
    this.offset = 0;
    this.anchor = null;
    await this.refresh();
  }

  /** Moves a page forwards (1) or back (-1). Moves queue: each one starts from the page the one before loaded. */
  page(delta: 1 | -1): Promise<void> {
    this.moves = this.moves.catch(() => undefined).then(() => this.move(delta));
    return this.moves;
  }

  private async move(delta: 1 | -1): Promise<void> {
    const next = this.offset + delta * PAGE_SIZE;
    if (next < 0 || next >= this.total) return;
    const edge = delta === 1 ? this.items.at(-1) : this.items[0];
    this.anchor = next === 0 || !edge ? null : delta === 1 ? { after: edge.id } : { before: edge.id };
    this.offset = next;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const project = app.project;
    if (!project) return;
    const seq = ++this.seq;
    // Typing a label's name in the search box searches by that label (the label box, when set, wins).
    const query = this.text.trim();
    const typedLabel = query
      ? project.labels.find((l) => l.name.toLowerCase() === query.toLowerCase())?.name
      : undefined;
    const label = this.label || typedLabel;
    const [page, progress] = await Promise.all([
      call('documents.list', {
        projectId: project.id,
        ...(query && !typedLabel ? { text: this.text } : {}),
        ...(label ? { label } : {}),
        ...(this.status ? { status: this.status } : {}),
        sort: this.sortByUncertainty ? 'uncertainty' : 'order',
        ...(this.anchor ?? { offset: this.offset }),
        limit: PAGE_SIZE,
      }),
      call('documents.progress', { projectId: project.id }),
    ]);
    if (seq !== this.seq) return; // a newer filter already answered
    // Fewer matches than before (a filter, a finished document): show the last page that has rows.
    if (page.items.length === 0 && page.total > 0 && this.offset > 0) {
      this.offset = Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE;
      this.anchor = null;
      return this.refresh();
    }
    this.items = page.items;
    this.total = page.total;
    this.progress = progress;
    this.loads++;
  }

  toggle(id: number): void {
    const next = new Set(this.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.selected = next;
  }
}

export const documents = new DocumentsState();
