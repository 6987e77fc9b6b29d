// Fans service events out to every connected UI (Electron windows, browser event streams).
import type { EventListener, WorkbenchEvent } from '../../core/contract/events.js';

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  /** Subscribes; returns the unsubscribe function. */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: WorkbenchEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (a closed stream) must not stop the others or the job that emitted.
      }
    }
  }
}
