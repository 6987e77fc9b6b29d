// The open document: its text, entities and pending suggestions, what is selected, undo/redo, and saving every edit
// as a new revision. Geometry and keyboard logic live in ../editor/*.ts; this class only holds and changes state.
import { tick } from 'svelte';
import { ContractError } from '../../../core/contract/errors.js';
import type { DocumentView, Span, SuggestedSpan } from '../../../core/contract/types.js';
import { entityKey, type Range } from '../../../core/document.js';
import { CodePointIndex } from '../../../core/offsets.js';
import { tokenize } from '../../../core/tokenize.js';
import { addSpan, findSpan, removeSpan, replaceSpan, sortSpans } from '../editor/entity-ops.js';
import { EditHistory } from '../editor/history.js';
import { DocumentLayout, lineOf, lineStarts, type LayoutItem, type LineChunk, type LineLayout } from '../editor/layout.js';
import { lineElementAt } from '../editor/dom-offsets.js';
import { SaveQueue, type SaveRequest } from '../editor/save-queue.js';
import { call } from '../lib/api.js';
import { i18n } from '../lib/i18n.svelte.js';
import { app } from './app.svelte.js';

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

export const entityKeyOf = (span: Span): string => `e:${entityKey(span)}`;
export const suggestionKeyOf = (s: SuggestedSpan): string => `s:${s.id}`;

/** What undo/redo switch between: the entities and the pending suggestions (an undone accept or reject shows it again). */
interface EditorSnapshot {
  entities: Span[];
  suggestions: SuggestedSpan[];
}

/**
 * What a step did on the server, so undo can take it back and redo make it again: a revision with the outcomes it
 * recorded (undo saves the older list and reopens those spans), or rejected suggestions (undo reopens them).
 */
type EditChange =
  | { kind: 'save'; outcomes: NonNullable<SaveRequest['outcomes']> }
  | { kind: 'reject'; suggestedSpanIds: number[] };

class EditorState {
  doc = $state.raw<DocumentView | null>(null);
  cpi = $state.raw(new CodePointIndex(''));
  entities = $state.raw<Span[]>([]);
  suggestions = $state.raw<SuggestedSpan[]>([]);
  lines = $state.raw<LineLayout[]>([]);
  /** The lines in blocks of CHUNK_LINES (what the text renders); unchanged blocks keep their objects. */
  chunks = $state.raw<LineChunk[]>([]);
  /** `e:<entity key>` or `s:<suggestion id>`. */
  selectedKey = $state<string | null>(null);
  /** Text selected for a new span (mouse or keyboard), in code points, already snapped. */
  textRange = $state.raw<Range | null>(null);
  /** Keys of the spans offered by the picker, innermost first. */
  pickerKeys = $state.raw<string[]>([]);
  revision = $state(0);
  pending = $state(0);
  saveError = $state<string | null>(null);
  canUndo = $state(false);
  canRedo = $state(false);
  threshold = $state(0.8);

  tokens: Range[] = [];
  codePoints: string[] = [];
  starts: number[] = [0];
  /** Set by the active-learning queue (state/queue.svelte.ts): where "Next document" goes while the annotator follows it; undefined = the list order. */
  nextFrom: ((documentId: number) => Promise<number | undefined>) | null = null;
  private layout = new DocumentLayout([0], 0);
  /** Key -> span, for O(1) lookups on every keystroke (kept up to date by each edit's difference). */
  private spansByKey = new Map<string, Span | SuggestedSpan>();
  // One layout item per span object: unchanged spans keep theirs, so an edit allocates only for what it changed.
  private itemCache = new WeakMap<object, LayoutItem>();
  private keysCache: { lines: LineLayout[]; keys: string[] } | null = null;
  private history = new EditHistory<EditorSnapshot, EditChange>();
  private queue: SaveQueue | null = null;

  /** Loads a document (after the previous one's saves are answered). */
  async open(documentId: number): Promise<void> {
    performance.mark('editor:open:start');
    await this.queue?.flush();
    const doc = await call('documents.get', { documentId });
    performance.mark('editor:open:data');
    this.codePoints = Array.from(doc.text);
    this.tokens = doc.tokens ?? tokenize(doc.text);
    this.starts = lineStarts(this.codePoints);
    this.layout = new DocumentLayout(this.starts, this.codePoints.length);
    this.itemCache = new WeakMap();
    this.spansByKey = new Map();
    this.entities = [];
    this.suggestions = [];
    this.history.clear();
    this.queue = new SaveQueue(doc.id, doc.revisionId, (r) => call('annotations.save', r), (q, ack) => this.onSaved(q, ack), (e) => this.onSaveError(e), afterPaint);
    this.cpi = new CodePointIndex(doc.text);
    this.doc = doc;
    this.revision = doc.revision;
    this.pending = 0;
    this.saveError = null;
    this.selectedKey = null;
    this.textRange = null;
    this.pickerKeys = [];
    this.setSpans(sortSpans(doc.entities), doc.suggestions);
    app.view = 'editor';
    await tick();
    // Measured to the next frame: what the annotator waits for (bench/ui-bench.ts reads these).
    requestAnimationFrame(() => {
      performance.mark('editor:open:rendered');
      performance.measure('editor:open', 'editor:open:start', 'editor:open:rendered');
      performance.measure('editor:render', 'editor:open:data', 'editor:open:rendered');
    });
  }

