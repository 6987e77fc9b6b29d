// Reads one brat document: the .txt and the .ann beside it.
import type { Doc, Entity, Range } from '../document.js';
import type { Issue } from '../issues.js';
import { DEFAULT_MAX_RECORD_CHARS, readAllWithin, recordTooLong } from '../source.js';
import type { CodecInput, DecodeEvent, DecodeOptions } from './codec.js';
import { CrlfAsOne } from './brat-crlf.js';
import {
  isTextBoundLine,
  lineId,
  looksLikeBratLine,
  parseTextBound,
  pointsInsteadOfSpan,
  sameSpanText,
  splitAnnLines,
  unknownReferences,
  type TextBoundLine,
} from './brat-lines.js';
import { isCanonicalLayout, type BratMeta } from './brat-meta.js';
import { rememberId, type IdsByKey } from './remembered-ids.js';
import { quoteForMessage, SourceText, type SpanFault } from './source-text.js';

/** The document name brat gives a file: its base name without `.txt` (or `.ann`). */
export function bratStem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.(txt|ann)$/i, '');
}

interface ParsedLine {
  record: TextBoundLine;
  line: number;
}

/** Checks every T line with offsets read as they are, or with each CRLF as one; returns the first fault per line. */
function faultsUnder(
  crlf: CrlfAsOne | undefined,
  parsed: readonly ParsedLine[],
  source: SourceText,
): Map<ParsedLine, string> {
  const faults = new Map<ParsedLine, string>();
  const toRaw = (o: number) => (crlf ? crlf.toRaw(o) : o);
  for (const p of parsed) {
    const texts: string[] = [];
    for (const f of p.record.fragments) {
      const fault = source.check(f.start, f.end, crlf?.length ?? source.raw.length);
      if (fault) {
        faults.set(p, fault.message);
        break;
      }
      texts.push(source.raw.slice(toRaw(f.start), toRaw(f.end)));
    }
    if (!faults.has(p) && !sameSpanText(p.record.text, texts, crlf !== undefined)) {
      faults.set(
        p,
        `the text at ${p.record.fragments.map((f) => `${f.start}..${f.end}`).join(';')} is ${quoteForMessage(texts.join(' '))}, but the .ann says ${quoteForMessage(p.record.text)}`,
      );
    }
  }
  return faults;
}

/** Maps a line's checked fragments onto the NFC text, sorted; a message when that cannot be done. */
function toEntity(p: ParsedLine, crlf: CrlfAsOne | undefined, source: SourceText): Entity | string {
  const fragments: Range[] = [];
  for (const f of p.record.fragments) {
    const mapped = crlf ? source.mapSpan(crlf.toRaw(f.start), crlf.toRaw(f.end)) : source.mapSpan(f.start, f.end);
    if ('message' in mapped) return (mapped as SpanFault).message;
    fragments.push(mapped);
  }
  fragments.sort((a, b) => a.start - b.start);
  for (let i = 1; i < fragments.length; i++) {
    if (fragments[i].start < fragments[i - 1].end) return 'fragments overlap';
  }
  const entity: Entity = { label: p.record.label, start: fragments[0].start, end: fragments[fragments.length - 1].end };
  if (fragments.length > 1) entity.fragments = fragments;
  return entity;
}

