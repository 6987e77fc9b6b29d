// A Label Studio export is one JSON array that can be hundreds of megabytes. JSON.parse on the whole text would
// hold the text and every parsed task at once; this splitter instead hands out one top-level element at a time,
// so a decoder holds one task's text and its parsed form, never the file, and no element over a set length.
import { DEFAULT_MAX_RECORD_CHARS } from './source.js';

/** One top-level element of a JSON array: its JSON text, its 0-based index and the 1-based line it starts on. */
export interface JsonArrayElement {
  kind: 'element';
  text: string;
  index: number;
  line: number;
}

/** The array's own structure is broken (no `[`, a missing comma, text after `]`, cut off); splitting stops. */
export interface JsonStructureError {
  kind: 'error';
  line: number;
  message: string;
}

/** An element longer than the limit: skipped to its end without being kept; splitting goes on after it. */
export interface JsonElementTooLong {
  kind: 'too-long';
  index: number;
  line: number;
}

export type JsonSplitEvent = JsonArrayElement | JsonStructureError | JsonElementTooLong;

type State = 'before' | 'first' | 'between' | 'element' | 'after' | 'done' | 'failed';

const QUOTE = 34;
const BACKSLASH = 92;
const LF = 10;
const CR = 13;

function isJsonSpace(c: number): boolean {
  return c === 32 || c === LF || c === CR || c === 9;
}

/**
 * Incremental splitter: push text chunks of any size (a chunk may end inside a string, an escape or a surrogate
 * pair), get back the elements completed so far. It tracks only strings, escapes and nesting depth; each element's
 * own syntax is left to JSON.parse so a bad element is reported alone and the rest still decode.
 */
export class JsonArraySplitter {
  private state: State = 'before';
  private line = 1;
  private lastWasCr = false;
  private index = 0;
  // The element being read: pieces from earlier chunks, where it started, and how it ends.
  private pieces: string[] = [];
  private piecesLength = 0;
  private tooLong = false; // the element went over maxElementChars: it is scanned to its end, not kept
  private elementLine = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;

  /** `maxElementChars`: the longest element kept (UTF-16 code units); a longer one comes out as `too-long`. */
  constructor(private readonly maxElementChars = DEFAULT_MAX_RECORD_CHARS) {}

