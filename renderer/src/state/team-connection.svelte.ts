// The desktop app's "Connect to a team server" (issue 15): the form's state, the servers connected to before (main
// keeps them: address, user name, CA file), the connect and the way back to this machine's data. Main logs in and keeps the session; after a switch the page starts over (every view's state
// belonged to the other source).
import type { ContractError } from '../../../core/contract/errors.js';
import type { ConnectionStatus, KnownServer } from '../../../core/contract/team-connection.js';
import { chooseCaFile, connectTeam, connection, disconnectTeam, forgetServer, knownServers } from '../lib/api.js';

class TeamConnection {
  open = $state(false);
  url = $state('');
  name = $state('');
  password = $state('');
  caFile = $state<string | null>(null);
  busy = $state(false);
  /** Why the last try failed: the server's or main's words (a wrong password, an untrusted certificate, ...). */
  error = $state<{ code: string; message: string; tls: boolean } | null>(null);
  status = $state.raw<ConnectionStatus | null>(null);
  /** Servers connected to before, most recent first. */
  servers = $state.raw<KnownServer[]>([]);

  async load(): Promise<void> {
    this.status = await connection();
  }

  show(): void {
    this.error = null;
    this.open = true;
    void this.loadServers();
  }

  async loadServers(): Promise<void> {
    try {
      this.servers = await knownServers();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Fills the form from a remembered server; the password is asked again. */
  pick(server: KnownServer): void {
    this.url = server.url;
    this.name = server.name;
    this.caFile = server.caFile;
    this.password = '';
    this.error = null;
  }

  async forget(server: KnownServer): Promise<void> {
    try {
      this.servers = await forgetServer(server);
    } catch (error) {
      this.fail(error);
    }
  }

  hide(): void {
    this.open = false;
    this.password = '';
  }

  async chooseCa(): Promise<void> {
    try {
      this.caFile = (await chooseCaFile()) ?? this.caFile;
    } catch (error) {
      this.fail(error);
    }
  }

  async connect(): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      this.status = await connectTeam({
        url: this.url.trim(),
        name: this.name.trim(),
        password: this.password,
        ...(this.caFile ? { caFile: this.caFile } : {}),
      });
      this.hide();
      location.reload();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async backToLocal(): Promise<void> {
    this.status = await disconnectTeam();
    location.reload();
  }

  private fail(error: unknown): void {
    const e = error as ContractError;
    this.error = { code: e.code ?? 'failed', message: String(e.message ?? e), tls: e.detail?.reason === 'tls' };
  }
}

export const teamConnection = new TeamConnection();
