import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareEntities, entityKey, type Entity } from '../../../core/document.js';
import { codePointLength } from '../../../core/offsets.js';
import { tokenize } from '../../../core/tokenize.js';
import { parseBioLines, renderBioLines } from '../../../core/model-output/bio-lines.js';

const LABELS = ['PATIENT_ID', 'LOCATION', 'ORGANIZATION', 'SYMPTOM_AND_DISEASE'];
const text = 'BN 91 ở bệnh viện Bạch Mai, Hà Nội.';
const tokens = tokenize(text);
const at = (s: string) => codePointLength(text.slice(0, text.indexOf(s)));
const span = (label: string, s: string): Entity => ({ label, start: at(s), end: at(s) + codePointLength(s) });

test('renders one line per token with stacked tags, outer first', () => {
  const entities = [
    span('ORGANIZATION', 'bệnh viện Bạch Mai'),
    span('LOCATION', 'Bạch Mai'),
    span('LOCATION', 'Hà Nội'),
    span('PATIENT_ID', '91'),
  ];
  const { output, skipped } = renderBioLines(text, tokens, entities);
  assert.deepEqual(skipped, []);
  assert.equal(
    output,
    [
      'BN O',
      '91 B-PATIENT_ID',
      'ở O',
      'bệnh B-ORGANIZATION',
      'viện I-ORGANIZATION',
      'Bạch I-ORGANIZATION|B-LOCATION',
      'Mai I-ORGANIZATION|I-LOCATION',
      ', O',
      'Hà B-LOCATION',
      'Nội I-LOCATION',
      '. O',
    ].join('\n'),
  );
  assert.deepEqual(parseBioLines(output, text, tokens), {
    entities: [...entities].sort(compareEntities),
    problems: [],
  });
});

test('crossing entities get their own columns and come back', () => {
  const a = span('LOCATION', 'ở bệnh viện');
  const b = span('LOCATION', 'viện Bạch');
  const { output, skipped } = renderBioLines(text, tokens, [a, b]);
  assert.deepEqual(skipped, []);
  assert.match(output, /viện I-LOCATION\|B-LOCATION\nBạch O\|I-LOCATION/);
  assert.deepEqual(parseBioLines(output, text).entities, [a, b]);
});

test('skips entities off token boundaries, discontinuous ones and labels that cannot be tags', () => {
  const offBoundary: Entity = { label: 'LOCATION', start: at('Bạch') + 1, end: at('Mai') + 3 };
  const discontinuous: Entity = {
    label: 'LOCATION',
    start: at('Bạch'),
    end: at('Nội') + 3,
    fragments: [
      { start: at('Bạch'), end: at('Bạch') + 4 },
      { start: at('Nội'), end: at('Nội') + 3 },
    ],
  };
  const badLabel: Entity = { ...span('LOCATION', 'Hà Nội'), label: 'A|B' };
  const { output, skipped } = renderBioLines(text, tokens, [offBoundary, discontinuous, badLabel]);
  assert.deepEqual(skipped.length, 3);
  assert.ok(!/B-/.test(output));
});

test('a missing line, an extra line and a changed token are recovered by alignment', () => {
  const output = [
    'BN O',
    '91 B-PATIENT_ID',
    'tại O',
    'bệnh B-ORGANIZATION',
    'vien I-ORGANIZATION',
    'Bạch I-ORGANIZATION|B-LOCATION',
    'Mai I-ORGANIZATION|I-LOCATION',
    'Hà B-LOCATION',
    'Nội I-LOCATION',
  ].join('\n');
  const { entities, problems } = parseBioLines(output, text, tokens);
  assert.deepEqual(entities, [
    span('PATIENT_ID', '91'),
    span('ORGANIZATION', 'bệnh viện Bạch Mai'),
    span('LOCATION', 'Bạch Mai'),
    span('LOCATION', 'Hà Nội'),
  ]);
  assert.match(problems[0], /output tokens differ from the source tokens/);
  assert.ok(problems.some((p) => /"bệnh vien Bạch Mai" aligned to source tokens "bệnh viện Bạch Mai"/.test(p)));
});

