// Aligns text a model wrote back onto the source text it was asked about, so entities found in the output land on
// the source's code-point offsets even when the model dropped, added or changed characters or syllables.
//
// Characters are compared folded (base letter, lower case, đ = d, any whitespace = space), since the commonest
// drift is a lost or changed diacritic. Two levels keep it fast and sensible: first words and punctuation marks are
// matched whole by a minimal diff (whitespace is not a unit: it would anchor anything to anything), then the
// characters between two matched units are diffed; there, stray single-character matches and stretches that share
// too little are discarded as coincidence. Both levels use Myers' O((N+M)·D) diff: near-linear for a few edits.

import { codePointLength } from '../offsets.js';
import { diffMatches } from './diff.js';

/** How an output text maps onto its source. */
export interface TextAlignment {
  /** True when the output equals the source (every mapping is the identity). */
  identical: boolean;
  /**
   * The source range for output range [start, end), or undefined when none of its characters has a counterpart.
   * Changed text at its edges takes in as much unmatched source text as the output had there, no more.
   */
  mapRange(start: number, end: number): { start: number; end: number } | undefined;
  /** Source code points with no counterpart in the output. */
  missing: number;
  /** Output code points with no counterpart in the source. */
  extra: number;
  /** Output code points matched to a source character that differs from it (a diacritic, case). */
  changed: number;
  /** Where the texts first part ways (code points), when they do. */
  firstDifference?: { source: number; output: number };
  /** True when a stretch was too different to diff within the budget and was left unaligned. */
  gaveUp: boolean;
}

const UNIT = /[\p{L}\p{M}\p{N}]+|[^\s]/gu;
// Below this share of matched characters, a stretch between two anchors is taken as rewritten, not drifted.
const MIN_STRETCH_SIMILARITY = 1 / 3;

const foldCache = new Map<number, number>();
function fold(cp: number): number {
  let folded = foldCache.get(cp);
  if (folded === undefined) {
    const ch = String.fromCodePoint(cp);
    if (/\s/u.test(ch)) folded = 32;
    else if (ch === 'đ' || ch === 'Đ') folded = 100;
    else folded = ch.normalize('NFD').toLowerCase().codePointAt(0)!;
    foldCache.set(cp, folded);
  }
  return folded;
}

interface Chars {
  raw: Int32Array;
  folded: Int32Array;
}

function charsOf(text: string): Chars {
  const raw = new Int32Array(codePointLength(text));
  let i = 0;
  for (const ch of text) raw[i++] = ch.codePointAt(0)!;
  return { raw, folded: raw.map(fold) };
}

