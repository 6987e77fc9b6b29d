import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityF1 } from '../../../core/metrics/entity-f1.js';

test('strict nested entity P/R/F1: micro, macro, weighted and per label (hand-computed)', () => {
  const report = entityF1([
    {
      // Gold: ORG [0,18) containing LOC [10,18); LOC [20,26).
      gold: [
        { label: 'ORG', start: 0, end: 18 },
        { label: 'LOC', start: 10, end: 18 },
        { label: 'LOC', start: 20, end: 26 },
      ],
      // Pred: the inner LOC right, the outer ORG one character short, LOC [20,26) twice (counted once), a stray PER.
      pred: [
        { label: 'LOC', start: 10, end: 18 },
        { label: 'ORG', start: 0, end: 17 },
        { label: 'LOC', start: 20, end: 26 },
        { label: 'LOC', start: 20, end: 26, score: 0.4 },
        { label: 'PER', start: 30, end: 33 },
      ],
    },
    {
      gold: [
        {
          label: 'ORG',
          start: 0,
          end: 5,
          fragments: [
            { start: 0, end: 2 },
            { start: 3, end: 5 },
          ],
        },
      ],
      pred: [{ label: 'ORG', start: 0, end: 5 }],
    },
  ]);
  assert.deepEqual(report.perLabel.LOC, { precision: 1, recall: 1, f1: 1, support: 2, tp: 2, fp: 0, fn: 0 });
  assert.deepEqual(report.perLabel.ORG, { precision: 0, recall: 0, f1: 0, support: 2, tp: 0, fp: 2, fn: 2 });
  assert.deepEqual(report.perLabel.PER, { precision: 0, recall: 0, f1: 0, support: 0, tp: 0, fp: 1, fn: 0 });
  // micro: tp 2, fp 3, fn 2 -> P 2/5, R 2/4, F1 = 2·0.4·0.5/0.9.
  assert.deepEqual(report.micro, { precision: 0.4, recall: 0.5, f1: 0.4 / 0.9, support: 4, tp: 2, fp: 3, fn: 2 });
  // macro over LOC, ORG, PER (gold ∪ pred).
  assert.equal(report.macro.precision, 1 / 3);
  assert.equal(report.macro.f1, 1 / 3);
  // weighted by support 2, 2, 0.
  assert.equal(report.weighted.recall, 0.5);
});

test('no entities at all gives zeros, not NaN', () => {
  const report = entityF1([{ gold: [], pred: [] }]);
  assert.deepEqual(report.perLabel, {});
  assert.deepEqual(report.micro, { precision: 0, recall: 0, f1: 0, support: 0, tp: 0, fp: 0, fn: 0 });
  assert.deepEqual(report.macro, { precision: 0, recall: 0, f1: 0, support: 0 });
});
