import { codePointLength } from './offsets.js';

/** NFC text plus a map from code-point offsets in the original to code-point offsets in the NFC text. */
export interface Normalized {
  text: string;
  /** True when nothing changed (the map is the identity). */
  unchanged: boolean;
  /** Maps an original offset to the NFC offset; undefined when it falls inside a character that NFC composed. */
  map(offset: number): number | undefined;
}

/** NFC-normalises `text`, keeping a map for remapping offsets that were counted on the original. */
export function normalizeNfc(text: string): Normalized {
  const nfc = text.normalize('NFC');
  if (nfc === text) return { text, unchanged: true, map: (offset) => offset };

  // Split into segments that normalise independently: a code point joins the current segment when
  // normalising them together differs from normalising them apart (a combining mark after its base).
  const boundaries = new Map<number, number>(); // original offset -> NFC offset, at segment starts
  let segment = '';
  let original = 0;
  let out = 0;
  for (const ch of text) {
    if (segment !== '' && (segment + ch).normalize('NFC') !== segment.normalize('NFC') + ch.normalize('NFC')) {
      segment += ch;
    } else {
      out += codePointLength(segment.normalize('NFC'));
      boundaries.set(original, out);
      segment = ch;
    }
    original++;
  }
  out += codePointLength(segment.normalize('NFC'));
  boundaries.set(original, out);
  return { text: nfc, unchanged: false, map: (offset) => boundaries.get(offset) };
}

/**
 * `text` lower-cased character by character, keeping every offset: a character whose lower case is longer (İ → i̇)
 * stays as it is. For models trained on lower-case text only.
 */
export function lowerCaseInPlace(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}
