// A byte-level UTF-8 validator, used only after TextDecoder has refused a file, to say where: the byte offset of
// the first bad byte and its line. Follows the WHATWG decoder's rules (no overlongs, no surrogates, max U+10FFFF).

export interface Utf8Fault {
  /** Byte offset of the first byte that cannot start or continue a valid sequence. */
  offset: number;
  /** 1-based line: LF bytes before the offset, plus one. */
  line: number;
}

/** Streams `chunks` and finds the first invalid sequence; undefined when the bytes are valid UTF-8. */
export async function findUtf8Fault(chunks: AsyncIterable<Uint8Array>): Promise<Utf8Fault | undefined> {
  let offset = 0;
  let line = 1;
  let need = 0; // continuation bytes still expected
  let lower = 0x80;
  let upper = 0xbf;
  let seqStart = 0;
  let seqLine = 1;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++, offset++) {
      const b = chunk[i];
      if (need > 0) {
        if (b < lower || b > upper) return { offset: seqStart, line: seqLine };
        lower = 0x80;
        upper = 0xbf;
        need--;
        continue;
      }
      seqStart = offset;
      seqLine = line;
      if (b < 0x80) {
        if (b === 0x0a) line++;
      } else if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else {
        return { offset, line };
      }
    }
  }
  return need > 0 ? { offset: seqStart, line: seqLine } : undefined;
}
