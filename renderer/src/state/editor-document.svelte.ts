// The open document as the editor draws it: its text (code points, syllable tokens, line starts), the entities and
// pending suggestions, and their layout in nesting levels, lines and chunks. It changes only when told what to show
// (state/editor.svelte.ts passes what the edit session returns) and answers lookups by key and offset; it sends
// nothing and knows nothing of the selection.
import type { DocumentView, Span, SuggestedSpan } from '../../../core/contract/types.js';
import { entityKey, type Range } from '../../../core/document.js';
import { CodePointIndex } from '../../../core/offsets.js';
import { tokenize } from '../../../core/tokenize.js';
import type { SpanLists } from '../editor/edit-session.js';
import {
  DocumentLayout,
  lineOf,
  lineStarts,
  type LayoutItem,
  type LineChunk,
  type LineLayout,
} from '../editor/layout.js';
import type { TextModel } from '../editor/text-dom.js';
import { i18n } from '../lib/i18n.svelte.js';

export const entityKeyOf = (span: Span): string => `e:${entityKey(span)}`;
export const suggestionKeyOf = (s: SuggestedSpan): string => `s:${s.id}`;

class EditorDocument implements TextModel {
  #doc = $state.raw<DocumentView | null>(null);
  #cpi = $state.raw(new CodePointIndex(''));
  #entities = $state.raw<Span[]>([]);
  #suggestions = $state.raw<SuggestedSpan[]>([]);
  #lines = $state.raw<LineLayout[]>([]);
  #chunks = $state.raw<LineChunk[]>([]);
  // Not reactive: they change only with `doc`, which is.
  #tokens: Range[] = [];
  #codePoints: string[] = [];
  #starts: number[] = [0];

  /** The open document as fetched (its status kept current); null before one is opened. */
  get doc(): DocumentView | null {
    return this.#doc;
  }

  /** The one code-point <-> UTF-16 converter for this text. */
  get cpi(): CodePointIndex {
    return this.#cpi;
  }

  /** The entities, sorted (see ../editor/entity-ops.ts). */
  get entities(): readonly Span[] {
    return this.#entities;
  }

  /** The suggestions nobody has acted on. */
  get suggestions(): readonly SuggestedSpan[] {
    return this.#suggestions;
  }

  get lines(): readonly LineLayout[] {
    return this.#lines;
  }

  /** The lines in blocks of CHUNK_LINES (what the text renders); unchanged blocks keep their objects. */
  get chunks(): readonly LineChunk[] {
    return this.#chunks;
  }

  /** Syllable tokens, in order. */
  get tokens(): readonly Range[] {
    return this.#tokens;
  }

  /** The text as code points. */
  get codePoints(): readonly string[] {
    return this.#codePoints;
  }

  /** The code-point offset each line starts at. */
  get starts(): readonly number[] {
    return this.#starts;
  }

  private layout = new DocumentLayout([0], 0);
  /** Key -> span, for O(1) lookups on every keystroke (kept up to date by each edit's difference). */
  private spansByKey = new Map<string, Span | SuggestedSpan>();
  // One layout item per span object: unchanged spans keep theirs, so an edit allocates only for what it changed.
  private itemCache = new WeakMap<object, LayoutItem>();
  private keysCache: { lines: readonly LineLayout[]; keys: string[] } | null = null;

  /** The text's length in code points. */
  get length(): number {
    return this.#codePoints.length;
  }

