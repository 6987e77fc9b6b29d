import { randomBytes } from 'node:crypto';
import type { Db } from '../open-database.js';

export type UserRole = 'annotator' | 'curator' | 'admin';

export interface UserRow {
  id: number;
  name: string;
  role: UserRole;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
  passwordSetAt: string;
}

export interface SessionRow {
  userId: number;
  expiresAt: string;
}

type RawUser = Omit<UserRow, 'disabled'> & { disabled: number };
const USER_COLUMNS =
  'id, name, role, password_hash AS passwordHash, disabled, created_at AS createdAt, password_set_at AS passwordSetAt';
const toUser = (row: RawUser | undefined): UserRow | undefined =>
  row ? { ...row, disabled: row.disabled === 1 } : undefined;

/** Team-mode users, their sessions (by hashed id) and the install's secrets (migration 0008). */
export class UserRepository {
  constructor(private readonly db: Db) {}

  list(): UserRow[] {
    return (this.db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`).all() as RawUser[]).map((r) =>
      toUser(r)!,
    );
  }

  byName(name: string): UserRow | undefined {
    return toUser(this.db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`).get(name) as RawUser | undefined);
  }

  byId(id: number): UserRow | undefined {
    return toUser(this.db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id) as RawUser | undefined);
  }

  add(name: string, role: UserRole, passwordHash: string): UserRow {
    const id = Number(
      this.db.prepare('INSERT INTO users (name, role, password_hash) VALUES (?, ?, ?)').run(name, role, passwordHash)
        .lastInsertRowid,
    );
    return this.byId(id)!;
  }

  /** A new password ends every session of the user (a stolen cookie stops working with the old password). */
  setPassword(id: number, passwordHash: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE users SET password_hash = ?, password_set_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
        )
        .run(passwordHash, id);
      this.endSessions(id);
    })();
  }

  setRole(id: number, role: UserRole): void {
    this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, id);
  }

  /** Disabling ends the user's sessions; their revisions stay, authored by name. */
  setDisabled(id: number, disabled: boolean): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
      if (disabled) this.endSessions(id);
    })();
  }

  addSession(idHash: string, userId: number, expiresAt: string, address: string | null): void {
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, expires_at, address) VALUES (?, ?, ?, ?)')
      .run(idHash, userId, expiresAt, address);
  }

  session(idHash: string): SessionRow | undefined {
    return this.db
      .prepare('SELECT user_id AS userId, expires_at AS expiresAt FROM sessions WHERE id_hash = ?')
      .get(idHash) as SessionRow | undefined;
  }

  endSession(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  endSessions(userId: number): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  /** Drops sessions that expired before `now` (ISO time). */
  pruneSessions(now: string): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }

  /** The install's secret called `name`: made (32 random bytes) on first use and kept for the database's life. */
  secret(name: string): Buffer {
    const read = () =>
      (this.db.prepare('SELECT value FROM install_secrets WHERE name = ?').get(name) as { value: Buffer } | undefined)
        ?.value;
    const existing = read();
    if (existing) return existing;
    // Two processes may race to make it: the first insert wins and both read the winner.
    this.db.prepare('INSERT OR IGNORE INTO install_secrets (name, value) VALUES (?, ?)').run(name, randomBytes(32));
    return read()!;
  }
}
