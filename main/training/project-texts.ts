// The project's text for the trainer's --texts (training/dnw/package/project_text.py): every document's text,
// annotated or not, one line per text line. A model trained from scratch builds its tokenizer and its word vectors
// from it, so words the annotators have not reached yet are not strangers to it.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** Past this many characters the rest of a big project adds little to a vocabulary and costs the trainer time. */
export const MAX_TEXT_CHARS = 20_000_000;

/** Writes the non-blank lines of `texts` to `path` (UTF-8, at most MAX_TEXT_CHARS); returns the characters written. */
export async function writeProjectTexts(
  path: string,
  texts: Iterable<string>,
  limit = MAX_TEXT_CHARS,
): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let written = 0;
  try {
    for (const text of texts) {
      for (const line of text.split(/\r\n|\r|\n|\u2028|\u2029/)) {
        if (!line.trim()) continue;
        if (!out.write(`${line}\n`)) await once(out, 'drain');
        written += line.length;
        if (written >= limit) return written;
      }
    }
    return written;
  } finally {
    out.end();
    await finished(out);
  }
}
