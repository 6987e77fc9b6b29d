// Reads Label Studio tasks (JSON export, JSON lines of tasks, or JSON_MIN rows), one document per task.
import { entityKey, type Doc, type Entity } from '../document.js';
import type { Issue } from '../issues.js';
import { sniffFirstChar, splitJsonArray } from '../json-stream.js';
import { jsonDepthProblem } from '../json-depth.js';
import { DEFAULT_MAX_RECORD_CHARS, linesOf, recordTooLong } from '../source.js';
import type { CodecInput, DecodeEvent, DecodeOptions } from './codec.js';
import type { LabelStudioMeta, LabelStudioRegion } from './label-studio-meta.js';
import {
  fromJsonMin,
  isLabelResult,
  normalizeResult,
  offsetUnits,
  textsMatchIn,
  type OffsetUnit,
} from './label-studio-results.js';
import { isJsonObject, sameJson } from './remembered-ids.js';
import { SourceText } from './source-text.js';

const UTF16_NOTE =
  'offsets count UTF-16 code units (Label Studio before its emoji fix), not code points: converted, since every value.text matches that reading';

type Fault = (field: string | undefined, message: string, severity?: Issue['severity']) => void;

/** The data key holding the text: `text`, else the only string field; undefined when neither. */
function textKeyOf(data: Record<string, unknown>): string | undefined {
  if (typeof data.text === 'string') return 'text';
  const strings = Object.keys(data).filter((k) => typeof data[k] === 'string');
  return strings.length === 1 ? strings[0] : undefined;
}

function listAt(owner: Record<string, unknown>, key: string, path: string, fault: Fault): unknown[] {
  const value = owner[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fault(`${path}.${key}`, 'expected a list');
    return [];
  }
  return value;
}

/** Splits a normalised label result into its entities (one per label) and the region that remembers it. */
function regionOf(result: Record<string, unknown>): { entities: Entity[]; region: LabelStudioRegion } {
  // Offsets, labels and a normalised (null) value.text come back from the entities and the doc text on export.
  const { start, end, text, labels, ...valueRest } = result.value as Record<string, unknown>;
  const { score, ...rest } = result;
  const scored = typeof score === 'number';
  const entities = (labels as string[]).map((label): Entity => ({
    label,
    start: start as number,
    end: end as number,
    ...(scored ? { score } : {}),
  }));
  const region: LabelStudioRegion = {
    keys: entities.map(entityKey),
    result: { ...(scored ? rest : result), value: valueRest },
  };
  if (text !== null) region.noText = true;
  return { entities, region };
}

/** A task read onto the NFC text; `utf16` when its offsets had to be read as UTF-16 code units. */
export interface TaskRead {
  doc: Doc;
  meta: LabelStudioMeta;
  predictions: Entity[];
  utf16: boolean;
}

/** What one task holds, on the NFC text; undefined after reporting errors. */
export function readTask(value: unknown, index: number, fault: Fault): TaskRead | undefined {
  const at = `[${index}]`;
  let failed = false;
  const report: Fault = (field, message, severity = 'error') => {
    if (severity === 'error') failed = true;
    fault(field, message, severity);
  };
  if (!isJsonObject(value)) {
    report(at, 'expected a task object');
    return undefined;
  }
  // A row without `data` but with a top-level text is JSON_MIN: read it as the full task it stands for.
  const task = !('data' in value) && typeof value.text === 'string' ? fromJsonMin(value) : value;
  if (!isJsonObject(task.data)) {
    report(`${at}.data`, task.data === undefined ? 'missing' : 'expected an object');
    return undefined;
  }
  const textKey = textKeyOf(task.data);
  if (textKey === undefined) {
    report(`${at}.data.text`, 'missing (and no other single string field to read the text from)');
    return undefined;
  }
  const source = new SourceText(task.data[textKey] as string);

  const annotations = listAt(task, 'annotations', at, report);
  const predictions = listAt(task, 'predictions', at, report);
  const resultsOf = (owner: unknown, path: string): unknown[] =>
    isJsonObject(owner) ? listAt(owner, 'result', path, report) : (report(path, 'expected an object'), []);
  const all = [
    ...annotations.map((a, i) => resultsOf(a, `${at}.annotations[${i}]`)),
    ...predictions.map((p, i) => resultsOf(p, `${at}.predictions[${i}]`)),
  ].flat();
  const units = offsetUnits(source);
  let unit: OffsetUnit = units.codePoints;
  if (units.utf16.length !== units.codePoints.length && !textsMatchIn(unit, all) && textsMatchIn(units.utf16, all)) {
    unit = units.utf16;
  }

  const chosen = annotations.findIndex((a) => isJsonObject(a) && a.was_cancelled !== true);
  const entities: Entity[] = [];
  const regions: LabelStudioRegion[] = [];
  const suggestions: Entity[] = [];
  // Normalises every result of an annotation or prediction; `take` claims those that become doc.entities.
  const normalizeAll = (owner: unknown, path: string, take: (normalized: Record<string, unknown>) => boolean) => {
    if (!isJsonObject(owner) || !Array.isArray(owner.result)) return owner;
    const kept: unknown[] = [];
    owner.result.forEach((r, i) => {
      const normalized = normalizeResult(r, `${path}.result[${i}]`, unit, source, report);
      if (normalized && !take(normalized)) kept.push(normalized);
    });
    return { ...owner, result: kept };
  };
  const skeleton: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(task)) {
    if (key === 'data') skeleton.data = { ...task.data, [textKey]: null };
    else if (key === 'annotations' && Array.isArray(v)) {
      skeleton.annotations = v.map((a, i) =>
        normalizeAll(a, `${at}.annotations[${i}]`, (r) => {
          if (i !== chosen || !isLabelResult(r)) return false;
          const { entities: found, region } = regionOf(r);
          for (const entity of found) entities.push(entity); // not a spread: a region may list very many labels
          regions.push(region);
          return true;
        }),
      );
    } else if (key === 'predictions' && Array.isArray(v)) {
      skeleton.predictions = v.map((p, i) =>
        normalizeAll(p, `${at}.predictions[${i}]`, (r) => {
          if (!isLabelResult(r)) return false;
          const overall = isJsonObject(p) && typeof p.score === 'number' ? p.score : undefined;
          for (const e of regionOf(r).entities)
            suggestions.push(e.score === undefined && overall !== undefined ? { ...e, score: overall } : e);
          return false; // predictions stay in the task: they are written back as they were
        }),
      );
    } else skeleton[key] = v;
  }
  if (failed) return undefined;
  const name = typeof task.id === 'number' || typeof task.id === 'string' ? String(task.id) : String(index + 1);
  const meta: LabelStudioMeta = { task: skeleton };
  if (textKey !== 'text') meta.textKey = textKey;
  if (chosen >= 0) {
    meta.chosen = chosen;
    meta.regions = regions;
  }
  return { doc: { name, text: source.text, entities }, meta, predictions: suggestions, utf16: unit === units.utf16 };
}

