// Files as the codecs see them (core/source.ts): decoded text in chunks. Encoding is settled here, once:
// a UTF-8 BOM is dropped, a UTF-16 BOM switches the decoder, and invalid UTF-8 is refused with its line.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TextDecoder } from 'node:util';
import type { CodecInput } from '../../core/codecs/codec.js';
import { InputError } from '../../core/issues.js';
import type { Source } from '../../core/source.js';
import { findUtf8Fault } from './utf8-validate.js';

export interface FileSourceOptions {
  /** Bytes per read; small values let tests put chunk boundaries inside characters. */
  chunkSize?: number;
  /** The name messages show; defaults to the path. */
  name?: string;
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

function sniff(head: Uint8Array): Encoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

function readBytes(path: string, chunkSize: number): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: chunkSize });
}

async function encodingError(path: string, name: string, encoding: Encoding, chunkSize: number): Promise<InputError> {
  if (encoding !== 'utf-8') {
    return new InputError([
      {
        severity: 'error',
        file: name,
        message: `invalid ${encoding.toUpperCase()} (an unpaired surrogate); save the file as UTF-8`,
      },
    ]);
  }
  const fault = await findUtf8Fault(readBytes(path, chunkSize));
  const where = fault ? ` at byte ${fault.offset}` : '';
  return new InputError([
    {
      severity: 'error',
      file: name,
      line: fault?.line,
      message: `invalid UTF-8${where}; save the file as UTF-8 (or UTF-16 with a BOM)`,
    },
  ]);
}

/** A file as a Source: streamed, BOM-aware, strict about UTF-8 (an InputError names the file and line). */
export function fileSource(path: string, options: FileSourceOptions = {}): Source {
  const chunkSize = options.chunkSize ?? 1 << 16;
  const name = options.name ?? path;
  return {
    name,
    async *chunks() {
      let decoder: TextDecoder | undefined;
      let encoding: Encoding = 'utf-8';
      let head: Uint8Array = new Uint8Array(0);
      try {
        for await (const bytes of readBytes(path, chunkSize)) {
          let input: Uint8Array = bytes;
          if (!decoder) {
            // The BOM may straddle the first reads when chunks are tiny: wait for three bytes.
            head = concat(head, bytes);
            if (head.length < 3) continue;
            encoding = sniff(head);
            // The decoder drops the BOM itself (ignoreBOM: false) for all three encodings.
            decoder = new TextDecoder(encoding, { fatal: true });
            input = head;
          }
          const text = decoder.decode(input, { stream: true });
          if (text) yield text;
        }
        if (!decoder) {
          if (head.length === 0) return;
          encoding = sniff(head);
          decoder = new TextDecoder(encoding, { fatal: true });
          const text = decoder.decode(head, { stream: true });
          if (text) yield text;
        }
        const rest = decoder.decode();
        if (rest) yield rest;
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
          throw await encodingError(path, name, encoding, chunkSize);
        }
        throw error;
      }
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A file as a codec input: its siblings (brat's .ann beside the .txt) are opened from the same folder. */
export function fileInput(path: string, options: FileSourceOptions = {}): CodecInput {
  const folder = dirname(path);
  const shownFolder = dirname(options.name ?? path);
  return {
    source: fileSource(path, options),
    sibling(name) {
      const siblingPath = join(folder, basename(name));
      if (!existsSync(siblingPath) || !statSync(siblingPath).isFile()) return undefined;
      return fileSource(siblingPath, { chunkSize: options.chunkSize, name: join(shownFolder, basename(name)) });
    },
  };
}
