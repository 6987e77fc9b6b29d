// The word prior's features (training/dnw/crf/features.py is the reference): defined on Unicode categories and code
// points, so JavaScript and Python write the same strings for the same word.

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const MARK = /\p{Mn}/gu;

/** X for an upper-case letter, x another letter, d a decimal digit, any other character itself; runs collapsed. */
export function wordShape(word: string): string {
  let out = '';
  let last = '';
  for (const c of word) {
    const kind = UPPER.test(c) ? 'X' : LETTER.test(c) ? 'x' : DIGIT.test(c) ? 'd' : c;
    if (kind !== last) out += kind;
    last = kind;
  }
  return out;
}

function flags(word: string): string[] {
  const cps = Array.from(word);
  const upper = cps.some((c) => UPPER.test(c));
  return [
    `init=${cps.length > 0 && UPPER.test(cps[0]) ? 1 : 0}`,
    `upper=${upper && !cps.some((c) => LOWER.test(c)) ? 1 : 0}`,
    `digit=${cps.some((c) => DIGIT.test(c)) ? 1 : 0}`,
  ];
}

/** The word lower-cased without its diacritics (đ as d): a misspelt or unaccented form meets the accented one. */
export function foldWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(MARK, '').replaceAll('đ', 'd');
}

/** Per word: the features the CRF of a package's crf.json was trained with. */
export function wordFeatures(words: readonly string[]): string[][] {
  const lower = words.map((w) => w.toLowerCase());
  const shapes = words.map(wordShape);
  const n = words.length;
  return words.map((word, i) => {
    const low = Array.from(lower[i]);
    const f = ['bias', `w=${lower[i]}`, `fold=${foldWord(word)}`, `shape=${shapes[i]}`, ...flags(word)];
    for (const k of [1, 2, 3]) f.push(`p${k}=${low.slice(0, k).join('')}`);
    for (const k of [1, 2, 3]) f.push(`s${k}=${low.slice(-k).join('')}`);
    for (const off of [-3, -2, -1, 1, 2, 3]) {
      const j = i + off;
      if (j >= 0 && j < n) {
        f.push(`${off}:w=${lower[j]}`);
        if (Math.abs(off) < 3) f.push(`${off}:shape=${shapes[j]}`);
      } else if (Math.abs(off) < 3) f.push(`${off}:edge`);
    }
    if (i > 1) f.push(`-2+-1=${lower[i - 2]}|${lower[i - 1]}`);
    if (i > 0) f.push(`-1+0=${lower[i - 1]}|${lower[i]}`);
    if (i > 0 && i < n - 1) f.push(`-1+0+1=${lower[i - 1]}|${lower[i]}|${lower[i + 1]}`);
    if (i + 1 < n) f.push(`0+1=${lower[i]}|${lower[i + 1]}`);
    if (i + 2 < n) f.push(`1+2=${lower[i + 1]}|${lower[i + 2]}`);
    return f;
  });
}
