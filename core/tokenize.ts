// Syllable tokenisation for Vietnamese text that arrives untokenised (brat, plain text) and must be exported to a
// tokenised format (PhoNER, CoNLL). The rules follow what PhoNER_COVID19 (VnCoreNLP's tokeniser) does: split on
// whitespace, punctuation is its own token, but dates, decimals, percentages, initials ("N.H.N.") and a few
// abbreviations ("TP.", "PGS.TS") stay whole, and "COVID-19" becomes "COVID", "-", "19".
import type { Range } from './document.js';

const WHITESPACE = /\s/u;
const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/u;
const DIGIT = /\p{Nd}/u;
const LETTER = /\p{L}/u;
const UPPERCASE = /\p{Lu}/u;
const REGIONAL_INDICATOR = /\p{Regional_Indicator}/u;
// What continues the character before it on screen: marks (incl. variation selectors), emoji skin tones, tag chars.
const EXTENDER = /[\p{M}\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]/u;
const ZWJ = '\u200d';
// Separators that stay inside a number: 25/7, 1.068, 37,4, 18:30.
const NUMBER_JOINERS = new Set(['.', ',', '/', ':']);
// Abbreviations PhoNER writes with their dot attached (besides single-letter initials).
const DOTTED_ABBREVIATIONS = new Set(['TP', 'Tp', 'ThS', 'PGS', 'GS', 'TS', 'BS', 'BSCKI', 'BSCKII', 'TT', 'Th', 'St']);
const URL_START = /^(?:https?:\/\/|www\.)/iu;
const URL_TRAILING_PUNCTUATION = /[.,;:!?)\]}"'»”’]/u;

/** Whether a character belongs to a word: not whitespace, punctuation or a symbol (undefined: no). */
export const isWordChar = (c: string | undefined): boolean =>
  c !== undefined && !WHITESPACE.test(c) && !PUNCTUATION_OR_SYMBOL.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && DIGIT.test(c);

/** Splits `text` into syllable tokens (code-point ranges): whitespace separates, punctuation stands alone. */
export function tokenize(text: string): Range[] {
  const cps = Array.from(text);
  const tokens: Range[] = [];
  let i = 0;
  while (i < cps.length) {
    if (WHITESPACE.test(cps[i])) {
      i++;
      continue;
    }
    let chunkEnd = i;
    while (chunkEnd < cps.length && !WHITESPACE.test(cps[chunkEnd])) chunkEnd++;
    tokenizeChunk(cps, i, chunkEnd, tokens);
    i = chunkEnd;
  }
  return tokens;
}

// Tokenises one whitespace-free run cps[from, to).
function tokenizeChunk(cps: string[], from: number, to: number, out: Range[]): void {
  let i = from;
  while (i < to) {
    const end = urlEnd(cps, i, to) ?? wordEnd(cps, i, to) ?? symbolEnd(cps, i, to);
    out.push({ start: i, end });
    i = end;
  }
}

// A URL keeps its slashes and dots, minus punctuation that ends the sentence around it.
function urlEnd(cps: string[], i: number, to: number): number | undefined {
  if (!URL_START.test(cps.slice(i, Math.min(to, i + 8)).join(''))) return undefined;
  let end = to;
  while (end > i + 1 && URL_TRAILING_PUNCTUATION.test(cps[end - 1])) end--;
  return end;
}

// A word: letters, digits, marks, plus the joiners numbers and abbreviations keep. Undefined when cps[i] starts none.
function wordEnd(cps: string[], i: number, to: number): number | undefined {
  // "°C" is one token in PhoNER.
  const degreeSign = cps[i] === '°' && i + 1 < to && LETTER.test(cps[i + 1]);
  if (!isWordChar(cps[i]) && !degreeSign) return undefined;
  let j = i + 1;
  let segmentStart = i; // start of the part after the last joined dot, to recognise initials
  let hasAbbreviationDot = false;
  while (j < to) {
    const c = cps[j];
    if (isWordChar(c)) {
      j++;
      continue;
    }
    if (NUMBER_JOINERS.has(c) && isDigit(cps[j - 1]) && j + 1 < to && isDigit(cps[j + 1])) {
      j++;
      continue;
    }
    if (c === '%' && isDigit(cps[j - 1])) {
      j++;
      break;
    }
    if (
      c === '.' &&
      LETTER.test(cps[j - 1]) &&
      (isInitialOrAbbreviation(cps.slice(segmentStart, j).join('')) || hasAbbreviationDot)
    ) {
      hasAbbreviationDot = true;
      j++;
      segmentStart = j;
      continue;
    }
    break;
  }
  return j;
}

function isInitialOrAbbreviation(segment: string): boolean {
  return (Array.from(segment).length === 1 && UPPERCASE.test(segment)) || DOTTED_ABBREVIATIONS.has(segment);
}

// Punctuation or a symbol: dot runs ("...") stay together; an emoji keeps its modifiers, ZWJ sequence or flag pair.
function symbolEnd(cps: string[], i: number, to: number): number {
  let j = i + 1;
  if (cps[i] === '.') {
    while (j < to && cps[j] === '.') j++;
    return j;
  }
  if (REGIONAL_INDICATOR.test(cps[i]) && j < to && REGIONAL_INDICATOR.test(cps[j])) return j + 1;
  for (;;) {
    while (j < to && EXTENDER.test(cps[j])) j++;
    if (j + 1 < to && cps[j] === ZWJ) j += 2;
    else return j;
  }
}

/** Token indices [first, end) of the tokens `range` touches, and whether its boundaries are token boundaries. */
export function snapToTokens(
  range: Range,
  tokens: readonly Range[],
): { first: number; end: number; exact: boolean } | undefined {
  if (range.end <= range.start) return undefined;
  // First token ending after range.start, by binary search (tokens are sorted and disjoint).
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end <= range.start) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  let end = first;
  while (end < tokens.length && tokens[end].start < range.end) end++;
  if (end === first) return undefined;
  const exact = tokens[first].start === range.start && tokens[end - 1].end === range.end;
  return { first, end, exact };
}
