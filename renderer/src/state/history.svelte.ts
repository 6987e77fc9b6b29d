// The open document's revision history: who saved what and when, and restoring an earlier revision (as a new
// revision on top, so nothing is lost and the restore itself can be undone).
import type { RevisionInfo } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { i18n } from '../lib/i18n.svelte.js';
import { app } from './app.svelte.js';
import { editor } from './editor.svelte.js';

class HistoryState {
  open = $state(false);
  /** Newest first. */
  items = $state.raw<RevisionInfo[]>([]);
  /** Bumped after every load, so tests can wait for it. */
  loads = $state(0);
  private seq = 0;

  /** Shows or hides the list (the panel loads it while shown). */
  toggle(): void {
    this.open = !this.open;
  }

  async load(): Promise<void> {
    const doc = editor.doc;
    if (!doc) return;
    const seq = ++this.seq;
    await editor.flush();
    const items = await call('annotations.history', { documentId: doc.id });
    if (seq !== this.seq || editor.doc?.id !== doc.id) return;
    this.items = items.slice().reverse();
    this.loads++;
  }

  async restore(revision: RevisionInfo): Promise<void> {
    const doc = editor.doc;
    if (!doc) return;
    try {
      const view = await call('annotations.revision', { documentId: doc.id, revisionId: revision.id });
      if (editor.doc?.id !== doc.id) return;
      editor.restore(view.entities, view.revision);
      app.show('info', i18n.fill('restored', { n: view.revision }));
      await this.load();
    } catch (error) {
      app.fail(error, 'restore');
    }
  }
}

export const history = new HistoryState();