  /** Takes a newly fetched document: its text, with no spans yet (show() draws them). */
  load(doc: DocumentView): void {
    this.#codePoints = Array.from(doc.text);
    this.#tokens = doc.tokens ?? tokenize(doc.text);
    this.#starts = lineStarts(this.#codePoints);
    this.layout = new DocumentLayout(this.#starts, this.#codePoints.length);
    this.itemCache = new WeakMap();
    this.spansByKey = new Map();
    this.#entities = [];
    this.#suggestions = [];
    this.#cpi = new CodePointIndex(doc.text);
    this.#doc = doc;
  }

  /** The document's status changed on the server. */
  setStatus(status: DocumentView['status']): void {
    if (this.#doc) this.#doc = { ...this.#doc, status };
  }

  /**
   * Shows a new entity and suggestion list. Edits keep the objects of untouched spans, so what changed is found by
   * identity, and only the lines it covers are laid out again: a keystroke's cost follows its edit, not the document.
   * Returns the keys of the spans that came in (undo/redo select what they brought back).
   */
  show(spans: SpanLists): string[] {
    const removed: LayoutItem[] = [];
    const added: [LayoutItem, Span | SuggestedSpan][] = [];
    this.diff(this.#entities, spans.entities, removed, added, (e) => ({
      key: entityKeyOf(e),
      label: e.label,
      start: e.start,
      end: e.end,
      suggestion: false,
      score: null,
      source: '',
    }));
    this.diff(this.#suggestions, spans.suggestions, removed, added, (s) => ({
      key: suggestionKeyOf(s),
      label: s.label,
      start: s.start,
      end: s.end,
      suggestion: true,
      score: s.score,
      source: s.source,
    }));
    this.#entities = spans.entities;
    this.#suggestions = spans.suggestions;
    for (const item of removed) this.spansByKey.delete(item.key);
    for (const [item, span] of added) this.spansByKey.set(item.key, span);
    this.#lines = this.layout.change(
      removed,
      added.map(([item]) => item),
    );
    this.#chunks = this.layout.chunks;
    return added.map(([item]) => item.key);
  }

  // What left `before` and what came into `after`, by object identity (one layout item per span object).
  private diff<T extends Span>(
    before: readonly T[],
    after: readonly T[],
    removed: LayoutItem[],
    added: [LayoutItem, Span | SuggestedSpan][],
    make: (span: T) => LayoutItem,
  ): void {
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

  entityByKey(key: string | null): Span | undefined {
    // Reading `entities` keeps callers reactive to edits; the map does the finding.
    void this.entities;
    return key?.startsWith('e:') ? this.spansByKey.get(key) : undefined;
  }

  suggestionByKey(key: string | null): SuggestedSpan | undefined {
    void this.suggestions;
    return key?.startsWith('s:') ? (this.spansByKey.get(key) as SuggestedSpan | undefined) : undefined;
  }

  /** The entity or suggestion with this key. */
  spanByKey(key: string | null): Span | SuggestedSpan | undefined {
    return this.entityByKey(key) ?? this.suggestionByKey(key);
  }

  /** Text of [start, end). */
  slice(start: number, end: number): string {
    return this.cpi.slice(start, end);
  }

  /** The accessible name of a span: "LOCATION: Đà Nẵng", plus score for a suggestion. */
  spanName(item: Pick<LayoutItem, 'label' | 'start' | 'end' | 'suggestion' | 'score'>): string {
    const base = `${item.label}: ${this.slice(item.start, item.end)}`;
    return item.suggestion
      ? `${base} — ${i18n.name('suggestion')}${item.score === null ? '' : ` ${item.score.toFixed(2)}`}`
      : base;
  }

  /** The accessible name of the span with this key ('' when there is none). */
  nameOfKey(key: string): string {
    const e = this.entityByKey(key);
    if (e) return this.spanName({ ...e, suggestion: false, score: null });
    const s = this.suggestionByKey(key);
    return s ? this.spanName({ ...s, suggestion: true }) : '';
  }

  /** Keys of every span covering offset `at`, outermost first. */
  keysAt(at: number): string[] {
    const hits: { key: string; start: number; end: number }[] = [];
    for (const e of this.entities)
      if (e.start <= at && at < e.end) hits.push({ key: entityKeyOf(e), start: e.start, end: e.end });
    for (const s of this.suggestions)
      if (s.start <= at && at < s.end) hits.push({ key: suggestionKeyOf(s), start: s.start, end: s.end });
    return hits.sort((a, b) => a.start - b.start || b.end - a.end).map((h) => h.key);
  }

  /** Keys of all spans in reading order (for [ and ]). */
  allKeys(): string[] {
    if (this.keysCache?.lines !== this.lines)
      this.keysCache = { lines: this.lines, keys: this.lines.flatMap((line) => this.keysIn(line.nodes)) };
    return this.keysCache.keys;
  }

  private keysIn(nodes: LineLayout['nodes']): string[] {
    return nodes.flatMap((n) =>
      n.kind === 'span' ? [...(n.continued ? [] : [n.item.key]), ...this.keysIn(n.children)] : [],
    );
  }

  /** The first and last line a span is drawn on; undefined when there is no such span. */
  linesOf(key: string): { first: number; last: number } | undefined {
    const span = this.spanByKey(key);
    return span && { first: this.lineIndexOf(span.start), last: this.lineIndexOf(Math.max(span.start, span.end - 1)) };
  }

  lineIndexOf(cp: number): number {
    return lineOf(this.#starts, cp);
  }
}

export const editorDocument = new EditorDocument();
