// Which data the desktop window works on: this machine's services, or a project on a team server. One ServiceApi
// fronts both, so the IPC dispatcher (sender check, contract validation) stays the same whichever answers, and the
// events the window hears come from the source it shows (a remote server's stream, or the local services'). The
// switch happens only after a login succeeded: a failed connect leaves the window where it was.
import { ContractError } from '../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import { METHOD_NAMES } from '../../core/contract/methods.js';
import type { ConnectionStatus } from '../../core/contract/team-connection.js';
import type { ServiceApi } from '../hosts/dispatch.js';
import { TeamClient } from './team-client.js';

export interface ConnectOptions {
  url: string;
  name: string;
  password: string;
  /** PEM of a self-signed server's CA, and the file it came from (shown in the status). */
  ca?: { pem: string; file: string };
}

export class DataSource {
  /** The contract's methods, answered by whichever source is current at the time of the call. */
  readonly api: ServiceApi;
  private remote: {
    client: TeamClient;
    api: ServiceApi;
    events: { close(): void };
    caFile: string | null;
  } | null = null;
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();

  constructor(
    private readonly local: ServiceApi,
    private readonly broadcast: (event: WorkbenchEvent) => void,
  ) {
    this.api = Object.fromEntries(
      METHOD_NAMES.map((method) => [
        method,
        (params: unknown, context?: unknown) => {
          const target = this.remote?.api ?? this.local;
          return (target[method] as (p: unknown, c?: unknown) => Promise<unknown>)(params, context);
        },
      ]),
    ) as unknown as ServiceApi; // built from the same method list the type is
  }

  status(): ConnectionStatus {
    if (!this.remote) return { kind: 'local' };
    const { client, caFile } = this.remote;
    return { kind: 'team', address: client.address, user: client.user, caFile };
  }

  /** Tells `listener` when the status changes by itself (the server ended the session). */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** An event of the local services: passed on only while the window shows local data. */
  localEvent(event: WorkbenchEvent): void {
    if (!this.remote) this.broadcast(event);
  }

  /** Logs in to a team server and, once that worked, shows its data (the previous server is logged out). */
  async connect(options: ConnectOptions): Promise<ConnectionStatus> {
    const client = new TeamClient({ url: options.url, ca: options.ca?.pem });
    await client.probe();
    await client.logIn(options.name, options.password);
    await this.leave();
    this.remote = { client, api: client.api(), events: this.forward(client), caFile: options.ca?.file ?? null };
    client.onSessionEnded(() => {
      if (this.remote?.client !== client) return;
      this.remote.events.close(); // the server keeps an open stream going; a logged-out window hears nothing more
      this.changed();
    });
    return this.status();
  }

  /** Logs in again on the current team server (after its session ended, or a logout). */
  async logIn(name: string, password: string): Promise<ConnectionStatus> {
    const remote = this.remote;
    if (!remote) throw new ContractError('invalid', 'not connected to a team server');
    await remote.client.logIn(name, password);
    remote.events.close();
    remote.events = this.forward(remote.client);
    return this.status();
  }

  /** Ends the session on the team server, staying on it (the window shows its login). */
  async logOut(): Promise<ConnectionStatus> {
    if (this.remote) {
      this.remote.events.close();
      await this.remote.client.logOut().catch(() => {}); // forgotten here either way
    }
    return this.status();
  }

  /** Back to this machine's data (logging out of the team server first). */
  async disconnect(): Promise<ConnectionStatus> {
    await this.leave();
    return this.status();
  }

  private forward(client: TeamClient): { close(): void } {
    return client.events((event) => {
      if (this.remote?.client === client) this.broadcast(event);
    });
  }

  private async leave(): Promise<void> {
    const remote = this.remote;
    this.remote = null;
    if (!remote) return;
    remote.events.close();
    await remote.client.logOut().catch(() => {});
  }

  private changed(): void {
    const status = this.status();
    for (const listener of this.statusListeners) listener(status);
  }
}
