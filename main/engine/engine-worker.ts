// The engine's worker thread: owns the onnxruntime session, so denoising never blocks the Electron main thread.
// Cancellation is a flag in shared memory, read between steps even while the thread is busy.

import { parentPort } from 'node:worker_threads';
import { DiffusionEngine } from './engine.js';
import { runsSince } from './backend.js';
import { serializeError, type FromWorker, type ToWorker } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('engine-worker.ts runs only as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
let engine: DiffusionEngine | undefined;
let queue = Promise.resolve();
// Progress at most this often: a small model takes a step every few milliseconds, each message costs this thread
// time it would rather denoise with, and no progress bar repaints faster.
const PROGRESS_INTERVAL_MS = 25;

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'open') {
    try {
      engine = await DiffusionEngine.open(message.dir, message.options);
      post({ type: 'opened', info: engine.info });
    } catch (error) {
      post({ type: 'error', error: serializeError(error) });
    }
  } else if (message.type === 'annotate') {
    const cancelled = new Int32Array(message.cancel);
    try {
      if (!engine) throw new Error('no model package is open');
      const before = { ...engine.stats };
      let lastProgress = -Infinity;
      const { settings, keepHistory, disagreementTemperature, labels } = message;
      const results = await engine.annotate(message.items, {
        settings,
        keepHistory,
        disagreementTemperature,
        labels,
        isCancelled: () => Atomics.load(cancelled, 0) === 1,
        onProgress: (progress) => {
          const now = performance.now();
          if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
          lastProgress = now;
          post({ type: 'progress', id: message.id, progress });
        },
      });
      post({ type: 'result', id: message.id, results, stats: runsSince(engine.stats, before) });
    } catch (error) {
      post({ type: 'error', id: message.id, error: serializeError(error) });
    }
  } else {
    await engine?.release();
    engine = undefined;
    post({ type: 'closed' });
  }
}

// One job at a time, in arrival order: the session is not shared between concurrent runs.
port.on('message', (message: ToWorker) => {
  queue = queue.then(() => handle(message));
});
