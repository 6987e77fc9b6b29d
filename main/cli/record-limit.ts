// --max-record-mb: the longest record (line, JSON element, whole brat/text file) a decoder holds, for import and
// validate. The codecs take it as DecodeOptions.maxRecordChars; the CLI hands it in by wrapping the codec.
import type { Codec } from '../../core/codecs/codec.js';
import { withDecodeDefaults } from '../../core/codecs/codec.js';
import { DEFAULT_MAX_RECORD_CHARS } from '../../core/source.js';
import { UsageError } from './cli-support.js';

const MIB = 1024 * 1024;

export const MAX_RECORD_OPTION = { 'max-record-mb': { type: 'string' } } as const;

export const MAX_RECORD_HELP = `  --max-record-mb longest record read, in millions of characters (MiB of text; default ${DEFAULT_MAX_RECORD_CHARS / MIB}); a longer one is an error`;

/** The codec with the --max-record-mb limit (1 MB = 2^20 characters) under its decode options. */
export function withRecordLimit(codec: Codec, value: string | undefined, usage: string): Codec {
  if (value === undefined) return codec;
  const mb = Number(value);
  if (!/^\d+(\.\d+)?$/u.test(value.trim()) || !(mb > 0) || mb > 1024)
    throw new UsageError(`--max-record-mb must be a number above 0 and at most 1024, not "${value}"`, usage);
  return withDecodeDefaults(codec, { maxRecordChars: Math.floor(mb * MIB) });
}
