// Agreement between two annotators in detail (issue 15: the app's agreement view and `workbench agreement` share it):
// overall and per label, strict span F1 (label + exact fragments), overlap span F1 (same label, ranges that overlap,
// matched one to one) and token-level Cohen's kappa over BIO tags of one nesting level. Nested-aware: every entity
// at every nesting level is a span of its own in both F1s (an ORGANIZATION and the LOCATION inside it are two), and
// the overlap match is one to one, so two nested spans of one label cannot both take the same partner.
import type { Entity, Range } from '../document.js';
import { entityKey, fragmentsOf } from '../document.js';
import { cohenKappa, levelTokenTags, spanAgreement, type AnnotatorEntities } from './agreement.js';
import { entityF1 } from './entity-f1.js';
import { addCounts, scoresOf, type Counts } from './scores.js';

/** One label's agreement between two annotators. */
export interface LabelAgreement {
  strictF1: number;
  overlapF1: number;
  /** Kappa over this label's BIO tags (every other label's tokens count as O); null when neither side has the label
   * at the nesting level kappa looks at (its F1s still count it). */
  kappa: number | null;
  /** The label's entities on each side. */
  a: number;
  b: number;
}

/** Two annotators' agreement over the documents they share. */
export interface PairAgreement {
  a: string;
  b: string;
  documents: number;
  strictF1: number;
  overlapF1: number;
  kappa: number;
  labels: Record<string, LabelAgreement>;
}

function unique(entities: readonly Entity[]): Entity[] {
  return [...new Map(entities.map((e) => [entityKey(e), e])).values()];
}

/** Code points two entities' fragments share. */
function overlapOf(x: Entity, y: Entity): number {
  let shared = 0;
  for (const f of fragmentsOf(x))
    for (const g of fragmentsOf(y)) shared += Math.max(0, Math.min(f.end, g.end) - Math.max(f.start, g.start));
  return shared;
}

/**
 * The one-to-one overlap matching of two annotators' entities (duplicates dropped): same label, overlapping ranges,
 * each entity matched at most once, the largest overlaps first (then the closest boundaries), so the matching is the
 * same whichever side is called `a`. `pairs` index into `left` and `right`.
 */
export function matchOverlaps(
  a: readonly Entity[],
  b: readonly Entity[],
): { left: Entity[]; right: Entity[]; pairs: { i: number; j: number }[] } {
  const left = unique(a);
  const right = unique(b);
  const candidates: { i: number; j: number; shared: number; distance: number }[] = [];
  left.forEach((x, i) =>
    right.forEach((y, j) => {
      if (x.label !== y.label) return;
      const shared = overlapOf(x, y);
      if (shared > 0)
        candidates.push({ i, j, shared, distance: Math.abs(x.start - y.start) + Math.abs(x.end - y.end) });
    }),
  );
  candidates.sort((p, q) => q.shared - p.shared || p.distance - q.distance || p.i - q.i || p.j - q.j);
  const takenLeft = new Set<number>();
  const takenRight = new Set<number>();
  const pairs: { i: number; j: number }[] = [];
  for (const p of candidates) {
    if (takenLeft.has(p.i) || takenRight.has(p.j)) continue;
    takenLeft.add(p.i);
    takenRight.add(p.j);
    pairs.push({ i: p.i, j: p.j });
  }
  return { left, right, pairs };
}

/** Per-label counts of one document under overlap matching (matchOverlaps). */
export function countOverlaps(a: readonly Entity[], b: readonly Entity[], into = new Map<string, Counts>()) {
  const { left, right, pairs } = matchOverlaps(a, b);
  const takenLeft = new Set(pairs.map((p) => p.i));
  const takenRight = new Set(pairs.map((p) => p.j));
  for (const p of pairs) addCounts(into, left[p.i].label, { tp: 1 });
  left.forEach((x, i) => takenLeft.has(i) || addCounts(into, x.label, { fn: 1 }));
  right.forEach((y, j) => takenRight.has(j) || addCounts(into, y.label, { fp: 1 }));
  return into;
}

/** F1 of counts; two sides with nothing at all agree perfectly (1), as spanAgreement says. */
function f1Of(counts: Counts): number {
  return counts.tp + counts.fp + counts.fn === 0 ? 1 : scoresOf(counts).f1;
}

function total(byLabel: ReadonlyMap<string, Counts>): Counts {
  const sum = { tp: 0, fp: 0, fn: 0 };
  for (const c of byLabel.values()) {
    sum.tp += c.tp;
    sum.fp += c.fp;
    sum.fn += c.fn;
  }
  return sum;
}

/** Overlap span F1 between two annotators over the same documents. */
export function overlapAgreement(a: readonly (readonly Entity[])[], b: readonly (readonly Entity[])[]): number {
  if (a.length !== b.length) throw new RangeError(`annotators cover ${a.length} and ${b.length} documents`);
  const counts = new Map<string, Counts>();
  a.forEach((entities, d) => countOverlaps(entities, b[d], counts));
  return f1Of(total(counts));
}

/** Two annotators' agreement on one document: strict and overlap F1, and the entities the strict match left over. */
export function documentAgreement(
  a: readonly Entity[],
  b: readonly Entity[],
): { strictF1: number; overlapF1: number; unmatched: number } {
  const strict = entityF1([{ gold: a, pred: b }]).micro;
  return {
    strictF1: f1Of(strict),
    overlapF1: f1Of(total(countOverlaps(a, b))),
    unmatched: strict.fp + strict.fn,
  };
}

/** Two annotators' agreement, overall and per label; `tokens[d]` are document d's tokens. */
export function pairAgreement(
  a: AnnotatorEntities,
  b: AnnotatorEntities,
  tokens: readonly (readonly Range[])[],
  options: { level?: number } = {},
): PairAgreement {
  if (a.docs.length !== b.docs.length || a.docs.length !== tokens.length)
    throw new RangeError(
      `${a.name} covers ${a.docs.length} documents, ${b.name} ${b.docs.length}, tokens ${tokens.length}`,
    );
  const strict = entityF1(a.docs.map((gold, d) => ({ gold, pred: b.docs[d] })));
  const overlap = new Map<string, Counts>();
  a.docs.forEach((entities, d) => countOverlaps(entities, b.docs[d], overlap));
  const tagsA = a.docs.flatMap((entities, d) => levelTokenTags(tokens[d], entities, options.level));
  const tagsB = b.docs.flatMap((entities, d) => levelTokenTags(tokens[d], entities, options.level));
  const labels: Record<string, LabelAgreement> = {};
  for (const label of Object.keys(strict.perLabel)) {
    const only = (t: string) => (t !== 'O' && t.slice(2) === label ? t : 'O');
    const [onlyA, onlyB] = [tagsA.map(only), tagsB.map(only)];
    const tagged = onlyA.some((t) => t !== 'O') || onlyB.some((t) => t !== 'O');
    const s = strict.perLabel[label];
    labels[label] = {
      strictF1: s.f1,
      overlapF1: f1Of(overlap.get(label) ?? { tp: 0, fp: 0, fn: 0 }),
      kappa: tagged ? cohenKappa(onlyA, onlyB) : null,
      a: s.tp + s.fn,
      b: s.tp + s.fp,
    };
  }
  return {
    a: a.name,
    b: b.name,
    documents: a.docs.length,
    strictF1: spanAgreement(a.docs, b.docs),
    overlapF1: f1Of(total(overlap)),
    kappa: cohenKappa(tagsA, tagsB),
    labels,
  };
}
