// Who is using the app: the single local user (desktop app, token-gated browser host), or on a team server a
// logged-in member with a role. The login screen and the header's user line read this.
import type { ContractError } from '../../../core/contract/errors.js';
import type { Role } from '../../../core/contract/roles.js';
import { logIn, logOut, onLoggedOut, teamSession } from '../lib/api.js';

class SessionState {
  /** 'team' once the server said it is a team server. */
  mode = $state<'local' | 'team'>('local');
  user = $state<{ name: string; role: Role } | null>(null);
  busy = $state(false);
  /** Why the last login failed: wrong name or password, or throttled for some seconds. */
  failure = $state<
    { kind: 'wrong' } | { kind: 'throttled'; seconds: number } | { kind: 'error'; detail: string } | null
  >(null);

  /** True when the app may load (local user, or a team member logged in). */
  get ready(): boolean {
    return this.mode === 'local' || this.user !== null;
  }

  /** Asks the server which kind it is and who is logged in. */
  async probe(): Promise<void> {
    const info = await teamSession();
    if (!info) return;
    this.mode = 'team';
    this.user = info.user;
    onLoggedOut(() => (this.user = null));
  }

  async logIn(name: string, password: string): Promise<boolean> {
    this.busy = true;
    this.failure = null;
    try {
      this.user = (await logIn(name, password)).user;
      return true;
    } catch (error) {
      const e = error as ContractError;
      const seconds = Number(e.detail?.retryAfterSeconds);
      if (Number.isFinite(seconds) && seconds > 0) this.failure = { kind: 'throttled', seconds };
      else if (e.code === 'unauthorized') this.failure = { kind: 'wrong' };
      else this.failure = { kind: 'error', detail: String(e.message ?? e) };
      return false;
    } finally {
      this.busy = false;
    }
  }

  async logOut(): Promise<void> {
    try {
      await logOut();
    } finally {
      this.user = null;
    }
  }
}

export const session = new SessionState();