/** Adds the meta a task needs to come back whole; none when the encoder would write the same task anyway. */
export function withMeta(read: TaskRead, canonical: (doc: Doc) => LabelStudioMeta | undefined): Doc {
  const { doc, meta, predictions } = read;
  const extra: Record<string, unknown> = {};
  if (predictions.length > 0) extra.predictions = predictions;
  const plain = Object.keys(meta.task).every((key) => key === 'data' || key === 'annotations' || key === 'predictions');
  if (!plain || !sameJson(meta, canonical({ ...doc, meta: { ...extra } }))) extra.labelStudio = meta;
  return Object.keys(extra).length > 0 ? { ...doc, meta: extra } : doc;
}

/** Decodes a Label Studio export: a JSON array of tasks (streamed element by element) or JSON lines of tasks. */
export async function* decodeLabelStudio(
  input: CodecInput,
  canonical: (doc: Doc) => LabelStudioMeta | undefined,
  options?: DecodeOptions,
): AsyncIterable<DecodeEvent> {
  const file = input.source.name;
  const maxChars = options?.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const { first, chunks } = await sniffFirstChar(input.source.chunks());
  if (first === undefined) {
    yield { kind: 'issue', issue: { severity: 'warning', file, line: 1, message: 'the file is empty: no tasks' } };
    return;
  }
  if (first !== '[' && first !== '{') {
    yield {
      kind: 'issue',
      issue: { severity: 'error', file, line: 1, message: 'expected a JSON array of tasks or JSON lines of tasks' },
    };
    return;
  }
  let index = 0;
  let utf16Tasks = 0;
  // A record over the limit is an issue with its own task index (the tasks after it keep theirs).
  async function* records(): AsyncIterable<{ text: string; line: number } | (Issue & { skipsTask?: true })> {
    if (first === '[') {
      for await (const event of splitJsonArray(chunks, maxChars)) {
        if (event.kind === 'element') yield event;
        else if (event.kind === 'too-long')
          yield { ...recordTooLong(file, event.line, maxChars), field: `[${event.index}]`, skipsTask: true };
        else yield { severity: 'error', file, line: event.line, message: event.message };
      }
    } else {
      for await (const line of linesOf(chunks, maxChars)) {
        if (line.tooLong) yield { ...recordTooLong(file, line.line, maxChars), skipsTask: true };
        else if (line.text.trim() !== '') yield { text: line.text, line: line.line };
      }
    }
  }
  for await (const record of records()) {
    if ('severity' in record) {
      const { skipsTask, ...found } = record;
      if (skipsTask) index++;
      yield { kind: 'issue', issue: found };
      continue;
    }
    const taskIndex = index++;
    const tooDeep = jsonDepthProblem(record.text);
    if (tooDeep) {
      yield {
        kind: 'issue',
        issue: { severity: 'error', file, line: record.line, field: `[${taskIndex}]`, message: tooDeep },
      };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(record.text);
    } catch (error) {
      yield {
        kind: 'issue',
        issue: {
          severity: 'error',
          file,
          line: record.line,
          field: `[${taskIndex}]`,
          message: `not valid JSON: ${(error as Error).message}`,
        },
      };
      continue;
    }
    const issues: Issue[] = [];
    const read = readTask(value, taskIndex, (field, message, severity = 'error') =>
      issues.push({ severity, file, line: record.line, field, message }),
    );
    // An old export counts UTF-16 in every task: say so once, at the first, and count the rest at the end.
    if (read?.utf16 && utf16Tasks++ === 0)
      issues.push({ severity: 'warning', file, line: record.line, field: `[${taskIndex}]`, message: UTF16_NOTE });
    for (const issue of issues) yield { kind: 'issue', issue };
    if (read) yield { kind: 'doc', doc: withMeta(read, canonical), line: record.line };
  }
  if (utf16Tasks > 1)
    yield {
      kind: 'issue',
      issue: {
        severity: 'warning',
        file,
        message: `${utf16Tasks} tasks in all had offsets in UTF-16 code units; all were converted`,
      },
    };
}
