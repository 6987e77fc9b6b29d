// CoNLL: one `token TAG [TAG ...]` line per token, a blank line between sentences, `-DOCSTART-` between documents.
// Nested entities take one BIO column per nesting level: column 2 is the outermost level, column 3 the next, ...
import { BioTagError, continuesLabel, decodeBio, encodeBio, nestingLevels } from '../bio.js';
import { compareEntities, type Doc, type Entity, type Range } from '../document.js';
import type { Issue } from '../issues.js';
import { escapeLabel, unescapeLabel } from '../labels.js';
import { codePointLength } from '../offsets.js';
import { DEFAULT_MAX_RECORD_CHARS, linesOf, recordTooLong } from '../source.js';
import {
  scoredAreSuggestions,
  type Codec,
  type CodecInput,
  type DecodeEvent,
  type DecodeOptions,
  type EncodedPart,
  type EncodeOptions,
} from './codec.js';
import { malformedTags, tokensOf, viewOnTokens, type EntityTokenSpan } from './token-spans.js';

const DOCSTART = '-DOCSTART-';
const COMMENT_PREFIX = '# ';

/** A comment line kept in doc.meta.comments, with the index of the sentence it came before. */
export interface ConllComment {
  sentence: number;
  text: string;
}

/** CoNLL BIO columns, one tag column per nesting level. */
export const conllCodec: Codec = {
  id: 'conll',
  title: 'CoNLL (BIO columns)',
  extensions: ['.conll', '.bio', '.iob', '.iob2', '.tsv'],
  multiFile: false,
  // Every line of the first sentence is "token<TAB or space>...<TAG>" with a BIO (BIOES, BILOU) tag last.
  signs: { lines: (lines) => lines.every((l) => /^\S+(?:[\t ]+\S+)*[\t ]+(?:O|[BIESLU]-\S+)$/.test(l.trim())) },
  // Every sentence was labelled: one with no entity says "nothing here".
  carried: scoredAreSuggestions(true),
  rawTags: conllTags,
  decode: decodeConll,
  encode: encodeConll,
};

interface PendingDoc {
  line: number;
  sentences: string[];
  tokens: Range[];
  entities: Entity[];
  length: number; // code points of text so far
  comments: ConllComment[];
  docstart?: string;
  failed: boolean;
}

// How the file marks where entities start, learnt while reading so decoding still streams. A file is IO-tagged
// (I- tags only, as many published corpora are; or IOB1, whose B- only splits touching entities of one label) until
// its first B- tag that starts an entity after no entity of its label: an I-X that starts an entity before it is the
// scheme, not a mistake, so the file gets one warning instead of one per entity. The entities are the same either
// way (repair reads a run of I-X as one entity, as IO means); only the reporting differs.
interface TagScheme {
  /** Line of the first B- tag that follows no entity of its label (an IOB1 file writes B- only after one), once seen. */
  firstBLine?: number;
  /** I- tags that started an entity before the first B- tag. */
  ioStarts: number;
}

// Columns between the token and the tags that are no entity tags, learnt from the file's first sentence: a POS column
// (CoNLL-2003's, VLSP's), most of whose values there are not tags, and a chunk column (B-NP, I-VP: syntactic phrases
// that cover most tokens, where an entity column is mostly O). They are skipped, with one warning.
interface ColumnLayout {
  features?: number;
}

const TAG = /^(?:O|[BIESLU]-.+)$/u;
// The phrase types of CoNLL-2000 chunking and of VLSP's chunk column.
const CHUNK_TAG = /^[BIESLU]-(?:NP|VP|PP|AP|QP|ADJP|ADVP|SBAR|PRT|CONJP|INTJ|LST|UCP|WHNP|WHPP|WHADVP|WHADJP)$/u;

