// Saves edits one after another, each naming the revision the previous save produced as its parent, so a burst of
// keystrokes becomes a clean chain of revisions. A refused save (stale parent, server gone) stops the chain and
// reports; later edits wait for the document to be reloaded. Calls that change the document without a revision
// (rejecting a suggestion, reopening it) wait in the same line, so the server sees every change in the order made.
import type { Span } from '../../../core/contract/types.js';

export interface SaveRequest {
  documentId: number;
  parentRevisionId: number | null;
  entities: Span[];
  outcomes?: { suggestedSpanId: number; outcome: 'accepted' | 'edited' | 'reopened' }[];
  note?: string;
}

export interface SaveAck {
  revisionId: number;
  revision: number;
}

export type Saver = (request: SaveRequest) => Promise<SaveAck>;

export class SaveQueue {
  private chain: Promise<void> = Promise.resolve();
  private failed = false;
  pending = 0;

  constructor(
    readonly documentId: number,
    private parent: number | null,
    private readonly save: Saver,
    private readonly onChange: (queue: SaveQueue, ack?: SaveAck) => void,
    private readonly onError: (error: Error) => void,
    /** Waits before each save is sent (the editor lets the keystroke's frame paint first); none by default. */
    private readonly defer?: () => Promise<void>,
  ) {}

  get parentRevisionId(): number | null {
    return this.parent;
  }

  /** Queues one edit's full entity list. */
  push(entities: Span[], outcomes?: SaveRequest['outcomes'], note?: string): void {
    this.enqueue(async () => {
      const ack = await this.save({
        documentId: this.documentId,
        parentRevisionId: this.parent,
        entities,
        ...(outcomes?.length ? { outcomes } : {}),
        ...(note ? { note } : {}),
      });
      this.parent = ack.revisionId;
      return ack;
    });
  }

  /** Queues a call that changes the document without a new revision (it keeps the parent). */
  run(call: () => Promise<unknown>): void {
    this.enqueue(async () => {
      await call();
      return undefined;
    });
  }

  private enqueue(send: () => Promise<SaveAck | undefined>): void {
    this.pending++;
    this.onChange(this);
    this.chain = this.chain.then(async () => {
      try {
        if (this.defer) await this.defer();
        if (this.failed) throw new Error('an earlier save failed; reload the document');
        const ack = await send();
        this.pending--;
        this.onChange(this, ack);
      } catch (error) {
        this.pending--;
        const first = !this.failed;
        this.failed = true;
        this.onChange(this);
        if (first) this.onError(error as Error);
      }
    });
  }

  /** Resolves when every queued save has been answered. */
  flush(): Promise<void> {
    return this.chain;
  }

  get broken(): boolean {
    return this.failed;
  }
}
