// PhoNER_COVID19: JSON lines `{"words": [...], "tags": [...]}`, one sentence per line, flat BIO tags.
// Variant `syllable` (default) has one syllable per word; `word` joins a word's syllables with "_" ("bệnh_viện"),
// which the document text shows as spaces while doc.tokens keeps the word as one token.
import { BioTagError, decodeBio, encodeBio, nestingLevels, type TokenSpan } from '../bio.js';
import { compareEntities, type Doc, type Entity, type Range } from '../document.js';
import type { Issue } from '../issues.js';
import { codePointLength } from '../offsets.js';
import { jsonDepthProblem } from '../json-depth.js';
import { DEFAULT_MAX_RECORD_CHARS, linesOf, recordTooLong } from '../source.js';
import { pythonJson } from './python-json.js';
import {
  chosenVariant,
  scoredAreSuggestions,
  unknownVariant,
  type Codec,
  type CodecInput,
  type DecodeEvent,
  type DecodeOptions,
  type EncodedPart,
  type EncodeOptions,
} from './codec.js';
import { malformedTags, tokensOf, viewOnTokens, type EntityTokenSpan } from './token-spans.js';

const VARIANTS = ['syllable', 'word'] as const;
type Variant = (typeof VARIANTS)[number];
// An underscore between two syllables of a word; "_" alone or doubled is kept as written.
const SYLLABLE_JOINER = /(?<=[^_\s])_(?=[^_\s])/gu;
const LINE_BREAK = /[\r\n]/u;

const variantOf = (options: { variant?: string } | undefined) => chosenVariant(options, VARIANTS, 'syllable');

/** PhoNER_COVID19 JSON lines, syllable or word level. */
export const phonerCodec: Codec = {
  id: 'phoner',
  title: 'PhoNER_COVID19 (JSON lines)',
  extensions: ['.jsonl', '.json'],
  multiFile: false,
  signs: {
    name: /phoner|_(?:syllable|word)\.jsonl?$/u,
    record: (record) => Array.isArray(record.words) && Array.isArray(record.tags),
  },
  // Every sentence was labelled: one with no entity says "nothing here".
  carried: scoredAreSuggestions(true),
  rawTags: phonerTags,
  decode: decodePhoner,
  encode: encodePhoner,
};

// The `tags` of every line as written (the decoder repairs a stray I-X; evaluation must not).
async function phonerTags(input: CodecInput): Promise<string[][]> {
  const sequences: string[][] = [];
  for await (const { text } of linesOf(input.source.chunks())) {
    if (text.trim() === '') continue;
    sequences.push((JSON.parse(text) as { tags: string[] }).tags);
  }
  return sequences;
}

async function* decodePhoner(input: CodecInput, options?: DecodeOptions): AsyncIterable<DecodeEvent> {
  const file = input.source.name;
  const variant = variantOf(options);
  if (!variant) {
    yield issue({
      severity: 'error',
      file,
      message: unknownVariant('PhoNER', options?.variant, VARIANTS),
    });
    return;
  }
  let records = 0;
  for await (const { line, text, tooLong } of linesOf(input.source.chunks(), options?.maxRecordChars)) {
    if (tooLong) {
      records++;
      yield issue(recordTooLong(file, line, options?.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS));
      continue;
    }
    if (text.trim() === '') continue;
    if (records === 0 && text.trimStart().startsWith('[')) {
      // A pretty-printed JSON array would otherwise give one error per line of the file.
      yield issue({
        severity: 'error',
        file,
        line,
        message: 'this looks like a JSON array; PhoNER files are JSON lines (one {"words", "tags"} object per line)',
      });
      return;
    }
    records++;
    yield* decodeRecord(file, line, text, variant);
  }
  if (records === 0) yield issue({ severity: 'warning', file, message: 'no documents' });
}

