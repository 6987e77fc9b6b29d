// Reads doccano JSON lines, one document per line, either variant per record.
import type { Doc, Entity } from '../document.js';
import type { Issue } from '../issues.js';
import { jsonDepthProblem } from '../json-depth.js';
import { DEFAULT_MAX_RECORD_CHARS, linesOf, recordTooLong } from '../source.js';
import type { CodecInput, DecodeEvent, DecodeOptions } from './codec.js';
import { canonicalRecord, spanKeyOf, type DoccanoMeta } from './doccano-meta.js';
import { isJsonObject, rememberId, sameJson, type IdsByKey } from './remembered-ids.js';
import { SourceText } from './source-text.js';

interface RawSpan {
  start: unknown;
  end: unknown;
  label: unknown;
  id?: unknown;
  /** Field names for messages: `label[3]` or `entities[3]` and how its parts are called. */
  at: string;
  startField: string;
  endField: string;
  labelField: string;
}

/** Reads the spans of a record in either variant; pushes an issue for each span that is not of the variant's shape. */
function rawSpans(
  record: Record<string, unknown>,
  key: string,
  fault: (field: string, message: string, severity?: Issue['severity']) => void,
): RawSpan[] {
  const list = record[key];
  if (!Array.isArray(list)) {
    fault(key, `expected a list of spans, found ${JSON.stringify(list)?.slice(0, 40)}`);
    return [];
  }
  const spans: RawSpan[] = [];
  list.forEach((item, i) => {
    const at = `${key}[${i}]`;
    if (key === 'entities') {
      if (!isJsonObject(item)) return fault(at, 'expected {"id", "label", "start_offset", "end_offset"}');
      const extra = Object.keys(item).filter((k) => !['id', 'label', 'start_offset', 'end_offset'].includes(k));
      if (extra.length > 0) fault(at, `keys ${extra.join(', ')} are not kept`, 'warning');
      spans.push({
        start: item.start_offset,
        end: item.end_offset,
        label: item.label,
        id: item.id,
        at,
        startField: `${at}.start_offset`,
        endField: `${at}.end_offset`,
        labelField: `${at}.label`,
      });
    } else {
      if (!Array.isArray(item) || item.length < 3)
        return fault(at, `expected [start, end, "LABEL"], found ${JSON.stringify(item)}`);
      if (item.length > 3)
        fault(at, `items after the label (${JSON.stringify(item.slice(3))}) are not kept`, 'warning');
      spans.push({
        start: item[0],
        end: item[1],
        label: item[2],
        at,
        startField: `${at}[0]`,
        endField: `${at}[1]`,
        labelField: `${at}[2]`,
      });
    }
  });
  return spans;
}

/** Decodes one parsed record; issues go to `issues`, and the doc comes back only when nothing was an error. */
function decodeRecord(
  record: unknown,
  recordNumber: number,
  report: (field: string | undefined, message: string, severity?: Issue['severity']) => void,
): Doc | undefined {
  let failed = false;
  const fault = (field: string | undefined, message: string, severity: Issue['severity'] = 'error') => {
    if (severity === 'error') failed = true;
    report(field, message, severity);
  };
  if (!isJsonObject(record)) {
    fault(undefined, 'expected a JSON object per line');
    return undefined;
  }
  if (typeof record.text !== 'string') {
    fault(
      'text',
      record.text === undefined ? 'missing' : `expected a string, found ${JSON.stringify(record.text)?.slice(0, 40)}`,
    );
    return undefined;
  }
  const source = new SourceText(record.text);
  const key = spanKeyOf(record);
  const spans = key ? rawSpans(record, key, fault) : [];
  const entities: Entity[] = [];
  const ids: IdsByKey = {};
  const idsInOrder: (string | undefined)[] = [];
  for (const span of spans) {
    if (typeof span.label !== 'string' || span.label === '') {
      fault(span.labelField, `expected a label name, found ${JSON.stringify(span.label)}`);
      continue;
    }
    const checked = source.check(span.start, span.end);
    const mapped = checked ?? source.mapSpan(span.start as number, span.end as number);
    if ('message' in mapped) {
      fault(mapped.end === 'start' ? span.startField : span.endField, mapped.message);
      continue;
    }
    const entity: Entity = { label: span.label, start: mapped.start, end: mapped.end };
    entities.push(entity);
    const id = typeof span.id === 'number' || typeof span.id === 'string' ? String(span.id) : undefined;
    if (id !== undefined) rememberId(ids, entity, id);
    idsInOrder.push(id);
  }
  if (failed) return undefined;

  const name =
    typeof record.id === 'number' || typeof record.id === 'string' ? String(record.id) : String(recordNumber);
  const skeleton: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) skeleton[k] = k === 'text' || k === key ? null : v;
  const doc: Doc = { name, text: source.text, entities };
  // The encoder numbers entities 1..n when it has no remembered ids; only other ids need remembering.
  const canonicalIds = idsInOrder.every((id, i) => id === String(i + 1));
  if (!sameJson(skeleton, canonicalRecord('label')) || (key === 'entities' && !canonicalIds)) {
    const meta: DoccanoMeta = { record: skeleton };
    if (key === 'entities' && !canonicalIds) meta.ids = ids;
    doc.meta = { doccano: meta };
  }
  return doc;
}

/** Decodes doccano JSON lines (`label`, `labels` or `entities` per record) into one document per line. */
export async function* decodeDoccano(input: CodecInput, options?: DecodeOptions): AsyncIterable<DecodeEvent> {
  const file = input.source.name;
  let recordNumber = 0;
  for await (const { line, text, tooLong } of linesOf(input.source.chunks(), options?.maxRecordChars)) {
    if (tooLong) {
      recordNumber++;
      yield { kind: 'issue', issue: recordTooLong(file, line, options?.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS) };
      continue;
    }
    if (text.trim() === '') continue;
    recordNumber++;
    const issues: Issue[] = [];
    const tooDeep = jsonDepthProblem(text);
    if (tooDeep) {
      yield { kind: 'issue', issue: { severity: 'error', file, line, message: tooDeep } };
      continue;
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      yield {
        kind: 'issue',
        issue: { severity: 'error', file, line, message: `not valid JSON: ${(error as Error).message}` },
      };
      continue;
    }
    const doc = decodeRecord(record, recordNumber, (field, message, severity = 'error') =>
      issues.push({ severity, file, line, field, message }),
    );
    for (const issue of issues) yield { kind: 'issue', issue };
    if (doc) yield { kind: 'doc', doc, line };
  }
}
