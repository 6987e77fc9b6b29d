// Editing effort: how many span edits turn a model's suggestions into the gold annotation. A suggestion that
// overlaps a gold span it does not equal is one edit (fix the boundary or the label); every other unmatched
// suggestion is one deletion and every other unmatched gold span one creation.

import { entityKey, fragmentsOf, type Entity } from '../document.js';

const overlaps = (a: Entity, b: Entity) =>
  fragmentsOf(a).some((x) => fragmentsOf(b).some((y) => x.start < y.end && y.start < x.end));

/** Span edits (fix, delete or create) needed to turn `suggested` into `gold`. */
export function spanEdits(suggested: readonly Entity[], gold: readonly Entity[]): number {
  const goldKeys = new Set(gold.map(entityKey));
  const predKeys = new Set(suggested.map(entityKey));
  const wrong = suggested.filter((e) => !goldKeys.has(entityKey(e)));
  const missing = gold.filter((e) => !predKeys.has(entityKey(e)));
  const used = new Set<number>();
  let fixes = 0;
  for (const w of wrong) {
    const i = missing.findIndex((m, k) => !used.has(k) && overlaps(w, m));
    if (i >= 0) {
      used.add(i);
      fixes++;
    }
  }
  return fixes + (wrong.length - fixes) + (missing.length - fixes);
}
