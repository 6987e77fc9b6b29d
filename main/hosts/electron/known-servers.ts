// The team servers the desktop app has connected to (issue 15), most recent first, at most five: address, user name
// and the CA certificate file chosen for it, so the connect dialog offers them at the next launch. Never a password
// nor a session cookie (nothing here could hold one). One JSON file in the app's user data folder, written whole to
// a temporary file beside it and renamed over it, so a crash leaves the old list or the new one, never half of one.
// What is read back is checked: a corrupt or foreign file is ignored with a logged reason, and the next connect
// writes a good one. No import from 'electron': main.ts hands the path in.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { KnownServer } from '../../../core/contract/team-connection.js';

/** How many servers are kept. */
export const MAX_KNOWN_SERVERS = 5;

const httpUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((url) => {
    try {
      return ['https:', 'http:'].includes(new URL(url).protocol);
    } catch {
      return false;
    }
  }, 'not an http(s) address');
const serverSchema = z
  .object({ url: httpUrl, name: z.string().trim().min(1).max(64), caFile: z.string().min(1).max(4096).nullable() })
  .strict();
const fileSchema = z.object({ version: z.literal(1), servers: z.array(serverSchema).max(MAX_KNOWN_SERVERS) }).strict();

const sameServer = (a: Pick<KnownServer, 'url' | 'name'>, b: Pick<KnownServer, 'url' | 'name'>) =>
  a.url === b.url && a.name === b.name;

export class KnownServers {
  private servers: KnownServer[] | null = null;

  /** `file`: the list's JSON file (its folder is made when missing); `log` hears why a file was ignored. */
  constructor(
    private readonly file: string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** The servers, most recent first (read once; a missing file is an empty list). */
  list(): KnownServer[] {
    this.servers ??= this.read();
    return this.servers.map((s) => ({ ...s }));
  }

  /** True when `path` is the CA file of a remembered server (chosen through the system's dialog when it was added). */
  hasCaFile(path: string): boolean {
    return this.list().some((s) => s.caFile === path);
  }

  /** Puts `server` first (replacing the entry for the same address and user), keeps five, and writes the file. */
  remember(server: KnownServer): KnownServer[] {
    const entry = serverSchema.parse({ url: server.url, name: server.name, caFile: server.caFile });
    return this.write([entry, ...this.list().filter((s) => !sameServer(s, entry))].slice(0, MAX_KNOWN_SERVERS));
  }

  /** Drops the entry for this address and user (nothing to do when there is none). */
  forget(server: Pick<KnownServer, 'url' | 'name'>): KnownServer[] {
    const kept = this.list().filter((s) => !sameServer(s, server));
    return kept.length === this.list().length ? kept : this.write(kept);
  }

  private read(): KnownServer[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log(`known team servers: ${this.file} ignored: ${(error as Error).message}`);
      return [];
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.log(`known team servers: ${this.file} ignored: not JSON (${(error as Error).message})`);
      return [];
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.log(`known team servers: ${this.file} ignored: ${issue.path.join('.') || 'file'}: ${issue.message}`);
      return [];
    }
    return parsed.data.servers;
  }

  /** Writes the whole list to a temporary file beside the real one, flushes it and renames it over. */
  private write(servers: KnownServer[]): KnownServer[] {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = join(dirname(this.file), `.${basename(this.file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const fd = openSync(temp, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify({ version: 1, servers }, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    this.servers = servers;
    return this.list();
  }
}
