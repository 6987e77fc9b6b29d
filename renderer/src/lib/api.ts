// The renderer's only way to the services: the contract's methods, over Electron's preload bridge when it is
// there, otherwise over the browser host's HTTP API with this launch's token.
import { ContractError, type ErrorPayload } from '../../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import type { MethodName, Params, Results } from '../../../core/contract/methods.js';
import type { ChooseDestinationRequest, ChooseDestinationResult } from '../../../core/contract/native-dialog.js';

/** What preload exposes as `window.workbench` (see preload/preload.ts): one function per method. */
export interface Bridge {
  methods: Record<MethodName, (params: unknown) => Promise<{ ok: true; result: unknown } | { ok: false; error: ErrorPayload }>>;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
  /** The system's save / folder dialog (desktop app only). */
  chooseDestination(request: ChooseDestinationRequest): Promise<ChooseDestinationResult>;
}

declare global {
  interface Window {
    workbench?: Bridge;
  }
}

type Listener = (event: WorkbenchEvent) => void;
const listeners = new Set<Listener>();
const TOKEN_KEY = 'workbench-token';

/** The browser host's token: from the URL fragment on first load (then removed from the address bar), else the session. */
function browserToken(): string {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const bridge = window.workbench;
const token = bridge ? '' : browserToken();

/** Calls a contract method; rejects with a ContractError carrying the service's code and message. */
export async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]> {
  if (bridge) {
    const outcome = await bridge.methods[method](params);
    if (!outcome.ok) throw ContractError.from(outcome.error);
    return outcome.result as Results[M];
  }
  const response = await fetch(`/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  const outcome = (await response.json()) as { ok: true; result: Results[M] } | { ok: false; error: ErrorPayload };
  if (!outcome.ok) throw ContractError.from(outcome.error);
  return outcome.result;
}

/** Subscribes to service events. */
export function onEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function dispatch(event: WorkbenchEvent): void {
  for (const listener of listeners) listener(event);
}

// Reads the browser host's event stream; reconnects after a drop (a restarted server) with a short backoff.
async function streamEvents(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch('/api/events', { headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
      attempt = 0;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) dispatch(JSON.parse(data) as WorkbenchEvent);
        }
      }
    } catch {
      // Dropped or refused: fall through to the backoff.
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
  }
}

/** Starts receiving events (once). */
export function connectEvents(): void {
  if (bridge) bridge.onEvent(dispatch);
  else void streamEvents();
}

export const hostKind: 'electron' | 'browser' = bridge ? 'electron' : 'browser';

/** The export's destination from the system's dialog: the chosen path, null when cancelled, undefined in a browser. */
export async function chooseNativeDestination(request: ChooseDestinationRequest): Promise<string | null | undefined> {
  if (!bridge) return undefined;
  return (await bridge.chooseDestination(request)).path;
}
