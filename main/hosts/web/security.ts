// The browser host's gatekeeping: a per-launch token (compared in constant time), loopback-only Host headers
// (so a DNS-rebinding page cannot reach us through another name), and no cross-origin callers (no CORS at all).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ContractError } from '../../../core/contract/errors.js';

/** A fresh token for one launch: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface Gate {
  token: string;
  port(): number;
}

/** Throws `forbidden` unless the Host header names this server on loopback and any Origin is our own. */
export function checkOrigin(req: IncomingMessage, gate: Gate): void {
  const port = gate.port();
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  const host = req.headers.host ?? '';
  if (!allowedHosts.includes(host))
    throw new ContractError(
      'forbidden',
      `requests must address the workbench on loopback (got Host "${host.slice(0, 100)}")`,
    );
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin)) {
    throw new ContractError('forbidden', 'cross-origin requests are refused');
  }
}

/** Throws `unauthorized` unless the request carries this launch's token as `Authorization: Bearer <token>`. */
export function checkToken(req: IncomingMessage, gate: Gate): void {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
  if (!match)
    throw new ContractError(
      'unauthorized',
      'missing token: send Authorization: Bearer <token> (the token is in the URL the workbench printed)',
    );
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(gate.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new ContractError('unauthorized', 'wrong token');
}

/** Headers every response carries. The CSP allows only our own scripts; styles may be inline (Svelte style props). */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
