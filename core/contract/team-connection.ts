// The desktop app's connection to a team server (issue 15): which data the window shows (this machine's, or a
// project on a team server) and the calls that switch. Main answers them itself (main/hosts/electron/
// team-connection.ts); the session cookie and CSRF proof stay there. Channels and shapes only, no zod, so the
// preload script can import it; main validates every request with its own schema.
import type { Role } from './roles.js';

export const TEAM_CHANNELS = {
  status: 'workbench:team.status',
  connect: 'workbench:team.connect',
  logIn: 'workbench:team.logIn',
  logOut: 'workbench:team.logOut',
  disconnect: 'workbench:team.disconnect',
  chooseCa: 'workbench:team.chooseCa',
  /** The servers connected to before (most recent first), and forgetting one. */
  servers: 'workbench:team.servers',
  forget: 'workbench:team.forget',
  /** Main -> window: the status changed by itself (the server ended the session). */
  changed: 'workbench:team.changed',
} as const;

/** What the window shows: this machine's data, or a team server's (user null: its session ended, log in again). */
export type ConnectionStatus =
  | { kind: 'local' }
  | { kind: 'team'; address: string; user: { name: string; role: Role } | null; caFile: string | null };

export interface ConnectRequest {
  /** `https://team.example:8443`; plain `http://` only for a server on this machine. */
  url: string;
  name: string;
  password: string;
  /** A CA certificate file the user picked with chooseCa (for a self-signed server); absent: the system's roots. */
  caFile?: string;
}

/** A team server the desktop app connected to: what the connect dialog fills in (never a password or a cookie). */
export interface KnownServer {
  url: string;
  name: string;
  /** The CA certificate file chosen for it, or null for the system's roots. */
  caFile: string | null;
}

export interface ForgetRequest {
  url: string;
  name: string;
}

export interface LogInRequest {
  name: string;
  password: string;
}

/** The answer of every connection call: the new status, or why not (the same error shape as contract calls). */
export type ConnectionOutcome =
  | { ok: true; result: ConnectionStatus }
  | {
      ok: false;
      error: { code: string; message: string; field?: string; detail?: Record<string, string | number> };
    };

/** The answer of `servers` and `forget`: the list as it is now, or why not. */
export type KnownServersOutcome =
  { ok: true; result: { servers: KnownServer[] } } | Extract<ConnectionOutcome, { ok: false }>;
