// Long synchronous work on the service's thread is cut into short slices, so that an editor save or a list page
// waiting behind it is answered within a few milliseconds, not after the whole export or import.
import { performance } from 'node:perf_hooks';

/** Resolves on the event loop's next turn: waiting I/O callbacks (other callers' requests) run first. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Yields to the event loop once the current slice has used its budget. */
export class TimeSlice {
  private start = performance.now();

  constructor(private readonly budgetMs = 10) {}

  async pass(): Promise<void> {
    if (performance.now() - this.start < this.budgetMs) return;
    await nextTurn();
    this.start = performance.now();
  }
}
