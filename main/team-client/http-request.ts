// One HTTP(S) request from the desktop app's main process to a team server. TLS is always verified (against the
// system's roots, or only against the CA file the user chose for a self-signed server); network and certificate
// failures become ContractErrors a person can act on, naming the server and the reason.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ContractError } from '../../core/contract/errors.js';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** PEM of the CA that signed a self-signed server's certificate; absent: the system's trusted roots. */
  ca?: string | Buffer;
  /** Refuse an answer larger than this (a hostile or broken server cannot fill main's memory). */
  maxBytes?: number;
  /** No answer after this long: the server is unreachable. */
  timeoutMs?: number;
}

// A documents.get of the largest importable document, with its revisions, fits well under this.
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

// Node's codes for a certificate the client does not trust; the user's remedy is the CA file (or a right name).
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error for a request that got no HTTP answer at all. */
export function networkError(url: URL, error: NodeJS.ErrnoException): ContractError {
  const code = error.code ?? '';
  const where = url.origin;
  if (TLS_CODES.has(code)) {
    const why =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `its certificate is not made out to ${url.hostname}`
        : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
          ? 'its certificate is outside its validity dates'
          : 'its certificate is not signed by a trusted authority (for a self-signed server, choose its CA certificate file)';
    return new ContractError('failed', `the team server ${where} is not trusted: ${why} [${code}]`, undefined, {
      reason: 'tls',
      tlsCode: code,
    });
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'nothing answers at that address and port',
    ENOTFOUND: 'no such host name',
    EAI_AGAIN: 'the host name could not be looked up',
    ETIMEDOUT: 'it did not answer in time',
    ECONNRESET: 'the connection was cut',
    EPROTO: 'it does not speak TLS on that port (try http:// for a loopback server, or check the port)',
  };
  return new ContractError(
    'failed',
    `cannot reach the team server ${where}: ${reasons[code] ?? error.message}${code ? ` [${code}]` : ''}`,
    undefined,
    { reason: 'network', ...(code ? { networkCode: code } : {}) },
  );
}

/** Sends one request; resolves with any HTTP answer (the caller reads its status), rejects only without one. */
export function httpSend(url: URL, options: HttpRequest): Promise<HttpReply> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...options.headers,
    ...(body ? { 'Content-Length': String(body.length) } : {}),
  };
  return new Promise((resolve, reject) => {
    const onReply = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          reject(new ContractError('failed', `the team server ${url.origin} sent more than ${maxBytes} bytes`));
        } else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error) => reject(networkError(url, error)));
    };
    const common = { method: options.method, headers, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    const req =
      url.protocol === 'https:'
        ? // rejectUnauthorized is Node's default; said here because it is the point: never an unverified server.
          httpsRequest(url, { ...common, ca: options.ca, rejectUnauthorized: true }, onReply)
        : httpRequest(url, common, onReply);
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => reject(networkError(url, error)));
    req.end(body);
  });
}

/**
 * Opens a long-lived GET (the event stream): resolves with the response once its head arrives, whatever its status.
 * `idleMs`: the connection counts as dead after this long without a byte (the server sends a keep-alive every 15 s).
 */
export function httpStream(
  url: URL,
  options: { headers?: Record<string, string>; ca?: string | Buffer; idleMs: number },
): { response: Promise<IncomingMessage>; abort(): void } {
  const common = {
    method: 'GET',
    headers: { Accept: 'text/event-stream', ...options.headers },
    timeout: options.idleMs,
  };
  let req: ReturnType<typeof httpRequest>;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req =
      url.protocol === 'https:'
        ? httpsRequest(url, { ...common, ca: options.ca, rejectUnauthorized: true }, resolve)
        : httpRequest(url, common, resolve);
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => reject(networkError(url, error)));
    req.end();
  });
  return { response, abort: () => req.destroy() };
}
