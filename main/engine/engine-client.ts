// The main thread's handle on the engine: spawns the worker thread, forwards progress events, cancels jobs.
// A cancelled job rejects with CancelledError (core/sampler/denoiser.ts) and yields no suggestions at all.

import type { Worker } from 'node:worker_threads';
import { startWorker } from '../start-worker.js';
import { CancelledError } from '../../core/sampler/denoiser.js';
import type { AnnotateRequest } from '../services/engine-port.js';
import type { AnnotateItem, EngineInfo, EngineOptions, EngineProgress, ItemResult } from './engine.js';
import { addRuns, noRuns, type RunStats } from './backend.js';
import { deserializeError, type FromWorker, type ToWorker } from './worker-protocol.js';

const WORKER_URL = new URL('./engine-worker.ts', import.meta.url);

export interface EngineJob {
  /** Resolves with every item's suggestions, or rejects (CancelledError when cancelled). */
  done: Promise<ItemResult[]>;
  cancel(): void;
}

/** A request, and where this job's progress goes. */
export interface JobOptions extends AnnotateRequest {
  onProgress?: (progress: EngineProgress) => void;
}

interface Pending {
  resolve: (results: ItemResult[]) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: EngineProgress) => void;
}

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** What the finished jobs ran (benchmark). */
  readonly stats: RunStats = noRuns();
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    readonly info: EngineInfo,
  ) {
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new Error(`the engine worker exited (code ${code})`));
    });
  }

  /**
   * Starts a worker and opens `dir` in it; rejects with the worker's PackageError / DeviceError / ... An abort of
   * `signal` while it opens ends the thread at once (a PyTorch worker process loading a 15 GB checkpoint sees its
   * stdin close and exits) and rejects with CancelledError.
   */
  static open(dir: string, options: EngineOptions = { device: 'auto' }, signal?: AbortSignal): Promise<EngineClient> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const worker = startWorker(WORKER_URL);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        worker.off('message', onMessage);
        void worker.terminate();
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const onMessage = (message: FromWorker) => {
        worker.off('message', onMessage);
        signal?.removeEventListener('abort', onAbort);
        if (message.type === 'opened') resolve(new EngineClient(worker, message.info));
        else {
          void worker.terminate();
          reject(
            message.type === 'error'
              ? deserializeError(message.error)
              : new Error(`unexpected ${message.type} from the engine worker`),
          );
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage({ type: 'open', dir, options } satisfies ToWorker);
    });
  }

  annotate(items: AnnotateItem[], options: JobOptions = {}): EngineJob {
    const id = this.nextId++;
    const cancel = new SharedArrayBuffer(4);
    const done = new Promise<ItemResult[]>((resolve, reject) =>
      this.pending.set(id, { resolve, reject, onProgress: options.onProgress }),
    );
    const { settings, keepHistory, disagreementTemperature, labels } = options;
    this.worker.postMessage({
      type: 'annotate',
      id,
      items,
      settings,
      keepHistory,
      disagreementTemperature,
      labels,
      cancel,
    } satisfies ToWorker);
    return { done, cancel: () => Atomics.store(new Int32Array(cancel), 0, 1) };
  }

  async close(): Promise<void> {
    // A worker that died (out of memory, a native crash) would never answer; there is nothing left to close.
    if (this.exited) return;
    const closed = new Promise<void>((resolve) => {
      const onMessage = (message: FromWorker) => message.type === 'closed' && resolve();
      this.worker.on('message', onMessage);
      this.worker.once('exit', () => resolve());
    });
    this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    await closed;
    await this.worker.terminate();
  }

  private receive(message: FromWorker): void {
    if (message.type === 'progress') this.pending.get(message.id)?.onProgress?.(message.progress);
    if (message.type !== 'result' && message.type !== 'error') return;
    const job = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!job || message.id === undefined) return;
    this.pending.delete(message.id);
    if (message.type === 'result') {
      addRuns(this.stats, message.stats);
      job.resolve(message.results);
    } else {
      job.reject(deserializeError(message.error));
    }
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
