// Where an export may go. A destination typed by a person is resolved the way they read it (`~` is their home, a
// relative path is relative to a stated base, not to whatever folder the server was started in), and the places
// whose loss would lose the workbench itself (its data folder, its database and the database's journal files) are
// refused whatever the call says.
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ContractError } from '../../core/contract/errors.js';

/** `~` and `~/x` -> the home folder (os.homedir()); any other relative path -> against `base`. Absolute result. */
export function resolveDestination(input: string, base: string, home: string = homedir()): string {
  const tilde = /^~(?=$|[\\/])/u;
  if (tilde.test(input)) return resolve(home, `.${input.slice(1)}`);
  return resolve(base, input);
}

/** True when the typed destination ends with a path separator: a folder, even one that does not exist yet. */
export function namesFolder(input: string): boolean {
  return /[\\/]$/u.test(input);
}

/** File systems that ignore case by default: compare paths case-insensitively there. */
const foldCase = process.platform === 'darwin' || process.platform === 'win32';
const key = (path: string) => (foldCase ? path.toLowerCase() : path);

/**
 * The path with symbolic links resolved as far as it exists (the rest appended), so `~/link-to-data/x` and
 * `data/../data/x` are recognised as the data folder.
 */
export function canonicalPath(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  let at = absolute;
  for (;;) {
    try {
      return join(realpathSync.native(at), ...rest.reverse());
    } catch {
      const parent = dirname(at);
      if (parent === at) return absolute;
      rest.push(basename(at));
      at = parent;
    }
  }
}

const inside = (path: string, folder: string) =>
  path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

export interface ProtectedPlaces {
  /** The workbench data folder: refused, and everything in it except its exports/ subfolder. */
  dataDir?: string;
  /** The database file: refused, with its -wal, -shm and -journal files. */
  dbPath?: string;
}

/** A check that throws ContractError('invalid') for a path the export must not write. */
export type DestinationGuard = (path: string) => void;

/** The guard for the given data folder and database (either may be absent: the CLI may have no data folder). */
export function destinationGuard(places: ProtectedPlaces): DestinationGuard {
  const dataDir = places.dataDir === undefined ? undefined : canonicalPath(places.dataDir);
  const exportsDir = dataDir === undefined ? undefined : canonicalPath(join(dataDir, 'exports'));
  const db =
    places.dbPath === undefined || places.dbPath === '' || places.dbPath === ':memory:'
      ? undefined
      : canonicalPath(places.dbPath);
  const dbFiles = db === undefined ? [] : [db, `${db}-wal`, `${db}-shm`, `${db}-journal`].map(key);
  return (path) => {
    const target = canonicalPath(path);
    if (dbFiles.includes(key(target))) {
      throw new ContractError(
        'invalid',
        `cannot export to ${path}: it is the workbench's database (${db}); choose another file`,
        'destination',
      );
    }
    if (
      dataDir !== undefined &&
      exportsDir !== undefined &&
      inside(key(target), key(dataDir)) &&
      !inside(key(target), key(exportsDir))
    ) {
      throw new ContractError(
        'invalid',
        `cannot export to ${path}: it is ${key(target) === key(dataDir) ? '' : 'inside '}the workbench's data folder ${dataDir}; ` +
          `choose another place (or its exports folder, ${exportsDir})`,
        'destination',
      );
    }
  };
}

/** `<project>-<scope>-<stamp>`: the name an export gets inside a folder, safe on every file system. */
export function exportBaseName(project: string, scope: string, at: Date = new Date()): string {
  const safe = project.replace(/[^\p{L}\p{N}_-]+/gu, '_');
  return `${safe}-${scope}-${at.toISOString().replace(/[:.]/g, '-')}`;
}
