// Label Studio results on a Text object: which offsets they count, and bringing each onto the NFC text.
import type { Issue } from '../issues.js';
import { isJsonObject } from './remembered-ids.js';
import { quoteForMessage, SourceText } from './source-text.js';

/**
 * How a task's offsets are counted. Label Studio's Text tag counts code points (its editor tests assert it:
 * see docs/formats/label-studio.md); exports made before that fix counted UTF-16 code units, which only differ
 * after an emoji or another character outside the BMP.
 */
export interface OffsetUnit {
  name: string;
  length: number;
  slice(start: number, end: number): string;
  /** The code-point offset of an offset in this unit; throws inside a surrogate pair. */
  toCodePoint(offset: number): number;
}

/** Code-point and UTF-16 readings of a task's text. */
export function offsetUnits(source: SourceText): { codePoints: OffsetUnit; utf16: OffsetUnit } {
  const raw = source.raw;
  return {
    codePoints: { name: 'code points', length: raw.length, slice: (s, e) => raw.slice(s, e), toCodePoint: (o) => o },
    utf16: {
      name: 'UTF-16 code units',
      length: raw.text.length,
      slice: (s, e) => raw.text.slice(s, e),
      toCodePoint: (o) => raw.toCodePoint(o),
    },
  };
}

/** A result whose value carries numeric start/end (labels, and per-region text areas or choices). */
export function hasTextOffsets(
  result: unknown,
): result is Record<string, unknown> & { value: Record<string, unknown> & { start: number; end: number } } {
  return (
    isJsonObject(result) &&
    isJsonObject(result.value) &&
    typeof result.value.start === 'number' &&
    typeof result.value.end === 'number'
  );
}

/** A label result: numeric offsets and at least one label name. */
export function isLabelResult(result: unknown): boolean {
  if (!hasTextOffsets(result) || result.type !== 'labels') return false;
  const labels = result.value.labels;
  return Array.isArray(labels) && labels.length > 0 && labels.every((l) => typeof l === 'string' && l !== '');
}

/** True when every result with a value.text matches its offsets read in `unit`. */
export function textsMatchIn(unit: OffsetUnit, results: readonly unknown[]): boolean {
  return results.every((r) => {
    if (!hasTextOffsets(r) || typeof r.value.text !== 'string') return true;
    const { start, end, text } = r.value as { start: number; end: number; text: string };
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= unit.length))
      return false;
    try {
      unit.toCodePoint(start);
      unit.toCodePoint(end);
    } catch {
      return false;
    }
    return unit.slice(start, end).normalize('NFC') === text.normalize('NFC');
  });
}

type Fault = (field: string, message: string, severity?: Issue['severity']) => void;

/**
 * A copy of the result with value.start/end moved onto the NFC text (code points) and a string value.text
 * checked and replaced by null (written from the doc text on export). Undefined after reporting a fault.
 */
export function normalizeResult(
  result: unknown,
  path: string,
  unit: OffsetUnit,
  source: SourceText,
  fault: Fault,
): Record<string, unknown> | undefined {
  if (!isJsonObject(result)) {
    fault(path, 'expected a result object');
    return undefined;
  }
  if (!hasTextOffsets(result)) return { ...result };
  const { start, end, text } = result.value;
  const checked = source.check(start, end, unit.length);
  if (checked) {
    fault(`${path}.value.${checked.end}`, `${checked.message} (${unit.name})`);
    return undefined;
  }
  let cpStart: number;
  let cpEnd: number;
  try {
    cpStart = unit.toCodePoint(start);
    cpEnd = unit.toCodePoint(end);
  } catch (error) {
    fault(`${path}.value.start`, (error as Error).message);
    return undefined;
  }
  const actual = source.raw.slice(cpStart, cpEnd);
  if (typeof text === 'string' && actual.normalize('NFC') !== text.normalize('NFC')) {
    fault(
      `${path}.value.text`,
      `the text at ${start}..${end} is ${quoteForMessage(actual)}, but value.text is ${quoteForMessage(text)}`,
    );
    return undefined;
  }
  const mapped = source.mapSpan(cpStart, cpEnd);
  if ('message' in mapped) {
    fault(`${path}.value.${mapped.end}`, mapped.message);
    return undefined;
  }
  const value: Record<string, unknown> = { ...result.value, start: mapped.start, end: mapped.end };
  if (typeof text === 'string') value.text = null;
  return { ...result, value };
}

/** Fills what normalizeResult took out: value.text from the doc text, wherever it is null. */
export function fillResultText(result: unknown, slice: (start: number, end: number) => string): unknown {
  if (!hasTextOffsets(result) || result.value.text !== null) return result;
  return { ...result, value: { ...result.value, text: slice(result.value.start, result.value.end) } };
}

const MIN_ANNOTATION_KEYS: Record<string, string> = {
  annotator: 'completed_by',
  annotation_id: 'id',
  created_at: 'created_at',
  updated_at: 'updated_at',
  lead_time: 'lead_time',
};

function isMinSpanList(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (s) => isJsonObject(s) && typeof s.start === 'number' && typeof s.end === 'number' && Array.isArray(s.labels),
    )
  );
}

/**
 * Turns a JSON_MIN row (data fields, task id and one annotation flattened into one object, spans under the
 * control's name) into the full task form, so one decoder reads both.
 */
export function fromJsonMin(row: Record<string, unknown>): Record<string, unknown> {
  const task: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  const annotation: Record<string, unknown> = {};
  const result: unknown[] = [];
  for (const [key, value] of Object.entries(row)) {
    if (key === 'id') task.id = value;
    else if (key in MIN_ANNOTATION_KEYS) annotation[MIN_ANNOTATION_KEYS[key]] = value;
    else if (isMinSpanList(value)) {
      for (const span of value)
        result.push({ id: `wb${result.length + 1}`, from_name: key, to_name: 'text', type: 'labels', value: span });
    } else data[key] = value;
  }
  task.data = data;
  task.annotations = [{ ...annotation, result }];
  return task;
}
