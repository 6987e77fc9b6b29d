// Pairwise agreement in detail (core/metrics/pair-agreement.ts): overlap matching is one to one and nested-aware,
// strict and overlap F1 per label, per-label kappa, symmetry, and the overall figures equal agreementMatrix's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entity, Range } from '../../../core/document.js';
import { agreementMatrix } from '../../../core/metrics/agreement.js';
import {
  countOverlaps,
  documentAgreement,
  overlapAgreement,
  pairAgreement,
} from '../../../core/metrics/pair-agreement.js';

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
const hanoi: Entity = { label: 'LOC', start: 14, end: 20 };

test('overlap matching: one to one per label, largest overlap first, nested spans each need a partner', () => {
  // b's one LOC overlaps both of a's nested LOCs; it takes the larger overlap and the other is unmatched.
  const a: Entity[] = [{ label: 'LOC', start: 0, end: 11 }, innerLoc];
  const b: Entity[] = [{ label: 'LOC', start: 2, end: 11 }];
  assert.deepEqual(Object.fromEntries(countOverlaps(a, b)), { LOC: { tp: 1, fp: 0, fn: 1 } });
  assert.deepEqual(Object.fromEntries(countOverlaps(b, a)), { LOC: { tp: 1, fp: 1, fn: 0 } }, 'symmetric');
  // Another label never matches, however much it overlaps; duplicates count once.
  assert.deepEqual(Object.fromEntries(countOverlaps([org, org], [{ ...org, label: 'LOC' }])), {
    ORG: { tp: 0, fp: 0, fn: 1 },
    LOC: { tp: 0, fp: 1, fn: 0 },
  });
  assert.equal(overlapAgreement([[]], [[]]), 1, 'nothing on either side agrees');
  assert.deepEqual(documentAgreement([org, innerLoc], [{ ...org, end: 7 }, innerLoc]), {
    strictF1: 0.5,
    overlapF1: 1,
    unmatched: 2,
  });
});

test('pairAgreement: strict and overlap F1 overall and per label, per-label kappa, equal to agreementMatrix', () => {
  const a = { name: 'hoa', docs: [[org, innerLoc, hanoi]] };
  const b = { name: 'lan', docs: [[{ ...org, end: 7 }, innerLoc]] };
  const pair = pairAgreement(a, b, [tokens]);
  assert.deepEqual([pair.a, pair.b, pair.documents], ['hoa', 'lan', 1]);
  // strict: LOC tp 1 (inner) fn 1 (Hà Nội); ORG fp 1 fn 1. micro tp 1 fp 1 fn 2: P 1/2, R 1/3, F1 0.4.
  assert.ok(Math.abs(pair.strictF1 - 0.4) < 1e-12);
  // overlap: ORG matches; LOC inner matches, Hà Nội not: tp 2 fp 0 fn 1 -> 0.8.
  assert.ok(Math.abs(pair.overlapF1 - 0.8) < 1e-12);
  assert.deepEqual(
    Object.fromEntries(Object.entries(pair.labels).map(([l, x]) => [l, [x.strictF1, x.overlapF1, x.a, x.b]])),
    { LOC: [2 / 3, 2 / 3, 2, 1], ORG: [0, 1, 1, 1] },
  );
  assert.equal(pair.labels.LOC.kappa !== null && pair.labels.LOC.kappa < 1, true);
  const matrix = agreementMatrix([a, b], [tokens]);
  assert.equal(pair.strictF1, matrix.spanF1[0][1]);
  assert.equal(pair.kappa, matrix.kappa[0][1]);
  const back = pairAgreement(b, a, [tokens]);
  assert.deepEqual([back.strictF1, back.overlapF1, back.kappa], [pair.strictF1, pair.overlapF1, pair.kappa]);
  // A label only nested below the kappa level has F1s but no kappa.
  const nestedOnly = pairAgreement({ name: 'x', docs: [[org, innerLoc]] }, { name: 'y', docs: [[org]] }, [tokens]);
  assert.equal(nestedOnly.labels.LOC.kappa, null);
  assert.equal(nestedOnly.labels.LOC.strictF1, 0);
  assert.throws(() => pairAgreement(a, { name: 'z', docs: [] }, [tokens]), RangeError);
});
