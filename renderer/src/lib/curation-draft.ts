// The curation view's logic without the DOM (issue 15): the gold draft a curator edits (it starts from the saved
// gold, else from the spans every annotator agrees on, so each disagreement costs at most one action), what
// accepting a span replaces, and the read-only line layouts each version is drawn with (the editor's own layout).
import type { CurationVersions, Span, SpanVote } from '../../../core/contract/types.js';
import { compareEntities, entityKey } from '../../../core/document.js';
import { layoutLine, lineStarts, type LayoutItem, type LineLayout } from '../editor/layout.js';

export const spanKey = (s: Span): string => entityKey(s);

/** The draft a document's curation starts from: the saved gold, else what every annotator agrees on. */
export function initialDraft(v: CurationVersions): Span[] {
  const spans = v.gold ? v.gold.entities : v.votes.filter((x) => x.agreed).map((x) => x.entity);
  return sorted(spans);
}

function sorted(spans: readonly Span[]): Span[] {
  return [...new Map(spans.map((s) => [spanKey(s), s])).values()].sort(compareEntities);
}

/**
 * The spans accepting `vote` pushes out: the other annotators' spans that stand for it (its counterparts) and the
 * spans for which it is the counterpart. Taking hoa's "sốt cao" over lan's "sốt" is one action, not two. Never a span
 * one of `vote`'s own annotators also marked (an agreed span, or the other label an annotator gave the same words as
 * well): their version has both, so neither stands for the other.
 */
export function alternatives(vote: SpanVote, votes: readonly SpanVote[]): Set<string> {
  const keys = new Set(vote.counterparts.map((c) => c.key));
  for (const other of votes) if (other.counterparts.some((c) => c.key === vote.key)) keys.add(other.key);
  keys.delete(vote.key);
  const byKey = new Map(votes.map((x) => [x.key, x]));
  for (const key of keys) if (byKey.get(key)?.annotators.some((a) => vote.annotators.includes(a))) keys.delete(key);
  return keys;
}

/** The draft with `vote`'s span in it, its alternatives out. */
export function acceptVote(draft: readonly Span[], vote: SpanVote, votes: readonly SpanVote[]): Span[] {
  const out = alternatives(vote, votes);
  return sorted([...draft.filter((s) => !out.has(spanKey(s))), vote.entity]);
}

const nests = (a: Span, b: Span) =>
  !a.fragments &&
  !b.fragments &&
  a.label === b.label &&
  ((a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end));

/**
 * The same-label spans nested in or around `vote` that other annotators marked instead of it (hoa has "Bạch Mai",
 * lan "Bệnh viện Bạch Mai"): a boundary difference to the matching, but the gold may want both, nested. Accepting
 * them together (acceptNested) keeps that one action.
 */
export function nestedAlternatives(vote: SpanVote, votes: readonly SpanVote[]): SpanVote[] {
  const out = alternatives(vote, votes);
  return votes.filter((x) => out.has(x.key) && nests(x.entity, vote.entity));
}

/** The draft with `vote`'s span and the spans nested with it (nestedAlternatives) in, their other alternatives out. */
export function acceptNested(draft: readonly Span[], vote: SpanVote, votes: readonly SpanVote[]): Span[] {
  const take = [vote, ...nestedAlternatives(vote, votes)];
  const keep = new Set(take.map((x) => x.key));
  const out = new Set(take.flatMap((x) => [...alternatives(x, votes)]).filter((k) => !keep.has(k)));
  return sorted([...draft.filter((s) => !out.has(spanKey(s))), ...take.map((x) => x.entity)]);
}

/** The draft without the span of key `key`. */
export function removeSpan(draft: readonly Span[], key: string): Span[] {
  return draft.filter((s) => spanKey(s) !== key);
}

/** True when two drafts hold the same spans (order aside). */
export function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  const keys = new Set(a.map(spanKey));
  return a.length === b.length && b.every((s) => keys.has(spanKey(s)));
}

/** Who has a span, as the view says it: only one annotator, some of them, or all. */
export function whoHas(
  vote: SpanVote,
  lines: number,
): { key: 'curationOnlyIn' | 'curationIn' | 'curationEveryone'; names: string[] } {
  if (vote.agreed) return { key: 'curationEveryone', names: vote.annotators };
  return { key: vote.annotators.length === 1 && lines > 1 ? 'curationOnlyIn' : 'curationIn', names: vote.annotators };
}

/** One version's spans laid out line by line, as the editor lays out its own (nested, crossing spans cut). */
export function versionLayouts(codePoints: readonly string[], spans: readonly Span[]): LineLayout[] {
  const starts = lineStarts(codePoints);
  const items: LayoutItem[] = spans.map((s) => ({
    key: spanKey(s),
    label: s.label,
    start: s.start,
    end: s.end,
    suggestion: false,
    score: null,
    source: '',
  }));
  return starts.map((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1] - 1 : codePoints.length;
    return layoutLine(
      i,
      start,
      end,
      items.filter((it) => it.start < end && it.end > start),
    );
  });
}
