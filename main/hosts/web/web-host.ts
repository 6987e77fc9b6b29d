// The browser host: the same services as Electron's IPC, over HTTP on loopback. `POST /api/call/<method>` with a
// JSON body runs one contract method through the shared dispatcher; `GET /api/events` streams service events
// (server-sent events, read with fetch so the token travels in a header, never in a URL). Who may call is the
// gate's business (gate.ts): this launch's token by default, team logins over HTTPS in team mode.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ContractError } from '../../../core/contract/errors.js';
import type { WorkbenchService } from '../../services/workbench-service.js';
import type { CallContext } from '../../../core/contract/roles.js';
import { createDispatcher, httpStatus, type CallOutcome } from '../dispatch.js';
import { tokenGate, type RequestGate } from './gate.js';
import { isLoopback, newToken, SECURITY_HEADERS, type Gate } from './security.js';
import { readImportBody, WORKER_BODY_BYTES } from './import-body.js';
import { serveStatic } from './static-files.js';

export interface WebHostOptions {
  service: WorkbenchService;
  /** The built renderer. */
  staticDir: string;
  /** Interface to bind; loopback only unless `allowRemote` (not offered by the CLI). */
  host?: string;
  port?: number;
  token?: string;
  allowRemote?: boolean;
  log?: (message: string) => void;
  /** Who may call instead of the launch token (team mode); made once the port is known. */
  gate?: (port: () => number) => RequestGate;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface WebHost {
  url: string;
  /** The URL with the token in its fragment (never sent to the server, never in its logs). */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

// Import sends the file's content: the 64 MiB content limit plus JSON escaping headroom.
const MAX_BODY = 160 * 1024 * 1024;
const KEEP_ALIVE_IDLE_MS = 120_000;
const KEEPALIVE_MS = 15_000;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendOutcome(res: ServerResponse, outcome: CallOutcome): void {
  send(res, outcome.ok ? 200 : httpStatus(outcome.error.code), outcome);
}

function checkJsonType(req: IncomingMessage): void {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new ContractError('invalid', 'the body must be application/json');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  checkJsonType(req);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ContractError('invalid', `the body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ContractError('invalid', 'the body is not valid JSON');
  }
}

/** Starts the browser host; resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote)
    throw new Error(`refusing to bind ${host}: the browser host listens on loopback only`);
  const log = options.log ?? (() => {});
  let boundPort = 0;
  const gate: Gate = { token: options.token ?? newToken(), port: () => boundPort };
  const requestGate = options.gate ? options.gate(gate.port) : tokenGate(gate);
  // The gate names the caller before any body is read; the dispatcher checks that caller's role per method.
  const dispatcher = createDispatcher<CallContext | void>(options.service, (caller) => caller, log);
  const streams = new Set<ServerResponse>();

  const listener: RequestListener = async (req, res) => {
    // Over TLS, browsers are told to come back only over TLS (a team server: docs/team-mode.md).
    if (options.tls) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      requestGate.checkOrigin(req);
      if (url.pathname.startsWith('/api/')) {
        if (await requestGate.route?.(req, res, url)) return;
        const caller = requestGate.identify(req);
        if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res, caller);
        const method = /^\/api\/call\/([\w.]+)$/.exec(url.pathname)?.[1];
        if (method === undefined || req.method !== 'POST')
          throw new ContractError('not-found', `no API at ${req.method} ${url.pathname}`);
        dispatcher.authorize(caller, method); // a role too low is refused before a large body is read
        // A body without a length (chunked) may be any size: it goes to the worker too.
        if (method === 'documents.import' && !(Number(req.headers['content-length']) <= WORKER_BODY_BYTES)) {
          checkJsonType(req);
          const body = await readImportBody(req, options.service.uploads, MAX_BODY);
          try {
            return sendOutcome(res, await dispatcher.call(caller, method, body.params));
          } finally {
            if (body.upload) options.service.uploads.discard(body.upload); // gone already when the import took it
          }
        }
        const params = await readJson(req);
        return sendOutcome(res, await dispatcher.call(caller, method, params));
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ContractError('not-found', `no ${req.method} here`);
      if (!serveStatic(options.staticDir, url.pathname, res))
        throw new ContractError('not-found', `no file ${url.pathname}`);
    } catch (error) {
      const payload =
        error instanceof ContractError
          ? error.toPayload()
          : { code: 'failed' as const, message: String((error as Error).message) };
      if (!(error instanceof ContractError)) log(`request failed: ${(error as Error).stack}`);
      if (!res.headersSent) send(res, httpStatus(payload.code), { ok: false, error: payload });
      else res.end();
    }
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createServer(listener);

  function openEventStream(res: ServerResponse, caller: CallContext | void): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    // A team member's stream carries only what their role may read (event-hub.ts).
    const off = options.service.events.on(
      (event) => res.write(`data: ${JSON.stringify(event)}\n\n`),
      caller || undefined,
    );
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    res.on('close', () => {
      off();
      clearInterval(keepAlive);
      streams.delete(res);
    });
  }

  // An idle keep-alive connection is closed by the server after this long. Node's default (5 s) races a client that
  // reuses the connection just then: its request is cut off mid-body (EPIPE), a 50 MB import included.
  server.keepAliveTimeout = KEEP_ALIVE_IDLE_MS;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  boundPort = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  return {
    url: `${origin}/`,
    openUrl: `${origin}/${requestGate.openSuffix}`,
    port: boundPort,
    token: gate.token,
    async close() {
      for (const res of streams) res.end();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
