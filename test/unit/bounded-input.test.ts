// Bounded input: a cap per record (line, JSON element, whole-file document) that is reported with file:line and
// skipped without being held, deep JSON nesting refused before parsing, and one label rule for import and save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withDecodeDefaults, type Codec, type DecodeOptions } from '../../core/codecs/codec.js';
import { codecs } from '../../core/codecs/registry.js';
import type { Doc } from '../../core/document.js';
import type { Issue } from '../../core/issues.js';
import { jsonDepthProblem, MAX_JSON_DEPTH } from '../../core/json-depth.js';
import { JsonArraySplitter, sniffFirstChar, splitJsonArray, type JsonSplitEvent } from '../../core/json-stream.js';
import { labelProblem } from '../../core/labels.js';
import {
  DEFAULT_MAX_RECORD_CHARS,
  linesOf,
  readAllWithin,
  stringSource,
  type Line,
  type Source,
} from '../../core/source.js';
import { spanSchema } from '../../core/contract/schemas.js';
import { documentErrors } from '../../main/services/import-checks.js';

const TOO_LONG = /^record longer than 100 characters \(raise --max-record-mb to allow it\)$/;

async function* pieces(text: string, size: number): AsyncIterable<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function lines(text: string, max: number, size = text.length || 1): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of linesOf(pieces(text, size), max)) out.push(line);
  return out;
}

/** Every event of a decode, from chunks of `chunk` characters, with siblings for brat. */
async function decode(
  codec: Codec,
  name: string,
  text: string,
  options: DecodeOptions,
  files: Record<string, string> = {},
  chunk = 7,
) {
  const source = (n: string, t: string): Source => ({ name: n, chunks: () => pieces(t, chunk) });
  const docs: Doc[] = [];
  const issues: Issue[] = [];
  for await (const event of codec.decode(
    { source: source(name, text), sibling: (n) => (n in files ? source(n, files[n]) : undefined) },
    options,
  )) {
    if (event.kind === 'doc') docs.push(event.doc);
    else issues.push(event.issue);
  }
  return { docs, issues, errors: issues.filter((i) => i.severity === 'error') };
}

test('linesOf: a line over the limit comes out as tooLong with its number, and the next line is read as usual', async () => {
  const text = `short\n${'x'.repeat(101)}\r\nnext\n${'y'.repeat(100)}\n${'z'.repeat(250)}`;
  for (const size of [1, 3, 64, text.length]) {
    assert.deepEqual(await lines(text, 100, size), [
      { line: 1, text: 'short' },
      { line: 2, text: '', tooLong: true },
      { line: 3, text: 'next' },
      { line: 4, text: 'y'.repeat(100) },
      { line: 5, text: '', tooLong: true },
    ]);
  }
});

test('linesOf: with a limit, lines are the same wherever the chunks are cut, and tooLong exactly when longer', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', '\r'), fc.string({ unit: 'grapheme', maxLength: 12 })), {
        maxLength: 30,
      }),
      fc.integer({ min: 1, max: 16 }),
      fc.integer({ min: 0, max: 20 }),
      async (parts, size, max) => {
        const text = parts.join('');
        const whole = await lines(text, Number.MAX_SAFE_INTEGER);
        const expected = whole.map((l) =>
          l.text.length > max ? { line: l.line, text: '', tooLong: true as const } : l,
        );
        assert.deepEqual(await lines(text, max, size), expected);
      },
    ),
    { seed: 11, numRuns: 300 },
  );
});

test('linesOf holds no more than the limit of a giant line: 256 MB without a line break reads in bounded heap', async () => {
  let peak = 0;
  const before = process.memoryUsage().heapUsed;
  async function* giant(): AsyncIterable<string> {
    for (let i = 0; i < 4096; i++) {
      if (i % 256 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      yield String.fromCharCode(97 + (i % 26)).repeat(65536); // a fresh string each time, as a file read gives
    }
    yield '\nafter';
  }
  const out: Line[] = [];
  for await (const line of linesOf(giant(), 1 << 20)) out.push(line);
  assert.deepEqual(out, [
    { line: 1, text: '', tooLong: true },
    { line: 2, text: 'after' },
  ]);
  assert.ok(peak < 96 * 1024 * 1024, `heap grew by ${Math.round(peak / 1048576)} MB`);
});

test('readAllWithin stops reading past the limit', async () => {
  let read = 0;
  const source: Source = {
    name: 'f',
    async *chunks() {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield 'abcdefghij';
      }
    },
  };
  assert.equal(await readAllWithin(source, 35), undefined);
  assert.equal(read, 4);
  assert.equal(await readAllWithin(stringSource('f', 'abc'), 3), 'abc');
  assert.equal(DEFAULT_MAX_RECORD_CHARS, 2 * 1024 * 1024);
});

