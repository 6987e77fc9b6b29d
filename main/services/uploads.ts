// Files a host received for an import before the call that imports them: the browser host writes a large import's
// bytes here off the event loop (hosts/web/import-body.ts), and the import takes the file by its id.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ContractError } from '../../core/contract/errors.js';
import { UPLOAD_ID } from '../../core/contract/schemas.js';

const STALE_MS = 60 * 60 * 1000;

export class Uploads {
  constructor(readonly dir: string) {}

  /** A fresh id and the path its bytes go to. */
  create(): { id: string; path: string } {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(16).toString('hex');
    return { id, path: join(this.dir, id) };
  }

  /** Moves the upload to `destination` (it is consumed: an id imports once). */
  take(id: string, destination: string): void {
    if (!UPLOAD_ID.test(id)) throw new ContractError('invalid', 'not an upload id', 'upload');
    try {
      renameSync(join(this.dir, id), destination);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new ContractError('not-found', 'no such upload (it was imported already, or never arrived)', 'upload');
      throw error;
    }
  }

  /** Removes an upload that will not be imported (a refused call). */
  discard(id: string): void {
    rmSync(join(this.dir, id), { force: true });
  }

  /** Removes uploads left by a process that stopped between receiving and importing them. By age, not all at
   * start: another process (a CLI command) may open the same data folder while a server is receiving one. */
  sweep(now = Date.now()): void {
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      return; // no uploads yet
    }
    for (const name of names) {
      const stat = statSync(join(this.dir, name), { throwIfNoEntry: false });
      if (stat && now - stat.mtimeMs > STALE_MS) rmSync(join(this.dir, name), { force: true });
    }
  }
}
