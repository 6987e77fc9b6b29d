// Writes an export. Everything goes to a temporary file or folder first and is renamed into place only when the
// whole stream has been written, so a failed export never leaves half a file behind. Nothing but our own temporary
// files is ever deleted: an existing file is replaced only when the call says `overwrite` (by one rename), and an
// existing folder is never removed, only written into (same-named files replaced one by one, everything else kept).
import { randomBytes } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { EncodedPart } from '../../core/codecs/codec.js';
import { ContractError, type ErrorCode } from '../../core/contract/errors.js';

export interface WriteOptions {
  /** Decides file or folder only for an export with no parts at all; otherwise the first part decides. */
  multiFile: boolean;
  /** Replace an existing file, or write into a non-empty folder (same-named files replaced, the rest kept). */
  overwrite?: boolean;
  /** The name (with extension) a one-file output gets when the destination is a folder; without it that is refused. */
  fileName?: string;
  /** The destination is a folder even when it does not exist yet (typed with a trailing separator). */
  folder?: boolean;
  /** A multi-file output goes into a new subfolder of this name inside the destination (the default exports folder). */
  subfolder?: string;
  /** Throws for a path that must never be written (the data folder, the database); asked for every file placed. */
  guard?: (path: string) => void;
}

export interface WriteResult {
  /** Files written. */
  files: number;
  /** UTF-8 bytes written. */
  bytes: number;
  /** The path written: the file, or the folder that holds the files. */
  path: string;
}

const FLUSH_AT = 1 << 20;

/** Appends text to one file at a time, in large writes. */
class BufferedFile {
  private pending: string[] = [];
  private size = 0;
  bytes = 0;
  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string, append: boolean): Promise<BufferedFile> {
    return new BufferedFile(await open(path, append ? 'a' : 'wx'));
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.size = 0;
    this.bytes += buffer.length;
    await this.handle.write(buffer);
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
}

