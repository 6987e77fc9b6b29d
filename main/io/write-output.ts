// Writes an export. Everything goes to a temporary file or folder beside the destination and is renamed into place
// only when the whole stream has been written, so a failed export never leaves half a file behind.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { EncodedPart } from '../../core/codecs/codec.js';

export interface WriteResult {
  /** Files written. */
  files: number;
  /** UTF-8 bytes written. */
  bytes: number;
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

async function writeSingle(dest: string, parts: AsyncIterable<EncodedPart>): Promise<WriteResult> {
  const temp = tempName(dest);
  const file = await BufferedFile.open(temp, false);
  try {
    for await (const part of parts) {
      if (part.path !== undefined) throw new Error(`a single-file format produced a part for "${part.path}"`);
      await file.write(part.text);
    }
    await file.close();
    await rename(temp, dest);
    return { files: 1, bytes: file.bytes };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

async function writeFolder(dest: string, parts: AsyncIterable<EncodedPart>): Promise<WriteResult> {
  if (existsSync(dest) && !statSync(dest).isDirectory()) throw new Error(`${dest} exists and is not a folder`);
  const temp = tempName(dest);
  await mkdir(temp);
  const seen = new Set<string>();
  const folders = new Set<string>([temp]);
  let current: { path: string; file: BufferedFile } | undefined;
  let bytes = 0;
  const closeCurrent = async () => {
    if (!current) return;
    await current.file.close();
    bytes += current.file.bytes;
    current = undefined;
  };
  try {
    for await (const part of parts) {
      if (part.path === undefined) {
        if (part.text === '') continue;
        throw new Error('a multi-file format produced text without a file path');
      }
      const relative = safeRelative(part.path);
      if (current?.path !== relative) {
        await closeCurrent();
        const full = join(temp, relative);
        const folder = dirname(full);
        if (!folders.has(folder)) {
          await mkdir(folder, { recursive: true });
          folders.add(folder);
        }
        // A path seen before (not the one just written) is continued rather than truncated.
        current = { path: relative, file: await BufferedFile.open(full, seen.has(relative)) };
        seen.add(relative);
      }
      await current.file.write(part.text);
    }
    await closeCurrent();
    await replaceFolder(temp, dest);
    return { files: seen.size, bytes };
  } catch (error) {
    await current?.file.close().catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Moves `temp` to `dest`; an existing `dest` folder is moved aside first and removed after the swap. */
async function replaceFolder(temp: string, dest: string): Promise<void> {
  if (!existsSync(dest)) return rename(temp, dest);
  const old = tempName(`${dest}.old`);
  await rename(dest, old);
  await rename(temp, dest);
  await rm(old, { recursive: true, force: true });
}

/** Writes `parts` to the file `dest`, or for a multi-file format into the folder `dest`, atomically. */
export async function writeOutput(dest: string, parts: AsyncIterable<EncodedPart>, options: { multiFile: boolean }): Promise<WriteResult> {
  return options.multiFile ? writeFolder(dest, parts) : writeSingle(dest, parts);
}
