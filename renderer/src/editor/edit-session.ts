// One open document's editing: what each edit does to the entity and suggestion lists, undo/redo over them, and the
// save queue that turns every step into a revision (or a reject / reopen call) on the server, in the order made.
// Plain TypeScript with no Svelte and no DOM, so its rules are unit-tested (test/unit/renderer/edit-session.test.ts);
// the editor's state (state/editor.svelte.ts) shows what it returns and keeps the selection.
import type { Span, SuggestedSpan } from '../../../core/contract/types.js';
import { addSpan, findSpan, removeSpan, replaceSpan, sortSpans } from './entity-ops.js';
import { EditHistory } from './history.js';
import { SaveQueue, type SaveAck, type SaveRequest } from './save-queue.js';

/** What undo/redo switch between: the entities and the pending suggestions (an undone accept or reject shows it again). */
export interface SpanLists {
  entities: Span[];
  suggestions: SuggestedSpan[];
}

type Outcomes = NonNullable<SaveRequest['outcomes']>;

/**
 * What a step did on the server, so undo can take it back and redo make it again: a revision with the outcomes it
 * recorded (undo saves the older list and reopens those spans), or rejected suggestions (undo reopens them).
 */
type EditChange = { kind: 'save'; outcomes: Outcomes } | { kind: 'reject'; suggestedSpanIds: number[] };

/** The calls a session makes; the editor passes the contract's methods, tests pass fakes. */
export interface SessionServer {
  save(request: SaveRequest): Promise<SaveAck>;
  reject(documentId: number, suggestedSpanIds: number[]): Promise<unknown>;
  reopen(documentId: number, suggestedSpanIds: number[]): Promise<unknown>;
}

export interface SessionOptions {
  documentId: number;
  /** The revision the first save names as its parent (null for a document never saved). */
  parentRevisionId: number | null;
  spans: SpanLists;
  server: SessionServer;
  /** Called when the number of unanswered saves changes, with the server's answer when a revision was saved. */
  onSaved?: (pending: number, ack?: SaveAck) => void;
  /** Called once, on the first refused save; later edits are not sent. */
  onError?: (error: Error) => void;
  /** Waits before each save is sent (the editor lets the keystroke's frame paint first). */
  defer?: () => Promise<void>;
}

/** An edit's result: the lists to show now, and the entity the edit produced (to keep it selected). */
export interface EditResult {
  spans: SpanLists;
  made?: Span;
}

const sameRange = (a: Span, b: Span): boolean => a.label === b.label && a.start === b.start && a.end === b.end;

export class EditSession {
  readonly documentId: number;
  private lists: SpanLists;
  private readonly history = new EditHistory<SpanLists, EditChange>();
  private readonly queue: SaveQueue;
  private readonly server: SessionServer;

  constructor(options: SessionOptions) {
    this.documentId = options.documentId;
    this.server = options.server;
    this.lists = { entities: sortSpans(options.spans.entities), suggestions: options.spans.suggestions };
    const onSaved = options.onSaved;
    this.queue = new SaveQueue(
      options.documentId,
      options.parentRevisionId,
      (request) => this.server.save(request),
      (queue, ack) => onSaved?.(queue.pending, ack),
      (error) => options.onError?.(error),
      options.defer,
    );
  }

