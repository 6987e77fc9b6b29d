import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankDocuments, type RankCandidate } from '../../../core/active-learning/ranking.js';
import {
  disagreement,
  mergeSignals,
  summariseTokens,
  type UncertaintySignals,
} from '../../../core/active-learning/signals.js';
import { shingles } from '../../../core/active-learning/near-duplicates.js';

const sig = (s: Partial<UncertaintySignals>): UncertaintySignals => ({
  tokens: 10,
  entityTokens: 2,
  meanEntropy: 0.1,
  maxEntropy: 0.2,
  minMargin: 0.9,
  ...s,
});

const texts = [
  'Bệnh nhân số 91 là phi công người Anh',
  'Bộ Y tế thông báo ca mắc mới tại Hà Nội',
  'Cô gái 25 tuổi ở quận Hoàn Kiếm bị sốt',
  'Ông ấy đã đi chuyến bay VN54 từ London',
  'Bệnh viện Bạch Mai tiếp nhận ba bệnh nhân',
];

const candidates: RankCandidate[] = texts.map((text, i) => ({
  id: i + 1,
  text,
  signals: sig({
    meanEntropy: [0.3, 0.9, 0.1, 0.5, 0.7][i],
    maxEntropy: [2, 0.5, 1, 0.2, 0.4][i],
    minMargin: [0.5, 0.95, 0.1, 0.6, 0.8][i],
    tokens: [9, 10, 10, 9, 8][i],
  }),
}));

test('each uncertainty strategy puts the document with the strongest signal first', () => {
  assert.deepEqual(
    rankDocuments(candidates, { strategy: 'entropy-mean' }).map((r) => r.id),
    [2, 5, 4, 1, 3],
  );
  assert.deepEqual(
    rankDocuments(candidates, { strategy: 'entropy-max' }).map((r) => r.id),
    [1, 3, 2, 5, 4],
  );
  assert.deepEqual(
    rankDocuments(candidates, { strategy: 'margin' }).map((r) => r.id),
    [3, 1, 4, 5, 2],
  );
});

test('total token entropy prefers a long uncertain sentence; its cost-aware variant is the mean over all tokens', () => {
  const docs: RankCandidate[] = [
    { id: 1, text: 'một hai ba bốn năm sáu bảy tám', signals: sig({ totalEntropy: 2.4, tokens: 8 }) },
    { id: 2, text: 'Hà Nội', signals: sig({ totalEntropy: 0.9, tokens: 2 }) },
    { id: 3, text: 'cũ', signals: sig({}) },
  ];
  assert.deepEqual(
    rankDocuments(docs, { strategy: 'entropy-total' }).map((r) => r.id),
    [1, 2, 3],
  );
  assert.deepEqual(
    rankDocuments(docs, { strategy: 'entropy-total', costAware: true }).map((r) => r.id),
    [2, 1, 3],
  );
});

test('cost-aware ranking divides by length, so a short uncertain document beats a long one', () => {
  const docs: RankCandidate[] = [
    { id: 1, text: 'một hai ba bốn năm sáu bảy tám chín mười', signals: sig({ meanEntropy: 1.0, tokens: 100 }) },
    { id: 2, text: 'Hà Nội', signals: sig({ meanEntropy: 0.5, tokens: 5 }) },
  ];
  assert.deepEqual(
    rankDocuments(docs, { strategy: 'entropy-mean' }).map((r) => r.id),
    [1, 2],
  );
  const aware = rankDocuments(docs, { strategy: 'entropy-mean', costAware: true });
  assert.deepEqual(
    aware.map((r) => r.id),
    [2, 1],
  );
  assert.equal(aware[0].score, 0.1);
  assert.equal(aware[0].reason.costAware, true);
});

test('random ranking is fixed by the seed, independent of input order, and changes with the seed', () => {
  const a = rankDocuments(candidates, { strategy: 'random', seed: 7 }).map((r) => r.id);
  const b = rankDocuments([...candidates].reverse(), { strategy: 'random', seed: 7 }).map((r) => r.id);
  assert.deepEqual(a, b);
  const seeds = [1, 2, 3, 4, 5].map((seed) =>
    rankDocuments(candidates, { strategy: 'random', seed })
      .map((r) => r.id)
      .join(),
  );
  assert.ok(new Set(seeds).size > 1, 'different seeds give different orders');
});

