// Main's side of the service process: a WorkbenchApi whose methods are messages to the child, and its events.
// The child runs on Node (better-sqlite3 and the engine stay off Electron's main thread and out of its ABI).
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import { ContractError } from '../../../core/contract/errors.js';
import { METHOD_NAMES, type WorkbenchApi } from '../../../core/contract/methods.js';
import type { CallOutcome } from '../dispatch.js';
import type { FromService, ToService } from './service-protocol.js';

/** A channel to the child: Node's ChildProcess or Electron's UtilityProcess both fit. */
export interface ServiceChannel {
  postMessage(message: ToService): void;
  onMessage(listener: (message: FromService) => void): void;
  onExit(listener: (code: number | null) => void): void;
}

export function serviceClient(
  channel: ServiceChannel,
  onEvent: (event: WorkbenchEvent) => void,
): { api: WorkbenchApi; ready: Promise<void> } {
  let next = 1;
  const waiting = new Map<number, (outcome: CallOutcome) => void>();
  let markReady: () => void = () => {};
  let markFailed: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  channel.onMessage((message) => {
    if (message.type === 'ready') markReady();
    else if (message.type === 'failed') markFailed(new Error(message.message));
    else if (message.type === 'event') onEvent(message.event);
    else if (message.type === 'result') {
      waiting.get(message.id)?.(message.outcome);
      waiting.delete(message.id);
    }
  });
  channel.onExit((code) => {
    markFailed(new Error(`the service process exited (${code})`));
    for (const resolve of waiting.values())
      resolve({ ok: false, error: { code: 'failed', message: 'the service process stopped' } });
    waiting.clear();
  });
  const api = Object.fromEntries(
    METHOD_NAMES.map((method) => [
      method,
      (params: unknown) =>
        new Promise((resolve, reject) => {
          const id = next++;
          waiting.set(id, (outcome) =>
            outcome.ok ? resolve(outcome.result) : reject(ContractError.from(outcome.error)),
          );
          channel.postMessage({ type: 'call', id, method, params });
        }),
    ]),
  ) as unknown as WorkbenchApi; // built from the same method list the type is
  return { api, ready };
}
