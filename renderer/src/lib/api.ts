// The renderer's only way to the services: the contract's methods, over Electron's preload bridge when it is
// there, otherwise over the browser host's HTTP API with this launch's token, or on a team server (no token in the
// URL; GET /api/session says so) with the session cookie and its CSRF proof in a header.
import { ContractError, type ErrorPayload } from '../../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import type { MethodName, Params, Results } from '../../../core/contract/methods.js';
import { CSRF_HEADER, type TeamSession } from '../../../core/contract/roles.js';
import type { ChooseDestinationRequest, ChooseDestinationResult } from '../../../core/contract/native-dialog.js';
import type {
  ConnectionOutcome,
  ConnectionStatus,
  ConnectRequest,
  ForgetRequest,
  KnownServer,
  KnownServersOutcome,
  LogInRequest,
} from '../../../core/contract/team-connection.js';

/** What preload exposes as `window.workbench` (see preload/preload.ts): one function per method. */
export interface Bridge {
  methods: Record<
    MethodName,
    (params: unknown) => Promise<{ ok: true; result: unknown } | { ok: false; error: ErrorPayload }>
  >;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
  /** The system's save / folder dialog (desktop app only). */
  chooseDestination(request: ChooseDestinationRequest): Promise<ChooseDestinationResult>;
  /** The desktop app's data source: its own, or a team server's (main holds that session). */
  team: {
    status(): Promise<ConnectionOutcome>;
    connect(request: ConnectRequest): Promise<ConnectionOutcome>;
    logIn(request: LogInRequest): Promise<ConnectionOutcome>;
    logOut(): Promise<ConnectionOutcome>;
    disconnect(): Promise<ConnectionOutcome>;
    chooseCa(): Promise<{ ok: true; result: { path: string | null } } | ConnectionOutcome>;
    servers(): Promise<KnownServersOutcome>;
    forget(request: ForgetRequest): Promise<KnownServersOutcome>;
    onChange(listener: (status: ConnectionStatus) => void): () => void;
  };
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
// Team mode: the session cookie travels by itself (HttpOnly, same origin); the CSRF proof is kept here, in memory.
let team = false;
let csrf = '';
const loggedOut = new Set<() => void>();
// The desktop app showing a team server's data (main forwards the calls; the session is main's, not ours).
let remote: ConnectionStatus | null = null;

/** The headers that say who calls: the launch token, or a team session's CSRF proof. */
function callerHeaders(): Record<string, string> {
  return team ? { [CSRF_HEADER]: csrf } : { Authorization: `Bearer ${token}` };
}

async function teamRequest(path: string, init: RequestInit): Promise<TeamSession> {
  const response = await fetch(path, { ...init, credentials: 'same-origin' });
  const outcome = (await response.json()) as { ok: true; result: TeamSession } | { ok: false; error: ErrorPayload };
  if (!outcome.ok) throw ContractError.from(outcome.error);
  team = true;
  csrf = outcome.result.csrf ?? '';
  return outcome.result;
}

/**
 * Whether this page talks to a team server, and who is logged in there; null for the desktop app and for the
 * single-user browser host (its URL carried a token).
 */
export async function teamSession(): Promise<TeamSession | null> {
  if (bridge) {
    const status = await connection();
    if (status?.kind !== 'team') return null;
    bridge.team.onChange((changed) => {
      remote = changed.kind === 'team' ? changed : null;
      if (changed.kind === 'team' && changed.user === null) for (const listener of loggedOut) listener();
    });
    return { team: true, user: status.user };
  }
  if (token !== '') return null;
  const response = await fetch('/api/session', { credentials: 'same-origin' });
  if (!response.ok) return null;
  const outcome = (await response.json()) as { ok: boolean; result?: TeamSession };
  if (!outcome.ok || outcome.result?.team !== true) return null;
  return teamRequest('/api/session', {});
}

/** Logs in on a team server; rejects with `unauthorized` (its detail says how long to wait when throttled). */
export async function logIn(name: string, password: string): Promise<TeamSession> {
  if (bridge && remote) {
    const status = await connectionCall(bridge.team.logIn({ name, password }));
    return { team: true, user: status.kind === 'team' ? status.user : null };
  }
  return teamRequest('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
}

export async function logOut(): Promise<void> {
  if (bridge && remote) {
    await connectionCall(bridge.team.logOut());
    return;
  }
  await teamRequest('/api/logout', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: csrf },
    body: '{}',
  });
  csrf = '';
}

