// Inputs as the codecs see them: decoded text under a name for messages. The host (main/io) reads files,
// strips BOMs, decodes UTF-16 and refuses invalid UTF-8 before anything reaches core.

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
}

/** Splits chunks into lines; holds at most one partial line in memory. */
export async function* linesOf(chunks: AsyncIterable<string>): AsyncIterable<Line> {
  let pending = '';
  let line = 0;
  let lastWasCr = false;
  for await (const chunk of chunks) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10 && lastWasCr && i === from && pending === '') {
        // The LF of a CRLF split across chunks.
        from = i + 1;
        lastWasCr = false;
        continue;
      }
      lastWasCr = false;
      if (c === 10 || c === 13) {
        yield { line: ++line, text: pending + chunk.slice(from, i) };
        pending = '';
        if (c === 13) {
          if (i + 1 < chunk.length) {
            if (chunk.charCodeAt(i + 1) === 10) i++;
          } else {
            lastWasCr = true;
          }
        }
        from = i + 1;
      }
    }
    pending += chunk.slice(from);
  }
  if (pending !== '') yield { line: ++line, text: pending };
}

/** The whole text of a source. */
export async function readAll(source: Source): Promise<string> {
  let text = '';
  for await (const chunk of source.chunks()) text += chunk;
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
