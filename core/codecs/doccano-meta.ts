// What a doccano document keeps in doc.meta.doccano so its line comes back as it was: the record's other keys
// (id, meta, Comments, relations, ...) in their order, with `text` and the span list as null placeholders, and
// the entity ids of the `entities` variant (relations point at them). Absent for a plain {"text", "label"} record.
import type { Doc } from '../document.js';
import { isJsonObject, type IdsByKey } from './remembered-ids.js';

/** doc.meta.doccano. */
export interface DoccanoMeta {
  /** The record as read, `text` and the span key (`label`, `labels` or `entities`) set to null; key order kept. */
  record: Record<string, unknown>;
  /** `entities` variant: each entity's id by entityKey, when not simply 1..n in order. */
  ids?: IdsByKey;
}

/** The export variants: spans as `[start, end, "LABEL"]` lists, or as entity objects with ids. */
export type DoccanoVariant = 'label' | 'entities';

/** The key a record keeps its spans under: `entities`, else `label`, else `labels`; undefined when none. */
export function spanKeyOf(record: Record<string, unknown>): 'entities' | 'label' | 'labels' | undefined {
  if ('entities' in record) return 'entities';
  if ('label' in record) return 'label';
  if ('labels' in record) return 'labels';
  return undefined;
}

/** The record skeleton the encoder writes for a document that has no meta. */
export function canonicalRecord(variant: DoccanoVariant): Record<string, unknown> {
  return variant === 'entities' ? { text: null, entities: null } : { text: null, label: null };
}

/** Reads doc.meta.doccano, or undefined when absent or not of the expected shape. */
export function doccanoMetaOf(doc: Doc): DoccanoMeta | undefined {
  const meta = doc.meta?.doccano;
  if (!isJsonObject(meta) || !isJsonObject(meta.record)) return undefined;
  if (meta.ids !== undefined && !isJsonObject(meta.ids)) return undefined;
  return meta as unknown as DoccanoMeta;
}
