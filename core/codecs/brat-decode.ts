// Reads one brat document: the .txt and the .ann beside it.
import type { Doc, Entity, Range } from '../document.js';
import type { Issue } from '../issues.js';
import { readAll } from '../source.js';
import type { CodecInput, DecodeEvent } from './codec.js';
import { isTextBoundLine, lineId, parseTextBound, sameSpanText, splitAnnLines, unknownReferences, type TextBoundLine } from './brat-lines.js';
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

// brat offsets may have been counted with each CRLF as two characters (the file as it is) or as one (Windows files
// read by Python in text mode). `lf` maps offsets of the second kind onto the raw text.
interface OffsetReading {
  length: number;
  toRaw(offset: number): number;
}

function crlfReading(source: SourceText): OffsetReading | undefined {
  const lfPositions: number[] = []; // position of each CRLF's line break in the CRLF-as-one text
  let cp = 0;
  const text = source.raw.text;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      lfPositions.push(cp - lfPositions.length);
      i++;
      cp += 2;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    cp++;
  }
  if (lfPositions.length === 0) return undefined;
  return {
    length: source.raw.length - lfPositions.length,
    toRaw: (o) => {
      let lo = 0;
      let hi = lfPositions.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (lfPositions[mid] < o) lo = mid + 1;
        else hi = mid;
      }
      return o + lo; // every CRLF before o adds one character
    },
  };
}

/** Checks every T line under one reading of the offsets; returns the first fault per line. */
function faultsUnder(reading: OffsetReading, parsed: readonly ParsedLine[], source: SourceText): Map<ParsedLine, string> {
  const faults = new Map<ParsedLine, string>();
  for (const p of parsed) {
    const texts: string[] = [];
    for (const f of p.record.fragments) {
      const fault = source.check(f.start, f.end, reading.length);
      if (fault) {
        faults.set(p, fault.message);
        break;
      }
      texts.push(source.raw.slice(reading.toRaw(f.start), reading.toRaw(f.end)));
    }
    if (!faults.has(p) && !sameSpanText(p.record.text, texts)) {
      faults.set(p, `the text at ${p.record.fragments.map((f) => `${f.start}..${f.end}`).join(';')} is ${quoteForMessage(texts.join(' '))}, but the .ann says ${quoteForMessage(p.record.text)}`);
    }
  }
  return faults;
}

/** Maps a line's checked fragments onto the NFC text, sorted; a message when that cannot be done. */
function toEntity(p: ParsedLine, reading: OffsetReading, source: SourceText): Entity | string {
  const fragments: Range[] = [];
  for (const f of p.record.fragments) {
    const mapped = source.mapSpan(reading.toRaw(f.start), reading.toRaw(f.end));
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
export async function* decodeBrat(input: CodecInput): AsyncIterable<DecodeEvent> {
  const name = bratStem(input.source.name);
  // Handed the .ann itself (a host that lists every file): read the .txt beside it as the document.
  const isAnn = /\.ann$/i.test(input.source.name);
  const txtSource = isAnn ? input.sibling(`${name}.txt`) : input.source;
  if (!txtSource) {
    yield { kind: 'issue', issue: { severity: 'error', file: input.source.name, message: `no ${name}.txt beside it` } };
    return;
  }
  const source = new SourceText(await readAll(txtSource));
  const annSource = isAnn ? input.source : input.sibling(`${name}.ann`);
  if (!annSource) {
    yield { kind: 'doc', doc: { name, text: source.text, entities: [] }, line: 1 };
    return;
  }
  const file = annSource.name;
  const { lines, finalNewline } = splitAnnLines(await readAll(annSource));
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const parsed: ParsedLine[] = [];
  const layout: string[] = [];
  const definedIds = new Set<string>();
  lines.forEach((text, i) => {
    const id = lineId(text);
    if (!isTextBoundLine(text)) {
      layout.push(text);
      if (id) definedIds.add(id);
      return;
    }
    const record = parseTextBound(text);
    if (typeof record === 'string') errors.push({ severity: 'error', file, line: i + 1, field: id, message: record });
    else if (definedIds.has(id)) errors.push({ severity: 'error', file, line: i + 1, field: id, message: `${id} is defined twice` });
    else parsed.push({ record, line: i + 1 });
    definedIds.add(id);
    layout.push(id);
  });

  let reading: OffsetReading = { length: source.raw.length, toRaw: (o) => o };
  let faults = faultsUnder(reading, parsed, source);
  const lf = faults.size > 0 ? crlfReading(source) : undefined;
  if (lf && faultsUnder(lf, parsed, source).size === 0) {
    reading = lf;
    faults = new Map();
    warnings.push({ severity: 'warning', file, message: 'offsets count each CRLF line break as one character (a Windows file read in text mode); remapped onto the text as it is' });
  }
  const entities: Entity[] = [];
  const ids: IdsByKey = {};
  for (const p of parsed) {
    const fault = faults.get(p);
    const entity = fault ?? toEntity(p, reading, source);
    if (typeof entity === 'string') {
      errors.push({ severity: 'error', file, line: p.line, field: p.record.id, message: entity });
      continue;
    }
    entities.push(entity);
    rememberId(ids, entity, p.record.id);
  }
  lines.forEach((text, i) => {
    if (isTextBoundLine(text)) return;
    for (const id of unknownReferences(text, definedIds)) {
      warnings.push({ severity: 'warning', file, line: i + 1, field: lineId(text), message: `points at ${id}, which this file does not define` });
    }
  });

  for (const issue of [...errors, ...warnings]) yield { kind: 'issue', issue };
  if (errors.length > 0) return;
  const doc: Doc = { name, text: source.text, entities };
  if (!isCanonicalLayout(layout, finalNewline)) {
    const brat: BratMeta = { lines: layout, ids };
    if (!finalNewline) brat.finalNewline = false;
    doc.meta = { brat };
  }
  yield { kind: 'doc', doc, line: 1 };
}
