import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareEntities, entityKey, type Entity } from '../../../core/document.js';
import { codePointLength } from '../../../core/offsets.js';
import {
  escapeText,
  parseInlineTags,
  readInlineTags,
  renderInlineTags,
  unescapeText,
} from '../../../core/model-output/inline-tags.js';

const LABELS = ['PATIENT_ID', 'NAME', 'LOCATION', 'SYMPTOM_AND_DISEASE', 'ORGANIZATION'];
// NFD pieces (normalised to NFC below, as documents are stored), CRLF, emoji, markup characters and a literal
// "&lt;" that must survive as text.
const PIECES = [
  'bệnh',
  'viện',
  'Bạch',
  'Mai',
  'Hà',
  'Nội',
  'sốt',
  'ho',
  'BN',
  '91',
  ' ',
  ' ',
  ' ',
  '\r\n',
  '\n',
  '😷',
  '👩‍⚕️',
  '<',
  '>',
  '&',
  '&lt;',
  '</NAME>',
  ',',
  '.',
].map((p) => p.normalize('NFD'));

const textArb = fc
  .array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 40 })
  .map((parts) => parts.join('').normalize('NFC'));

/** Nested, non-crossing, non-empty, unique entities over a text of `length` code points. */
function nestedEntities(length: number): fc.Arbitrary<Entity[]> {
  if (length === 0) return fc.constant([]);
  const one = fc
    .tuple(fc.nat(length), fc.nat(length), fc.constantFrom(...LABELS))
    .filter(([a, b]) => a !== b)
    .map(([a, b, label]) => ({ label, start: Math.min(a, b), end: Math.max(a, b) }));
  return fc.array(one, { maxLength: 12 }).map((candidates) => {
    const kept: Entity[] = [];
    const seen = new Set<string>();
    for (const e of candidates) {
      if (seen.has(entityKey(e))) continue;
      const crossesKept = kept.some(
        (k) =>
          (k.start < e.start && e.start < k.end && k.end < e.end) ||
          (e.start < k.start && k.start < e.end && e.end < k.end),
      );
      if (crossesKept) continue;
      seen.add(entityKey(e));
      kept.push(e);
    }
    return kept.sort(compareEntities);
  });
}

const docArb = textArb.chain((text) => nestedEntities(codePointLength(text)).map((entities) => ({ text, entities })));

test('renders nested entities outer-first and closes innermost-first', () => {
  const text = 'BV Bạch Mai ở Hà Nội';
  const entities: Entity[] = [
    { label: 'LOCATION', start: 14, end: 20 },
    { label: 'LOCATION', start: 3, end: 11 },
    { label: 'ORGANIZATION', start: 0, end: 11 },
  ];
  const { output, skipped } = renderInlineTags(text, entities);
  assert.equal(output, '<ORGANIZATION>BV <LOCATION>Bạch Mai</LOCATION></ORGANIZATION> ở <LOCATION>Hà Nội</LOCATION>');
  assert.deepEqual(skipped, []);
});

test('equal ranges nest by label; duplicates are written once', () => {
  const { output } = renderInlineTags('ho', [
    { label: 'B', start: 0, end: 2 },
    { label: 'A', start: 0, end: 2 },
    { label: 'A', start: 0, end: 2 },
  ]);
  assert.equal(output, '<A><B>ho</B></A>');
});

test('escapes markup characters in text and unescapes them back', () => {
  const text = 'a<b & c>d &lt;';
  assert.equal(escapeText(text), 'a&lt;b &amp; c&gt;d &amp;lt;');
  assert.equal(unescapeText(escapeText(text)), text);
  assert.equal(
    renderInlineTags(text, [{ label: 'NAME', start: 1, end: 4 }]).output,
    'a<NAME>&lt;b </NAME>&amp; c&gt;d &amp;lt;',
  );
});

test('skips discontinuous, crossing, empty and untaggable entities', () => {
  const text = 'sốt ho khan';
  const discontinuous: Entity = {
    label: 'SYMPTOM_AND_DISEASE',
    start: 0,
    end: 11,
    fragments: [
      { start: 0, end: 3 },
      { start: 7, end: 11 },
    ],
  };
  const first: Entity = { label: 'NAME', start: 0, end: 6 };
  const crossing: Entity = { label: 'NAME', start: 4, end: 11 };
  const empty: Entity = { label: 'NAME', start: 2, end: 2 };
  const badLabel: Entity = { label: 'A B', start: 0, end: 3 };
  const { output, skipped } = renderInlineTags(text, [crossing, discontinuous, first, empty, badLabel]);
  assert.equal(output, '<NAME>sốt ho</NAME> khan');
  assert.deepEqual(new Set(skipped), new Set([discontinuous, crossing, empty, badLabel]));
});