  /**
   * Shows a new entity and suggestion list. Edits keep the objects of untouched spans, so what changed is found by
   * identity, and only the lines it covers are laid out again: a keystroke's cost follows its edit, not the document.
   * Returns the keys of the spans that came in (undo/redo select what they brought back).
   */
  private setSpans(entities: Span[], suggestions: SuggestedSpan[]): string[] {
    const removed: LayoutItem[] = [];
    const added: [LayoutItem, Span | SuggestedSpan][] = [];
    this.diff(this.entities, entities, removed, added, (e) => ({ key: entityKeyOf(e), label: e.label, start: e.start, end: e.end, suggestion: false, score: null, source: '' }));
    this.diff(this.suggestions, suggestions, removed, added, (s) => ({ key: suggestionKeyOf(s), label: s.label, start: s.start, end: s.end, suggestion: true, score: s.score, source: s.source }));
    this.entities = entities;
    this.suggestions = suggestions;
    for (const item of removed) this.spansByKey.delete(item.key);
    for (const [item, span] of added) this.spansByKey.set(item.key, span);
    this.lines = this.layout.change(removed, added.map(([item]) => item));
    this.chunks = this.layout.chunks;
    this.canUndo = this.history.canUndo;
    this.canRedo = this.history.canRedo;
    return added.map(([item]) => item.key);
  }

  // What left `before` and what came into `after`, by object identity (one layout item per span object).
  private diff<T extends Span>(before: readonly T[], after: readonly T[], removed: LayoutItem[], added: [LayoutItem, Span | SuggestedSpan][], make: (span: T) => LayoutItem): void {
    if (before === after) return;
    const itemOf = (span: T): LayoutItem => {
      let item = this.itemCache.get(span);
      if (!item) this.itemCache.set(span, (item = make(span)));
      return item;
    };
    const kept = new Set<T>(after);
    const had = new Set<T>(before);
    for (const span of before) if (!kept.has(span)) removed.push(itemOf(span));
    for (const span of after) if (!had.has(span)) added.push([itemOf(span), span]);
  }

  private onSaved(queue: SaveQueue, ack?: { revision: number }): void {
    if (queue !== this.queue) return;
    this.pending = queue.pending;
    if (ack) this.revision = ack.revision;
  }

  private async onSaveError(error: Error): Promise<void> {
    if (error instanceof ContractError && error.code === 'conflict' && this.doc) {
      app.show('info', i18n.t('reloaded'));
      await this.open(this.doc.id);
      return;
    }
    this.saveError = error.message;
    app.fail(error, 'save');
  }

  private snapshot(): EditorSnapshot {
    return { entities: this.entities, suggestions: this.suggestions };
  }

  /** Applies an edit: remember the old state for undo, show the new one, save it. */
  private edit(next: Span[], options: { outcomes?: SaveRequest['outcomes']; dropSuggestions?: number[]; note?: string; select?: Span } = {}): void {
    this.history.record(this.snapshot(), { kind: 'save', outcomes: options.outcomes ?? [] });
    const drop = new Set(options.dropSuggestions ?? []);
    this.setSpans(next, drop.size ? this.suggestions.filter((s) => !drop.has(s.id)) : this.suggestions);
    this.queue?.push(next, options.outcomes, options.note ?? 'edit');
    if (options.select) this.selectedKey = entityKeyOf(options.select);
  }

  entityByKey(key: string | null): Span | undefined {
    // Reading `entities` keeps callers reactive to edits; the map does the finding.
    void this.entities;
    return key?.startsWith('e:') ? this.spansByKey.get(key) : undefined;
  }

  suggestionByKey(key: string | null): SuggestedSpan | undefined {
    void this.suggestions;
    return key?.startsWith('s:') ? (this.spansByKey.get(key) as SuggestedSpan | undefined) : undefined;
  }

  /** Text of [start, end). */
  slice(start: number, end: number): string {
    return this.cpi.slice(start, end);
  }