  /** Feeds one chunk; returns the elements (or the structure error) it completed. */
  push(chunk: string): JsonSplitEvent[] {
    const out: JsonSplitEvent[] = [];
    if (this.state === 'done' || this.state === 'failed') {
      if (this.state === 'done') this.scanTail(chunk, out);
      return out;
    }
    let from = this.state === 'element' ? 0 : -1; // where the element's text starts in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== LF && c !== CR) this.lastWasCr = false;
      if (this.state === 'element') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) {
            this.inString = false;
            if (this.scalar && this.depth === 0) {
              this.finish(chunk, from, i + 1, out);
              continue;
            }
          }
          if (c === LF || c === CR) this.countLine(c);
          continue;
        }
        if (this.scalar && this.depth === 0 && (c === 44 || c === 93 || isJsonSpace(c))) {
          // A bare scalar (number, true, ...) ends at the first delimiter; the delimiter is read again below.
          this.finish(chunk, from, i, out);
          i--;
          continue;
        }
        if (c === QUOTE) this.inString = true;
        else if (c === 123 || c === 91) this.depth++;
        else if (c === 125 || c === 93) {
          this.depth--;
          if (this.depth === 0 && !this.scalar) this.finish(chunk, from, i + 1, out);
        } else if (c === LF || c === CR) this.countLine(c);
        continue;
      }
      if (c === LF || c === CR) {
        this.countLine(c);
        continue;
      }
      if (isJsonSpace(c)) continue;
      if (this.state === 'before') {
        if (c === 91) this.state = 'first';
        else return this.fail(out, `expected a JSON array ("["), found "${chunk[i]}"`);
      } else if (this.state === 'first' || this.state === 'between') {
        if (c === 93) {
          if (this.state === 'between') return this.fail(out, 'a "," is followed by "]" (trailing comma)');
          this.state = 'done';
          this.scanTail(chunk.slice(i + 1), out);
          return out;
        }
        if (c === 44) return this.fail(out, 'an element is missing before ","');
        this.startElement(c);
        from = i;
        if (this.scalar && c === QUOTE) this.inString = true;
      } else if (this.state === 'after') {
        if (c === 44) this.state = 'between';
        else if (c === 93) {
          this.state = 'done';
          this.scanTail(chunk.slice(i + 1), out);
          return out;
        } else return this.fail(out, `expected "," or "]" after element ${this.index - 1}, found "${chunk[i]}"`);
      }
    }
    if (this.state === 'element' && !this.tooLong) this.keep(chunk, Math.max(from, 0), chunk.length);
    return out;
  }

  /** Ends the input; returns a structure error when the array was not closed. */
  end(): JsonSplitEvent[] {
    const out: JsonSplitEvent[] = [];
    if (this.state === 'before') this.fail(out, 'the input is empty; expected a JSON array');
    else if (this.state !== 'done' && this.state !== 'failed') {
      const what =
        this.state === 'element'
          ? `element ${this.index} (from line ${this.elementLine}) is cut off`
          : 'the array is not closed with "]"';
      this.fail(out, `unexpected end of input: ${what}`);
    }
    return out;
  }

  private startElement(c: number): void {
    this.state = 'element';
    this.elementLine = this.line;
    this.pieces = [];
    this.piecesLength = 0;
    this.tooLong = false;
    this.depth = c === 123 || c === 91 ? 1 : 0;
    this.scalar = this.depth === 0;
    this.inString = false;
    this.escaped = false;
  }

  private finish(chunk: string, from: number, to: number, out: JsonSplitEvent[]): void {
    if (!this.tooLong) this.keep(chunk, Math.max(from, 0), to);
    if (this.tooLong) out.push({ kind: 'too-long', index: this.index++, line: this.elementLine });
    else out.push({ kind: 'element', text: this.pieces.join(''), index: this.index++, line: this.elementLine });
    this.pieces = [];
    this.piecesLength = 0;
    this.state = 'after';
  }

  // Keeps chunk[from, to) as part of the element, unless that takes it over the limit (then drops it all).
  private keep(chunk: string, from: number, to: number): void {
    if (this.piecesLength + (to - from) > this.maxElementChars) {
      this.tooLong = true;
      this.pieces = [];
      this.piecesLength = 0;
      return;
    }
    this.pieces.push(chunk.slice(from, to));
    this.piecesLength += to - from;
  }

  // CRLF counts once, also when the CR ends one chunk and the LF starts the next.
  private countLine(c: number): void {
    if (c === LF && this.lastWasCr) {
      this.lastWasCr = false;
      return;
    }
    this.line++;
    this.lastWasCr = c === CR;
  }

  private scanTail(rest: string, out: JsonSplitEvent[]): void {
    for (let i = 0; i < rest.length; i++) {
      const c = rest.charCodeAt(i);
      if (c === LF || c === CR) this.countLine(c);
      else if (!isJsonSpace(c)) {
        this.fail(out, 'unexpected text after the closing "]"');
        return;
      } else this.lastWasCr = false;
    }
  }

  private fail(out: JsonSplitEvent[], message: string): JsonSplitEvent[] {
    this.state = 'failed';
    this.pieces = [];
    out.push({ kind: 'error', line: this.line, message });
    return out;
  }
}

/** Splits a chunked JSON array into its top-level elements, holding one element (of at most maxElementChars) at a time. */
export async function* splitJsonArray(
  chunks: AsyncIterable<string>,
  maxElementChars = DEFAULT_MAX_RECORD_CHARS,
): AsyncIterable<JsonSplitEvent> {
  const splitter = new JsonArraySplitter(maxElementChars);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}

const JSON_SPACE_ONLY = /^[ \t\r\n]*$/u;

/**
 * The first non-whitespace character of a chunked text, and the same chunks again for the real read. Chunks of
 * nothing but JSON whitespace before it are not held: the replay gives back only their line breaks (one "\n" per
 * break, CRLF counting once), so line numbers stay right while a file of blank lines costs no memory.
 */
export async function sniffFirstChar(
  chunks: AsyncIterable<string>,
): Promise<{ first: string | undefined; chunks: AsyncIterable<string> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: string[] = [];
  let breaks = 0; // line breaks of the whitespace chunks dropped before anything was kept
  let lastWasCr = false;
  let first: string | undefined;
  let finished = false;
  while (first === undefined) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    const chunk = next.value;
    if (seen.length === 0 && JSON_SPACE_ONLY.test(chunk)) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (c === 13 || (c === 10 && !lastWasCr)) breaks++;
        lastWasCr = c === 13;
      }
      continue;
    }
    // The LF of a CRLF whose CR was in a dropped chunk is already counted.
    seen.push(seen.length === 0 && lastWasCr && chunk.startsWith('\n') ? chunk.slice(1) : chunk);
    const m = /\S/.exec(chunk);
    if (m) first = m[0];
  }
  async function* replay(): AsyncIterable<string> {
    for (let left = breaks; left > 0; left -= 1 << 16) yield '\n'.repeat(Math.min(left, 1 << 16));
    yield* seen;
    if (finished) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { first, chunks: replay() };
}