test('JSON array splitter: an element over the limit is skipped as too-long; the elements after it keep their index', async () => {
  const big = JSON.stringify({ data: { text: 'x'.repeat(200) } });
  const text = `[\n{"a": 1},\n${big},\n"${'s'.repeat(150)}",\n{"b": [2]}\n]`;
  for (const size of [1, 5, 4096]) {
    const out: JsonSplitEvent[] = [];
    for await (const event of splitJsonArray(pieces(text, size), 100)) out.push(event);
    assert.deepEqual(out, [
      { kind: 'element', text: '{"a": 1}', index: 0, line: 2 },
      { kind: 'too-long', index: 1, line: 3 },
      { kind: 'too-long', index: 2, line: 4 },
      { kind: 'element', text: '{"b": [2]}', index: 3, line: 5 },
    ]);
  }
  const splitter = new JsonArraySplitter(10);
  assert.deepEqual(splitter.push('[12345678901, 1]'), [
    { kind: 'too-long', index: 0, line: 1 },
    { kind: 'element', text: '1', index: 1, line: 1 },
  ]);
});

test('sniffFirstChar drops whitespace-only chunks but keeps their line breaks (CRLF once, also split)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\r\n'), { maxLength: 30 }),
      fc.integer({ min: 1, max: 6 }),
      async (space, size) => {
        const text = `${space.join('')}{"a": 1}\n\n{"b": 2}\n`;
        const { first, chunks } = await sniffFirstChar(pieces(text, size));
        assert.equal(first, '{');
        // Leading blanks of the first record's line may go (JSON ignores them); its line number may not.
        const got: Line[] = [];
        for await (const line of linesOf(chunks))
          if (line.text.trim() !== '') got.push({ ...line, text: line.text.trim() });
        const want = (await lines(text, 1e9))
          .filter((l) => l.text.trim() !== '')
          .map((l) => ({ ...l, text: l.text.trim() }));
        assert.deepEqual(got, want);
      },
    ),
    { seed: 12, numRuns: 200 },
  );
});

test('sniffFirstChar does not hold a file of blank lines', async () => {
  let peak = 0;
  const before = process.memoryUsage().heapUsed;
  async function* blank(): AsyncIterable<string> {
    for (let i = 0; i < 512; i++) {
      if (i % 32 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      yield (i % 2 ? ' \n' : '\r\n').repeat(65536); // 64 MB in all: held, the heap would grow by that
    }
    yield '[1]';
  }
  const { first, chunks } = await sniffFirstChar(blank());
  assert.equal(first, '[');
  const out: JsonSplitEvent[] = [];
  for await (const event of splitJsonArray(chunks)) out.push(event);
  assert.deepEqual(out, [{ kind: 'element', text: '1', index: 0, line: 512 * 65536 + 1 }]);
  assert.ok(peak < 32 * 1024 * 1024, `heap grew by ${Math.round(peak / 1048576)} MB`);
});

test('jsonDepthProblem: counts arrays and objects, not brackets in strings or after escapes', () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.equal(jsonDepthProblem(nest(MAX_JSON_DEPTH)), undefined);
  assert.match(jsonDepthProblem(nest(MAX_JSON_DEPTH + 1)) ?? '', /^JSON nested deeper than 256 levels/);
  assert.equal(jsonDepthProblem(`{"a": "${'['.repeat(1000)}"}`), undefined);
  assert.equal(jsonDepthProblem(`{"a": "\\"${'{'.repeat(1000)}"}`), undefined);
  assert.match(jsonDepthProblem(`{"a": "\\\\", "b": ${nest(300)}}`) ?? '', /deeper/); // an escaped backslash ends nothing
  assert.equal(jsonDepthProblem('[{}, {}, [[]]]', 3), undefined);
  assert.ok(jsonDepthProblem('[{}, {}, [[[]]]]', 3));
});

