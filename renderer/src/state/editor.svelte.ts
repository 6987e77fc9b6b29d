// The editor: opening a document and moving between documents, and the edits the annotator makes on it. Each part
// has one owner: editor-document.svelte.ts holds the text and the layout of its spans, ../editor/edit-session.ts
// decides what an edit does, undoes it and saves it (plain TypeScript, unit-tested), editor-selection.svelte.ts holds
// what is selected. This class joins them: it applies an edit to the selected span, shows what the session returns,
// keeps the edited span selected and mirrors the save status for the toolbar.
import { tick } from 'svelte';
import { ContractError } from '../../../core/contract/errors.js';
import type { Span } from '../../../core/contract/types.js';
import type { Range } from '../../../core/document.js';
import { EditSession, type EditResult, type SpanLists } from '../editor/edit-session.js';
import type { SaveRequest } from '../editor/save-queue.js';
import { moveBoundary } from '../editor/snap.js';
import { call } from '../lib/api.js';
import { i18n } from '../lib/i18n.svelte.js';
import { app } from './app.svelte.js';
import { editorDocument as text, entityKeyOf } from './editor-document.svelte.js';
import { selection } from './editor-selection.svelte.js';

/**
 * Resolves once the current frame has painted (a message posted from requestAnimationFrame runs after it), so a
 * save's serialising and sending never delays the keystroke's repaint; a hidden window has no frames, so a timer
 * stands in.
 */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        clearTimeout(timer);
        resolve();
      };
      channel.port2.postMessage(null);
    });
  });
}

/** The contract's calls, as the edit session makes them. */
const server = {
  save: (request: SaveRequest) => call('annotations.save', request),
  reject: (documentId: number, suggestedSpanIds: number[]) =>
    call('suggestions.reject', { documentId, suggestedSpanIds }),
  reopen: (documentId: number, suggestedSpanIds: number[]) =>
    call('suggestions.reopen', { documentId, suggestedSpanIds }),
};

class EditorState {
  #revision = $state(0);
  #pending = $state(0);
  #saveError = $state<string | null>(null);
  #canUndo = $state(false);
  #canRedo = $state(false);
  #threshold = $state(0.8);
  #session: EditSession | null = null;
  /** Where "Next document" goes while the annotator follows the active-learning queue; undefined = the list order. */
  #nextFrom: ((documentId: number) => Promise<number | undefined>) | null = null;

  /** The active-learning queue (state/queue.svelte.ts) says which document comes next after a given one. */
  setNextFrom(next: ((documentId: number) => Promise<number | undefined>) | null): void {
    this.#nextFrom = next;
  }

  /** The open document (null before one is opened). */
  get doc() {
    return text.doc;
  }

  /** The revision the last acknowledged save made. */
  get revision(): number {
    return this.#revision;
  }

  /** Saves not yet answered. */
  get pending(): number {
    return this.#pending;
  }

  get saveError(): string | null {
    return this.#saveError;
  }

  get canUndo(): boolean {
    return this.#canUndo;
  }

  get canRedo(): boolean {
    return this.#canRedo;
  }

  /** The score at or above which "accept all" takes a suggestion. */
  get threshold(): number {
    return this.#threshold;
  }

  setThreshold(value: number): void {
    if (Number.isFinite(value)) this.#threshold = value;
  }

  /** Loads a document (after the previous one's saves are answered). */
  async open(documentId: number): Promise<void> {
    performance.mark('editor:open:start');
    await this.#session?.flush();
    const doc = await call('documents.get', { documentId });
    performance.mark('editor:open:data');
    text.load(doc);
    const session: EditSession = new EditSession({
      documentId: doc.id,
      parentRevisionId: doc.revisionId,
      spans: { entities: doc.entities, suggestions: doc.suggestions },
      server,
      onSaved: (pending, ack) => {
        if (session !== this.#session) return;
        this.#pending = pending;
        if (ack) this.#revision = ack.revision;
      },
      onError: (error) => void this.#onSaveError(error),
      defer: afterPaint,
    });
    this.#session = session;
    this.#revision = doc.revision;
    this.#pending = 0;
    this.#saveError = null;
    selection.reset();
    this.#show(session.spans);
    app.view = 'editor';
    await tick();
    // Measured to the next frame: what the annotator waits for (bench/ui-bench.ts reads these).
    requestAnimationFrame(() => {
      performance.mark('editor:open:rendered');
      performance.measure('editor:open', 'editor:open:start', 'editor:open:rendered');
      performance.measure('editor:render', 'editor:open:data', 'editor:open:rendered');
    });
  }

  async #onSaveError(error: Error): Promise<void> {
    if (error instanceof ContractError && error.code === 'conflict' && text.doc) {
      app.show('info', i18n.t('reloaded'));
      await this.open(text.doc.id);
      return;
    }
    this.#saveError = error.message;
    app.fail(error, 'save');
  }