test('lenient lines: malformed and unknown tags, stray I-, missing tags, blank lines, CRLF', () => {
  const output =
    'BN O\r\n91 I-PATIENT_ID\r\n\r\nở\r\nbệnh X-ORG\r\nviện B-FOO\r\nBạch B-LOCATION\r\nMai I-LOCATION|\r\n, O\r\nHà O\r\nNội O\r\n. O\r\n';
  const { entities, problems } = parseBioLines(output, text, undefined, { labels: LABELS });
  assert.deepEqual(entities, [span('PATIENT_ID', '91'), span('LOCATION', 'Bạch Mai')]);
  assert.deepEqual(problems, [
    'line 4: no tag; read as O',
    'line 5: "X-ORG" is not O, B-LABEL or I-LABEL; read as O',
    'line 6: unknown label "FOO"; dropped',
    'line 8: "" is not O, B-LABEL or I-LABEL; read as O',
    'token 2 ("91"): I-PATIENT_ID does not continue a PATIENT_ID; read as B-PATIENT_ID',
  ]);
});

test('an entity whose tokens are not in the source is dropped and reported; empty output gives nothing', () => {
  const r = parseBioLines('BN O\nLan B-PATIENT_ID\n91 O', text, tokens);
  assert.deepEqual(r.entities, []);
  assert.ok(r.problems.some((p) => /PATIENT_ID "Lan" \(token 2\) is not in the source; dropped/.test(p)));
  assert.deepEqual(parseBioLines('', text).entities, []);
});

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
  '\r\n',
  '😷',
  '<',
  '&',
  ',',
  '.',
  'COVID-19',
].map((p) => p.normalize('NFD'));
const docArb = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 30 })
  .map((parts) => parts.join('').normalize('NFC'))
  .chain((source) => {
    const toks = tokenize(source);
    const one = fc
      .tuple(fc.nat(Math.max(0, toks.length - 1)), fc.nat(Math.max(0, toks.length - 1)), fc.constantFrom(...LABELS))
      .map(([a, b, label]) => ({
        label,
        start: toks[Math.min(a, b)]?.start ?? 0,
        end: toks[Math.max(a, b)]?.end ?? 0,
      }));
    return fc.array(one, { maxLength: toks.length === 0 ? 0 : 8 }).map((es) => ({
      source,
      toks,
      entities: [...new Map(es.map((e) => [entityKey(e), e])).values()].sort(compareEntities),
    }));
  });

test('property: parse(render) recovers token-aligned entities, nested or crossing', () => {
  fc.assert(
    fc.property(docArb, ({ source, toks, entities }) => {
      const { output, skipped } = renderBioLines(source, toks, entities);
      assert.deepEqual(skipped, []);
      assert.deepEqual(parseBioLines(output, source, toks, { labels: LABELS }), { entities, problems: [] });
    }),
    { numRuns: 300 },
  );
});

test('property: corrupted lines never throw and give entities on source tokens', () => {
  const edit = fc.record({
    kind: fc.constantFrom('drop', 'duplicate', 'retag', 'garble'),
    at: fc.nat(),
    tag: fc.constantFrom('O', 'I-LOCATION', 'B-MADE_UP', 'I-', '|', 'B-LOCATION|I-PATIENT_ID'),
  });
  fc.assert(
    fc.property(docArb, fc.array(edit, { maxLength: 6 }), ({ source, toks, entities }, edits) => {
      const lines = renderBioLines(source, toks, entities).output.split('\n');
      for (const e of edits) {
        const i = e.at % Math.max(1, lines.length);
        if (e.kind === 'drop') lines.splice(i, 1);
        else if (e.kind === 'duplicate') lines.splice(i, 0, lines[i] ?? 'x O');
        else if (e.kind === 'retag') lines[i] = `${(lines[i] ?? '').split(' ')[0]} ${e.tag}`;
        else lines[i] = (lines[i] ?? '').replace(/[aeiouệạộ]/gu, '');
      }
      const starts = new Set(toks.map((t) => t.start));
      const ends = new Set(toks.map((t) => t.end));
      const parsed = parseBioLines(lines.join('\n'), source, toks, { labels: LABELS });
      for (const e of parsed.entities) {
        assert.ok(starts.has(e.start) && ends.has(e.end) && e.start < e.end, JSON.stringify(e));
        assert.ok(LABELS.includes(e.label));
      }
      assert.ok(!parsed.problems.some((p) => p.startsWith('internal error')), parsed.problems.join('\n'));
    }),
    { numRuns: 300 },
  );
});
