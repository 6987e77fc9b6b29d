import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, spans } from './entity-at.js';
import type { Entity } from '../../../core/document.js';
import { heldoutScores } from '../../../core/lexicon/evaluate.js';
import { Lexicon } from '../../../core/lexicon/lexicon.js';
import { precisionOf } from '../../../core/lexicon/score.js';
import { select } from '../../../core/lexicon/select.js';

const src = 'Bệnh nhân ở Hà Nội.';
const base = () => Lexicon.build([{ text: src, entities: [at(src, 'Hà Nội', 'LOCATION')] }]);

test('matches an annotated form elsewhere, on syllable boundaries only', () => {
  const lexicon = base();
  const text = 'Ca mới ở Hà Nội và Hà Nộii, cả Hà Nội-2.';
  assert.deepEqual(spans(lexicon.match(text)), [
    at(text, 'Hà Nội', 'LOCATION'),
    at(text, 'Hà Nội', 'LOCATION', text.indexOf('cả')),
  ]);
  assert.deepEqual(lexicon.match('Hà Nộii'), []);
  assert.deepEqual(lexicon.match('xHà Nội'), []);
  assert.deepEqual(lexicon.match('Hà'), []);
  assert.deepEqual(lexicon.match('hà nội'), [], 'exact: case counts');
});

test('whitespace between syllables may differ (CRLF, tabs, double spaces); touching tokens must touch', () => {
  const lexicon = base();
  const text = 'ở Hà\r\nNội và Hà \t Nội';
  assert.deepEqual(spans(lexicon.match(text)), [
    { label: 'LOCATION', start: 2, end: 9 },
    { label: 'LOCATION', start: 13, end: 21 },
  ]);
  const covid = 'nhiễm COVID-19 rồi';
  const l2 = Lexicon.build([{ text: covid, entities: [at(covid, 'COVID-19', 'DISEASE')] }]);
  assert.equal(l2.match('bị COVID-19.').length, 1);
  assert.equal(l2.match('bị COVID - 19.').length, 0);
});

test('NFD input is normalised: entries and matches are NFC, offsets in code points of the NFC text', () => {
  const nfd = src.normalize('NFD');
  const nfdStart = Array.from(nfd).length - Array.from('Hà Nội.'.normalize('NFD')).length;
  const lexicon = Lexicon.build([
    {
      text: nfd,
      entities: [{ label: 'LOCATION', start: nfdStart, end: nfdStart + Array.from('Hà Nội'.normalize('NFD')).length }],
    },
  ]);
  assert.deepEqual(
    [...lexicon.pairs()].map((p) => p.key),
    ['Hà Nội'],
  );
  const target = 'Về Hà Nội'.normalize('NFD');
  assert.deepEqual(spans(lexicon.match(target)), [{ label: 'LOCATION', start: 3, end: 9 }]);
  assert.equal(Array.from(target.normalize('NFC')).slice(3, 9).join(''), 'Hà Nội');
});

test('offsets count code points after emoji', () => {
  const lexicon = base();
  const text = '😷👨‍👩‍👧 ở Hà Nội 🇻🇳';
  const [m] = lexicon.match(text);
  assert.deepEqual(spans([m]), [at(text, 'Hà Nội', 'LOCATION')]);
  assert.equal(Array.from(text).slice(m.start, m.end).join(''), 'Hà Nội');
  // An entry built from a text with emoji before it.
  const t2 = '🦠 sốt cao';
  const l2 = Lexicon.build([{ text: t2, entities: [at(t2, 'sốt cao', 'SYMPTOM')] }]);
  assert.deepEqual(
    [...l2.pairs()].map((p) => p.key),
    ['sốt cao'],
  );
});

test('entities that cut a syllable or are discontinuous are not entries', () => {
  const text = 'ở Hà Nội';
  const lexicon = Lexicon.build([
    {
      text,
      entities: [
        { label: 'X', start: 2, end: 3 },
        { label: 'X', start: 3, end: 8 },
        {
          label: 'Y',
          start: 2,
          end: 8,
          fragments: [
            { start: 2, end: 4 },
            { start: 5, end: 8 },
          ],
        },
      ],
    },
  ]);
  assert.equal(lexicon.entryCount, 0);
});

test('nested entries of different labels are both suggested; same-label overlaps keep the longest', () => {
  const t = 'Bệnh viện Bạch Mai ở Hà Nội';
  const lexicon = Lexicon.build([
    {
      text: t,
      entities: [
        at(t, 'Bệnh viện Bạch Mai', 'ORGANIZATION'),
        at(t, 'Bạch Mai', 'LOCATION'),
        at(t, 'Hà Nội', 'LOCATION'),
      ],
    },
  ]);
  const target = 'đến Bệnh viện Bạch Mai hôm qua';
  assert.deepEqual(spans(lexicon.match(target)), [
    at(target, 'Bệnh viện Bạch Mai', 'ORGANIZATION'),
    at(target, 'Bạch Mai', 'LOCATION'),
  ]);

  const t2 = 'sốt cao và sốt';
  const same = Lexicon.build([{ text: t2, entities: [at(t2, 'sốt cao', 'SYMPTOM'), at(t2, 'sốt', 'SYMPTOM', 5)] }]);
  assert.deepEqual(spans(same.match('bị sốt cao')), [{ label: 'SYMPTOM', start: 3, end: 10 }]);
  assert.deepEqual(spans(same.match('bị sốt')), [{ label: 'SYMPTOM', start: 3, end: 6 }]);
});

