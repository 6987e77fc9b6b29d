// Fans service events out to every connected UI (Electron windows, browser event streams). On a team server an
// event about one line of work reaches only those who may read that line: annotators work blind, so another
// annotator's save or status change (even its document id and timing) is not theirs to see.
import type { EventListener, WorkbenchEvent } from '../../core/contract/events.js';
import type { CallContext } from '../../core/contract/roles.js';

/** Whose line an event is about: an annotator's (`owner`), or the shared/gold line a curator or admin wrote (null). */
export interface Audience {
  owner: string | null;
}

interface Subscriber {
  listener: EventListener;
  /** The team member behind a stream; none for the local user and the services' own listeners (they see all). */
  viewer?: CallContext;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();

  /** Subscribes (as `viewer` where a team member listens); returns the unsubscribe function. */
  on(listener: EventListener, viewer?: CallContext): () => void {
    const subscriber = { listener, viewer };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Sends `event` to every subscriber; with an `audience`, a team annotator gets it only about their own line. */
  emit(event: WorkbenchEvent, audience?: Audience): void {
    for (const { listener, viewer } of this.subscribers) {
      if (audience && viewer?.role === 'annotator' && viewer.actor !== audience.owner) continue;
      try {
        listener(event);
      } catch {
        // A broken listener (a closed stream) must not stop the others or the job that emitted.
      }
    }
  }
}
