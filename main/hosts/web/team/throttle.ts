// Login throttling: after a few failures for one user name, or many from one address, further attempts wait, the
// wait doubling with each failure (capped). A throttled attempt is refused before its password is checked, so the
// answer says nothing about the password. Memory is bounded: the oldest keys are dropped past MAX_KEYS.

export interface ThrottlePolicy {
  /** Failures allowed before waits start. */
  free: number;
  /** The first wait, in ms; each further failure doubles it. */
  baseMs: number;
  maxMs: number;
  /** A key with no failure for this long starts over. */
  forgetMs: number;
}

export const USER_POLICY: ThrottlePolicy = { free: 5, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 };
// Higher for addresses: one office behind one NAT address shares it.
export const ADDRESS_POLICY: ThrottlePolicy = { free: 20, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 };
const MAX_KEYS = 10_000;

interface Entry {
  failures: number;
  last: number;
}

export class Throttle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again (0: now). */
  waitMs(key: string): number {
    const entry = this.entry(key);
    if (!entry || entry.failures < this.policy.free) return 0;
    const wait = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** (entry.failures - this.policy.free));
    return Math.max(0, entry.last + wait - this.now());
  }

  fail(key: string): void {
    const entry = this.entry(key) ?? { failures: 0, last: 0 };
    entry.failures++;
    entry.last = this.now();
    this.entries.delete(key); // re-inserted: the map's order is the eviction order
    this.entries.set(key, entry);
    if (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value!);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private entry(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.last > this.policy.forgetMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