// One record over the limit and one nested too deep between good ones, per line-based format.
const LONG = 'x'.repeat(120);
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);
const lineFormats: {
  id: keyof typeof codecs;
  good: (n: number) => string;
  long: string;
  deep?: string;
  options?: DecodeOptions;
}[] = [
  {
    id: 'phoner',
    good: (n) => JSON.stringify({ words: [`w${n}`], tags: ['O'] }),
    long: JSON.stringify({ words: [LONG], tags: ['O'] }),
    deep: `{"words": ${DEEP}}`,
  },
  {
    id: 'doccano',
    good: (n) => JSON.stringify({ text: `t${n}`, label: [] }),
    long: JSON.stringify({ text: LONG, label: [] }),
    deep: `{"text": "a", "label": ${DEEP}}`,
  },
  {
    id: 'label-studio',
    good: (n) => JSON.stringify({ data: { text: `t${n}` } }),
    long: JSON.stringify({ data: { text: LONG } }),
    deep: `{"data": {"text": "a"}, "meta": ${DEEP}}`,
  },
  {
    id: 'instruction',
    good: (n) => JSON.stringify({ instruction: `<ner>\nt${n}\n</ner>`, output: `t${n}` }),
    long: JSON.stringify({ instruction: `<ner>\n${LONG}\n</ner>`, output: LONG }),
    deep: `{"instruction": ${DEEP}}`,
  },
  { id: 'text', good: (n) => `t${n}`, long: LONG },
  { id: 'conll', good: (n) => `t${n} O`, long: `${LONG} O` },
];

for (const format of lineFormats) {
  test(`${format.id}: a record over the limit and one nested too deep are errors at file:line; the others decode`, async () => {
    const sep = format.id === 'conll' ? '\n\n' : '\n'; // CoNLL records are sentences
    const file = (records: string[]) => `${records.join(sep)}\n`;
    const texts = format.id === 'phoner' ? ['w1', 'w3'] : ['t1', 't3'];
    const long = await decode(codecs[format.id], 'in.jsonl', file([format.good(1), format.long, format.good(3)]), {
      maxRecordChars: 100,
    });
    assert.deepEqual(
      long.errors.map((e) => [e.file, e.line]),
      [['in.jsonl', format.id === 'conll' ? 3 : 2]],
    );
    assert.match(long.errors[0].message, format.id === 'conll' ? /^line longer than 100 characters/ : TOO_LONG);
    assert.deepEqual(
      long.docs.map((d) => d.text),
      texts,
    );
    // Raised limit: the long record decodes.
    const raised = await decode(codecs[format.id], 'in.jsonl', file([format.good(1), format.long, format.good(3)]), {
      maxRecordChars: 1000,
    });
    assert.deepEqual(raised.errors, []);
    if (!format.deep) return;
    const deep = await decode(codecs[format.id], 'in.jsonl', file([format.good(1), format.deep, format.good(3)]), {});
    assert.deepEqual(
      deep.errors.map((e) => [e.file, e.line]),
      [['in.jsonl', 2]],
    );
    assert.match(deep.errors[0].message, /JSON nested deeper than 256 levels/);
    assert.deepEqual(
      deep.docs.map((d) => d.text),
      texts,
    );
  });
}

test('label-studio JSON array: a task over the limit is an error at its line with its index; the rest decode', async () => {
  const tasks = [{ data: { text: 'a' } }, { data: { text: LONG } }, { data: { text: 'c' } }];
  const text = `[\n${tasks.map((t) => JSON.stringify(t)).join(',\n')}\n]\n`;
  const { docs, errors } = await decode(codecs['label-studio'], 'ls.json', text, { maxRecordChars: 100 });
  assert.deepEqual(
    errors.map((e) => [e.file, e.line, e.field]),
    [['ls.json', 3, '[1]']],
  );
  assert.match(errors[0].message, TOO_LONG);
  assert.deepEqual(
    docs.map((d) => d.text),
    ['a', 'c'],
  );
  const deep = await decode(codecs['label-studio'], 'ls.json', `[{"data": {"text": "a"}},\n{"data": ${DEEP}}]`, {});
  assert.deepEqual(
    deep.errors.map((e) => [e.line, e.field]),
    [[2, '[1]']],
  );
  assert.match(deep.errors[0].message, /nested deeper/);
});

