// The format a file's first record says it is, for names that cannot tell (.json and .jsonl are read by five codecs):
// each candidate codec's signs (Codec.signs) are asked about the first JSON record, or the first block's lines.
// Undefined when the content does not decide.
import type { Codec, FormatId, JsonRecord } from './codec.js';

/** How much of a file's start sniffing needs (a record longer than this is guessed from the name alone). */
export const SNIFF_CHARS = 64 * 1024;

const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first candidate whose signs accept the parsed JSON value. */
function recordFormat(value: unknown, candidates: readonly Codec[]): FormatId | undefined {
  if (!isRecord(value)) return undefined;
  return candidates.find((codec) => codec.signs?.record?.(value))?.id;
}

/** The first line of `head` that is not blank; a last line cut off by the sample's end does not count. */
function firstLine(head: string): string | undefined {
  const lines = head.split('\n');
  if (head.length >= SNIFF_CHARS) lines.pop();
  return lines.map((l) => l.trim()).find((l) => l !== '');
}

/** The format `head` (a file's first characters) shows among `candidates` (in order), or undefined. */
export function sniffFormat(head: string, candidates: readonly Codec[]): FormatId | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    // A JSON array (Label Studio's export, or PhoNER's .json): judged by its first element, when it is all here.
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return Array.isArray(parsed) && parsed.length > 0 ? recordFormat(parsed[0], candidates) : undefined;
    } catch {
      return undefined;
    }
  }
  const line = firstLine(text);
  if (line === undefined) return undefined;
  if (line.startsWith('{')) {
    try {
      return recordFormat(JSON.parse(line), candidates);
    } catch {
      return undefined;
    }
  }
  const block = text
    .split(/\r?\n\s*\r?\n/)[0]
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('-DOCSTART-'));
  if (block.length === 0) return undefined;
  return candidates.find((codec) => codec.signs?.lines?.(block))?.id;
}