test('offsets are code points (emoji, CRLF)', () => {
  const text = '😷 BN\r\n91';
  const { output } = renderInlineTags(text, [{ label: 'PATIENT_ID', start: 2, end: 8 }]);
  assert.equal(output, '😷 <PATIENT_ID>BN\r\n91</PATIENT_ID>');
  assert.deepEqual(parseInlineTags(output, text), {
    entities: [{ label: 'PATIENT_ID', start: 2, end: 8 }],
    problems: [],
  });
});

test('property: parse(render) recovers nested entities exactly', () => {
  fc.assert(
    fc.property(docArb, ({ text, entities }) => {
      const { output, skipped } = renderInlineTags(text, entities);
      assert.deepEqual(skipped, []);
      const parsed = parseInlineTags(output, text, { labels: LABELS });
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.entities, entities);
    }),
    { numRuns: 400 },
  );
});

test('unknown labels are dropped and reported', () => {
  const { entities, problems } = parseInlineTags('<NAME>An</NAME> <FOO>ho</FOO>', 'An ho', { labels: ['NAME'] });
  assert.deepEqual(entities, [{ label: 'NAME', start: 0, end: 2 }]);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /unknown label "FOO"/);
});

test('unbalanced tags are recovered and reported', () => {
  const source = 'BV Bạch Mai ở Hà Nội';
  // Closing order swapped: both still end where they were closed.
  let r = parseInlineTags('<ORGANIZATION>BV <LOCATION>Bạch Mai</ORGANIZATION></LOCATION> ở Hà Nội', source);
  assert.deepEqual(r.entities, [
    { label: 'ORGANIZATION', start: 0, end: 11 },
    { label: 'LOCATION', start: 3, end: 11 },
  ]);
  assert.equal(r.problems.length, 1);
  // A missing close: the inner tag ends where its parent closes.
  r = parseInlineTags('<ORGANIZATION>BV <LOCATION>Bạch Mai</ORGANIZATION> ở Hà Nội', source);
  assert.deepEqual(r.entities, [
    { label: 'ORGANIZATION', start: 0, end: 11 },
    { label: 'LOCATION', start: 3, end: 11 },
  ]);
  assert.match(r.problems[0], /<LOCATION> at output offset 17 closed by <\/ORGANIZATION>/);
  // A close with nothing to close, and a tag never closed.
  r = parseInlineTags('BV Bạch Mai</LOCATION> ở <LOCATION>Hà Nội', source);
  assert.deepEqual(r.entities, []);
  assert.equal(r.problems.length, 2);
  assert.match(r.problems[0], /closes nothing/);
  assert.match(r.problems[1], /never closed/);
  // An empty pair marks nothing.
  r = parseInlineTags('<NAME></NAME>BV Bạch Mai ở Hà Nội', source);
  assert.deepEqual(r.entities, []);
  assert.match(r.problems[0], /marks no text/);
});