test('conll: a sentence (or -DOCSTART- document) over the limit fails alone, reported at its first line', async () => {
  const sentence = (word: string, n: number) => Array.from({ length: n }, () => `${word} O`).join('\n');
  const { docs, errors } = await decode(
    codecs.conll,
    'c.conll',
    `${sentence('a', 2)}\n\n${sentence('bbbbbbbbbb', 20)}\n\n${sentence('c', 2)}\n`,
    { maxRecordChars: 100 },
  );
  assert.deepEqual(
    errors.map((e) => [e.line, e.message.split(' (')[0]]),
    [[4, 'sentence longer than 100 characters']],
  );
  assert.deepEqual(
    docs.map((d) => d.text),
    ['a a', 'c c'],
  );
  const withDocs = `-DOCSTART-\n\n${sentence('a', 2)}\n\n-DOCSTART-\n\n${Array.from({ length: 8 }, () => sentence('bbbbbbbb', 2)).join('\n\n')}\n\n-DOCSTART-\n\n${sentence('c', 1)}\n`;
  const grouped = await decode(codecs.conll, 'c.conll', withDocs, { maxRecordChars: 100 });
  assert.deepEqual(
    grouped.errors.map((e) => [e.line, e.message.split(' (')[0]]),
    [[6, 'document longer than 100 characters']],
  );
  assert.deepEqual(
    grouped.docs.map((d) => d.text),
    ['a a', 'c'],
  );
});

test('brat and text `file`: a .txt or .ann over the limit is refused up front, naming the file', async () => {
  const brat = await decode(
    codecs.brat,
    'd/doc.txt',
    'y'.repeat(150),
    { maxRecordChars: 100 },
    { 'doc.ann': 'T1\tX 0 1\ty\n' },
  );
  assert.deepEqual(
    brat.issues.map((i) => [i.file, i.line, i.message.split(' (')[0]]),
    [['d/doc.txt', 1, 'file longer than 100 characters']],
  );
  assert.equal(brat.docs.length, 0);
  const ann = await decode(
    codecs.brat,
    'd/doc.txt',
    'y',
    { maxRecordChars: 100 },
    { 'doc.ann': 'T1\tX 0 1\ty\n'.repeat(20) },
  );
  assert.deepEqual(
    ann.issues.map((i) => [i.file, i.line, i.message.split(' (')[0]]),
    [['doc.ann', 1, 'file longer than 100 characters']],
  );
  const ok = await decode(codecs.brat, 'd/doc.txt', 'y', { maxRecordChars: 100 }, { 'doc.ann': 'T1\tX 0 1\ty\n' });
  assert.equal(ok.docs.length, 1);
  const text = await decode(codecs.text, 'long.txt', 'z\n'.repeat(60), { variant: 'file', maxRecordChars: 100 });
  assert.deepEqual(
    text.issues.map((i) => [i.file, i.line, i.message.split(' (')[0]]),
    [['long.txt', 1, 'file longer than 100 characters']],
  );
});

test("withDecodeDefaults: the default applies under the call's own options; an undefined option does not erase it", async () => {
  const seen: (DecodeOptions | undefined)[] = [];
  const codec: Codec = {
    ...codecs.text,
    decode: async function* (_input, options) {
      seen.push(options);
    },
  };
  const wrapped = withDecodeDefaults(codec, { maxRecordChars: 5 });
  const input = { source: stringSource('f', ''), sibling: () => undefined };
  for await (const _ of wrapped.decode(input, { variant: 'file', maxRecordChars: undefined })) void _;
  for await (const _ of wrapped.decode(input, { maxRecordChars: 9 })) void _;
  assert.deepEqual(seen, [{ maxRecordChars: 5, variant: 'file' }, { maxRecordChars: 9 }]);
});

test('one label rule: 1-64 code points, inner single spaces, no other whitespace or control characters; the same at import and at save', () => {
  const cases: [string, boolean][] = [
    ['LOCATION', true],
    ['😷'.repeat(64), true],
    ['Địa_điểm', true],
    ['triệu chứng bệnh', true],
    ['', false],
    ['A'.repeat(65), false],
    ['😷'.repeat(65), false],
    [' A', false],
    ['A ', false],
    ['A  B', false],
    ['A\u00a0B', false],
    ['A\u0000', false],
    ['A\u0085', false],
    ['A\ud800', false],
  ];
  for (const [label, ok] of cases) {
    assert.equal(labelProblem(label) === undefined, ok, JSON.stringify(label));
    assert.equal(spanSchema.safeParse({ label, start: 0, end: 1 }).success, ok, `schema ${JSON.stringify(label)}`);
    const errors = documentErrors({ name: 'd', text: 'abc', entities: [{ label, start: 0, end: 1 }] }, 'f.jsonl', 7);
    assert.equal(errors.length === 0, ok, `import ${JSON.stringify(label)}`);
    if (!ok) assert.deepEqual([errors[0].file, errors[0].line, errors[0].field], ['f.jsonl', 7, 'entities[0]']);
  }
  assert.match(labelProblem('L'.repeat(100)) ?? '', /longer than 64 characters/);
});
