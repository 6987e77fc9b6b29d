// Who marked what, span by span (issue 15's curation): the union of several annotators' entities on one document,
// each with the annotators whose line has exactly that span (label and fragments: strict agreement's key) and, for
// each annotator without it, the span of theirs that stands for it — the partner the one-to-one overlap match of
// overlap F1 gives it (same label, boundaries differ), else one over exactly the same range with another label.
// A span everyone has is agreed; the rest are what a curator decides, one action each.
import { entityKey, fragmentsOf, type Entity } from '../document.js';
import { matchOverlaps } from './pair-agreement.js';

/** One annotator's entities on the document. */
export interface AnnotatorLine {
  name: string;
  entities: readonly Entity[];
}

/** Another annotator's span that stands for a span they do not have. */
export interface Counterpart {
  annotator: string;
  /** Key (entityKey) of their span. */
  key: string;
  /** `boundary`: same label, overlapping but other fragments; `label`: the same fragments with another label. */
  kind: 'boundary' | 'label';
}

/** One distinct span of the union. */
export interface SpanVote {
  /** entityKey: label and exact fragments. */
  key: string;
  entity: Entity;
  /** The annotators whose line has exactly this span, by name. */
  annotators: string[];
  /** Every annotator has it. */
  agreed: boolean;
  /** For the annotators without it: their span that stands for it, where they have one. */
  counterparts: Counterpart[];
}

const rangeKey = (e: Entity) =>
  fragmentsOf(e)
    .map((f) => `${f.start}-${f.end}`)
    .join(',');

const byPosition = (a: SpanVote, b: SpanVote) =>
  a.entity.start - b.entity.start || b.entity.end - a.entity.end || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The union of the annotators' spans with who has each and what the others have instead, in text order. */
export function spanVotes(lines: readonly AnnotatorLine[]): SpanVote[] {
  const votes = new Map<string, SpanVote>();
  for (const line of lines)
    for (const entity of line.entities) {
      const key = entityKey(entity);
      const vote = votes.get(key) ?? { key, entity, annotators: [], agreed: false, counterparts: [] };
      if (!vote.annotators.includes(line.name)) vote.annotators.push(line.name);
      votes.set(key, vote);
    }
  // Overlap partners per ordered pair of lines, from the same matching overlap F1 counts with.
  const partners = new Map<string, Map<string, string>>(); // `${a}\0${b}` -> key in a -> key in b
  const partnerOf = (a: AnnotatorLine, b: AnnotatorLine, key: string): string | undefined => {
    const id = `${a.name}\u0000${b.name}`;
    let map = partners.get(id);
    if (!map) {
      const { left, right, pairs } = matchOverlaps(a.entities, b.entities);
      map = new Map(pairs.map((p) => [entityKey(left[p.i]), entityKey(right[p.j])]));
      partners.set(id, map);
    }
    return map.get(key);
  };
  for (const vote of votes.values()) {
    vote.annotators.sort();
    vote.agreed = vote.annotators.length === lines.length;
    const holder = lines.find((l) => l.name === vote.annotators[0])!;
    for (const other of lines) {
      if (vote.annotators.includes(other.name)) continue;
      const overlap = partnerOf(holder, other, vote.key);
      if (overlap) {
        vote.counterparts.push({ annotator: other.name, key: overlap, kind: 'boundary' });
        continue;
      }
      // A span both have is agreed between them, never what one has instead of the other's.
      const mine = new Set(holder.entities.map(entityKey));
      const relabelled = other.entities.find(
        (e) => e.label !== vote.entity.label && rangeKey(e) === rangeKey(vote.entity) && !mine.has(entityKey(e)),
      );
      if (relabelled) vote.counterparts.push({ annotator: other.name, key: entityKey(relabelled), kind: 'label' });
    }
  }
  return [...votes.values()].sort(byPosition);
}