  /** The accessible name of a span: "LOCATION: Đà Nẵng", plus score for a suggestion. */
  spanName(item: Pick<LayoutItem, 'label' | 'start' | 'end' | 'suggestion' | 'score'>): string {
    const base = `${item.label}: ${this.slice(item.start, item.end)}`;
    return item.suggestion ? `${base} — ${i18n.name('suggestion')}${item.score === null ? '' : ` ${item.score.toFixed(2)}`}` : base;
  }

  /** The accessible name of the span with this key ('' when there is none). */
  nameOfKey(key: string): string {
    const e = this.entityByKey(key);
    if (e) return this.spanName({ ...e, suggestion: false, score: null });
    const s = this.suggestionByKey(key);
    return s ? this.spanName({ ...s, suggestion: true }) : '';
  }

  /** Creates a span over the selected text, or relabels the selected span. */
  applyLabel(label: string): void {
    if (this.textRange) {
      const span = { label, start: this.textRange.start, end: this.textRange.end };
      this.textRange = null;
      window.getSelection()?.removeAllRanges();
      // Labelling exactly what the model suggested is accepting that suggestion (recorded as such).
      const suggested = this.suggestions.find((s) => s.label === label && s.start === span.start && s.end === span.end);
      if (suggested) return this.takeSuggestion(suggested, span);
      this.edit(addSpan(this.entities, span), { select: span });
      return;
    }
    this.relabel(label);
  }

  relabel(label: string): void {
    const entity = this.entityByKey(this.selectedKey);
    if (entity && entity.label !== label) {
      const next = { ...entity, label };
      this.edit(replaceSpan(this.entities, findSpan(this.entities, entity), next), { select: next });
      return;
    }
    const suggestion = this.suggestionByKey(this.selectedKey);
    if (suggestion) this.takeSuggestion(suggestion, { label, start: suggestion.start, end: suggestion.end });
  }

  /** Moves the selected span's boundaries to `range`. */
  resize(range: Range): void {
    const entity = this.entityByKey(this.selectedKey);
    if (entity) {
      if (entity.start === range.start && entity.end === range.end) return;
      const next = { label: entity.label, start: range.start, end: range.end };
      this.edit(replaceSpan(this.entities, findSpan(this.entities, entity), next), { select: next });
      return;
    }
    const suggestion = this.suggestionByKey(this.selectedKey);
    if (suggestion) this.takeSuggestion(suggestion, { label: suggestion.label, start: range.start, end: range.end });
  }

  /** A suggestion changed into an entity: recorded as `edited` (or `accepted` when unchanged). */
  private takeSuggestion(s: SuggestedSpan, as: Span): void {
    const same = as.label === s.label && as.start === s.start && as.end === s.end;
    this.edit(addSpan(this.entities, as), { outcomes: [{ suggestedSpanId: s.id, outcome: same ? 'accepted' : 'edited' }], dropSuggestions: [s.id], note: same ? 'accept' : 'edit-suggestion', select: as });
  }

  accept(key = this.selectedKey): void {
    const s = this.suggestionByKey(key);
    if (s) this.takeSuggestion(s, { label: s.label, start: s.start, end: s.end });
  }

  /** Accepts every suggestion scoring at least `threshold`, as one revision. */
  acceptAbove(threshold = this.threshold): void {
    const taken = this.suggestions.filter((s) => (s.score ?? 0) >= threshold);
    if (taken.length === 0) return;
    const next = taken.reduce((list, s) => addSpan(list, { label: s.label, start: s.start, end: s.end }), this.entities);
    this.edit(next, { outcomes: taken.map((s) => ({ suggestedSpanId: s.id, outcome: 'accepted' as const })), dropSuggestions: taken.map((s) => s.id), note: `accept>=${threshold}` });
  }

  /** Rejects a suggestion (undoable: undo reopens it). Sent after the edits before it, in the save queue. */
  reject(key = this.selectedKey): void {
    const s = this.suggestionByKey(key);
    if (!s || !this.doc) return;
    this.history.record(this.snapshot(), { kind: 'reject', suggestedSpanIds: [s.id] });
    this.setSpans(this.entities, this.suggestions.filter((x) => x.id !== s.id));
    this.selectedKey = null;
    this.sendRejects('suggestions.reject', [s.id]);
  }

  private sendRejects(method: 'suggestions.reject' | 'suggestions.reopen', suggestedSpanIds: number[]): void {
    const queue = this.queue;
    queue?.run(() => call(method, { documentId: queue.documentId, suggestedSpanIds }));
  }

