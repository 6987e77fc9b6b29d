// The team gate of the browser host (issue 15): `POST /api/login` (name + password, throttled per name and per
// address), `POST /api/logout`, `GET /api/session` (who is logged in, and the CSRF proof), and for every other /api
// route the session cookie names the caller; a state-changing request (anything but GET/HEAD) must also carry the
// session's CSRF proof in the X-Workbench-CSRF header. The Host is not pinned (a team server has names we do not
// know); an Origin, when sent, must be this very server, and cookies are SameSite=Strict and host-only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ContractError } from '../../../../core/contract/errors.js';
import { CSRF_HEADER as CSRF_HEADER_NAME, type TeamSession } from '../../../../core/contract/roles.js';
import type { UserRepository } from '../../../../db/repositories/users.js';
import type { RequestGate } from '../gate.js';
import { SECURITY_HEADERS } from '../security.js';
import { cookieName, readCookie, sessionCookie } from './cookies.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { Sessions } from './sessions.js';
import { ADDRESS_POLICY, Throttle, USER_POLICY } from './throttle.js';

// Node lower-cases header names.
export const CSRF_HEADER = CSRF_HEADER_NAME.toLowerCase();
const MAX_LOGIN_BODY = 4096;

export interface TeamGateOptions {
  users: UserRepository;
  /** The server speaks TLS: cookies are Secure and `__Host-`. */
  tls: boolean;
  log?: (message: string) => void;
  /** Tests: the clock and session length. */
  now?: () => number;
  sessionTtlMs?: number;
}

type SessionInfo = TeamSession;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readLogin(req: IncomingMessage): Promise<{ name: string; password: string }> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new ContractError('invalid', 'the body must be application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_LOGIN_BODY) throw new ContractError('invalid', 'the login body is too large');
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    // Decoded whole: a multi-byte character split across chunks stays one character.
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ContractError('invalid', 'the body is not valid JSON');
  }
  const { name, password } = (body ?? {}) as Record<string, unknown>;
  if (
    typeof name !== 'string' ||
    typeof password !== 'string' ||
    name.length === 0 ||
    name.length > 64 ||
    password.length > 1024
  ) {
    throw new ContractError('invalid', 'login needs {"name": string, "password": string}');
  }
  return { name, password };
}

export function teamGate(options: TeamGateOptions): RequestGate {
  const { users, tls } = options;
  const now = options.now ?? Date.now;
  const sessions = new Sessions(users, options.sessionTtlMs, now);
  const installSalt = users.secret('password');
  const byName = new Throttle(USER_POLICY, now);
  const byAddress = new Throttle(ADDRESS_POLICY, now);
  const scheme = tls ? 'https' : 'http';
  let decoy: Promise<string> | undefined;
  const sessionId = (req: IncomingMessage) => readCookie(req.headers.cookie, cookieName(tls));

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { name, password } = await readLogin(req);
    const address = req.socket.remoteAddress ?? 'unknown';
    const nameKey = name.normalize('NFC').toLowerCase();
    const wait = Math.max(byName.waitMs(nameKey), byAddress.waitMs(address));
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      options.log?.(`login throttled for "${name.slice(0, 64)}" from ${address} (${seconds} s)`);
      return json(
        res,
        429,
        {
          ok: false,
          error: {
            code: 'unauthorized',
            message: `too many failed logins; try again in ${seconds} s`,
            detail: { retryAfterSeconds: seconds },
          },
        },
        { 'Retry-After': String(seconds) },
      );
    }
    const user = users.byName(name);
    // An unknown or disabled name costs the same scrypt as a known one: the timing does not tell which names exist.
    const ok =
      user && !user.disabled
        ? await verifyPassword(password, user.passwordHash, installSalt)
        : (await verifyPassword(password, await (decoy ??= decoyHash(installSalt)), installSalt), false);
    if (!ok || !user) {
      byName.fail(nameKey);
      byAddress.fail(address);
      return json(res, 401, { ok: false, error: { code: 'unauthorized', message: 'wrong user name or password' } });
    }
    byName.succeed(nameKey);
    const session = sessions.create(user.id, address);
    const info: SessionInfo = { team: true, user: { name: user.name, role: user.role }, csrf: session.csrf };
    json(res, 200, { ok: true, result: info }, { 'Set-Cookie': sessionCookie(tls, session.id, session.maxAgeSeconds) });
  }

  function checkCsrf(req: IncomingMessage, id: string): void {
    const given = req.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !sessions.checkCsrf(id, given)) {
      throw new ContractError(
        'forbidden',
        `a state-changing request needs this session's proof in the ${CSRF_HEADER} header`,
      );
    }
  }

  return {
    openSuffix: '',

    checkOrigin(req) {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `${scheme}://${req.headers.host ?? ''}`)
        throw new ContractError('forbidden', 'cross-origin requests are refused');
      const site = req.headers['sec-fetch-site'];
      if (typeof site === 'string' && site !== 'same-origin' && site !== 'none' && req.url?.startsWith('/api/')) {
        throw new ContractError('forbidden', 'cross-site requests are refused');
      }
    },

    async route(req, res, url) {
      if (url.pathname === '/api/login' && req.method === 'POST') {
        await login(req, res);
        return true;
      }
      if (url.pathname === '/api/logout' && req.method === 'POST') {
        const id = sessionId(req);
        const open = id === undefined ? undefined : sessions.find(id);
        if (id !== undefined && open) {
          checkCsrf(req, id);
          sessions.end(id);
        }
        json(
          res,
          200,
          { ok: true, result: { team: true, user: null } satisfies SessionInfo },
          { 'Set-Cookie': sessionCookie(tls, '', 0) },
        );
        return true;
      }
      if (url.pathname === '/api/session' && req.method === 'GET') {
        const id = sessionId(req);
        const open = id === undefined ? undefined : sessions.find(id);
        const info: SessionInfo = open
          ? { team: true, user: { name: open.user.name, role: open.user.role }, csrf: open.csrf }
          : { team: true, user: null };
        json(res, 200, { ok: true, result: info });
        return true;
      }
      return false;
    },

    identify(req) {
      const id = sessionId(req);
      const open = id === undefined ? undefined : sessions.find(id);
      if (id === undefined || !open) throw new ContractError('unauthorized', 'log in first (POST /api/login)');
      if (req.method !== 'GET' && req.method !== 'HEAD') checkCsrf(req, id);
      return { actor: open.user.name, role: open.user.role };
    },
  };
}
