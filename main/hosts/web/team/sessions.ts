// Team sessions: a random 256-bit id in an HttpOnly cookie; the database keeps only HMAC(install secret, id), so a
// copy of the database opens no session and a cookie made by another workbench (another secret) matches nothing.
// The CSRF proof is derived from the id the same way: the page learns it from the login answer or GET /api/session
// and sends it as a header, which a cross-site form or image cannot do.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserRepository, UserRow } from '../../../../db/repositories/users.js';

export const SESSION_TTL_MS = 12 * 60 * 60_000;

export interface OpenSession {
  user: UserRow;
  csrf: string;
}

export class Sessions {
  private readonly secret: Buffer;
  private pruned = 0;

  constructor(
    private readonly users: UserRepository,
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = users.secret('session');
  }

  /** Starts a session; the id goes in the cookie and nowhere else. */
  create(userId: number, address: string | null): { id: string; csrf: string; maxAgeSeconds: number } {
    this.prune();
    const id = randomBytes(32).toString('base64url');
    this.users.addSession(this.hash(id), userId, new Date(this.now() + this.ttlMs).toISOString(), address);
    return { id, csrf: this.csrf(id), maxAgeSeconds: Math.floor(this.ttlMs / 1000) };
  }

  /** The live session with this id and its (enabled) user, or undefined. */
  find(id: string): OpenSession | undefined {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const row = this.users.session(this.hash(id));
    if (!row || Date.parse(row.expiresAt) <= this.now()) return undefined;
    const user = this.users.byId(row.userId);
    if (!user || user.disabled) return undefined;
    return { user, csrf: this.csrf(id) };
  }

  end(id: string): void {
    this.users.endSession(this.hash(id));
  }

  /** True when `given` is the CSRF proof of session `id` (constant time). */
  checkCsrf(id: string, given: string): boolean {
    const expected = Buffer.from(this.csrf(id));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  private csrf(id: string): string {
    return createHmac('sha256', this.secret).update(`csrf\0${id}`).digest('base64url');
  }

  private hash(id: string): string {
    return createHmac('sha256', this.secret).update(`session\0${id}`).digest('hex');
  }

  // Expired rows are dropped now and then (at most once a minute), not on every request.
  private prune(): void {
    if (this.now() - this.pruned < 60_000) return;
    this.pruned = this.now();
    this.users.pruneSessions(new Date(this.now()).toISOString());
  }
}
