// The document list: filters, the page of summaries, progress and label counts, and which rows are selected.
import type { DocumentStatus, DocumentSummary, ProjectProgress } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { app } from './app.svelte.js';

const PAGE = 500;

class DocumentsState {
  text = $state('');
  label = $state('');
  status = $state<DocumentStatus | ''>('');
  sortByUncertainty = $state(false);
  items = $state.raw<DocumentSummary[]>([]);
  total = $state(0);
  progress = $state.raw<ProjectProgress | null>(null);
  selected = $state.raw<Set<number>>(new Set());
  /** Bumped after every completed load, so tests and the UI can wait for a refresh. */
  loads = $state(0);
  private seq = 0;

  async refresh(): Promise<void> {
    const project = app.project;
    if (!project) return;
    const seq = ++this.seq;
    const [page, progress] = await Promise.all([
      call('documents.list', {
        projectId: project.id,
        ...(this.text.trim() ? { text: this.text } : {}),
        ...(this.label ? { label: this.label } : {}),
        ...(this.status ? { status: this.status } : {}),
        sort: this.sortByUncertainty ? 'uncertainty' : 'order',
        limit: PAGE,
      }),
      call('documents.progress', { projectId: project.id }),
    ]);
    if (seq !== this.seq) return; // a newer filter already answered
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