  /** The lists as they stand after every step so far (what the editor shows). */
  get spans(): SpanLists {
    return this.lists;
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  /** Saves sent or waiting, not yet answered. */
  get pending(): number {
    return this.queue.pending;
  }

  /** True after a refused save: nothing more is sent until the document is opened again. */
  get broken(): boolean {
    return this.queue.broken;
  }

  /** Resolves when every step so far has been answered. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** A new span; labelling exactly what the model suggested is accepting that suggestion (recorded as such). */
  add(span: Span): EditResult {
    const suggested = this.lists.suggestions.find((s) => sameRange(s, span));
    if (suggested) return this.take(suggested, span);
    const made = { label: span.label, start: span.start, end: span.end };
    return { spans: this.edit(addSpan(this.lists.entities, made)), made };
  }

  /** An entity changed (label or boundaries); undefined when nothing changes. */
  replace(entity: Span, next: Span): EditResult | undefined {
    const at = findSpan(this.lists.entities, entity);
    if (at < 0 || sameRange(entity, next)) return undefined;
    return { spans: this.edit(replaceSpan(this.lists.entities, at, next)), made: next };
  }

  /** An entity deleted; undefined when it is not there. */
  remove(entity: Span): SpanLists | undefined {
    const at = findSpan(this.lists.entities, entity);
    return at < 0 ? undefined : this.edit(removeSpan(this.lists.entities, at));
  }

  /** A suggestion becomes the entity `as`: recorded as `accepted` when unchanged, else `edited`. */
  take(suggestion: SuggestedSpan, as: Span = suggestion): EditResult {
    const same = sameRange(as, suggestion);
    const made = { label: as.label, start: as.start, end: as.end };
    const spans = this.edit(addSpan(this.lists.entities, made), {
      outcomes: [{ suggestedSpanId: suggestion.id, outcome: same ? 'accepted' : 'edited' }],
      drop: [suggestion.id],
      note: same ? 'accept' : 'edit-suggestion',
    });
    return { spans, made };
  }

  /** Accepts every suggestion scoring at least `threshold`, as one revision; undefined when none does. */
  acceptAbove(threshold: number): SpanLists | undefined {
    const taken = this.lists.suggestions.filter((s) => (s.score ?? 0) >= threshold);
    if (taken.length === 0) return undefined;
    const next = taken.reduce(
      (list, s) => addSpan(list, { label: s.label, start: s.start, end: s.end }),
      this.lists.entities,
    );
    return this.edit(next, {
      outcomes: taken.map((s) => ({ suggestedSpanId: s.id, outcome: 'accepted' as const })),
      drop: taken.map((s) => s.id),
      note: `accept>=${threshold}`,
    });
  }

  /** Rejects a suggestion (undoable: undo reopens it). Sent after the edits before it. */
  reject(suggestion: SuggestedSpan): SpanLists {
    this.history.record(this.lists, { kind: 'reject', suggestedSpanIds: [suggestion.id] });
    this.lists = {
      entities: this.lists.entities,
      suggestions: this.lists.suggestions.filter((s) => s.id !== suggestion.id),
    };
    this.send('reject', [suggestion.id]);
    return this.lists;
  }

  /** Makes an earlier revision's entities the current ones: a new revision (undoable), noted as a restore. */
  restore(entities: Span[], revision: number): SpanLists {
    return this.edit(sortSpans(entities), { note: `restore r${revision}` });
  }

  /** Goes back one step and tells the server; undefined when there is nothing to undo. */
  undo(): SpanLists | undefined {
    const step = this.history.undo(this.lists);
    return step && this.jump(step.state, step.change, 'undo');
  }

  /** Makes the last undone step again; undefined when there is nothing to redo. */
  redo(): SpanLists | undefined {
    const step = this.history.redo(this.lists);
    return step && this.jump(step.state, step.change, 'redo');
  }

  // Remember the old lists for undo, take the new ones, queue their save.
  private edit(entities: Span[], options: { outcomes?: Outcomes; drop?: number[]; note?: string } = {}): SpanLists {
    this.history.record(this.lists, { kind: 'save', outcomes: options.outcomes ?? [] });
    const drop = new Set(options.drop ?? []);
    this.lists = {
      entities,
      suggestions: drop.size ? this.lists.suggestions.filter((s) => !drop.has(s.id)) : this.lists.suggestions,
    };
    this.queue.push(entities, options.outcomes, options.note ?? 'edit');
    return this.lists;
  }

  // Shows an older or newer state and tells the server: a revision with the other list (an undone accept reopens
  // its suggestions in the same revision, a redone one accepts them again), or a reopen / reject again.
  private jump(to: SpanLists, change: EditChange, direction: 'undo' | 'redo'): SpanLists {
    this.lists = to;
    if (change.kind === 'reject') {
      this.send(direction === 'undo' ? 'reopen' : 'reject', change.suggestedSpanIds);
    } else {
      const outcomes =
        direction === 'undo'
          ? change.outcomes.map((o) => ({ suggestedSpanId: o.suggestedSpanId, outcome: 'reopened' as const }))
          : change.outcomes;
      this.queue.push(to.entities, outcomes, direction);
    }
    return to;
  }

  private send(method: 'reject' | 'reopen', suggestedSpanIds: number[]): void {
    this.queue.run(() => this.server[method](this.documentId, suggestedSpanIds));
  }
}
