// What a Label Studio document keeps in doc.meta so its task comes back whole: the task with everything the doc
// does not model (other annotations, relations, per-region text areas, predictions, task metadata), stored with
// its offsets already on the NFC text, and how the chosen annotation's label results map onto doc.entities.
import type { Doc, Entity } from '../document.js';
import { isJsonObject } from './remembered-ids.js';

/** A label result of the chosen annotation: the entities it became (one per label) and its other fields. */
export interface LabelStudioRegion {
  /** entityKey of each entity the result became, in `value.labels` order. */
  keys: string[];
  /** The result without value.start/end/text/labels and score (those come from the entities); `id` is the region id. */
  result: Record<string, unknown>;
  /** True when the result had no value.text (a Text tag with saveTextResult="no"), so none is written. */
  noText?: true;
}

/** doc.meta.labelStudio. */
export interface LabelStudioMeta {
  /**
   * The task as read, key order kept: data[textKey] is null; every result's value.start/end are code points in
   * the NFC text and a string value.text is null (written from the doc text); the chosen annotation's label
   * results are taken out (they are doc.entities, described by `regions`).
   */
  task: Record<string, unknown>;
  /** The data key that holds the text, when it is not `text`. */
  textKey?: string;
  /** Index in task.annotations of the annotation doc.entities came from; absent when there was none. */
  chosen?: number;
  regions?: LabelStudioRegion[];
}

/** Reads doc.meta.labelStudio, or undefined when absent or not of the expected shape. */
export function labelStudioMetaOf(doc: Doc): LabelStudioMeta | undefined {
  const meta = doc.meta?.labelStudio;
  if (!isJsonObject(meta) || !isJsonObject(meta.task) || !isJsonObject(meta.task.data)) return undefined;
  if (meta.regions !== undefined && !Array.isArray(meta.regions)) return undefined;
  if (meta.chosen !== undefined && !(Number.isInteger(meta.chosen) && Array.isArray(meta.task.annotations)))
    return undefined;
  return meta as unknown as LabelStudioMeta;
}

/** Model suggestions read from a task's predictions (doc.meta.predictions), each with its score when it has one. */
export function predictionsOf(doc: Doc): Entity[] {
  const predictions = doc.meta?.predictions;
  return Array.isArray(predictions) ? (predictions as Entity[]) : [];
}

/** Deep copy of a JSON-safe value (core has no structuredClone: it is a host API, not ECMAScript). */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