/** Whether a column of the sentence is no entity tags: mostly not tags (POS), or phrase chunks over most tokens. */
function isFeatureColumn(rows: readonly string[][], column: number): boolean {
  const values = rows.map((row) => row[column]);
  if (values.filter((v) => !TAG.test(v)).length * 2 > values.length) return true;
  const tagged = values.filter((v) => v !== 'O');
  return tagged.length * 2 > values.length && tagged.every((v) => CHUNK_TAG.test(v));
}

interface PendingSentence {
  columns: number;
  firstLine: number;
  lines: number[];
  rows: string[][];
  failed: boolean;
}

// Tab-separated when the line has a tab (a token may then hold spaces), else separated by runs of spaces.
function splitColumns(text: string): string[] {
  if (!text.includes('\t')) return text.trim().split(/ +/u);
  const columns = text.trimEnd().split('\t');
  for (let i = 0; i < columns.length; i++) columns[i] = columns[i].trim();
  return columns;
}

/** Each sentence's tags as written; undefined when a sentence has more than one tag column (nested, not flat). */
async function conllTags(input: CodecInput): Promise<string[][] | undefined> {
  const sequences: string[][] = [];
  let current: string[] = [];
  for await (const { text } of linesOf(input.source.chunks())) {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith(DOCSTART)) {
      if (current.length > 0) sequences.push(current);
      current = [];
      continue;
    }
    if (text.startsWith(COMMENT_PREFIX)) continue;
    const columns = splitColumns(text);
    if (columns.length !== 2) return undefined;
    current.push(columns[1]);
  }
  if (current.length > 0) sequences.push(current);
  return sequences;
}

