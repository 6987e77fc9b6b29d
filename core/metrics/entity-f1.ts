// Strict entity-level evaluation of nested (and discontinuous) entities: an entity counts as found only when a
// predicted entity has the same label and exactly the same fragments (entityKey). Every level of nesting counts;
// an entity listed twice with the same key counts once, so duplicates neither inflate tp nor add fp.

import { entityKey, type Entity } from '../document.js';
import { addCounts, reportFromCounts, type Counts, type Report } from './scores.js';

/** Gold and predicted entities of one document. */
export interface EntityPair {
  gold: readonly Entity[];
  pred: readonly Entity[];
}

function byKey(entities: readonly Entity[]): Map<string, string> {
  const keys = new Map<string, string>(); // key -> label
  for (const entity of entities) keys.set(entityKey(entity), entity.label);
  return keys;
}

/** Per-label tp/fp/fn of one document under exact label + fragment matching. */
export function countEntities(pair: EntityPair, into: Map<string, Counts> = new Map()): Map<string, Counts> {
  const gold = byKey(pair.gold);
  const pred = byKey(pair.pred);
  for (const [key, label] of gold) addCounts(into, label, pred.has(key) ? { tp: 1 } : { fn: 1 });
  for (const [key, label] of pred) if (!gold.has(key)) addCounts(into, label, { fp: 1 });
  return into;
}

/** Strict entity P/R/F1 over paired documents: micro, macro (labels of gold ∪ pred), weighted and per label. */
export function entityF1(pairs: Iterable<EntityPair>): Report {
  const counts = new Map<string, Counts>();
  for (const pair of pairs) countEntities(pair, counts);
  return reportFromCounts(counts);
}
