// Undo/redo over editor states. The server never rewinds: an undo is saved as a new revision holding the older
// list (or, for a rejected suggestion, a `reopened` outcome), so this stack only decides what the next change is.
// Each step keeps the state it left and what it did (`change`), which the editor needs to redo or take it back.

/** A step off the stack: the state to show now, and the change that separates it from the current one. */
export interface Step<S, C> {
  state: S;
  change: C;
}

export class EditHistory<S, C = undefined> {
  private undoStack: Step<S, C>[] = [];
  private redoStack: Step<S, C>[] = [];

  constructor(private readonly limit = 500) {}

  /** Records that `before` was left by a change. States are never changed in place, so keeping references is enough. */
  record(before: S, change: C): void {
    this.undoStack.push({ state: before, change });
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack = [];
  }

  /** The state to go back to, given the current one, with the change to take back; undefined when there is none. */
  undo(current: S): Step<S, C> | undefined {
    const step = this.undoStack.pop();
    if (step) this.redoStack.push({ state: current, change: step.change });
    return step;
  }

  /** The state to go forward to, with the change to make again; undefined when there is none. */
  redo(current: S): Step<S, C> | undefined {
    const step = this.redoStack.pop();
    if (step) this.undoStack.push({ state: current, change: step.change });
    return step;
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