async function* decodeConll(input: CodecInput, options?: DecodeOptions): AsyncIterable<DecodeEvent> {
  const file = input.source.name;
  const maxChars = options?.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  // Characters held for the record being read (a sentence, or a -DOCSTART- document): past maxChars the record
  // fails once and its further lines are skipped unkept, so memory stays bounded on a file without blank lines.
  let held = 0;
  let overLimit = false;
  const issues: Issue[] = []; // drained after every line, so issues come out in source order
  let docstartSeen = false;
  let doc: PendingDoc | undefined;
  let sentence: PendingSentence | undefined;
  let pendingComments: ConllComment[] = [];
  let docs = 0;
  let errors = 0;
  const scheme: TagScheme = { ioStarts: 0 };
  const layout: ColumnLayout = {};
  function* drainIssues(): Iterable<DecodeEvent> {
    for (const found of issues.splice(0)) {
      if (found.severity === 'error') errors++;
      yield { kind: 'issue', issue: found };
    }
  }

  const newDoc = (line: number): PendingDoc => ({
    line,
    sentences: [],
    tokens: [],
    entities: [],
    length: 0,
    comments: pendingComments,
    failed: false,
  });
  function* finishDoc(): Iterable<DecodeEvent> {
    const done = doc;
    doc = undefined;
    if (!done || done.failed || done.sentences.length === 0) return;
    docs++;
    const meta: Record<string, unknown> = {};
    if (done.comments.length > 0) meta.comments = done.comments;
    if (done.docstart !== undefined) meta.docstart = done.docstart;
    const result: Doc = {
      name: String(done.line),
      text: done.sentences.join('\n'),
      entities: done.entities.sort(compareEntities),
      tokens: done.tokens,
    };
    if (Object.keys(meta).length > 0) result.meta = meta;
    yield { kind: 'doc', doc: result, line: done.line };
  }
  function* finishSentence(): Iterable<DecodeEvent> {
    const done = sentence;
    sentence = undefined;
    if (!done) return;
    doc ??= newDoc(done.firstLine);
    pendingComments = [];
    if (!addSentence(doc, done, file, issues, scheme, layout)) doc.failed = true;
    yield* drainIssues();
    if (!docstartSeen) yield* finishDoc();
  }

  for await (const { line, text, tooLong } of linesOf(input.source.chunks(), maxChars)) {
    if (tooLong || (!overLimit && held + text.length > maxChars)) {
      issues.push(
        recordTooLong(
          file,
          tooLong ? line : (doc?.line ?? sentence?.firstLine ?? line),
          maxChars,
          tooLong ? 'line' : docstartSeen ? 'document' : 'sentence',
        ),
      );
      overLimit = true;
      if (sentence) sentence.failed = true;
      yield* drainIssues();
      if (tooLong) continue;
    }
    held += text.length;
    if (text.trim() === '') {
      yield* finishSentence();
      if (!docstartSeen) [held, overLimit] = [0, false];
      continue;
    }
    if (overLimit && !text.startsWith(COMMENT_PREFIX) && splitColumns(text)[0] !== DOCSTART) {
      sentence ??= { columns: splitColumns(text).length, firstLine: line, lines: [], rows: [], failed: true };
      sentence.failed = true;
      continue;
    }
    if (overLimit && text.startsWith(COMMENT_PREFIX)) continue;
    if (text.startsWith(COMMENT_PREFIX)) {
      const target = doc && docstartSeen ? doc : undefined;
      const at = target ? target.sentences.length : 0;
      (target ? target.comments : pendingComments).push({ sentence: at, text });
    } else {
      const columns = splitColumns(text);
      if (columns[0] === DOCSTART) {
        yield* finishSentence();
        yield* finishDoc();
        [held, overLimit] = [0, false];
        docstartSeen = true;
        doc = newDoc(line);
        pendingComments = [];
        if (text.trim() !== DOCSTART) doc.docstart = text.trim();
      } else {
        sentence ??= { columns: columns.length, firstLine: line, lines: [], rows: [], failed: false };
        if (columns.length !== sentence.columns) {
          const column = Math.min(columns.length, sentence.columns) + 1;
          issues.push({
            severity: 'error',
            file,
            line,
            field: `column ${column}`,
            message: `${columns.length} columns, but this sentence's first line (${sentence.firstLine}) has ${sentence.columns}`,
          });
          sentence.failed = true;
        } else if (columns[0] === '') {
          issues.push({ severity: 'error', file, line, field: 'column 1', message: 'empty token' });
          sentence.failed = true;
        } else {
          sentence.rows.push(columns);
          sentence.lines.push(line);
        }
      }
    }
    if (issues.length > 0) yield* drainIssues();
  }
  yield* finishSentence();
  yield* finishDoc();
  if (pendingComments.length > 0) {
    yield {
      kind: 'issue',
      issue: {
        severity: 'warning',
        file,
        message: `${pendingComments.length} comment line(s) after the last sentence are not kept`,
      },
    };
  }
  if (docs === 0 && errors === 0)
    yield { kind: 'issue', issue: { severity: 'warning', file, message: 'no documents' } };
}

