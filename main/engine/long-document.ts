// Splits a document longer than the model's window into segments at sentence, then clause, then word boundaries,
// keeping each segment's code-point offset so its entities land back on the document exactly.

import { CodePointIndex } from '../../core/offsets.js';

export interface Segment {
  /** Code-point offsets of the segment in the document. */
  start: number;
  end: number;
  text: string;
}

// After sentence-final punctuation (and closing quotes/brackets) followed by whitespace, or at a line break.
const SENTENCE_END = /[.!?…]+["'”’»)\]]*(?=\s)|\r?\n/gu;
const CLAUSE_END = /[,;:–—]+(?=\s)/gu;
const WORD_END = /\S(?=\s)/gu;

/** Cut points (code-point offsets just after each match) of `pattern` in [from, to). */
function cuts(index: CodePointIndex, from: number, to: number, pattern: RegExp): number[] {
  const text = index.slice(from, to);
  const out: number[] = [];
  const base = index.toUtf16(from);
  for (const m of text.matchAll(pattern)) out.push(index.toCodePoint(base + m.index + m[0].length));
  return out.filter((c) => c > from && c < to);
}

const SPACE = /\s/u;

/** [start, end) without leading and trailing whitespace, or undefined when only whitespace. */
function trimmed(index: CodePointIndex, start: number, end: number): [number, number] | undefined {
  // Whitespace is all in the BMP, so it is scanned one UTF-16 unit at a time.
  const text = index.text;
  let a = index.toUtf16(start);
  let b = index.toUtf16(end);
  while (a < b && SPACE.test(text[a])) a++;
  while (b > a && SPACE.test(text[b - 1])) b--;
  return a < b ? [index.toCodePoint(a), index.toCodePoint(b)] : undefined;
}

/**
 * Segments of `text` (code points) such that `fits(segmentText)` holds for each, as few as the boundaries allow:
 * sentences are packed greedily; a sentence too long alone is split at clauses, then words, then characters.
 */
export function splitForWindow(text: string, fits: (segment: string) => boolean): Segment[] {
  const index = new CodePointIndex(text);
  const whole = trimmed(index, 0, index.length);
  if (!whole) return [];
  const out: Segment[] = [];
  const levels = [SENTENCE_END, CLAUSE_END, WORD_END];
  const segment = (start: number, end: number): Segment => ({ start, end, text: index.slice(start, end) });

  const pack = (from: number, to: number, level: number): void => {
    const range = trimmed(index, from, to);
    if (!range) return;
    if (fits(index.slice(range[0], range[1]))) return void out.push(segment(range[0], range[1]));
    if (level === levels.length) return splitCharacters(range[0], range[1]);
    const bounds = [range[0], ...cuts(index, range[0], range[1], levels[level]), range[1]];
    let start = bounds[0];
    let lastGood = -1;
    for (let i = 1; i < bounds.length; i++) {
      const candidate = trimmed(index, start, bounds[i]);
      if (!candidate || fits(index.slice(candidate[0], candidate[1]))) {
        lastGood = i;
        continue;
      }
      if (lastGood < 0) {
        pack(start, bounds[i], level + 1); // one piece alone is too long: split it finer
        start = bounds[i];
      } else {
        const done = trimmed(index, start, bounds[lastGood]);
        if (done) out.push(segment(done[0], done[1]));
        start = bounds[lastGood];
        i = lastGood;
      }
      lastGood = -1;
    }
    const rest = trimmed(index, start, range[1]);
    if (rest) out.push(segment(rest[0], rest[1]));
  };

  const splitCharacters = (from: number, to: number): void => {
    let start = from;
    while (start < to) {
      let lo = start + 1;
      let hi = to;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fits(index.slice(start, mid))) lo = mid;
        else hi = mid - 1;
      }
      out.push(segment(start, lo));
      start = lo;
    }
  };

  pack(whole[0], whole[1], 0);
  return out;
}