/** Called when a team server says the session is gone (expired, logged out elsewhere, user disabled). */
export function onLoggedOut(listener: () => void): () => void {
  loggedOut.add(listener);
  return () => loggedOut.delete(listener);
}

/** Calls a contract method; rejects with a ContractError carrying the service's code and message. */
export async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]> {
  if (bridge) {
    const outcome = await bridge.methods[method](params);
    if (!outcome.ok && remote && outcome.error.code === 'unauthorized') for (const listener of loggedOut) listener();
    if (!outcome.ok) throw ContractError.from(outcome.error);
    return outcome.result as Results[M];
  }
  const response = await fetch(`/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...callerHeaders() },
    body: JSON.stringify(params),
  });
  if (team && response.status === 401) for (const listener of loggedOut) listener();
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
      const response = await fetch('/api/events', { headers: team ? {} : { Authorization: `Bearer ${token}` } });
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
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
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
  // On a team server the export is written in the server's folders: its folder browser, not this machine's dialog.
  if (!bridge || remote) return undefined;
  return (await bridge.chooseDestination(request)).path;
}

async function connectionCall(answer: Promise<ConnectionOutcome>): Promise<ConnectionStatus> {
  const outcome = await answer;
  if (!outcome.ok) throw ContractError.from(outcome.error as ErrorPayload);
  remote = outcome.result.kind === 'team' ? outcome.result : null;
  return outcome.result;
}

/** The desktop app's data source (null in a browser, which opens a team server at its own address). */
export async function connection(): Promise<ConnectionStatus | null> {
  if (!bridge?.team) return null;
  return connectionCall(bridge.team.status());
}

/** Logs in to a team server and shows its data (desktop app only); rejects with the reason, staying where it was. */
export function connectTeam(request: ConnectRequest): Promise<ConnectionStatus> {
  if (!bridge) throw new ContractError('invalid', 'only the desktop app connects to a team server');
  return connectionCall(bridge.team.connect(request));
}

/** Back to this machine's data (desktop app only). */
export function disconnectTeam(): Promise<ConnectionStatus> {
  if (!bridge) throw new ContractError('invalid', 'only the desktop app connects to a team server');
  return connectionCall(bridge.team.disconnect());
}

/** The system's file dialog for a self-signed server's CA certificate: the chosen path, or null. */
export async function chooseCaFile(): Promise<string | null> {
  if (!bridge) return null;
  const outcome = await bridge.team.chooseCa();
  if (!outcome.ok) throw ContractError.from(outcome.error as ErrorPayload);
  return (outcome.result as { path: string | null }).path;
}

async function serversCall(answer: Promise<KnownServersOutcome>): Promise<KnownServer[]> {
  const outcome = await answer;
  if (!outcome.ok) throw ContractError.from(outcome.error as ErrorPayload);
  return outcome.result.servers;
}

/** The team servers the desktop app connected to before, most recent first (none in a browser). */
export async function knownServers(): Promise<KnownServer[]> {
  return bridge?.team ? serversCall(bridge.team.servers()) : [];
}

/** Forgets a remembered server; the list as it is now. */
export async function forgetServer(server: ForgetRequest): Promise<KnownServer[]> {
  return bridge?.team ? serversCall(bridge.team.forget({ url: server.url, name: server.name })) : [];
}

/** True when the desktop app can connect to a team server (a browser opens one at its own address instead). */
export const canConnectTeam = Boolean(bridge?.team);