test('text that drifted from the source is aligned back', () => {
  const source = 'Bệnh nhân 91 điều trị tại bệnh viện Bạch Mai, Hà Nội.';
  const at = (s: string) => codePointLength(source.slice(0, source.indexOf(s)));
  const span = (label: string, s: string) => ({ label, start: at(s), end: at(s) + codePointLength(s) });
  // A dropped syllable, a lost diacritic inside an entity and an added word.
  const output =
    'Bệnh nhân <PATIENT_ID>91</PATIENT_ID> trị tại <ORGANIZATION>bệnh viện Bach Mai</ORGANIZATION>, thành phố <LOCATION>Hà Nội</LOCATION>.';
  const { entities, problems } = parseInlineTags(output, source);
  assert.deepEqual(entities, [
    span('PATIENT_ID', '91'),
    span('ORGANIZATION', 'bệnh viện Bạch Mai'),
    span('LOCATION', 'Hà Nội'),
  ]);
  assert.match(
    problems[0],
    /output text differs from the source \(5 source characters missing, 10 output characters not in the source, 1 changed; first at source offset 13/,
  );
  assert.ok(problems.some((p) => /"bệnh viện Bach Mai" aligned to source "bệnh viện Bạch Mai"/.test(p)));
});

test('an entity whose text is not in the source is dropped and reported', () => {
  const { entities, problems } = parseInlineTags('sốt <NAME>Lan</NAME> ho', 'sốt ho');
  assert.deepEqual(entities, []);
  assert.ok(problems.some((p) => /NAME "Lan" .* is not in the source; dropped/.test(p)));
});

test('NFD output lands on the NFC source', () => {
  const source = 'ở Hà Nội';
  const output = 'ở <LOCATION>Hà Nội</LOCATION>'.normalize('NFD');
  assert.deepEqual(parseInlineTags(output, source), {
    entities: [{ label: 'LOCATION', start: 2, end: 8 }],
    problems: [],
  });
});

test('readInlineTags keeps the escaped text for strict comparison', () => {
  const read = readInlineTags('a<X>&lt;b</X>');
  assert.equal(read.rawText, 'a&lt;b');
  assert.equal(read.text, 'a<b');
  assert.deepEqual(read.entities, [{ label: 'X', start: 1, end: 3, at: 1 }]);
});

test('property: output that lost every diacritic still lands exactly on the source', () => {
  fc.assert(
    fc.property(docArb, ({ text, entities }) => {
      const output = renderInlineTags(text, entities)
        .output.normalize('NFD')
        .replace(/[\u0300-\u036f]/gu, '')
        .normalize('NFC');
      assert.deepEqual(parseInlineTags(output, text).entities, entities);
    }),
    { numRuns: 200 },
  );
});

/** One random corruption of a rendered output: characters deleted or added, tags deleted, labels made unknown. */
const corruption = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ unit: fc.constantFrom('a', 'ệ', ' ', '<', '>', '/', '&', ';', 'N', '😷', '\n'), maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('dropTag' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unknownLabel' as const), at: fc.nat() }),
);

type Corruption = { kind: string; at: number; length?: number; text?: string };

function corrupt(output: string, ops: readonly Corruption[]): string {
  let s = output;
  for (const op of ops) {
    const units = Array.from(s);
    const at = units.length === 0 ? 0 : op.at % (units.length + 1);
    if (op.kind === 'delete') units.splice(at, op.length!);
    else if (op.kind === 'insert') units.splice(at, 0, op.text!);
    else {
      const tags = [...s.matchAll(/<\/?[A-Z_]+>/g)];
      if (tags.length === 0) continue;
      const tag = tags[op.at % tags.length];
      const replacement = op.kind === 'dropTag' ? '' : tag[0].replace(/[A-Z_]+/, 'MADE_UP');
      s = s.slice(0, tag.index) + replacement + s.slice(tag.index! + tag[0].length);
      continue;
    }
    s = units.join('');
  }
  return s;
}

test('property: corrupted output never throws and gives in-range entities', () => {
  fc.assert(
    fc.property(docArb, fc.array(corruption, { minLength: 1, maxLength: 5 }), ({ text, entities }, ops) => {
      const output = corrupt(renderInlineTags(text, entities).output, ops);
      const length = codePointLength(text);
      const parsed = parseInlineTags(output, text, { labels: LABELS });
      for (const e of parsed.entities) {
        assert.ok(
          Number.isInteger(e.start) && Number.isInteger(e.end) && 0 <= e.start && e.start < e.end && e.end <= length,
          JSON.stringify(e),
        );
        assert.ok(LABELS.includes(e.label));
      }
      assert.ok(!parsed.problems.some((p) => p.startsWith('internal error')), parsed.problems.join('\n'));
    }),
    { numRuns: 400 },
  );
});

test('aligns a 2,000-character document quickly, even when the output is unrelated', () => {
  const words = [
    'bệnh',
    'nhân',
    'sốt',
    'ho',
    'khan',
    'Hà',
    'Nội',
    'điều',
    'trị',
    'tại',
    'viện',
    'Bạch',
    'Mai',
    '91',
    ',',
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const make = (n: number) => Array.from({ length: n }, () => words[next() % words.length]).join(' ');
  const source = make(520);
  assert.ok(source.length >= 2000);
  // A dozen scattered edits: syllables dropped and diacritics lost.
  const edited = source
    .split(' ')
    .filter((_, i) => i % 37 !== 5)
    .join(' ')
    .replace(/ệ/g, 'e');
  let started = performance.now();
  const near = parseInlineTags(`<NAME>${edited.slice(0, 30)}</NAME>${edited.slice(30)}`, source);
  const nearMs = performance.now() - started;
  assert.equal(near.entities.length, 1);
  started = performance.now();
  const far = parseInlineTags(make(520), source);
  const farMs = performance.now() - started;
  assert.ok(far.problems.length > 0);
  assert.ok(nearMs < 500 && farMs < 3000, `near ${nearMs.toFixed(0)} ms, unrelated ${farMs.toFixed(0)} ms`);
});
