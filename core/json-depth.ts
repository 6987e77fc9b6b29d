// JSON.parse itself takes any depth, but everything after it that walks the value (JSON.stringify into meta, the
// store, structured clone) recurses and overflows the stack on a record nested 100k levels deep. Records are
// therefore checked with a flat scan before they are parsed; nothing a real annotation file holds comes near it.

/** The deepest nesting of arrays and objects a record may have. */
export const MAX_JSON_DEPTH = 256;

/**
 * A message when `text` nests arrays/objects deeper than `maxDepth` (brackets inside strings do not count), else
 * undefined. One pass over the text, no allocation; malformed JSON is left for JSON.parse to describe.
 */
export function jsonDepthProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash: the next character is escaped, whatever it is
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) return `JSON nested deeper than ${maxDepth} levels (at character ${i})`;
    } else if (c === 93 || c === 125) depth--;
  }
  return undefined;
}
