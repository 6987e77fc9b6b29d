// Messages between Electron's main process and the service process.
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import type { CallOutcome } from '../dispatch.js';

export type ToService = { type: 'call'; id: number; method: string; params: unknown };

export type FromService =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; outcome: CallOutcome }
  | { type: 'event'; event: WorkbenchEvent };
