// The queue's reasons in both UI languages: each strategy's signal, cost-aware division, missing signals, near-duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueueItem } from '../../../core/contract/types.js';
import { describeReason, fill, formatScore } from '../../../renderer/src/lib/queue-reason.js';

type Item = Pick<QueueItem, 'reason' | 'score' | 'status'>;
const item = (
  strategy: string,
  value: number,
  over: Partial<Item['reason']> = {},
  score: number | null = value,
  status: Item['status'] = 'pre-annotated',
): Item => ({
  status,
  score,
  reason: { strategy, value, costAware: false, tokens: 23, ...over },
});

test('each strategy names its signal with the value and token count', () => {
  assert.equal(
    describeReason(item('entropy-mean', 0.8412), 'en'),
    'the model is unsure of the entities it marked (average doubt 0.84, 23 text pieces)',
  );
  assert.equal(
    describeReason(item('entropy-mean', 0.8412), 'vi'),
    'mô hình chưa chắc về các thực thể nó đánh dấu (độ phân vân trung bình 0.84, 23 đoạn văn bản)',
  );
  assert.equal(
    describeReason(item('entropy-max', 1.5), 'en'),
    'the model is very unsure at one spot, perhaps a missed entity (highest doubt 1.50, 23 text pieces)',
  );
  // The ranking reads 1 − margin; the reason shows the margin itself too.
  assert.equal(
    describeReason(item('margin', 0.7), 'en'),
    'the model is torn between two labels: its top two choices are only 0.30 apart (score 0.70)',
  );
  assert.equal(
    describeReason(item('disagreement', 0.4), 'en'),
    'two runs of the model gave different entities (difference 0.40; 0 = identical)',
  );
  assert.equal(describeReason(item('random', 0.123), 'en'), 'picked at random for comparison (draw 0.12)');
});

test('cost-aware reasons show the division by length, except for random draws', () => {
  const costly = item('entropy-mean', 0.84, { costAware: true }, 0.84 / 23);
  assert.equal(
    describeReason(costly, 'en'),
    'the model is unsure of the entities it marked (average doubt 0.84, 23 text pieces), divided by its length of 23 text pieces → 0.037',
  );
  assert.match(describeReason(costly, 'vi'), /chia cho độ dài 23 đoạn → 0\.037$/);
  const tiny = item('entropy-mean', 0.01, { costAware: true, tokens: 200 }, 0.01 / 200);
  assert.match(describeReason(tiny, 'en'), /→ 5\.0e-5$/);
  assert.equal(
    describeReason(item('random', 0.5, { costAware: true }), 'en'),
    'picked at random for comparison (draw 0.50)',
  );
});

test('unscored documents say why: never pre-annotated, no signals, or no sampled runs', () => {
  assert.equal(
    describeReason(item('entropy-mean', 0, { unscored: true, tokens: 0 }, null, 'new'), 'en'),
    'not pre-annotated yet',
  );
  assert.equal(
    describeReason(item('entropy-mean', 0, { unscored: true, tokens: 0 }, null, 'new'), 'vi'),
    'chưa gán nhãn trước',
  );
  assert.equal(
    describeReason(item('entropy-mean', 0, { unscored: true, tokens: 0 }, null, 'in_progress'), 'en'),
    'the latest model run measured no doubt',
  );
  assert.match(
    describeReason(item('disagreement', 0, { unscored: true, tokens: 12 }, null), 'en'),
    /^two runs not compared yet: pre-annotate with “Measure disagreement”$/,
  );
});

test('near-duplicates name the document they duplicate when it is shown, else its id', () => {
  const dup = item('entropy-mean', 0.5, { nearDuplicateOf: 12 });
  assert.equal(
    describeReason(dup, 'en'),
    'the model is unsure of the entities it marked (average doubt 0.50, 23 text pieces); almost the same as #12, so moved down',
  );
  assert.equal(
    describeReason(dup, 'en', (id) => (id === 12 ? 'ca-12.txt' : undefined)),
    'the model is unsure of the entities it marked (average doubt 0.50, 23 text pieces); almost the same as ca-12.txt (#12), so moved down',
  );
  assert.match(describeReason(dup, 'vi'), /; gần giống hệt #12 nên được dời xuống$/);
  const unscoredDup = item('entropy-mean', 0, { unscored: true, tokens: 0, nearDuplicateOf: 3 }, null, 'new');
  assert.equal(describeReason(unscoredDup, 'en'), 'not pre-annotated yet; almost the same as #3, so moved down');
});

test('no reason speaks jargon: entropy, token, margin, baseline are not words of the annotator', () => {
  const items = [
    item('entropy-mean', 0.5),
    item('entropy-max', 0.5),
    item('entropy-total', 3),
    item('margin', 0.5),
    item('disagreement', 0.5),
    item('random', 0.5),
    item('entropy-mean', 0.5, { costAware: true, nearDuplicateOf: 2 }, 0.02),
    item('entropy-mean', 0, { unscored: true, tokens: 4 }, null, 'in_progress'),
  ];
  for (const locale of ['vi', 'en'] as const) {
    for (const it of items)
      assert.doesNotMatch(
        describeReason(it, locale),
        /entropy|token|margin|baseline|top-2|1 − /i,
        `${locale}: ${describeReason(it, locale)}`,
      );
  }
});

test('scores and templates', () => {
  assert.equal(formatScore(null), '—');
  assert.equal(formatScore(0.84123), '0.841');
  assert.equal(fill('en', 'queueCount', { total: 5, scored: 2 }), '5 unfinished documents, 2 measured by the model');
  assert.equal(fill('en', 'queueCount', { total: 1, scored: 1 }), '1 unfinished document, 1 measured by the model');
  assert.equal(fill('en', 'finishedDocs', { done: 1 }), '1 finished document (at least 10 needed)');
  assert.equal(fill('en', 'finishedDocs', { done: 7 }), '7 finished documents (at least 10 needed)');
  assert.equal(fill('vi', 'finishedDocs', { done: 1 }), '1 tài liệu đã xong (cần ít nhất 10)');
  // A parameter left out stays as written, so a forgotten one shows in review rather than as a blank.
  assert.equal(fill('en', 'finishedDocs'), '{done} finished {done|document|documents} (at least 10 needed)');
});
