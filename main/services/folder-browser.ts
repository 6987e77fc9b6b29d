// The export dialog's folder browser in the browser host: a page of a web app may only see folder names (and the
// names and sizes of files an export could replace) inside the user's home folder. Every path is resolved with its
// symbolic links before it is checked, so a link that points out of the home folder is neither opened nor listed.
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { ContractError } from '../../core/contract/errors.js';
import type { FolderListing } from '../../core/contract/types.js';
import { resolveDestination } from '../io/export-destination.js';

/** The most sub-folders (and, apart, files) one listing returns; a folder with more says `truncated`. */
export const FOLDER_LIST_LIMIT = 1000;

export interface ListFoldersOptions {
  /** The root nothing may leave (default: os.homedir()). */
  home?: string;
  /** File extensions (`.jsonl`) whose files are listed beside the folders. */
  extensions?: readonly string[];
}

const within = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** The real path, or a `not-found` error the user can read. */
function real(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    throw new ContractError('not-found', `${path} does not exist`, 'path');
  }
}

/** Lists the sub-folders of `path` (`~`, relative: the home folder) after checking it lies inside the home folder. */
export function listFolders(path: string | undefined, options: ListFoldersOptions = {}): FolderListing {
  const home = real(resolve(options.home ?? homedir()));
  const asked = path === undefined ? home : resolveDestination(path, home, home);
  const folder = real(asked);
  if (!within(folder, home))
    throw new ContractError('forbidden', `${asked} is outside the home folder ${home}`, 'path');
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new ContractError('invalid', `${asked} is not a folder`, 'path');
    throw new ContractError('forbidden', `${asked} cannot be read (${code ?? 'error'})`, 'path');
  }
  const extensions = new Set((options.extensions ?? []).map((e) => e.toLowerCase()));
  const folders: string[] = [];
  const files: { name: string; bytes: number }[] = [];
  let truncated = false;
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    // Hidden entries (.cache, .ssh) are not offered: nobody exports into them from a dialog.
    if (entry.name.startsWith('.')) continue;
    const full = join(folder, entry.name);
    let kind: 'folder' | 'file' | null = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : null;
    if (entry.isSymbolicLink()) {
      // A link is shown only as what it points at, and only when that is inside the home folder.
      try {
        if (!within(realpathSync.native(full), home)) continue;
        const target = statSync(full);
        kind = target.isDirectory() ? 'folder' : target.isFile() ? 'file' : null;
      } catch {
        continue; // a dangling link
      }
    }
    if (kind === 'folder') {
      if (folders.length < FOLDER_LIST_LIMIT) folders.push(entry.name);
      else truncated = true;
    } else if (kind === 'file' && extensions.has(extname(entry.name).toLowerCase())) {
      if (files.length >= FOLDER_LIST_LIMIT) {
        truncated = true;
        continue;
      }
      try {
        files.push({ name: entry.name, bytes: statSync(full).size });
      } catch {
        // gone since the listing: leave it out
      }
    }
  }
  return { path: folder, home, parent: folder === home ? null : dirname(folder), folders, files, truncated };
}
