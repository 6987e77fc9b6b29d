// The format a file's first record says it is, for names that cannot tell (.json and .jsonl are read by five codecs):
// the keys of the first JSON record, or CoNLL's token-and-tag lines. Undefined when the content does not decide.
import type { FormatId } from './codec.js';

/** How much of a file's start sniffing needs (a record longer than this is guessed from the name alone). */
export const SNIFF_CHARS = 64 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The format of one parsed JSON record, by the keys only that format writes. */
function recordFormat(record: unknown): FormatId | undefined {
  if (!isObject(record)) return undefined;
  if (Array.isArray(record.words) && Array.isArray(record.tags)) return 'phoner';
  if (
    isObject(record.data) &&
    ('annotations' in record || 'predictions' in record || 'id' in record || Object.keys(record).length === 1)
  )
    return 'label-studio';
  if (typeof record.instruction === 'string' || Array.isArray(record.messages)) return 'instruction';
  // doccano: `text` with spans as `label: [[start, end, "L"], ...]` (sequence labelling) or `entities: [{start_offset, ...}]`.
  if (typeof record.text === 'string') {
    const spans = record.label ?? record.labels;
    if (
      Array.isArray(spans) &&
      spans.every((s) => Array.isArray(s) && typeof s[0] === 'number' && typeof s[1] === 'number')
    )
      return 'doccano';
    if (
      Array.isArray(record.entities) &&
      record.entities.every((e) => isObject(e) && 'start_offset' in e && 'end_offset' in e)
    )
      return 'doccano';
    // A bare {"text": ...} line (doccano's import shape before labelling) is doccano too.
    if (
      !('label' in record) &&
      !('entities' in record) &&
      Object.keys(record).every((k) => ['id', 'text', 'meta', 'Comments', 'relations'].includes(k))
    )
      return 'doccano';
  }
  return undefined;
}

/** The first line of `head` that is not blank; a last line cut off by the sample's end does not count. */
function firstLine(head: string): string | undefined {
  const lines = head.split('\n');
  if (head.length >= SNIFF_CHARS) lines.pop();
  return lines.map((l) => l.trim()).find((l) => l !== '');
}

/** The format `head` (a file's first characters) shows, or undefined when it does not decide. */
export function sniffFormat(head: string): FormatId | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    // A JSON array (Label Studio's export, or PhoNER's .json): judged by its first element, when it is all here.
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return Array.isArray(parsed) && parsed.length > 0 ? recordFormat(parsed[0]) : undefined;
    } catch {
      return undefined;
    }
  }
  const line = firstLine(text);
  if (line === undefined) return undefined;
  if (line.startsWith('{')) {
    try {
      return recordFormat(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  // CoNLL: every line of the first sentence is "token<TAB or space>...<TAG>" with a BIO tag last.
  const sentence = text
    .split(/\r?\n\s*\r?\n/)[0]
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('-DOCSTART-'));
  if (sentence.length > 0 && sentence.every((l) => /^\S+(?:[\t ]+\S+)*[\t ]+(?:O|[BIES]-\S+)$/.test(l.trim())))
    return 'conll';
  return undefined;
}
