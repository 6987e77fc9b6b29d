// The one place where code-point offsets (what every export and the store use) meet JS UTF-16 indices.

/** Number of Unicode code points in `text`. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Converts between code-point offsets and UTF-16 indices of one text; O(1) per lookup after an O(n) build. */
export class CodePointIndex {
  readonly text: string;
  /** Code-point length of the text. */
  readonly length: number;
  // UTF-16 index of each code point (plus the end); absent when the text has no astral characters.
  private readonly utf16At?: Uint32Array;
  private readonly cpAt?: Int32Array;

  constructor(text: string) {
    this.text = text;
    this.length = codePointLength(text);
    if (this.length === text.length) return;
    this.utf16At = new Uint32Array(this.length + 1);
    this.cpAt = new Int32Array(text.length + 1).fill(-1);
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      this.utf16At[cp] = i;
      this.cpAt[i] = cp;
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      cp++;
    }
    this.utf16At[cp] = text.length;
    this.cpAt[text.length] = cp;
  }

  /** UTF-16 index of code-point offset `cp` (0..length). */
  toUtf16(cp: number): number {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.length)
      throw new RangeError(`code-point offset ${cp} is outside 0..${this.length}`);
    return this.utf16At ? this.utf16At[cp] : cp;
  }

  /** Code-point offset of UTF-16 index `i`; refuses an index inside a surrogate pair. */
  toCodePoint(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i > this.text.length)
      throw new RangeError(`UTF-16 index ${i} is outside 0..${this.text.length}`);
    if (!this.cpAt) return i;
    const cp = this.cpAt[i];
    if (cp < 0) throw new RangeError(`UTF-16 index ${i} falls inside a surrogate pair`);
    return cp;
  }

  /** The text between two code-point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}
