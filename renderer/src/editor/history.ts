// Undo/redo over entity lists. The server never rewinds: an undo is saved as a new revision holding the older list,
// so this stack only decides which list the next revision holds.
import type { Span } from '../../../core/contract/types.js';

export class EditHistory {
  private undoStack: Span[][] = [];
  private redoStack: Span[][] = [];

  constructor(private readonly limit = 500) {}

  /** Records that `before` was replaced by an edit. */
  record(before: readonly Span[]): void {
    // Lists are never changed in place (entity-ops returns new ones), so keeping the reference is enough.
    this.undoStack.push(before as Span[]);
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack = [];
  }

  /** The list to go back to, given the current one; undefined when there is nothing to undo. */
  undo(current: readonly Span[]): Span[] | undefined {
    const previous = this.undoStack.pop();
    if (previous) this.redoStack.push(current as Span[]);
    return previous;
  }

  redo(current: readonly Span[]): Span[] | undefined {
    const next = this.redoStack.pop();
    if (next) this.undoStack.push(current as Span[]);
    return next;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
  }
}