/** Units (words, single punctuation marks) as interned ids of their folded text, with code-point ranges. */
function unitsOf(
  text: string,
  chars: Chars,
  intern: Map<string, number>,
): { ids: Int32Array; starts: Int32Array; ends: Int32Array } {
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let cp = 0;
  let utf16 = 0;
  for (const match of text.matchAll(UNIT)) {
    cp += codePointLength(text.slice(utf16, match.index));
    const length = codePointLength(match[0]);
    const key = String.fromCodePoint(...chars.folded.subarray(cp, cp + length));
    let id = intern.get(key);
    if (id === undefined) intern.set(key, (id = intern.size));
    ids.push(id);
    starts.push(cp);
    ends.push(cp + length);
    cp += length;
    utf16 = match.index + match[0].length;
  }
  return { ids: Int32Array.from(ids), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** Matches characters of out[oFrom, oTo) to src[sFrom, sTo) into srcOf, keeping only runs that look deliberate. */
function alignStretch(
  out: Chars,
  oFrom: number,
  oTo: number,
  src: Chars,
  sFrom: number,
  sTo: number,
  srcOf: Int32Array,
): boolean {
  const pairs: [number, number][] = [];
  const complete = diffMatches(out.folded, oFrom, oTo, src.folded, sFrom, sTo, (i, j) => pairs.push([i, j]));
  pairs.sort((a, b) => a[0] - b[0]);
  const kept: [number, number][] = [];
  for (let r = 0; r < pairs.length;) {
    let end = r + 1;
    while (end < pairs.length && pairs[end][0] === pairs[end - 1][0] + 1 && pairs[end][1] === pairs[end - 1][1] + 1)
      end++;
    const [i, j] = pairs[r];
    // A lone match counts only at an edge of the stretch, next to an anchor; elsewhere it is a coincidence.
    const atEdge = (i === oFrom && j === sFrom) || (i === oTo - 1 && j === sTo - 1);
    if (end - r >= 2 || atEdge) kept.push(...pairs.slice(r, end));
    r = end;
  }
  if (kept.length < MIN_STRETCH_SIMILARITY * Math.min(oTo - oFrom, sTo - sFrom)) return complete;
  for (const [i, j] of kept) srcOf[i] = j;
  return complete;
}

/** Aligns `output` (what the model wrote, tags removed) to `source`; offsets in and out are code points. */
export function alignText(output: string, source: string): TextAlignment {
  if (output === source) {
    return {
      identical: true,
      mapRange: (start, end) => ({ start, end }),
      missing: 0,
      extra: 0,
      changed: 0,
      gaveUp: false,
    };
  }
  const out = charsOf(output);
  const src = charsOf(source);
  const intern = new Map<string, number>();
  const outUnits = unitsOf(output, out, intern);
  const srcUnits = unitsOf(source, src, intern);
  const srcOf = new Int32Array(out.raw.length).fill(-1);
  const unitPairs: [number, number][] = [];
  let complete = diffMatches(outUnits.ids, 0, outUnits.ids.length, srcUnits.ids, 0, srcUnits.ids.length, (i, j) =>
    unitPairs.push([i, j]),
  );
  unitPairs.sort((a, b) => a[0] - b[0]);
  let oFrom = 0;
  let sFrom = 0;
  for (const [i, j] of [...unitPairs, [-1, -1]]) {
    const oTo = i < 0 ? out.raw.length : outUnits.starts[i];
    const sTo = j < 0 ? src.raw.length : srcUnits.starts[j];
    if (oTo > oFrom && sTo > sFrom) complete = alignStretch(out, oFrom, oTo, src, sFrom, sTo, srcOf) && complete;
    if (i < 0) break;
    for (let c = outUnits.starts[i], s = srcUnits.starts[j]; c < outUnits.ends[i]; c++, s++) srcOf[c] = s;
    oFrom = outUnits.ends[i];
    sFrom = srcUnits.ends[j];
  }
  return alignmentFrom(srcOf, out.raw, src.raw, !complete);
}

function alignmentFrom(srcOf: Int32Array, out: Int32Array, src: Int32Array, gaveUp: boolean): TextAlignment {
  const n = srcOf.length;
  // For each output position p: the last matched output index before p and the first at or after p (-1 / n: none).
  const prevMatch = new Int32Array(n + 1);
  const nextMatch = new Int32Array(n + 1);
  prevMatch[0] = -1;
  for (let p = 0; p < n; p++) prevMatch[p + 1] = srcOf[p] >= 0 ? p : prevMatch[p];
  nextMatch[n] = n;
  for (let p = n - 1; p >= 0; p--) nextMatch[p] = srcOf[p] >= 0 ? p : nextMatch[p + 1];

  let matched = 0;
  let changed = 0;
  let firstDifference: TextAlignment['firstDifference'];
  let expected = 0;
  for (let p = 0; p < n; p++) {
    if (srcOf[p] >= 0) matched++;
    if (srcOf[p] >= 0 && out[p] !== src[srcOf[p]]) changed++;
    if (!firstDifference && (srcOf[p] !== expected || out[p] !== src[expected]))
      firstDifference = { source: expected, output: p };
    if (srcOf[p] >= 0) expected = srcOf[p] + 1;
  }
  if (!firstDifference && expected < src.length) firstDifference = { source: expected, output: n };
  const clamp = (p: number) => Math.max(0, Math.min(n, Math.trunc(p)));
  return {
    identical: false,
    mapRange(from, to) {
      const [start, end] = [clamp(from), clamp(to)];
      const first = nextMatch[start];
      const last = prevMatch[end];
      if (first >= end || last < start) return undefined;
      // Source text just before the first match and after the last is taken in only as far as the output itself
      // had unmatched text there (a changed syllable), and never past the neighbouring matches.
      const before = prevMatch[start] >= 0 ? srcOf[prevMatch[start]] + 1 : 0;
      const after = nextMatch[end] < n ? srcOf[nextMatch[end]] : src.length;
      return {
        start: Math.max(before, srcOf[first] - (first - start)),
        end: Math.min(after, srcOf[last] + 1 + (end - 1 - last)),
      };
    },
    missing: src.length - matched,
    extra: n - matched,
    changed,
    firstDifference,
    gaveUp,
  };
}
