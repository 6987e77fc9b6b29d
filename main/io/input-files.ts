import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Codec } from '../../core/codecs/codec.js';

/** One file to decode: where it is, and the name it is stored under as a document source. */
export interface InputFile {
  path: string;
  /** Path relative to the imported folder (posix separators), or the file's own name. */
  sourceName: string;
}

// "2.txt" before "10.txt": brat exports name files after record numbers, and import should keep their order.
const NATURAL = new Intl.Collator('en', { numeric: true });

/** Extensions of the files that start a record: brat's .ann is read beside its .txt, never on its own. */
function mainExtensions(codec: Codec): readonly string[] {
  return codec.id === 'brat' ? ['.txt'] : codec.extensions;
}

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? walk(path) : entry.isFile() ? [path] : [];
    });
}

/** The files an import of `path` reads: the file itself, or the folder's files in the codec's extensions, sorted. */
export function inputFiles(path: string, codec: Codec): InputFile[] {
  if (!statSync(path).isDirectory()) return [{ path, sourceName: path.split(sep).pop()! }];
  const wanted = mainExtensions(codec);
  return walk(path)
    .filter((file) => wanted.includes(extname(file).toLowerCase()))
    .map((file) => ({ path: file, sourceName: relative(path, file).split(sep).join('/') }))
    .sort((a, b) => NATURAL.compare(a.sourceName, b.sourceName));
}
