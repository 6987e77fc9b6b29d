// Fuzzing every decoder, seeded: valid files (encoded from random documents) with random corruption, random
// Unicode (NFD, emoji, CRLF, lone surrogates, NUL, BOM), deep nesting and huge tokens, read in random chunk sizes.
// Whatever comes in, a decoder never throws (only the file reader may, with an InputError), every error names the
// file and a line or field, and every document it yields can be serialised (nothing nested past the stack).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Codec, DecodeOptions, FormatId } from '../../../core/codecs/codec.js';
import { codecs } from '../../../core/codecs/registry.js';
import { InputError, type Issue } from '../../../core/issues.js';
import type { Source } from '../../../core/source.js';
import { fileInput } from '../../../main/io/read-source.js';
import { arbitraryDocs, encodeDocs, type RandomDocOptions } from '../../support/random-docs.js';

const RUNS = 250;

// Snippets a mutation inserts: structure characters, line breaks, Unicode a decoder must take in stride, and
// things built to exhaust memory or the stack (deep nesting, a token longer than the record limit used below).
const SNIPPETS = [
  '\n',
  '\r\n',
  '\r',
  '\t',
  ' ',
  '\u0000',
  '\ufeff',
  '\u00a0',
  '\u2028',
  'e\u0301',
  'ệ'.normalize('NFD'),
  '😷',
  '👨‍⚕️',
  '\ud800',
  '\udfff',
  '"',
  '\\',
  '\\u',
  '\\ud800',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  'null',
  'true',
  '1e999',
  '-1',
  '0.5',
  '""',
  '{}',
  '[]',
  'T1\t',
  'T9\tX 0 1\tx',
  '#1\tAnnotatorNotes T1\tnote',
  'R1\tRel Arg1:T1 Arg2:T2',
  ';',
  'B-',
  'I-',
  'O',
  'B-LOC',
  'I-X',
  '-DOCSTART-',
  '# c',
  '"words"',
  '"tags"',
  '"label"',
  '"labels"',
  '"entities"',
  '"text"',
  '"data"',
  '"annotations"',
  '"result"',
  '"value"',
  '"start"',
  '"end"',
  '"messages"',
  '"role"',
  '"content"',
  '"instruction"',
  '"output"',
  '<ner>',
  '</ner>',
  '<LOC>',
  '</LOC>',
  '[[LOC',
  ']]',
  '['.repeat(400),
  '{"a":'.repeat(400),
  `${'['.repeat(300)}${']'.repeat(300)}`,
  'x'.repeat(3000),
  `"${'y'.repeat(2500)}"`,
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`, // past what JSON.stringify survives: only the depth check stops it
];

type Mutation = {
  kind: 'insert' | 'delete' | 'replace' | 'truncate' | 'duplicate' | 'deep-value';
  at: number;
  length: number;
  snippet: string;
};

const DEEP = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('insert', 'insert', 'replace', 'delete', 'truncate', 'duplicate', 'deep-value'),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 12 }),
  snippet: fc.oneof(
    { arbitrary: fc.constantFrom(...SNIPPETS), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 6 }), weight: 2 }, // any code point, lone surrogates included
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }), weight: 1 },
  ),
});

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'insert') out = out.slice(0, at) + m.snippet + out.slice(at);
    else if (m.kind === 'replace') out = out.slice(0, at) + m.snippet + out.slice(at + m.length);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'deep-value') {
      // The JSON value after the next ": " becomes an array nested 20,000 deep: still valid JSON, so only the depth
      // check stands between it and a stack overflow wherever the value is walked later.
      const colon = out.indexOf(': ', at);
      if (colon < 0) continue;
      const end = out.slice(colon + 2).search(/[,}\]]/u);
      if (end > 0) out = out.slice(0, colon + 2) + DEEP + out.slice(colon + 2 + end);
    } else out = out.slice(0, at + m.length) + out.slice(at, at + m.length) + out.slice(at + m.length);
  }
  return out;
}

interface Format {
  id: FormatId;
  docs: RandomDocOptions;
  variants: (string | undefined)[];
}

const FORMATS: Format[] = [
  { id: 'phoner', docs: { tokenised: true, maxLines: 1, maxLevels: 1 }, variants: ['syllable', 'word'] },
  { id: 'conll', docs: { tokenised: true }, variants: [undefined] },
  { id: 'brat', docs: { allowFragments: true, allowCrossing: true }, variants: [undefined] },
  { id: 'doccano', docs: {}, variants: ['label', 'entities'] },
  { id: 'label-studio', docs: { scores: true }, variants: ['json', 'jsonl'] },
  { id: 'instruction', docs: { maxLevels: 1 }, variants: ['plain', 'chat'] },
  { id: 'text', docs: {}, variants: ['lines', 'file'] },
];

/** The main file (and, for brat, its .ann) of an encoded set of docs. */
async function encodedFiles(
  codec: Codec,
  docs: Parameters<typeof encodeDocs>[1],
  variant: string | undefined,
): Promise<{ main: string; ann?: string; stem: string }> {
  const { text, parts } = await encodeDocs(codec, docs, { variant });
  if (codec.id === 'brat') {
    const txt = parts.find((p) => p.path?.endsWith('.txt'));
    const stem = txt?.path?.replace(/\.txt$/u, '') ?? 'doc';
    return { main: txt?.text ?? '', ann: parts.find((p) => p.path === `${stem}.ann`)?.text, stem };
  }
  if (codec.id === 'text' && variant === 'file') return { main: parts[0]?.text ?? '', stem: 'doc' };
  return { main: text, stem: 'doc' };
}

function chunked(name: string, text: string, size: number): Source {
  // Tiny chunks on a big input would only make the test slow, not find more.
  const step = text.length > 20_000 ? Math.max(size, 4096) : size;
  return {
    name,
    async *chunks() {
      for (let i = 0; i < text.length; i += step) yield text.slice(i, i + step);
    },
  };
}

/** Checks one issue: it names the file (or the brat sibling), and an error names a line or a field. */
function checkIssue(issue: Issue, files: readonly string[]): void {
  assert.ok(files.includes(issue.file), `issue names ${JSON.stringify(issue.file)}, not one of ${files.join(', ')}`);
  assert.ok(issue.severity === 'error' || issue.severity === 'warning');
  assert.equal(typeof issue.message, 'string');
  if (issue.severity === 'error')
    assert.ok(
      issue.line !== undefined || issue.field !== undefined,
      `error without line or field: ${JSON.stringify(issue)}`,
    );
  if (issue.line !== undefined) assert.ok(Number.isInteger(issue.line) && issue.line >= 1, `line ${issue.line}`);
}

// What the runs produced, to see that the corruption leaves a mix of documents, warnings and errors.
export const tally = { docs: 0, errors: 0, warnings: 0, tooLong: 0, tooDeep: 0 };

async function decodeAll(
  codec: Codec,
  input: Parameters<Codec['decode']>[0],
  options: DecodeOptions,
  files: readonly string[],
): Promise<number> {
  let docs = 0;
  for await (const event of codec.decode(input, options)) {
    if (event.kind === 'issue') {
      checkIssue(event.issue, files);
      tally[event.issue.severity === 'error' ? 'errors' : 'warnings']++;
      if (/longer than/.test(event.issue.message)) tally.tooLong++;
      if (/nested deeper/.test(event.issue.message)) tally.tooDeep++;
      continue;
    }
    tally.docs++;
    docs++;
    assert.equal(typeof event.doc.text, 'string');
    assert.ok(Array.isArray(event.doc.entities));
    assert.ok(Number.isInteger(event.line) && event.line >= 1);
    JSON.stringify(event.doc); // what the store does with meta: must not overflow the stack
  }
  return docs;
}

for (const format of FORMATS) {
  test(`fuzz ${format.id}: corrupted files decode to documents and located issues, never a crash`, async () => {
    const codec = codecs[format.id];
    await fc.assert(
      fc.asyncProperty(
        arbitraryDocs(format.docs, { maxLength: 4 }),
        fc.constantFrom(...format.variants),
        fc.array(mutation, { maxLength: 5 }),
        fc.oneof(fc.integer({ min: 1, max: 16 }), fc.constant(1 << 16)),
        fc.boolean(),
        async (docs, variant, mutations, chunk, smallLimit) => {
          const files = await encodedFiles(codec, docs, variant);
          const main = mutate(files.main, mutations);
          const ann = files.ann === undefined ? undefined : mutate(files.ann, mutations.slice().reverse());
          const mainName = format.id === 'brat' ? `fz/${files.stem}.txt` : `fz/in.${format.id}`;
          const annName = `fz/${files.stem}.ann`;
          const input = {
            source: chunked(mainName, main, chunk),
            sibling: (name: string) =>
              ann !== undefined && name === `${files.stem}.ann` ? chunked(annName, ann, chunk) : undefined,
          };
          // A small record limit half the time, so the huge snippets hit it; the variant as encoded.
          const options: DecodeOptions = {
            variant: format.id === 'doccano' || format.id === 'label-studio' ? undefined : variant,
            maxRecordChars: smallLimit ? 2000 : undefined,
          };
          await decodeAll(codec, input, options, [mainName, annName]);
        },
      ),
      { seed: 20_251_204 + format.id.length, numRuns: RUNS },
    );
  });
}

test('fuzz: the corruption left documents, warnings, errors, records over the limit and records nested too deep', () => {
  for (const [what, count] of Object.entries(tally)) assert.ok(count > 0, `no ${what} in all the runs`);
});

test('fuzz: random bytes through the file reader: invalid UTF-8 is an InputError naming file and line, nothing else throws', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-fuzz-'));
  try {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FORMATS),
        arbitraryDocs({ tokenised: true, maxLines: 1, maxLevels: 1 }, { maxLength: 3 }),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        async (format, docs, flips) => {
          const codec = codecs[format.id];
          const files = await encodedFiles(codec, docs, format.variants[0]);
          const bytes = Buffer.from(files.main, 'utf8');
          for (const { at, byte } of flips) if (bytes.length > 0) bytes[at % bytes.length] = byte;
          const path = join(dir, format.id === 'brat' ? `${files.stem}.txt` : `f${n++}.${format.id}`);
          writeFileSync(path, bytes);
          try {
            await decodeAll(codec, fileInput(path), { variant: format.variants[0] }, [
              path,
              join(dir, `${files.stem}.ann`),
            ]);
          } catch (error) {
            assert.ok(error instanceof InputError, `threw ${(error as Error).stack}`);
            for (const issue of error.issues) {
              assert.equal(issue.file, path);
              assert.ok(issue.line !== undefined && issue.line >= 1, `no line: ${error.message}`);
              assert.match(issue.message, /^invalid (UTF-8|UTF-16)/);
            }
          }
        },
      ),
      { seed: 424_242, numRuns: 200 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
