// Snapping a selected range to syllable tokens: a drag that starts mid-syllable still means the whole syllable.
import type { Range } from '../../../core/document.js';
import { snapToTokens } from '../../../core/tokenize.js';

/** The range grown to whole tokens; undefined when it touches none (only whitespace selected). */
export function snapRange(range: Range, tokens: readonly Range[]): Range | undefined {
  if (range.end <= range.start) return undefined;
  const hit = snapToTokens(range, tokens);
  if (!hit) return undefined;
  return { start: tokens[hit.first].start, end: tokens[hit.end - 1].end };
}

/** The range with surrounding whitespace trimmed (what an unsnapped selection keeps). */
export function trimRange(range: Range, codePoints: readonly string[]): Range | undefined {
  let { start, end } = range;
  while (start < end && /\s/u.test(codePoints[start])) start++;
  while (end > start && /\s/u.test(codePoints[end - 1])) end--;
  return end > start ? { start, end } : undefined;
}

/** Index of the token containing or following `offset` (tokens.length when past the last). */
export function tokenAt(tokens: readonly Range[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The token boundary for a dragged edge at `offset`: a start snaps to its token's start, an end to its token's end. */
export function boundaryAt(tokens: readonly Range[], offset: number, edge: 'start' | 'end'): number | undefined {
  if (tokens.length === 0) return undefined;
  const i = tokenAt(tokens, offset);
  if (edge === 'start') return i < tokens.length ? tokens[i].start : undefined;
  if (i < tokens.length && tokens[i].start < offset) return tokens[i].end;
  return i > 0 ? tokens[i - 1].end : undefined;
}

/**
 * Moves one boundary of a span by `delta` tokens, keeping it at least one token long; undefined when it cannot.
 */
export function moveBoundary(
  span: Range,
  edge: 'start' | 'end',
  delta: number,
  tokens: readonly Range[],
): Range | undefined {
  const first = tokenAt(tokens, span.start);
  const last = tokenAt(tokens, span.end - 1);
  if (edge === 'start') {
    const to = first + delta;
    if (to < 0 || to > last || to >= tokens.length) return undefined;
    return { start: tokens[to].start, end: span.end };
  }
  const to = last + delta;
  if (to < first || to >= tokens.length) return undefined;
  return { start: span.start, end: tokens[to].end };
}
