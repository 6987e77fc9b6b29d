// Which of the overlapping matches a lexicon suggests. Nesting is fine across labels (a LOCATION inside an
// ORGANIZATION); of two matches of the same label that overlap, or of any two that cross, the longer one wins, then
// the more precise, then the earlier. One span gets one label: the most precise one.
import { crosses, type Entity } from '../document.js';

/** The matches to suggest out of `candidates` (each with a score). */
export function select(candidates: readonly Entity[]): Entity[] {
  const bestPerSpan = new Map<string, Entity>();
  for (const c of candidates) {
    const at = `${c.start}-${c.end}`;
    const held = bestPerSpan.get(at);
    if (!held || (c.score ?? 0) > (held.score ?? 0) || ((c.score ?? 0) === (held.score ?? 0) && c.label < held.label))
      bestPerSpan.set(at, c);
  }
  const ordered = [...bestPerSpan.values()].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || (b.score ?? 0) - (a.score ?? 0) || a.start - b.start,
  );
  const kept: Entity[] = [];
  for (const c of ordered) {
    const clash = kept.some((k) => crosses(k, c) || (k.label === c.label && k.start < c.end && c.start < k.end));
    if (!clash) kept.push(c);
  }
  return kept;
}
