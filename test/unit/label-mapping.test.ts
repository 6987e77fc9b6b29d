import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ANY_MODEL,
  labelMapper,
  labelsThatLand,
  mapSuggestedSpans,
  relabelEntities,
} from '../../core/label-mapping.js';

test("labelMapper: the model's own row, then the any-model row; an unmapped label stays", () => {
  const map = labelMapper(
    [
      { model: 'm', modelLabel: 'PER', projectLabel: 'NGƯỜI' },
      { model: ANY_MODEL, modelLabel: 'PER', projectLabel: 'NAME' },
      { model: ANY_MODEL, modelLabel: 'LOC', projectLabel: 'NƠI' },
      { model: 'other', modelLabel: 'LOC', projectLabel: 'X' },
    ],
    'm',
  );
  assert.equal(map('PER'), 'NGƯỜI');
  assert.equal(map('LOC'), 'NƠI');
  assert.equal(map('ORG'), 'ORG');
  assert.equal(labelMapper([], 'm')('PER'), 'PER');
  assert.equal(labelMapper([{ model: 'm', modelLabel: 'PER', projectLabel: 'NGƯỜI' }], 'other')('PER'), 'PER');
});

test('relabelEntities: renames, drops (null), sorts, and keeps one of the entities a merge makes equal', () => {
  const out = relabelEntities(
    [
      { label: 'B', start: 5, end: 9 },
      { label: 'A', start: 5, end: 9 },
      { label: 'D', start: 0, end: 2 },
      {
        label: 'C',
        start: 0,
        end: 4,
        fragments: [
          { start: 0, end: 1 },
          { start: 3, end: 4 },
        ],
      },
    ],
    (l) => (l === 'A' || l === 'B' ? 'AB' : l === 'D' ? null : l),
  );
  assert.deepEqual(out, [
    {
      label: 'C',
      start: 0,
      end: 4,
      fragments: [
        { start: 0, end: 1 },
        { start: 3, end: 4 },
      ],
    },
    { label: 'AB', start: 5, end: 9 },
  ]);
});

test('mapSuggestedSpans: of spans that become equal the best-scored stays; emoji and NFD labels are names like any other', () => {
  const nfd = 'Đ'.normalize('NFD');
  const out = mapSuggestedSpans(
    [
      { label: 'PER', start: 0, end: 3, score: 0.4 },
      { label: 'NAME', start: 0, end: 3, score: 0.9 },
      { label: nfd, start: 4, end: 6, score: 0.5 },
    ],
    (l) => (l === 'PER' ? 'NAME' : l === nfd ? '🦠' : l),
  );
  assert.deepEqual(out, [
    { label: 'NAME', start: 0, end: 3, score: 0.9 },
    { label: '🦠', start: 4, end: 6, score: 0.5 },
  ]);
});

test('labelsThatLand: the labels a project keeps, or undefined when it keeps all or none (decode with all)', () => {
  const model = ['LOCATION', 'DATE', 'ten_benh', 'triệu chứng'];
  const project = new Set(['Nơi chốn', 'ten_benh', 'triệu chứng']);
  const map = (label: string) => (label === 'LOCATION' ? 'Nơi chốn' : label);
  assert.deepEqual(
    labelsThatLand(model, (l) => project.has(map(l))),
    ['LOCATION', 'ten_benh', 'triệu chứng'],
  );
  assert.equal(
    labelsThatLand(model, () => true),
    undefined,
  );
  assert.equal(
    labelsThatLand(model, () => false),
    undefined,
  );
});