// Appends a sentence's tokens and entities to `doc`; false (with issues) when a tag column cannot be read.
function addSentence(
  doc: PendingDoc,
  sentence: PendingSentence,
  file: string,
  issues: Issue[],
  scheme: TagScheme,
  layout: ColumnLayout,
): boolean {
  if (sentence.failed) return false;
  if (layout.features === undefined) {
    let features = 0;
    while (1 + features < sentence.columns - 1 && isFeatureColumn(sentence.rows, 1 + features)) features++;
    layout.features = features;
    if (features > 0)
      issues.push({
        severity: 'warning',
        file,
        line: sentence.firstLine,
        field: `column${features > 1 ? `s 2–${features + 1}` : ' 2'}`,
        message: `no entity tags (POS or chunk columns?): skipped; entities are read from column${sentence.columns - features > 2 ? `s ${features + 2}–${sentence.columns}` : ` ${sentence.columns}`}`,
      });
  }
  const firstTag = 1 + layout.features; // the first tag column
  if (sentence.columns <= firstTag) {
    issues.push({
      severity: 'error',
      file,
      line: sentence.firstLine,
      field: `column ${sentence.columns}`,
      message: `${sentence.columns} columns: no tag column after the file's ${firstTag} columns of tokens and features`,
    });
    return false;
  }
  if (doc.sentences.length > 0) doc.length += 1; // the "\n" between sentences
  const tokens: Range[] = [];
  const words: string[] = [];
  for (const row of sentence.rows) {
    const word = row[0].normalize('NFC');
    const length = codePointLength(word);
    tokens.push({ start: doc.length, end: doc.length + length });
    words.push(word);
    doc.length += length + 1;
  }
  doc.length -= 1; // no space after the last token
  const firstB =
    scheme.firstBLine === undefined
      ? sentence.rows.findIndex((row, i) =>
          row.some((tag, c) => c >= firstTag && /^B-./u.test(tag) && !continuesLabel(sentence.rows[i - 1]?.[c], tag)),
        )
      : -1;
  if (firstB >= 0) scheme.firstBLine = sentence.lines[firstB];
  const from = issues.length;
  let ok = true;
  for (let column = firstTag; column < sentence.columns; column++) {
    const tags = sentence.rows.map((row) => row[column]);
    const where = (i: number): { file: string; line: number; field: string } => ({
      file,
      line: sentence.lines[i],
      field: `column ${column + 1}`,
    });
    const onRepair = (i: number, tag: string) => {
      if (scheme.firstBLine === undefined || sentence.lines[i] < scheme.firstBLine) {
        if (scheme.ioStarts++ === 0) {
          issues.push({
            severity: 'warning',
            ...where(i),
            message: `"${tag}" starts an entity and no B- tag came before it: the file reads as IO-tagged (I- tags only), where a run of I- tags of one label is one entity; such tags are not reported one by one`,
          });
        }
        return;
      }
      issues.push({
        severity: 'warning',
        ...where(i),
        message: `"${tag}" does not continue an entity; read as B-${tag.slice(2)}`,
      });
    };
    try {
      const spans = decodeBio(tags, 'repair', onRepair);
      for (const s of spans)
        doc.entities.push({ label: unescapeLabel(s.label), start: tokens[s.start].start, end: tokens[s.end - 1].end });
    } catch (e) {
      if (!(e instanceof BioTagError)) throw e;
      ok = false;
      for (const bad of malformedTags(tags))
        issues.push({ severity: 'error', ...where(bad.index), message: bad.message });
    }
  }
  if (firstB >= 0 && scheme.ioStarts > 0) {
    // Said once, where the file stops being IO: the I- starts above were read as IO reads them.
    const line = sentence.lines[firstB];
    const note: Issue = {
      severity: 'warning',
      file,
      line,
      message: `first B- tag of a file that read as IO-tagged until here: the file mixes IO and BIO; the ${scheme.ioStarts} I- tag(s) above that start an entity were each read as one (as IO reads them), and from here such tags are reported one by one`,
    };
    const at = issues.findIndex((issue, i) => i >= from && (issue.line ?? 0) >= line);
    issues.splice(at < 0 ? issues.length : at, 0, note);
  }
  doc.sentences.push(words.join(' '));
  for (const token of tokens) doc.tokens.push(token); // not push(...tokens): a long sentence would overflow the stack
  return ok;
}

