// brat offsets over a text with CRLF line breaks are counted in one of two ways: each CRLF as two characters (the
// file as it is, which brat itself does) or as one (a Windows file read by Python in text mode, which some published
// corpora did). The stored text keeps its CRLF, so the second way needs a map both ways: the decoder reads such
// offsets onto the text, the encoder writes them back the same way (docs/formats/brat.md, "CRLF").

/** Offsets counted with each CRLF as one character, moved to and from offsets on the text as it is. */
export class CrlfAsOne {
  /** Length of the text, in code points, with each CRLF counted as one. */
  readonly length: number;
  // Code-point position of the CR of each CRLF, ascending.
  private readonly crs: number[] = [];

  constructor(text: string) {
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) this.crs.push(cp);
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      cp++;
    }
    this.length = cp - this.crs.length;
  }

  /** True when the text has a CRLF at all (otherwise both ways of counting agree). */
  get hasCrlf(): boolean {
    return this.crs.length > 0;
  }

  /** Maps an offset counted with CRLF as one onto the text as it is: each CRLF before it adds one. */
  toRaw(offset: number): number {
    // The j-th CRLF sits at crs[j] - j when counted as one; it is before `offset` when that is below it.
    let lo = 0;
    let hi = this.crs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.crs[mid] - mid < offset) lo = mid + 1;
      else hi = mid;
    }
    return offset + lo;
  }

  /** Maps an offset on the text as it is to one counted with CRLF as one; undefined between a CR and its LF. */
  fromRaw(offset: number): number | undefined {
    // Number of CRLFs whose CR is before `offset`.
    let lo = 0;
    let hi = this.crs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.crs[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && this.crs[lo - 1] === offset - 1) return undefined; // right after a CR, before its LF
    return offset - lo;
  }
}