test('ties break by id and unscored documents (never pre-annotated, or no sampled runs) come last', () => {
  const docs: RankCandidate[] = [
    { id: 9, text: 'x y z', signals: sig({ meanEntropy: 0.4 }) },
    { id: 3, text: 'a b c' },
    { id: 4, text: 'd e f', signals: sig({ meanEntropy: 0.4 }) },
    { id: 1, text: 'g h i', signals: sig({ meanEntropy: 0.6, disagreement: 0.5 }) },
  ];
  const ranked = rankDocuments(docs, { strategy: 'entropy-mean' });
  assert.deepEqual(
    ranked.map((r) => r.id),
    [1, 4, 9, 3],
  );
  assert.equal(ranked[3].score, null);
  assert.equal(ranked[3].reason.unscored, true);
  assert.deepEqual(
    rankDocuments(docs, { strategy: 'disagreement' }).map((r) => r.id),
    [1, 3, 4, 9],
  );
});

test('a near-duplicate of a higher-ranked document is not queued next to it', () => {
  const base = 'Bệnh nhân số 91 là nam phi công người Anh 43 tuổi điều trị tại Bệnh viện Bệnh Nhiệt đới Trung ương';
  const docs: RankCandidate[] = [
    { id: 1, text: base, signals: sig({ meanEntropy: 0.9 }) },
    { id: 2, text: base.replace('91', '92').replace('43', '38'), signals: sig({ meanEntropy: 0.8 }) },
    { id: 3, text: 'Sở Y tế Đà Nẵng công bố ca bệnh mới', signals: sig({ meanEntropy: 0.1 }) },
  ];
  const ranked = rankDocuments(docs, { strategy: 'entropy-mean' });
  assert.deepEqual(
    ranked.map((r) => r.id),
    [1, 3, 2],
  );
  assert.equal(ranked[2].reason.nearDuplicateOf, 1);
  assert.deepEqual(
    rankDocuments(docs, { strategy: 'entropy-mean', duplicateThreshold: 1 }).map((r) => r.id),
    [1, 2, 3],
  );
});

test('shingles are case-insensitive syllable 3-grams with numbers folded', () => {
  assert.deepEqual([...shingles('Hà Nội đẹp lắm')], ['hà nội đẹp', 'nội đẹp lắm']);
  assert.deepEqual([...shingles('ca 243 mới')], ['ca # mới']);
  assert.deepEqual([...shingles('HÀ nội')], ['hà', 'nội']);
});

test('token signals summarise entity tokens, skip uncommitted positions, and merge across segments', () => {
  const { totalEntropy, ...s } = summariseTokens(
    [0.2, NaN, 1.0, 0.4],
    [0.9, NaN, 0.3, 0.7],
    [false, true, true, false],
  );
  assert.deepEqual(s, { tokens: 3, entityTokens: 1, meanEntropy: 1.0, maxEntropy: 1.0, minMargin: 0.3 });
  assert.ok(Math.abs(totalEntropy! - 1.6) < 1e-9);
  const none = summariseTokens([0.2, 0.4], [0.9, 0.8], [false, false]);
  assert.ok(Math.abs(none.meanEntropy - 0.3) < 1e-9, 'with no entity token, the mean is over all tokens');
  const merged = mergeSignals([
    sig({ tokens: 4, entityTokens: 1, meanEntropy: 1, maxEntropy: 1, minMargin: 0.5 }),
    sig({ tokens: 6, entityTokens: 3, meanEntropy: 0.2, maxEntropy: 3, minMargin: 0.7 }),
  ]);
  assert.equal(merged.tokens, 10);
  assert.ok(Math.abs(merged.meanEntropy - 0.4) < 1e-9);
  assert.equal(merged.maxEntropy, 3);
  assert.equal(merged.minMargin, 0.5);
});

test('disagreement is 1 − span F1 between two runs', () => {
  const a = [
    { label: 'LOCATION', start: 0, end: 6 },
    { label: 'AGE', start: 10, end: 12 },
  ];
  assert.equal(disagreement(a, a), 0);
  assert.equal(disagreement([], []), 0);
  assert.equal(disagreement(a, []), 1);
  assert.equal(disagreement(a, [a[0]]), 1 - 2 / 3);
});
