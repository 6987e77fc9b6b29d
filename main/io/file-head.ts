// The start of a file, for guessing its format from its first record (the CLI's paths and the browser's imports).
import { closeSync, openSync, readSync } from 'node:fs';
import { SNIFF_CHARS } from '../../core/codecs/sniff.js';

/** A file's first SNIFF_CHARS characters (about: bytes are read, a character cut at the end may be replaced). */
export function fileHead(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_CHARS * 4);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8').slice(0, SNIFF_CHARS);
  } finally {
    closeSync(fd);
  }
}
