// Inputs as the codecs see them: decoded text under a name for messages. The host (main/io) reads files,
// strips BOMs, decodes UTF-16 and refuses invalid UTF-8 before anything reaches core.
import type { Issue } from './issues.js';

/** A readable text input. */
export interface Source {
  /** The file's name or path, as error messages should show it. */
  name: string;
  /** Decoded text in chunks of any size; read once per call. */
  chunks(): AsyncIterable<string>;
}

/** One line of a source, 1-based, without its terminator (LF, CRLF or CR). */
export interface Line {
  line: number;
  text: string;
  /** The line was longer than the limit: its text was dropped unread (`text` is ''); report it, do not use it. */
  tooLong?: true;
}

/**
 * The longest record (line, JSON element, whole-file document) a codec holds by default, in UTF-16 code units.
 * Bounds memory: a record's parsed form is many times its text when it is dense with tokens and spans (a CoNLL
 * sentence of 2 Mi characters can hold 350k entities, ~0.5 GB once imported), and no editable document comes near it.
 */
export const DEFAULT_MAX_RECORD_CHARS = 2 * 1024 * 1024;

/** The error for a record over the limit, in the words the CLI flag uses. */
export function recordTooLong(file: string, line: number, maxChars: number, what = 'record'): Issue {
  return {
    severity: 'error',
    file,
    line,
    message: `${what} longer than ${maxChars} characters (raise --max-record-mb to allow it)`,
  };
}

/**
 * Splits chunks into lines; holds at most one partial line in memory, and no more than `maxChars` of it: a longer
 * line is skipped to its end without being kept, and comes out as `{ tooLong: true, text: '' }`.
 */
export async function* linesOf(
  chunks: AsyncIterable<string>,
  maxChars = DEFAULT_MAX_RECORD_CHARS,
): AsyncIterable<Line> {
  let pending = '';
  let pendingLength = 0;
  let overflow = false; // the current line went over maxChars: its text is being skipped
  let line = 0;
  let lastWasCr = false;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    // The LF of a CRLF split across chunks.
    let from = lastWasCr && chunk.charCodeAt(0) === 10 ? 1 : 0;
    lastWasCr = false;
    // indexOf finds the breaks natively; each is searched again only once passed, so a chunk is scanned once.
    let lf = chunk.indexOf('\n', from);
    let cr = chunk.indexOf('\r', from);
    while (lf >= 0 || cr >= 0) {
      const i = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (overflow || pendingLength + (i - from) > maxChars) yield { line: ++line, text: '', tooLong: true };
      else yield { line: ++line, text: pending + chunk.slice(from, i) };
      pending = '';
      pendingLength = 0;
      overflow = false;
      from = i + 1;
      if (i === cr) {
        if (i + 1 === chunk.length) lastWasCr = true;
        else if (chunk.charCodeAt(i + 1) === 10) from = i + 2;
      }
      if (lf >= 0 && lf < from) lf = chunk.indexOf('\n', from);
      if (cr >= 0 && cr < from) cr = chunk.indexOf('\r', from);
    }
    if (overflow || from >= chunk.length) continue;
    if (pendingLength + (chunk.length - from) > maxChars) {
      overflow = true;
      pending = '';
      pendingLength = 0;
    } else {
      pending += chunk.slice(from);
      pendingLength += chunk.length - from;
    }
  }
  if (overflow) yield { line: ++line, text: '', tooLong: true };
  else if (pending !== '') yield { line: ++line, text: pending };
}

/** The whole text of a source. */
export async function readAll(source: Source): Promise<string> {
  let text = '';
  for await (const chunk of source.chunks()) text += chunk;
  return text;
}

/** The whole text of a source, or undefined as soon as it passes `maxChars` (the rest is not read). */
export async function readAllWithin(source: Source, maxChars = DEFAULT_MAX_RECORD_CHARS): Promise<string | undefined> {
  let text = '';
  for await (const chunk of source.chunks()) {
    if (text.length + chunk.length > maxChars) return undefined;
    text += chunk;
  }
  return text;
}

/** A source over an in-memory string (tests, pasted text, the web host). */
export function stringSource(name: string, text: string): Source {
  return {
    name,
    async *chunks() {
      yield text;
    },
  };
}
