import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity, Range } from '../../../core/document.js';
import { agreementMatrix, cohenKappa, levelTokenTags, spanAgreement } from '../../../core/metrics/agreement.js';

test("Cohen's kappa on the textbook example (50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no) is 0.4", () => {
  const a = [...Array(20).fill('yes'), ...Array(5).fill('yes'), ...Array(10).fill('no'), ...Array(15).fill('no')];
  const b = [...Array(20).fill('yes'), ...Array(5).fill('no'), ...Array(10).fill('yes'), ...Array(15).fill('no')];
  // p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = 0.2/0.5.
  assert.ok(Math.abs(cohenKappa(a, b) - 0.4) < 1e-12);
});

test('kappa edge cases', () => {
  assert.equal(cohenKappa(['O', 'O'], ['O', 'O']), 1);
  assert.ok(Number.isNaN(cohenKappa([], [])));
  assert.equal(cohenKappa(['a', 'b'], ['b', 'a']), -1);
  assert.throws(() => cohenKappa(['a'], []), RangeError);
});

// "BV Bạch Mai ở Hà Nội": tokens BV | Bạch | Mai | ở | Hà | Nội
const tokens: Range[] = [
  { start: 0, end: 2 },
  { start: 3, end: 7 },
  { start: 8, end: 11 },
  { start: 12, end: 13 },
  { start: 14, end: 16 },
  { start: 17, end: 20 },
];
const org: Entity = { label: 'ORG', start: 0, end: 11 };
const innerLoc: Entity = { label: 'LOC', start: 3, end: 11 };
const city: Entity = { label: 'LOC', start: 14, end: 20 };

test('token tags take the outermost level by default, a deeper one on request', () => {
  assert.deepEqual(levelTokenTags(tokens, [innerLoc, org, city]), ['B-ORG', 'I-ORG', 'I-ORG', 'O', 'B-LOC', 'I-LOC']);
  assert.deepEqual(levelTokenTags(tokens, [innerLoc, org, city], 1), ['O', 'B-LOC', 'I-LOC', 'O', 'O', 'O']);
});

test('span agreement is strict F1 and symmetric; nothing vs nothing is full agreement', () => {
  assert.equal(spanAgreement([[org, innerLoc, city]], [[org, city]]), 0.8); // P 1, R 2/3
  assert.equal(spanAgreement([[org, city]], [[org, innerLoc, city]]), 0.8);
  assert.equal(spanAgreement([[]], [[]]), 1);
});

test('agreement matrix for three annotators', () => {
  const m = agreementMatrix(
    [
      { name: 'an', docs: [[org, innerLoc, city]] },
      { name: 'binh', docs: [[org, city]] },
      { name: 'chi', docs: [[innerLoc]] },
    ],
    [tokens],
  );
  assert.deepEqual(m.names, ['an', 'binh', 'chi']);
  assert.deepEqual(m.spanF1, [
    [1, 0.8, 0.5],
    [0.8, 1, 0],
    [0.5, 0, 1],
  ]);
  // an and binh have the same outermost level: kappa 1. an vs chi (hand-computed):
  // an  = B-ORG I-ORG I-ORG O B-LOC I-LOC;  chi = O B-LOC I-LOC O O O
  // p_o = 1/6 (token 4); p_e = Σ p_an(c)·p_chi(c) = O: (1/6)(4/6) = 4/36; B-LOC: (1/6)(1/6) = 1/36; I-LOC: (1/6)(1/6) = 1/36 -> 6/36
  // kappa = (1/6 - 1/6) / (1 - 1/6) = 0.
  assert.equal(m.kappa[0][1], 1);
  assert.ok(Math.abs(m.kappa[0][2]) < 1e-12);
  assert.equal(m.kappa[2][0], m.kappa[0][2]);
});