test('select: crossing matches keep the longer, then the more precise; one label per span', () => {
  assert.deepEqual(
    select([
      { label: 'A', start: 0, end: 5, score: 0.5 },
      { label: 'B', start: 3, end: 9, score: 0.9 },
    ]),
    [{ label: 'B', start: 3, end: 9, score: 0.9 }],
  );
  assert.deepEqual(
    select([
      { label: 'A', start: 0, end: 5, score: 0.5 },
      { label: 'B', start: 2, end: 7, score: 0.9 },
    ]),
    [{ label: 'B', start: 2, end: 7, score: 0.9 }],
  );
  assert.deepEqual(
    select([
      { label: 'A', start: 0, end: 5, score: 0.5 },
      { label: 'B', start: 0, end: 5, score: 0.7 },
    ]),
    [{ label: 'B', start: 0, end: 5, score: 0.7 }],
  );
});

test("precision: share of the form's occurrences annotated with the label, Beta(1,1)-smoothed", () => {
  assert.equal(precisionOf(1, 1), 2 / 3);
  const a = 'ho và ho';
  const b = 'ho khan';
  const lexicon = Lexicon.build([
    { id: 1, text: a, entities: [at(a, 'ho', 'SYMPTOM')] },
    { id: 2, text: b, entities: [] },
  ]);
  // "ho" occurs 3 times in the finished documents, annotated once.
  assert.deepEqual(lexicon.counts('ho', 'SYMPTOM'), { annotated: 1, occurrences: 3 });
  assert.equal(lexicon.score('ho', 'SYMPTOM'), 2 / 5);
  assert.equal(lexicon.match('ho nhiều')[0].score, 2 / 5);
  assert.deepEqual(lexicon.match('ho nhiều', { minScore: 0.5 }), []);
});

test('incremental updates equal a rebuild: add, back-fill, re-add, remove', () => {
  const docs = [
    { id: 1, text: 'Bệnh nhân sốt ở Hà Nội', entities: [at('Bệnh nhân sốt ở Hà Nội', 'Hà Nội', 'LOCATION')] },
    { id: 2, text: 'Hà Nội và Đà Nẵng sốt', entities: [] as Entity[] },
    {
      id: 3,
      text: 'sốt ở Đà Nẵng',
      entities: [at('sốt ở Đà Nẵng', 'sốt', 'SYMPTOM'), at('sốt ở Đà Nẵng', 'Đà Nẵng', 'LOCATION')],
    },
  ];
  const inc = new Lexicon();
  inc.addDocument(1, docs[0].text, docs[0].entities);
  inc.addDocument(2, docs[1].text, docs[1].entities);
  const change = inc.addDocument(3, docs[2].text, docs[2].entities);
  assert.deepEqual(change.newKeys.sort(), ['sốt', 'Đà Nẵng'].sort());
  for (const d of docs.slice(0, 2)) inc.countIn(d.id, d.text, new Set(change.newKeys));
  inc.countIn(2, docs[1].text, new Set(change.newKeys)); // idempotent
  const full = Lexicon.build(docs);
  assert.equal(inc.version, full.version);
  assert.deepEqual(
    [...inc.pairs()].sort((x, y) => x.key.localeCompare(y.key)),
    [...full.pairs()].sort((x, y) => x.key.localeCompare(y.key)),
  );
  assert.deepEqual(inc.counts('sốt', 'SYMPTOM'), { annotated: 1, occurrences: 3 });

  // Re-adding a document with other annotations replaces its contribution; removing takes it all back.
  inc.addDocument(3, docs[2].text, [at(docs[2].text, 'Đà Nẵng', 'LOCATION')]);
  assert.deepEqual(inc.counts('sốt', 'SYMPTOM'), { annotated: 0, occurrences: 3 });
  assert.deepEqual(inc.match('sốt'), []);
  inc.removeDocument(3);
  const two = Lexicon.build([docs[0], docs[1]]);
  assert.deepEqual([...inc.pairs()], [...two.pairs()]);
  assert.equal(inc.documentCount, 2);
});

test('held-out F1: every fifth document held out, like fine-tuning', () => {
  const docs = Array.from({ length: 10 }, (_, i) => {
    const text = `ca ${i} ở Hà Nội`;
    return { text, entities: [at(text, 'Hà Nội', 'LOCATION')] };
  });
  const s = heldoutScores(docs)!;
  assert.equal(s.heldout, 2);
  assert.equal(s.f1, 1);
  assert.equal(heldoutScores(docs.slice(0, 3)), undefined);
});

test('prefilter: passes every text holding a key, whatever whitespace is between its syllables', () => {
  const holds = Lexicon.prefilter(['Hà Nội', 'COVID-19', 'TP.HCM (cũ)']);
  assert.equal(holds('ở Hà\r\nNội'), true);
  assert.equal(holds('bị COVID-19'), true);
  assert.equal(holds('về TP.HCM (cũ) rồi'), true);
  assert.equal(holds('ở Hà Tĩnh'), false);
  assert.equal(holds('TPxHCM (cũ)'), false);
  assert.equal(Lexicon.prefilter([])('Hà Nội'), false);
});
