// Formats with relations (brat R/E/#, doccano `relations`, Label Studio relation results) point at entities by
// id. Those ids must survive an import/edit/export cycle, so each codec remembers the id every entity came with,
// keyed by entityKey (label + exact fragments): an edited entity gets a new key and so a new id, and whatever
// pointed at the old one is dropped with a warning instead of silently pointing at something else.
import { entityKey, type Entity } from '../document.js';

/** Format ids of entities by entityKey; a list because identical entities may repeat. JSON-safe, kept in meta. */
export type IdsByKey = Record<string, string[]>;

/** Records that `entity` came with `id`. */
export function rememberId(ids: IdsByKey, entity: Entity, id: string): void {
  (ids[entityKey(entity)] ??= []).push(id);
}

/**
 * Gives each entity its remembered id, in document order, each id used once; entities without one get
 * undefined (the caller numbers them). Returns ids in entity order.
 */
export function recallIds(ids: IdsByKey | undefined, entities: readonly Entity[]): (string | undefined)[] {
  const unused = new Map<string, string[]>();
  for (const [key, list] of Object.entries(ids ?? {})) unused.set(key, [...list]);
  return entities.map((entity) => unused.get(entityKey(entity))?.shift());
}

/** The largest number N among ids of the form `${prefix}N` (0 when none), so new ids can follow it. */
export function highestNumber(ids: Iterable<string>, prefix: string): number {
  let max = 0;
  for (const id of ids) {
    if (!id.startsWith(prefix)) continue;
    const tail = id.slice(prefix.length);
    if (/^\d+$/.test(tail)) max = Math.max(max, Number(tail));
  }
  return max;
}

/** JSON-identity of two JSON-safe values, key order included (what re-export byte-for-byte depends on). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