  // Draws the lists the session returned; returns the keys of the spans that came in.
  #show(spans: SpanLists): string[] {
    const came = text.show(spans);
    this.#canUndo = this.#session?.canUndo ?? false;
    this.#canRedo = this.#session?.canRedo ?? false;
    return came;
  }

  // Shows an edit's result and keeps the span it made selected.
  #made(result: EditResult | undefined): void {
    if (!result) return;
    this.#show(result.spans);
    if (result.made) selection.follow(entityKeyOf(result.made));
  }

  /** Creates a span over the selected text, or relabels the selected span. */
  applyLabel(label: string): void {
    const range = selection.takeTextRange();
    if (range) {
      if (this.#session) this.#made(this.#session.add({ label, start: range.start, end: range.end }));
      return;
    }
    this.relabel(label);
  }

  /** Gives the selected span another label (a suggestion becomes an entity with that label). */
  relabel(label: string): void {
    const session = this.#session;
    const entity = text.entityByKey(selection.key);
    if (entity && entity.label !== label) return this.#made(session?.replace(entity, { ...entity, label }));
    const suggestion = text.suggestionByKey(selection.key);
    if (suggestion && session)
      this.#made(session.take(suggestion, { label, start: suggestion.start, end: suggestion.end }));
  }

  /** Moves the selected span's boundaries to `range`. */
  resize(range: Range): void {
    const session = this.#session;
    const entity = text.entityByKey(selection.key);
    if (entity)
      return this.#made(session?.replace(entity, { label: entity.label, start: range.start, end: range.end }));
    const suggestion = text.suggestionByKey(selection.key);
    if (suggestion && session)
      this.#made(session.take(suggestion, { label: suggestion.label, start: range.start, end: range.end }));
  }

  /** Moves one boundary of the selected span by `delta` syllables (never past the other one). */
  nudgeBoundary(edge: 'start' | 'end', delta: number): void {
    const span = text.spanByKey(selection.key);
    const moved = span && moveBoundary(span, edge, delta, text.tokens);
    if (moved) this.resize(moved);
  }

  /** Accepts the selected suggestion (or the one with `key`) as it is. */
  accept(key = selection.key): void {
    const s = text.suggestionByKey(key);
    if (s && this.#session) this.#made(this.#session.take(s));
  }

  /** Accepts every suggestion scoring at least `threshold`, as one revision. */
  acceptAbove(threshold = this.#threshold): void {
    const spans = this.#session?.acceptAbove(threshold);
    if (spans) this.#show(spans);
  }

  /** Rejects a suggestion (undoable: undo reopens it). */
  reject(key = selection.key): void {
    const s = text.suggestionByKey(key);
    if (!s || !this.#session) return;
    this.#show(this.#session.reject(s));
    selection.follow(null);
  }

  /** Deletes the selected entity, or rejects the selected suggestion. */
  deleteSelected(): void {
    const entity = text.entityByKey(selection.key);
    if (!entity) return this.reject();
    const spans = this.#session?.remove(entity);
    if (spans) this.#show(spans);
    selection.follow(null);
  }

  /** Makes an earlier revision's entities the current ones: a new revision (undoable), noted as a restore. */
  restore(entities: Span[], revision: number): void {
    selection.follow(null);
    if (this.#session) this.#show(this.#session.restore(entities, revision));
  }

  undo(): void {
    this.#jumped(this.#session?.undo());
  }

  redo(): void {
    this.#jumped(this.#session?.redo());
  }

  // After an undo or redo: when the selected span is gone (or none was selected) and the step brought back one span,
  // that one is selected, so an undone resize, delete or reject leaves the span at hand for the next key.
  #jumped(spans: SpanLists | undefined): void {
    if (!spans) return;
    const came = this.#show(spans);
    const gone = !selection.key || !text.spanByKey(selection.key);
    if (gone) selection.follow(came.length === 1 ? came[0] : null);
  }

  async setStatus(status: 'done' | 'reviewed' | 'skipped' | 'in_progress'): Promise<void> {
    if (!text.doc) return;
    await this.#session?.flush();
    const doc = text.doc;
    if (!doc) return;
    const result = await call('documents.setStatus', { documentId: doc.id, status });
    text.setStatus(result.status);
  }

  /** Opens the next or previous document; false when there is none. */
  async go(direction: 'next' | 'previous'): Promise<boolean> {
    const doc = text.doc;
    if (!doc || !app.project) return false;
    const queued = direction === 'next' && this.#nextFrom ? await this.#nextFrom(doc.id) : undefined;
    const documentId =
      queued ??
      (await call('documents.adjacent', { projectId: app.project.id, documentId: doc.id, direction })).documentId;
    if (documentId === null) return false;
    await this.open(documentId);
    return true;
  }

  /** Resolves when every edit so far has been saved. */
  flush(): Promise<void> {
    return this.#session?.flush() ?? Promise.resolve();
  }
}

export const editor = new EditorState();