  /** Deletes the selected entity, or rejects the selected suggestion. */
  deleteSelected(): void {
    const entity = this.entityByKey(this.selectedKey);
    if (entity) {
      this.edit(removeSpan(this.entities, findSpan(this.entities, entity)));
      this.selectedKey = null;
      return;
    }
    this.reject();
  }

  /** Makes an earlier revision's entities the current ones: a new revision (undoable), noted as a restore. */
  restore(entities: Span[], revision: number): void {
    this.selectedKey = null;
    this.edit(sortSpans(entities), { note: `restore r${revision}` });
  }

  undo(): void {
    const step = this.history.undo(this.snapshot());
    if (step) this.jump(step.state, step.change, 'undo');
  }

  redo(): void {
    const step = this.history.redo(this.snapshot());
    if (step) this.jump(step.state, step.change, 'redo');
  }

  // Shows an older or newer state and tells the server: a revision with the other list (an undone accept reopens
  // its suggestions in the same revision, a redone one accepts them again), or a reopen / reject again. When the
  // selected span is gone (or none was selected) and the step brought back one span, that one is selected: an
  // undone resize, delete or reject leaves the span at hand for the next key.
  private jump(to: EditorSnapshot, change: EditChange, direction: 'undo' | 'redo'): void {
    const came = this.setSpans(to.entities, to.suggestions);
    if (change.kind === 'reject') {
      this.sendRejects(direction === 'undo' ? 'suggestions.reopen' : 'suggestions.reject', change.suggestedSpanIds);
    } else {
      const outcomes = direction === 'undo' ? change.outcomes.map((o) => ({ suggestedSpanId: o.suggestedSpanId, outcome: 'reopened' as const })) : change.outcomes;
      this.queue?.push(to.entities, outcomes, direction);
    }
    const gone = !this.selectedKey || (!this.entityByKey(this.selectedKey) && !this.suggestionByKey(this.selectedKey));
    if (gone) this.selectedKey = came.length === 1 ? came[0] : null;
  }

  async setStatus(status: 'done' | 'reviewed' | 'skipped' | 'in_progress'): Promise<void> {
    if (!this.doc) return;
    await this.queue?.flush();
    const result = await call('documents.setStatus', { documentId: this.doc.id, status });
    this.doc = { ...this.doc, status: result.status };
  }

  /** Opens the next or previous document; false when there is none. */
  async go(direction: 'next' | 'previous'): Promise<boolean> {
    if (!this.doc || !app.project) return false;
    const queued = direction === 'next' && this.nextFrom ? await this.nextFrom(this.doc.id) : undefined;
    const documentId = queued ?? (await call('documents.adjacent', { projectId: app.project.id, documentId: this.doc.id, direction })).documentId;
    if (documentId === null) return false;
    await this.open(documentId);
    return true;
  }

  /** Keys of every span covering offset `at`, outermost first. */
  keysAt(at: number): string[] {
    const hits: { key: string; start: number; end: number }[] = [];
    for (const e of this.entities) if (e.start <= at && at < e.end) hits.push({ key: entityKeyOf(e), start: e.start, end: e.end });
    for (const s of this.suggestions) if (s.start <= at && at < s.end) hits.push({ key: suggestionKeyOf(s), start: s.start, end: s.end });
    return hits.sort((a, b) => a.start - b.start || b.end - a.end).map((h) => h.key);
  }

  /** Keys of all spans in reading order (for [ and ]). */
  allKeys(): string[] {
    if (this.keysCache?.lines !== this.lines) this.keysCache = { lines: this.lines, keys: this.lines.flatMap((line) => this.keysIn(line.nodes)) };
    return this.keysCache.keys;
  }

  private keysIn(nodes: LineLayout['nodes']): string[] {
    return nodes.flatMap((n) => (n.kind === 'span' ? [...(n.continued ? [] : [n.item.key]), ...this.keysIn(n.children)] : []));
  }

  /** The elements drawing a span (several when a crossing span was cut), searched only in its own lines. */
  piecesOf(key: string, container: Element): Element[] {
    const span = this.entityByKey(key) ?? this.suggestionByKey(key);
    if (!span) return [];
    const selector = `[data-key="${CSS.escape(key)}"]`;
    const found: Element[] = [];
    for (let l = this.lineIndexOf(span.start); l <= this.lineIndexOf(Math.max(span.start, span.end - 1)); l++) {
      const line = lineElementAt(container, l);
      if (line) found.push(...line.querySelectorAll(selector));
    }
    return found;
  }

  lineIndexOf(cp: number): number {
    return lineOf(this.starts, cp);
  }

  /** Resolves when every edit so far has been saved. */
  flush(): Promise<void> {
    return this.queue?.flush() ?? Promise.resolve();
  }
}

export const editor = new EditorState();
