// What the caller's role lets them do, from the contract's one table (core/contract/roles.ts): the UI disables what
// the server would refuse and says why, on hover (title) and to screen readers (aria-description). The local user
// (the desktop app on its own data, the single-user browser host) may do everything, as before team mode.
import type { MethodName } from '../../../core/contract/channels.js';
import { METHOD_ROLES, roleAllows, type Role } from '../../../core/contract/roles.js';
import { i18n } from '../lib/i18n.svelte.js';
import { app } from './app.svelte.js';
import { session } from './session.svelte.js';

const ROLE_KEY = { annotator: 'roleAnnotator', curator: 'roleCurator', admin: 'roleAdmin' } as const;

/** The attributes that explain a refused control (spread onto it); empty when the control is allowed. */
export type Explanation = { title?: string; 'aria-description'?: string; 'data-needs-role'?: Role };

class Permissions {
  /** The team member's role (app.info is the server's word; the session answers until it has loaded); null: local. */
  get role(): Role | null {
    return app.info?.user?.role ?? session.user?.role ?? null;
  }

  /** True when the caller may call every one of `methods`. */
  may(...methods: MethodName[]): boolean {
    const role = this.role;
    return role === null || methods.every((method) => roleAllows(role, METHOD_ROLES[method]));
  }

  /** Why the caller may not call `methods`, in the UI's language, or '' when they may. */
  why(...methods: MethodName[]): string {
    const role = this.role;
    const needed = methods.map((m) => METHOD_ROLES[m]).find((r) => role !== null && !roleAllows(role, r));
    if (role === null || needed === undefined) return '';
    return i18n.fill('needsRole', { role: i18n.t(ROLE_KEY[needed]), mine: i18n.t(ROLE_KEY[role]) });
  }

  /** The explanation's attributes for a control that calls `methods`. */
  explain(...methods: MethodName[]): Explanation {
    const why = this.why(...methods);
    if (why === '') return {};
    const needed = methods.map((m) => METHOD_ROLES[m]).find((r) => !roleAllows(this.role!, r))!;
    return { title: why, 'aria-description': why, 'data-needs-role': needed };
  }
}

export const permissions = new Permissions();
