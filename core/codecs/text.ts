// Plain text, without annotations. Variant `lines`: one document per non-blank line, named by its line number.
// Variant `file`: the whole file is one document named by the file's stem, its line endings (CRLF too) kept.
import type { Doc } from '../document.js';
import type { Issue } from '../issues.js';
import { DEFAULT_MAX_RECORD_CHARS, linesOf, readAllWithin, recordTooLong } from '../source.js';
import {
  chosenVariant,
  scoredAreSuggestions,
  unknownVariant,
  type Codec,
  type CodecInput,
  type DecodeEvent,
  type DecodeOptions,
  type EncodedPart,
  type EncodeOptions,
} from './codec.js';

const VARIANTS = ['lines', 'file'] as const;
const LINE_BREAK = /[\r\n]/u;
// Characters no file system accepts in a name (or that would leave the export folder), and control characters.
const UNSAFE_IN_FILE_NAME = /[/\\:*?"<>|\u0000-\u001f\u007f]/gu;
const MAX_STEM_LENGTH = 120;
// Names Windows reserves for devices, whatever the extension.
const RESERVED_STEM = /^(?:con|prn|aux|nul|com\d|lpt\d)$/iu;

const variantOf = (options: { variant?: string } | undefined) => chosenVariant(options, VARIANTS, 'lines');

/** Plain text: one document per line, or one per file. */
export const textCodec: Codec = {
  id: 'text',
  title: 'Plain text',
  extensions: ['.txt'],
  multiFile: true,
  textOnly: true,
  // Texts to annotate: nothing in them is an answer yet.
  carried: scoredAreSuggestions(false),
  decode: decodeText,
  encode: encodeText,
};

/** The name of a path without its folders and its last extension ("notes/ca-1.txt" -> "ca-1"). */
export function fileStem(path: string): string {
  const base = path.split(/[/\\]/u).pop() ?? path;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

async function* decodeText(input: CodecInput, options?: DecodeOptions): AsyncIterable<DecodeEvent> {
  const file = input.source.name;
  const variant = variantOf(options);
  if (!variant) {
    yield issue({
      severity: 'error',
      file,
      message: unknownVariant('text', options?.variant, VARIANTS),
    });
    return;
  }
  let docs = 0;
  const maxChars = options?.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  if (variant === 'file') {
    const text = await readAllWithin(input.source, maxChars);
    if (text === undefined) {
      yield issue(recordTooLong(file, 1, maxChars, 'file'));
      return;
    }
    if (text !== '') {
      docs++;
      yield { kind: 'doc', doc: { name: fileStem(file), text: text.normalize('NFC'), entities: [] }, line: 1 };
    }
  } else {
    for await (const { line, text, tooLong } of linesOf(input.source.chunks(), maxChars)) {
      if (tooLong) {
        docs++;
        yield issue(recordTooLong(file, line, maxChars));
        continue;
      }
      if (text.trim() === '') continue;
      docs++;
      yield { kind: 'doc', doc: { name: String(line), text: text.normalize('NFC'), entities: [] }, line };
    }
  }
  if (docs === 0) yield issue({ severity: 'warning', file, message: 'no documents' });
}

async function* encodeText(docs: AsyncIterable<Doc>, options?: EncodeOptions): AsyncIterable<EncodedPart> {
  const variant = variantOf(options);
  if (!variant) throw new RangeError(unknownVariant('text', options?.variant, VARIANTS));
  const report = options?.report ?? (() => {});
  const usedStems = new Set<string>();
  // One summary rather than a warning per document: choosing plain text means choosing to leave the entities out.
  let unwritten = 0;
  let docsWithEntities = 0;
  for await (const doc of docs) {
    if (doc.entities.length > 0) {
      unwritten += doc.entities.length;
      docsWithEntities++;
    }
    if (variant === 'file') {
      yield { path: `${uniqueStem(doc.name, usedStems)}.txt`, text: doc.text };
    } else if (LINE_BREAK.test(doc.text)) {
      report({
        severity: 'error',
        file: doc.name,
        message: 'text has a line break, so it cannot be one line of a `lines` file; not written (export as `file`)',
      });
    } else if (doc.text.trim() === '') {
      report({
        severity: 'warning',
        file: doc.name,
        message: 'text is blank; not written (a blank line does not read back as a document)',
      });
    } else {
      yield { text: `${doc.text}\n` };
    }
  }
  if (unwritten > 0) {
    report({
      severity: 'warning',
      file: 'text export',
      message: `${unwritten} entities in ${docsWithEntities} documents not written (plain text holds no annotations)`,
    });
  }
}

// A file name from a document name that is safe on every file system and unique in this export (ignoring case,
// for Windows and macOS).
function uniqueStem(name: string, used: Set<string>): string {
  let stem = Array.from(name.replace(UNSAFE_IN_FILE_NAME, '_').trim()).slice(0, MAX_STEM_LENGTH).join('');
  // Windows drops trailing dots and spaces; "." and ".." are not file names.
  stem = stem.replace(/[. ]+$/u, (tail) => '_'.repeat(tail.length));
  if (stem === '' || RESERVED_STEM.test(stem)) stem = `_${stem}`;
  let candidate = stem;
  for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}`;
  used.add(candidate.toLowerCase());
  return candidate;
}

function issue(value: Issue): DecodeEvent {
  return { kind: 'issue', issue: value };
}
