// Edits on the entity list as pure functions: each returns a new sorted list (the old one stays for undo), and keeps
// the objects of the spans it did not touch, so what changed can be found by identity. Lists are sorted by
// compareEntities; finding a span is a binary search, so an edit on 3,000 entities costs a copy, not a scan.
import type { Span } from '../../../core/contract/types.js';
import { compareEntities, entityKey } from '../../../core/document.js';

/** Index of the first span not ordered before `span`. */
function lowerBound(spans: readonly Span[], span: Span): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntities(spans[mid], span) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of a span with the same label and range (and fragments), or -1. */
export function findSpan(spans: readonly Span[], span: Span): number {
  const key = entityKey(span);
  for (let i = lowerBound(spans, span); i < spans.length && compareEntities(spans[i], span) === 0; i++) {
    if (entityKey(spans[i]) === key) return i;
  }
  return -1;
}

/** Adds a span unless the same label already covers exactly that range. */
export function addSpan(spans: readonly Span[], span: Span): Span[] {
  if (findSpan(spans, span) >= 0) return [...spans];
  const next = spans.slice();
  next.splice(lowerBound(spans, span), 0, { label: span.label, start: span.start, end: span.end });
  return next;
}

export function removeSpan(spans: readonly Span[], index: number): Span[] {
  const next = spans.slice();
  next.splice(index, 1);
  return next;
}

export function replaceSpan(spans: readonly Span[], index: number, span: Span): Span[] {
  const rest = removeSpan(spans, index);
  if (findSpan(rest, span) >= 0) return rest;
  rest.splice(lowerBound(rest, span), 0, span);
  return rest;
}

/** The list in the order the operations above keep (documents arrive in any order). */
export function sortSpans(spans: readonly Span[]): Span[] {
  return [...spans].sort(compareEntities);
}

/** True when two lists hold the same spans. */
export function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  return a.length === b.length && a.every((s, i) => entityKey(s) === entityKey(b[i]));
}
