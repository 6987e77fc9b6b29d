import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSplitRatios, stratify, type StratifyItem } from '../../../core/dataset/stratify.js';
import { Xoshiro128 } from '../../../core/sampler/rng.js';

/** A skewed corpus: a common label in most documents, a rarer one, a rare one, and documents with nothing. */
function skewed(n = 400): StratifyItem[] {
  const rng = new Xoshiro128(42, 0);
  return Array.from({ length: n }, (_, i) => {
    const labels: Record<string, number> = {};
    if (rng.uniform() < 0.9) labels.LOCATION = 1 + Math.floor(rng.uniform() * 6);
    if (rng.uniform() < 0.12) labels.SYMPTOM = 1 + Math.floor(rng.uniform() * 3);
    if (i % 40 === 7) labels.TRANSPORTATION = 1 + (i % 3);
    return { id: 1000 + i * 3, labels };
  });
}

function spansPerSplit(items: readonly StratifyItem[], placed: Map<number, number>, label: string): number[] {
  const out = [0, 0, 0];
  for (const item of items) out[placed.get(item.id)!] += item.labels[label] ?? 0;
  return out;
}

test('parseSplitRatios reads shares in any unit and names a bad one', () => {
  assert.deepEqual(parseSplitRatios('80/10/10'), [0.8, 0.1, 0.1]);
  assert.deepEqual(parseSplitRatios('0.9/0.1'), [0.9, 0.1]);
  for (const bad of ['80', '80/-10/30', '80//20', 'a/b', '0/0'])
    assert.throws(() => parseSplitRatios(bad), RangeError, bad);
});

test('every document lands in exactly one split, in proportion', () => {
  const items = skewed();
  const placed = stratify(items, [0.8, 0.1, 0.1], 7);
  assert.equal(placed.size, items.length);
  assert.ok([...placed.values()].every((k) => k === 0 || k === 1 || k === 2));
  const docs = [0, 1, 2].map((k) => [...placed.values()].filter((v) => v === k).length);
  // Documents follow the shares within 4 % of the corpus.
  [0.8, 0.1, 0.1].forEach((r, k) => assert.ok(Math.abs(docs[k] - r * items.length) <= 16, `split ${k}: ${docs}`));
});

test("each label's spans are shared out as asked, rare labels included", () => {
  const items = skewed();
  const placed = stratify(items, [0.8, 0.1, 0.1], 7);
  for (const label of ['LOCATION', 'SYMPTOM', 'TRANSPORTATION']) {
    const per = spansPerSplit(items, placed, label);
    const total = per.reduce((a, b) => a + b, 0);
    // Within 2 spans, or 3 % of the label's spans for the common one.
    [0.8, 0.1, 0.1].forEach((r, k) =>
      assert.ok(Math.abs(per[k] - r * total) <= Math.max(2, 0.03 * total), `${label} split ${k}: ${per} of ${total}`),
    );
    assert.ok(
      per.every((n) => n > 0),
      `${label} reaches every split: ${per}`,
    );
  }
});

test('deterministic by seed, whatever the input order', () => {
  const items = skewed(200);
  const a = stratify(items, [0.8, 0.1, 0.1], 3);
  const b = stratify([...items].reverse(), [0.8, 0.1, 0.1], 3);
  assert.deepEqual(
    [...a].sort((x, y) => x[0] - y[0]),
    [...b].sort((x, y) => x[0] - y[0]),
  );
  const c = stratify(items, [0.8, 0.1, 0.1], 4);
  assert.notDeepEqual(
    [...a].sort((x, y) => x[0] - y[0]),
    [...c].sort((x, y) => x[0] - y[0]),
  );
});

test('edge cases: no documents, a zero share, a document listed twice', () => {
  assert.equal(stratify([], [0.8, 0.1, 0.1]).size, 0);
  const placed = stratify(skewed(50), [0.9, 0, 0.1], 1);
  assert.ok(![...placed.values()].includes(1), 'a split asked for nothing gets nothing');
  assert.throws(
    () =>
      stratify(
        [
          { id: 1, labels: {} },
          { id: 1, labels: {} },
        ],
        [0.5, 0.5],
      ),
    /listed twice/,
  );
});
