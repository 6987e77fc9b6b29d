// The desktop app's client of a team server (issue 15): it logs in, keeps the session cookie and the CSRF proof
// (here in main, never in the renderer, which only ever sees contract results), and forwards contract calls over
// HTTPS, each checked against the contract's parameter schema before it leaves. The server decides what the role
// may do; its answers are checked for shape (remote-schemas.ts). Host-agnostic: plain Node, no Electron, so the
// integration tests run it against a real `workbench serve --team`.
import { ContractError, validationError, type ErrorPayload } from '../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import { METHOD_NAMES, isMethodName, paramSchemas, type MethodName } from '../../core/contract/methods.js';
import { CSRF_HEADER, type Role } from '../../core/contract/roles.js';
import type { ServiceApi } from '../hosts/dispatch.js';
import { cookieName } from '../hosts/web/team/cookies.js';
import { httpSend, type HttpReply } from './http-request.js';
import { outcomeSchema, teamSessionSchema } from './remote-schemas.js';
import { parseServerUrl } from './server-url.js';
import { RemoteEventStream } from './remote-events.js';

export interface TeamUser {
  name: string;
  role: Role;
}

export interface TeamClientOptions {
  /** The server's address as typed: `https://team.example:8443`, or `http://127.0.0.1:PORT` on this machine. */
  url: string;
  /** PEM of the CA that signed a self-signed server's certificate (then only it is trusted for this server). */
  ca?: string | Buffer;
}

const SESSION_COOKIES = [cookieName(true), cookieName(false)];

/** The `name=value` of the session cookie in a login answer's Set-Cookie headers. */
function sessionCookieOf(reply: HttpReply): string | undefined {
  for (const line of reply.headers['set-cookie'] ?? []) {
    const pair = line.split(';')[0].trim();
    const eq = pair.indexOf('=');
    if (eq > 0 && SESSION_COOKIES.includes(pair.slice(0, eq)) && pair.length > eq + 1) return pair;
  }
  return undefined;
}

export class TeamClient {
  /** The server's base URL (ends in '/'). */
  readonly base: URL;
  private readonly ca: string | Buffer | undefined;
  private cookie = '';
  private csrf = '';
  private current: TeamUser | null = null;
  private readonly endedListeners = new Set<() => void>();

  constructor(options: TeamClientOptions) {
    this.base = parseServerUrl(options.url);
    this.ca = options.ca;
  }

  /** Who is logged in; null before a login, after a logout, and once the server said the session is gone. */
  get user(): TeamUser | null {
    return this.current;
  }

  /** The address shown to the user: scheme, host, port and any path prefix. */
  get address(): string {
    return this.base.href.replace(/\/$/, '');
  }

  /** Asks the server whether it is a team server at all (a single-user host, or anything else, is refused). */
  async probe(): Promise<void> {
    const reply = await this.send('GET', 'api/session');
    if (reply.status === 401)
      throw new ContractError(
        'failed',
        `${this.address} is a single-user workbench (it asks for a launch token), not a team server`,
      );
    const outcome = this.outcome(reply);
    if (!outcome.ok || !teamSessionSchema.safeParse(outcome.result).success) throw this.notWorkbench(reply);
  }

  /** Logs in; rejects with `unauthorized` for a wrong name or password (its detail says how long a throttle waits). */
  async logIn(name: string, password: string): Promise<TeamUser> {
    const reply = await this.send('POST', 'api/login', JSON.stringify({ name, password }));
    const session = teamSessionSchema.safeParse(this.resultOf(reply));
    const cookie = sessionCookieOf(reply);
    if (!session.success || !session.data.user || !session.data.csrf || !cookie) throw this.notWorkbench(reply);
    this.cookie = cookie;
    this.csrf = session.data.csrf;
    this.current = session.data.user as TeamUser;
    return this.current;
  }

  /** Ends the session on the server (best effort: a session the server already dropped is just forgotten here). */
  async logOut(): Promise<void> {
    if (!this.current) return;
    try {
      await this.send('POST', 'api/logout', '{}', true);
    } finally {
      this.forget();
    }
  }

  /** Calls one contract method on the server; rejects with the server's ContractError (or a network one). */
  async call(method: MethodName, params: unknown): Promise<unknown> {
    if (!isMethodName(method))
      throw new ContractError('unknown-method', `unknown method ${String(method).slice(0, 80)}`);
    const parsed = paramSchemas[method].safeParse(params ?? {});
    if (!parsed.success) throw validationError(method, parsed.error);
    if (!this.current) throw new ContractError('unauthorized', `log in to ${this.address} first`);
    const result = this.resultOf(await this.send('POST', `api/call/${method}`, JSON.stringify(params ?? {}), true));
    // The server's answer is the current truth about this user (a role an admin changed since the login).
    if (method === 'app.info') {
      const user = teamSessionSchema.shape.user.safeParse((result as { user?: unknown } | null)?.user ?? null);
      if (user.success && user.data && this.current) this.current = user.data as TeamUser;
    }
    return result;
  }

  /** The contract's methods as a service the shared dispatcher can front (the caller context stays local). */
  api(): ServiceApi {
    return Object.fromEntries(
      METHOD_NAMES.map((method) => [method, (params: unknown) => this.call(method, params)]),
    ) as unknown as ServiceApi; // built from the same method list the type is
  }

  /** Streams the server's events to `listener` until closed or the session ends; reconnects after a drop. */
  events(listener: (event: WorkbenchEvent) => void, onOpen?: () => void): { close(): void } {
    return new RemoteEventStream({
      url: new URL('api/events', this.base),
      ca: this.ca,
      headers: () => (this.current ? { Cookie: this.cookie } : null),
      onEvent: listener,
      onUnauthorized: () => this.ended(),
      onOpen,
    });
  }

  /** Called when the server said the session is gone (expired, logged out elsewhere, user disabled or re-keyed). */
  onSessionEnded(listener: () => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  private async send(method: 'GET' | 'POST', path: string, body?: string, withSession = false): Promise<HttpReply> {
    const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
    if (withSession) Object.assign(headers, { Cookie: this.cookie, [CSRF_HEADER]: this.csrf });
    const reply = await httpSend(new URL(path, this.base), { method, headers, body, ca: this.ca });
    if (withSession && reply.status === 401) this.ended();
    return reply;
  }

  private outcome(reply: HttpReply): { ok: true; result: unknown } | { ok: false; error: ErrorPayload } {
    let json: unknown;
    try {
      json = JSON.parse(reply.body.toString('utf8'));
    } catch {
      throw this.notWorkbench(reply);
    }
    const parsed = outcomeSchema.safeParse(json);
    if (!parsed.success) throw this.notWorkbench(reply);
    return parsed.data as { ok: true; result: unknown } | { ok: false; error: ErrorPayload };
  }

  private resultOf(reply: HttpReply): unknown {
    const outcome = this.outcome(reply);
    if (!outcome.ok) throw ContractError.from(outcome.error);
    return outcome.result;
  }

  private notWorkbench(reply: HttpReply): ContractError {
    const type = String(reply.headers['content-type'] ?? 'no content type').split(';')[0];
    return new ContractError(
      'failed',
      `${this.address} did not answer as a workbench team server (HTTP ${reply.status}, ${type})`,
    );
  }

  private ended(): void {
    if (!this.current) return;
    this.forget();
    for (const listener of this.endedListeners) listener();
  }

  private forget(): void {
    this.cookie = '';
    this.csrf = '';
    this.current = null;
  }
}