async function* encodeConll(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart> {
  const report = options?.report ?? (() => {});
  // Once one -DOCSTART- is written every document needs one, or the reader would merge it into the one before.
  let docstartWritten = false;
  for await (const doc of docs) {
    const view = viewOnTokens(doc, tokensOf(doc, false), report, 'CoNLL');
    if (view.tokens.length === 0) {
      report({ severity: 'warning', file: doc.name, message: 'document has no tokens; CoNLL cannot hold it, skipped' });
      continue;
    }
    const badToken = view.tokenTexts.findIndex(
      (t) => /[\t\r\n]/u.test(t) || t === DOCSTART || t.startsWith(COMMENT_PREFIX),
    );
    if (badToken >= 0) {
      report({
        severity: 'error',
        file: doc.name,
        field: `tokens[${badToken}]`,
        message: `token ${JSON.stringify(view.tokenTexts[badToken])} cannot be written as a CoNLL token; document skipped`,
      });
      continue;
    }
    const sentenceOf = sentenceIndexes(doc.text, view.tokens);
    const spans = splitAtSentences(view.spans, sentenceOf, (span) =>
      report({
        severity: 'warning',
        file: doc.name,
        field: `entities[${span.entity}]`,
        message: `entity ${view.describe(span.entity)} runs over a sentence break; written as one entity per sentence`,
      }),
    );
    const levels = nestingLevels(spans);
    const columns = (levels.length > 0 ? levels : [[]]).map((level) => encodeBio(level, view.tokens.length));
    const sentenceCount = sentenceOf[sentenceOf.length - 1] + 1;
    const comments = commentsOf(doc.meta);
    const docstart =
      typeof doc.meta?.docstart === 'string' && doc.meta.docstart.startsWith(DOCSTART) ? doc.meta.docstart : undefined;
    const lines: string[] = [];
    const trailingComments = comments.filter((c) => c.sentence >= sentenceCount);
    if (docstartWritten || sentenceCount > 1 || docstart !== undefined || trailingComments.length > 0) {
      lines.push(docstart ?? DOCSTART, '');
      docstartWritten = true;
    }
    for (let t = 0; t < view.tokens.length; t++) {
      if (t === 0 || sentenceOf[t] !== sentenceOf[t - 1]) {
        if (t > 0) lines.push('');
        lines.push(...comments.filter((c) => c.sentence === sentenceOf[t]).map((c) => c.text));
      }
      // Columns split at spaces as well as tabs (ours read both): a spaced label's tag is written escaped (B-a%20b).
      lines.push([view.tokenTexts[t], ...columns.map((tags) => escapeLabel(tags[t]))].join('\t'));
    }
    lines.push('', ...trailingComments.map((c) => c.text));
    yield { text: `${lines.join('\n')}\n` };
  }
}

// Sentence number of each token: a new sentence starts where the text between two tokens has a line break.
function sentenceIndexes(text: string, tokens: readonly Range[]): number[] {
  const codePoints = Array.from(text);
  let sentence = 0;
  return tokens.map((token, i) => {
    if (i > 0 && codePoints.slice(tokens[i - 1].end, token.start).some((c) => c === '\n' || c === '\r')) sentence++;
    return sentence;
  });
}

// A span over a sentence break becomes one span per sentence, since BIO restarts at every blank line.
function splitAtSentences(
  spans: EntityTokenSpan[],
  sentenceOf: readonly number[],
  onSplit: (span: EntityTokenSpan) => void,
): EntityTokenSpan[] {
  return spans.flatMap((span) => {
    if (sentenceOf[span.start] === sentenceOf[span.end - 1]) return [span];
    onSplit(span);
    const parts: EntityTokenSpan[] = [];
    for (let t = span.start; t < span.end; t++) {
      if (t === span.start || sentenceOf[t] !== sentenceOf[t - 1]) parts.push({ ...span, start: t, end: t + 1 });
      else parts[parts.length - 1].end = t + 1;
    }
    return parts;
  });
}

// Comments kept by the decoder; anything else in meta.comments is not ours to write.
function commentsOf(meta: Record<string, unknown> | undefined): ConllComment[] {
  const comments = meta?.comments;
  if (!Array.isArray(comments)) return [];
  return comments.filter(
    (c): c is ConllComment =>
      typeof c === 'object' &&
      c !== null &&
      Number.isInteger(c.sentence) &&
      typeof c.text === 'string' &&
      c.text.startsWith(COMMENT_PREFIX) &&
      !/[\r\n]/u.test(c.text),
  );
}
