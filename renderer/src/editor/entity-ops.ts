// Edits on the entity list as pure functions: each returns a new sorted list (the old one stays for undo).
import type { Span } from '../../../core/contract/types.js';
import { compareEntities, entityKey } from '../../../core/document.js';

const sorted = (spans: Span[]): Span[] => spans.sort(compareEntities);

/** Adds a span unless the same label already covers exactly that range. */
export function addSpan(spans: readonly Span[], span: Span): Span[] {
  if (spans.some((s) => entityKey(s) === entityKey(span))) return [...spans];
  return sorted([...spans, { label: span.label, start: span.start, end: span.end }]);
}

export function removeSpan(spans: readonly Span[], index: number): Span[] {
  return spans.filter((_, i) => i !== index);
}

export function replaceSpan(spans: readonly Span[], index: number, span: Span): Span[] {
  const rest = spans.filter((_, i) => i !== index);
  if (rest.some((s) => entityKey(s) === entityKey(span))) return rest;
  return sorted([...rest, span]);
}

/** Index of a span with the same label and range, or -1. */
export function findSpan(spans: readonly Span[], span: Span): number {
  const key = entityKey(span);
  return spans.findIndex((s) => entityKey(s) === key);
}

/** True when two lists hold the same spans. */
export function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  return a.length === b.length && a.every((s, i) => entityKey(s) === entityKey(b[i]));
}