function* decodeRecord(file: string, line: number, json: string, variant: Variant): Iterable<DecodeEvent> {
  const errors: Issue[] = [];
  const fail = (field: string | undefined, message: string): void =>
    void errors.push({ severity: 'error', file, line, field, message });
  const tooDeep = jsonDepthProblem(json);
  if (tooDeep) {
    yield issue({ severity: 'error', file, line, message: tooDeep });
    return;
  }
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch (e) {
    yield issue({ severity: 'error', file, line, message: `malformed JSON: ${(e as Error).message}` });
    return;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    yield issue({ severity: 'error', file, line, message: 'record is not a JSON object' });
    return;
  }
  const { words, tags, ...extras } = record as Record<string, unknown>;
  const wordList = stringArray(words, 'words', fail);
  const tagList = stringArray(tags, 'tags', fail);
  wordList?.forEach((word, i) => {
    if (word.trim() === '') fail(`words[${i}]`, 'empty word');
    else if (LINE_BREAK.test(word)) fail(`words[${i}]`, 'word contains a line break');
  });
  if (wordList && tagList && wordList.length !== tagList.length)
    fail('tags', `${tagList.length} tags for ${wordList.length} words`);
  const warnings: Issue[] = [];
  let spans: TokenSpan[] = [];
  if (tagList) {
    try {
      spans = decodeBio(tagList, 'repair', (i, tag) =>
        warnings.push({
          severity: 'warning',
          file,
          line,
          field: `tags[${i}]`,
          message: `"${tag}" does not continue an entity; read as B-${tag.slice(2)}`,
        }),
      );
    } catch (e) {
      if (!(e instanceof BioTagError)) throw e;
      for (const bad of malformedTags(tagList)) fail(`tags[${bad.index}]`, bad.message);
    }
  }
  if (errors.length > 0 || !wordList) {
    for (const error of errors) yield issue(error);
    return;
  }
  for (const warning of warnings) yield issue(warning);

  const { text, tokens } = joinWords(wordList, variant);
  const entities: Entity[] = spans.map((s) => ({
    label: s.label,
    start: tokens[s.start].start,
    end: tokens[s.end - 1].end,
  }));
  // A string id names the record and is written back from the name; a number id names it and stays in meta, so it
  // is written back as a number.
  const stringId = typeof extras.id === 'string' && extras.id !== '' ? extras.id : undefined;
  if (stringId !== undefined) delete extras.id;
  const name = stringId ?? (typeof extras.id === 'number' ? String(extras.id) : String(line));
  const doc: Doc = { name, text, entities: entities.sort(compareEntities), tokens };
  if (Object.keys(extras).length > 0) doc.meta = extras;
  yield { kind: 'doc', doc, line };
}

// Checks that `value` is an array of strings; reports and returns undefined otherwise.
function stringArray(
  value: unknown,
  field: string,
  fail: (field: string, message: string) => void,
): string[] | undefined {
  if (value === undefined) return void fail(field, 'missing');
  if (!Array.isArray(value)) return void fail(field, 'is not an array');
  const bad = value.findIndex((v) => typeof v !== 'string');
  if (bad >= 0)
    return void fail(`${field}[${bad}]`, `is not a string (${JSON.stringify(value[bad]) ?? typeof value[bad]})`);
  return value as string[];
}

// Document text is the NFC words joined by single spaces; each word keeps its own token range.
function joinWords(words: readonly string[], variant: Variant): { text: string; tokens: Range[] } {
  const tokens: Range[] = [];
  const parts: string[] = [];
  let offset = 0;
  for (const word of words) {
    let part = word.normalize('NFC');
    if (variant === 'word') part = part.replace(SYLLABLE_JOINER, ' ');
    const length = codePointLength(part);
    tokens.push({ start: offset, end: offset + length });
    parts.push(part);
    offset += length + 1;
  }
  return { text: parts.join(' '), tokens };
}

async function* encodePhoner(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart> {
  const variant = variantOf(options);
  if (!variant) throw new RangeError(unknownVariant('PhoNER', options?.variant, VARIANTS));
  const report = options?.report ?? (() => {});
  let line = 0;
  for await (const doc of docs) {
    line++;
    const view = viewOnTokens(doc, tokensOf(doc, variant === 'syllable'), report, 'PhoNER');
    // nestingLevels returns the very span objects it was given, so they are still EntityTokenSpans.
    const levels = nestingLevels(view.spans) as EntityTokenSpan[][];
    reportInnerLevels(doc, levels, view.describe, report);
    const words = variant === 'word' ? view.tokenTexts.map((t) => t.replace(/\s+/gu, '_')) : view.tokenTexts;
    const record: Record<string, unknown> = { words, tags: encodeBio(levels[0] ?? [], words.length) };
    const { words: _w, tags: _t, ...extras } = doc.meta ?? {};
    if (extras.id === undefined && doc.name !== String(line)) extras.id = doc.name;
    // json.dumps layout, as the PhoNER files are written: a re-export diffs cleanly against the original.
    yield { text: `${pythonJson({ ...record, ...extras })}\n` };
  }
}

// PhoNER holds one level: every span below the outermost is dropped, and said so with the span that displaced it.
function reportInnerLevels(
  doc: Doc,
  levels: EntityTokenSpan[][],
  describe: (i: number) => string,
  report: (issue: Issue) => void,
): void {
  const outer = levels[0] ?? [];
  for (const span of levels.slice(1).flat()) {
    // The outer spans are disjoint and sorted: the first one ending after span.start is the one it overlaps.
    let lo = 0;
    let hi = outer.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (outer[mid].end <= span.start) lo = mid + 1;
      else hi = mid;
    }
    const container = outer[lo];
    const how = container.start <= span.start && span.end <= container.end ? 'nested in' : 'crossing';
    report({
      severity: 'warning',
      file: doc.name,
      field: `entities[${span.entity}]`,
      message: `PhoNER holds one level of entities: dropped ${describe(span.entity)}, ${how} ${describe(container.entity)}`,
    });
  }
}

function issue(value: Issue): DecodeEvent {
  return { kind: 'issue', issue: value };
}