function tempName(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Refuses part paths that would escape the export folder. */
function safeRelative(path: string): string {
  const clean = normalize(path);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`) || clean === '.') {
    throw new Error(`export part path "${path}" must stay inside the export folder`);
  }
  return clean;
}

/** Stats of `path` (following links), undefined when nothing is there. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const destinationError = (code: ErrorCode, message: string, detail?: Record<string, string | number>) =>
  new ContractError(code, message, 'destination', detail);

/** The refusal for something already at `path`, saying what it is (the UI names it when it asks). */
function existing(path: string, stats: Stats): ContractError {
  if (stats.isDirectory()) {
    const entries = readdirSync(path).length;
    return destinationError(
      'conflict',
      `${path} is a folder that already holds ${entries} ${entries === 1 ? 'entry' : 'entries'}; the export would write its files ` +
        'into it (replacing files of the same name, keeping the rest) and does so only when asked to overwrite',
      { path, kind: 'folder', entries },
    );
  }
  return destinationError(
    'conflict',
    `${path} already exists (a file of ${stats.size} bytes); it is replaced only when the export is asked to overwrite`,
    {
      path,
      kind: 'file',
      bytes: stats.size,
    },
  );
}

/**
 * Moves a finished temporary file to `path`. With overwrite, one rename (atomic: readers see the old file or the new
 * one). Without, a hard link, which fails rather than replace a file that appeared meanwhile; where the file system
 * has no hard links, a rename after a last look.
 */
function place(temp: string, path: string, overwrite: boolean): void {
  if (overwrite) return renameSync(temp, path);
  try {
    linkSync(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw existing(path, statSync(path));
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV')
      throw error;
    const stats = statOf(path);
    if (stats) throw existing(path, stats);
    return renameSync(temp, path);
  }
  unlinkSync(temp);
}

async function writeSingle(
  dest: string,
  parts: AsyncIterable<EncodedPart>,
  options: WriteOptions,
): Promise<WriteResult> {
  let path = dest;
  let stats = statOf(dest);
  if (options.folder && stats && !stats.isDirectory())
    throw destinationError('invalid', `${dest} is a file, not a folder`);
  if (stats?.isDirectory() || options.folder) {
    if (options.fileName === undefined)
      throw destinationError('invalid', `${dest} is a folder; this export writes one file, so name the file`);
    path = join(dest, options.fileName);
    stats = statOf(path);
  }
  options.guard?.(path);
  if (stats) {
    if (stats.isDirectory())
      throw destinationError('invalid', `${path} is a folder; this export writes one file, so name a file`);
    if (!stats.isFile()) throw destinationError('invalid', `${path} exists and is not a regular file`);
    if (!options.overwrite) throw existing(path, stats);
  }
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempName(path);
  const file = await BufferedFile.open(temp, false);
  try {
    for await (const part of parts) {
      if (part.path !== undefined) throw new Error(`an export mixed text for one file with a part for "${part.path}"`);
      await file.write(part.text);
    }
    await file.close();
    place(temp, path, options.overwrite ?? false);
    return { files: 1, bytes: file.bytes, path };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes many small files (brat: two per document). Synchronous writes measured two to three times faster than
 * libuv's thread pool for tens of thousands of tiny files; yielding every YIELD_EVERY files keeps the event loop
 * responsive all the same. A path written again later is appended to, never truncated.
 */
class FolderWriter {
  private readonly written = new Set<string>();
  private readonly folders = new Set<string>();
  private sinceYield = 0;
  bytes = 0;

  constructor(private readonly root: string) {}

  get files(): number {
    return this.written.size;
  }

  /** The relative paths written, in order. */
  get paths(): Iterable<string> {
    return this.written;
  }

  async write(relative: string, text: string): Promise<void> {
    const full = join(this.root, relative);
    const folder = dirname(full);
    if (!this.folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    const buffer = Buffer.from(text, 'utf8');
    writeFileSync(full, buffer, { flag: this.written.has(relative) ? 'a' : 'wx' });
    this.written.add(relative);
    this.bytes += buffer.length;
    if (++this.sinceYield >= YIELD_EVERY) {
      this.sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const YIELD_EVERY = 256;

async function writeFolder(
  dest: string,
  parts: AsyncIterable<EncodedPart>,
  options: WriteOptions,
): Promise<WriteResult> {
  const root = options.subfolder === undefined ? dest : join(dest, options.subfolder);
  const stats = statOf(root);
  options.guard?.(root);
  if (stats && !stats.isDirectory())
    throw destinationError('invalid', `${root} is a file; this export writes a folder of files, so name a folder`);
  if (stats && readdirSync(root).length > 0 && !options.overwrite) throw existing(root, stats);
  // A new folder is built beside its place and renamed in whole; an existing one gets the files moved in one by one.
  if (!stats) mkdirSync(dirname(root), { recursive: true });
  const temp = stats ? join(root, `.export.tmp-${process.pid}-${randomBytes(4).toString('hex')}`) : tempName(root);
  mkdirSync(temp);
  const writer = new FolderWriter(temp);
  let pending: { path: string; texts: string[]; size: number } | undefined;
  const flush = async () => {
    if (pending) await writer.write(pending.path, pending.texts.join(''));
    pending = undefined;
  };
  try {
    for await (const part of parts) {
      if (part.path === undefined) {
        if (part.text === '') continue;
        throw new Error('an export mixed parts for files in a folder with text for one file');
      }
      const relative = safeRelative(part.path);
      if (pending?.path !== relative) await flush();
      pending ??= { path: relative, texts: [], size: 0 };
      pending.texts.push(part.text);
      pending.size += part.text.length;
      if (pending.size >= FLUSH_AT) await flush();
    }
    await flush();
    if (stats) await moveInto(temp, root, [...writer.paths], options);
    else renameNew(temp, root);
    return { files: writer.files, bytes: writer.bytes, path: root };
  } catch (error) {
    // Only our own temporary folder: what it still holds was never placed.
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Renames the finished temporary folder to `root`, refusing if a folder with content appeared there meanwhile. */
function renameNew(temp: string, root: string): void {
  try {
    renameSync(temp, root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const stats = statOf(root);
    if ((code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') && stats) throw existing(root, stats);
    throw error;
  }
}

/**
 * Moves each written file from `temp` into the existing folder `root`: every target is checked before the first
 * move, so a refusal leaves the folder as it was; then each file is placed by one rename (replacing a same-named
 * file only with overwrite). Nothing else in `root` is touched.
 */
async function moveInto(
  temp: string,
  root: string,
  relatives: readonly string[],
  options: WriteOptions,
): Promise<void> {
  const overwrite = options.overwrite ?? false;
  for (const relative of relatives) {
    const target = join(root, relative);
    options.guard?.(target);
    const stats = statOf(target);
    if (stats?.isDirectory())
      throw destinationError('invalid', `cannot write ${target}: a folder of that name is in the way`);
    if (stats && !stats.isFile())
      throw destinationError('invalid', `cannot write ${target}: it exists and is not a regular file`);
    if (stats && !overwrite) throw existing(target, stats);
  }
  let sinceYield = 0;
  for (const relative of relatives) {
    const target = join(root, relative);
    mkdirSync(dirname(target), { recursive: true });
    place(join(temp, relative), target, overwrite);
    if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  rmSync(temp, { recursive: true, force: true });
}

/** The parts again, with the first one put back in front. */
async function* prepend(
  first: IteratorResult<EncodedPart>,
  rest: AsyncIterator<EncodedPart>,
): AsyncGenerator<EncodedPart> {
  if (first.done) return;
  yield first.value;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Why a file-system error stopped an export, in words, and whether retrying with overwrite could help. */
const FS_REASONS: Record<string, [ErrorCode, string]> = {
  ENOTDIR: ['invalid', 'a part of the path is a file, not a folder'],
  EISDIR: ['invalid', 'a folder is where a file would go'],
  EACCES: ['invalid', 'permission denied'],
  EPERM: ['invalid', 'permission denied'],
  EROFS: ['invalid', 'the file system is read-only'],
  ENOENT: ['invalid', 'a folder on the path does not exist'],
  EEXIST: ['conflict', 'something already exists there'],
  ENOTEMPTY: ['conflict', 'a folder that is not empty is in the way'],
  ENAMETOOLONG: ['invalid', 'the name is too long'],
  ELOOP: ['invalid', 'too many symbolic links on the path'],
  EINVAL: ['invalid', 'the name is not valid on this file system'],
  ENOSPC: ['failed', 'the disk is full'],
  EDQUOT: ['failed', 'the disk quota is used up'],
};

/** File-system errors as a ContractError naming the destination (never a raw 500); anything else unchanged. */
function refusal(error: unknown, dest: string): unknown {
  if (error instanceof ContractError) return error;
  const { code, path } = error as NodeJS.ErrnoException;
  const reason = code === undefined ? undefined : FS_REASONS[code];
  if (!reason) return error;
  const where = path !== undefined && path !== dest ? ` (${code} at ${path})` : ` (${code})`;
  return destinationError(reason[0], `cannot write the export to ${dest}: ${reason[1]}${where}`);
}

/**
 * Writes `parts` atomically: to a file when they carry no paths, else into a folder. The first part decides, since
 * one codec can do either by variant (text: `lines` is one file, `file` a file per document); `multiFile` decides
 * only for an export with no parts at all. A one-file output aimed at a folder becomes `options.fileName` inside
 * it. Existing files and non-empty folders are refused unless `options.overwrite`; nothing is ever deleted.
 * File-system failures come back as ContractError (`invalid`, or `conflict` when something is in the way).
 */
export async function writeOutput(
  dest: string,
  parts: AsyncIterable<EncodedPart>,
  options: WriteOptions,
): Promise<WriteResult> {
  try {
    const iterator = parts[Symbol.asyncIterator]();
    const first = await iterator.next();
    const folder = first.done ? options.multiFile : first.value.path !== undefined;
    const all = prepend(first, iterator);
    return await (folder ? writeFolder(dest, all, options) : writeSingle(dest, all, options));
  } catch (error) {
    throw refusal(error, dest);
  }
}
