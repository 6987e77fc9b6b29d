import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diverseOrder } from '../../../core/active-learning/diversity.js';
import { rankDocuments } from '../../../core/active-learning/ranking.js';
import { shingles } from '../../../core/active-learning/near-duplicates.js';

// Two sentences on one rare disease, one on another topic, and filler that shares only common pairs.
const docs = [
  { id: 1, score: 10, text: 'bệnh nhân mắc viêm màng não mô cầu được điều trị kháng sinh' },
  { id: 2, score: 9, text: 'viêm màng não mô cầu gây sốt cao và cứng cổ ở trẻ em' },
  { id: 3, score: 8, text: 'đau thắt ngực là triệu chứng thường gặp của bệnh mạch vành' },
  { id: 4, score: 1, text: 'bệnh nhân được theo dõi tại bệnh viện' },
  { id: 5, score: 1, text: 'bệnh nhân được xuất viện sau một tuần' },
];

test('a document whose rare word pairs are already above it gives way to one that brings new ones', () => {
  const order = diverseOrder(docs);
  assert.deepEqual(
    order.map((d) => d.id),
    [1, 3, 2, 4, 5],
  );
  assert.equal(order[0].coverage, 0);
  assert.equal(order[0].score, 10);
  const second = order.find((d) => d.id === 2)!;
  assert.ok(second.coverage > 0.2 && second.coverage < 1, `coverage ${second.coverage}`);
  assert.ok(Math.abs(second.score - 9 * (1 - second.coverage)) < 1e-9);
});

test('without shared pairs the order is the score order; an identical text is covered entirely', () => {
  const apart = diverseOrder([
    { id: 7, score: 2, text: 'sốt cao liên tục' },
    { id: 8, score: 3, text: 'ho khan kéo dài' },
  ]);
  assert.deepEqual(
    apart.map((d) => [d.id, d.coverage]),
    [
      [8, 0],
      [7, 0],
    ],
  );
  const twins = diverseOrder([
    { id: 1, score: 5, text: 'ho khan kéo dài' },
    { id: 2, score: 4, text: 'HO KHAN kéo dài' },
    { id: 3, score: 1, text: 'đau bụng dữ dội' },
  ]);
  assert.deepEqual(
    twins.map((d) => d.id),
    [1, 3, 2],
  );
  assert.equal(twins[2].coverage, 1);
  assert.equal(twins[2].score, 0);
});

test('rankDocuments applies diversity to uncertainty strategies only, and records the coverage', () => {
  const candidates = docs.map((d) => ({
    id: d.id,
    text: d.text,
    signals: { tokens: 10, entityTokens: 2, meanEntropy: 0, maxEntropy: 0, minMargin: 1, totalEntropy: d.score },
  }));
  const plain = rankDocuments(candidates, { strategy: 'entropy-total' });
  assert.deepEqual(
    plain.map((r) => r.id),
    [1, 2, 3, 4, 5],
  );
  const diverse = rankDocuments(candidates, { strategy: 'entropy-total', diverse: true });
  assert.deepEqual(
    diverse.map((r) => r.id),
    [1, 3, 2, 4, 5],
  );
  assert.ok(diverse[2].reason.coverage! > 0);
  const random = rankDocuments(candidates, { strategy: 'random', diverse: true, seed: 3 });
  assert.ok(random.every((r) => r.reason.coverage === undefined));
});

test('shingles take any n: word pairs for diversity, 3-grams for near-duplicates', () => {
  assert.deepEqual([...shingles('Sốt 39 độ', 2)], ['sốt #', '# độ']);
  assert.deepEqual([...shingles('Sốt', 2)], ['sốt']);
});