/** Decodes one brat .txt and its .ann (if any) into one document, or issues when the .ann cannot be used. */
export async function* decodeBrat(input: CodecInput, options?: DecodeOptions): AsyncIterable<DecodeEvent> {
  const maxChars = options?.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const name = bratStem(input.source.name);
  // Handed the .ann itself (a host that lists every file): read the .txt beside it as the document.
  const isAnn = /\.ann$/i.test(input.source.name);
  const txtSource = isAnn ? input.sibling(`${name}.txt`) : input.source;
  if (!txtSource) {
    yield { kind: 'issue', issue: { severity: 'error', file: input.source.name, message: `no ${name}.txt beside it` } };
    return;
  }
  // Both files are read whole (offsets reach across lines): each is refused, unread past the limit, if larger.
  const txt = await readAllWithin(txtSource, maxChars);
  if (txt === undefined) {
    yield { kind: 'issue', issue: recordTooLong(txtSource.name, 1, maxChars, 'file') };
    return;
  }
  const source = new SourceText(txt);
  const annSource = isAnn ? input.source : input.sibling(`${name}.ann`);
  if (!annSource) {
    yield { kind: 'doc', doc: { name, text: source.text, entities: [] }, line: 1 };
    return;
  }
  const file = annSource.name;
  const ann = await readAllWithin(annSource, maxChars);
  if (ann === undefined) {
    yield { kind: 'issue', issue: recordTooLong(file, 1, maxChars, 'file') };
    return;
  }
  const { lines, finalNewline } = splitAnnLines(ann);
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const parsed: ParsedLine[] = [];
  const kept: { text: string; line: number }[] = []; // lines written back verbatim
  const layout: string[] = [];
  const definedIds = new Set<string>();
  const keep = (text: string, line: number, id: string) => {
    kept.push({ text, line });
    layout.push(text);
    if (id) definedIds.add(id);
  };
  lines.forEach((text, i) => {
    const id = lineId(text);
    const at = { severity: 'warning' as const, file, line: i + 1, ...(id ? { field: id } : {}) };
    if (!isTextBoundLine(text)) {
      if (text !== '' && !looksLikeBratLine(text))
        warnings.push({
          ...at,
          message: `not a brat annotation line ("ID<TAB>..."); kept as it is and written back unchanged`,
        });
      keep(text, i + 1, id);
      return;
    }
    const record = parseTextBound(text);
    if (typeof record === 'string' && pointsInsteadOfSpan(text)) {
      // A note or relation written with a T id (seen in published corpora): it names no span, so the document loses
      // nothing by reading it as a kept line.
      warnings.push({
        ...at,
        message: `${id} is not a text-bound annotation: ${quoteForMessage(text.split('\t')[1])} has an annotation id where offsets belong; kept as it is and written back unchanged, no entity read from it`,
      });
      keep(text, i + 1, id);
      return;
    }
    if (typeof record === 'string') errors.push({ severity: 'error', file, line: i + 1, field: id, message: record });
    else if (definedIds.has(id))
      errors.push({ severity: 'error', file, line: i + 1, field: id, message: `${id} is defined twice` });
    else parsed.push({ record, line: i + 1 });
    definedIds.add(id);
    layout.push(id);
  });

  let crlf: CrlfAsOne | undefined;
  let faults = faultsUnder(undefined, parsed, source);
  if (faults.size > 0) {
    const asOne = new CrlfAsOne(source.raw.text);
    if (asOne.hasCrlf && faultsUnder(asOne, parsed, source).size === 0) {
      crlf = asOne;
      faults = new Map();
      warnings.push({
        severity: 'warning',
        file,
        message:
          'offsets count each CRLF line break as one character (a Windows file read in text mode); read onto the text as it is, and written back counted the same way',
      });
    }
  }
  const entities: Entity[] = [];
  const ids: IdsByKey = {};
  for (const p of parsed) {
    const fault = faults.get(p);
    const entity = fault ?? toEntity(p, crlf, source);
    if (typeof entity === 'string') {
      errors.push({ severity: 'error', file, line: p.line, field: p.record.id, message: entity });
      continue;
    }
    entities.push(entity);
    rememberId(ids, entity, p.record.id);
  }
  for (const { text, line } of kept) {
    for (const id of unknownReferences(text, definedIds)) {
      warnings.push({
        severity: 'warning',
        file,
        line,
        field: lineId(text),
        message: `points at ${id}, which this file does not define`,
      });
    }
  }

  for (const issue of [...errors, ...warnings]) yield { kind: 'issue', issue };
  if (errors.length > 0) return;
  const doc: Doc = { name, text: source.text, entities };
  if (!isCanonicalLayout(layout, finalNewline) || crlf) {
    const brat: BratMeta = { lines: layout, ids };
    if (!finalNewline) brat.finalNewline = false;
    if (crlf) brat.crlfCountsAsOne = true;
    doc.meta = { brat };
  }
  yield { kind: 'doc', doc, line: 1 };
}
