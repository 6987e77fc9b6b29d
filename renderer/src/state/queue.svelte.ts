// The "next most useful document" queue: the project's unfinished documents ranked by an active-learning strategy
// (queue.next), opening the top one, and where the editor's "Next document" goes while the annotator follows it.
import { STRATEGIES, type Strategy } from '../../../core/active-learning/ranking.js';
import type { QueueItem } from '../../../core/contract/types.js';
import { call, onEvent } from '../lib/api.js';
import { app } from './app.svelte.js';
import { editor } from './editor.svelte.js';

/** The strategies the queue offers: core's (core/active-learning/ranking.ts), in its order. */
export const QUEUE_STRATEGIES = STRATEGIES;
export type QueueStrategy = Strategy;

const SHOWN = 10;
const STRATEGY_KEY = 'workbench-queue-strategy';

function savedStrategy(): QueueStrategy {
  const saved = localStorage.getItem(STRATEGY_KEY);
  return (QUEUE_STRATEGIES as readonly string[]).includes(saved ?? '') ? (saved as QueueStrategy) : 'entropy-mean';
}

class QueueState {
  strategy = $state<QueueStrategy>(savedStrategy());
  costAware = $state(false);
  items = $state.raw<QueueItem[]>([]);
  total = $state(0);
  scored = $state(0);
  /** Bumped after every completed load (the panel's data-loads: what tests wait for). */
  loads = $state(0);
  private seq = 0;
  /** Documents opened from the queue this session; "Next document" from one of them follows the queue. */
  private visited = new Set<number>();
  private watching = 0;
  private unsubscribe: (() => void) | null = null;

  constructor() {
    editor.setNextFrom((documentId) => this.nextAfter(documentId));
  }

  async refresh(): Promise<void> {
    const project = app.project;
    if (!project) return;
    const seq = ++this.seq;
    try {
      const page = await this.fetch(SHOWN);
      if (seq !== this.seq) return; // a newer strategy already answered
      this.items = page.items;
      this.total = page.total;
      this.scored = page.scored;
      this.loads++;
    } catch (error) {
      app.fail(error, 'load');
    }
  }

  setStrategy(strategy: QueueStrategy): void {
    this.strategy = strategy;
    localStorage.setItem(STRATEGY_KEY, strategy);
    void this.refresh();
  }

  setCostAware(on: boolean): void {
    this.costAware = on;
    void this.refresh();
  }

  /** Name of a document in the list shown (for "near-duplicate of ..."). */
  nameOf(documentId: number): string | undefined {
    return this.items.find((i) => i.documentId === documentId)?.name;
  }

  /** Opens a queued document in the editor, following the queue from there. */
  async open(documentId: number): Promise<void> {
    this.visited.add(documentId);
    await editor.open(documentId);
  }

  async openNext(): Promise<void> {
    const top = this.items[0];
    if (top) await this.open(top.documentId);
  }

  /**
   * Where "Next document" goes from `documentId`: the most useful unfinished document not yet opened from the queue,
   * ranked afresh (finishing a document changes what is left). Undefined when the document was not opened from the
   * queue, or the queue has nothing new: the editor then keeps the list order.
   */
  async nextAfter(documentId: number): Promise<number | undefined> {
    if (!this.visited.has(documentId) || !app.project) return undefined;
    const page = await this.fetch(SHOWN + this.visited.size);
    const next = page.items.find((i) => !this.visited.has(i.documentId));
    if (!next) return undefined;
    this.visited.add(next.documentId);
    return next.documentId;
  }

  /** Keeps the list fresh while a view shows it: statuses change membership, finished jobs change the signals. */
  watch(): () => void {
    if (this.watching++ === 0) {
      this.unsubscribe = onEvent((event) => {
        if (
          (event.type === 'document.changed' && event.reason === 'status') ||
          event.type === 'job.finished' ||
          event.type === 'documents.imported'
        )
          void this.refresh();
      });
    }
    void this.refresh();
    return () => {
      if (--this.watching === 0) {
        this.unsubscribe?.();
        this.unsubscribe = null;
      }
    };
  }

  private fetch(limit: number) {
    return call('queue.next', {
      projectId: app.project!.id,
      strategy: this.strategy,
      costAware: this.costAware,
      limit: Math.min(limit, 500),
    });
  }
}

export const queue = new QueueState();
