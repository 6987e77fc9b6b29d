// A lexicon written to a file and read back, frozen: how a model package carries the lexicon of the documents it was
// trained on (lexicon.json beside the graph; the manifest's `lexicon` field names it, fill.ts uses it).
import { Lexicon } from './lexicon.js';

export const LEXICON_FILE_FORMAT = 'dnw-lexicon';
export const LEXICON_FILE_VERSION = 1;

export interface LexiconFile {
  format: typeof LEXICON_FILE_FORMAT;
  formatVersion: typeof LEXICON_FILE_VERSION;
  /** [key, occurrences, {label: annotated occurrences}] per entry. */
  entries: [string, number, Record<string, number>][];
}

/** The file form of `lexicon`'s entries and counts. */
export function lexiconFile(lexicon: Lexicon): LexiconFile {
  const entries: LexiconFile['entries'] = [];
  for (const e of lexicon.entryCounts())
    if (Object.keys(e.labels).length > 0) entries.push([e.key, e.occurrences, e.labels]);
  return { format: LEXICON_FILE_FORMAT, formatVersion: LEXICON_FILE_VERSION, entries };
}

/** A frozen lexicon from a parsed lexicon file; throws an error naming `source` and the entry at fault. */
export function readLexiconFile(json: unknown, source: string): Lexicon {
  const fail = (where: string, message: string): never => {
    throw new Error(`${source}: ${where}: ${message}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('', 'must hold a JSON object');
  const file = json as Partial<LexiconFile>;
  if (file.format !== LEXICON_FILE_FORMAT) fail('format', `must be "${LEXICON_FILE_FORMAT}"`);
  if (file.formatVersion !== LEXICON_FILE_VERSION) fail('formatVersion', `must be ${LEXICON_FILE_VERSION}`);
  if (!Array.isArray(file.entries)) return fail('entries', 'must be an array');
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const rows = file.entries.map((entry: unknown, i) => {
    const where = `entries[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 3) return fail(where, 'must be [key, occurrences, {label: count}]');
    const [key, occurrences, labels] = entry as unknown[];
    if (typeof key !== 'string') fail(where, 'the key must be a string');
    if (!count(occurrences)) fail(where, 'occurrences must be a whole number >= 0');
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels))
      return fail(where, 'labels must be an object');
    for (const [label, n] of Object.entries(labels))
      if (!count(n) || (n as number) > (occurrences as number))
        fail(where, `label "${label}": its count must be a whole number between 0 and the occurrences`);
    return { key: key as string, occurrences: occurrences as number, labels: labels as Record<string, number> };
  });
  try {
    return Lexicon.fromCounts(rows);
  } catch (error) {
    return fail('entries', (error as Error).message);
  }
}
