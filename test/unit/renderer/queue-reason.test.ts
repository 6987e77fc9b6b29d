// The queue's reasons in both UI languages: each strategy's signal, cost-aware division, missing signals, near-duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueueItem } from '../../../core/contract/types.js';
import { describeReason, fill, formatScore } from '../../../renderer/src/lib/queue-reason.js';

type Item = Pick<QueueItem, 'reason' | 'score' | 'status'>;
const item = (strategy: string, value: number, over: Partial<Item['reason']> = {}, score: number | null = value, status: Item['status'] = 'pre-annotated'): Item => ({
  status, score, reason: { strategy, value, costAware: false, tokens: 23, ...over },
});

test('each strategy names its signal with the value and token count', () => {
  assert.equal(describeReason(item('entropy-mean', 0.8412), 'en'), 'mean entity-token entropy 0.84 over 23 tokens');
  assert.equal(describeReason(item('entropy-mean', 0.8412), 'vi'), 'entropy trung bình của token thực thể 0.84 trên 23 token');
  assert.equal(describeReason(item('entropy-max', 1.5), 'en'), 'highest token entropy 1.50 over 23 tokens');
  // The ranking reads 1 − margin; the reason shows the margin itself too.
  assert.equal(describeReason(item('margin', 0.7), 'en'), 'smallest top-2 margin 0.30 (1 − margin = 0.70)');
  assert.equal(describeReason(item('disagreement', 0.4), 'en'), 'two sampled runs disagree 0.40 (1 − F1)');
  assert.equal(describeReason(item('random', 0.123), 'en'), 'random draw 0.12 (baseline)');
});

test('cost-aware reasons show the division by length, except for random draws', () => {
  const costly = item('entropy-mean', 0.84, { costAware: true }, 0.84 / 23);
  assert.equal(describeReason(costly, 'en'), 'mean entity-token entropy 0.84 over 23 tokens, per token over 23 tokens → 0.037');
  assert.match(describeReason(costly, 'vi'), /chia cho 23 token → 0\.037$/);
  const tiny = item('entropy-mean', 0.01, { costAware: true, tokens: 200 }, 0.01 / 200);
  assert.match(describeReason(tiny, 'en'), /→ 5\.0e-5$/);
  assert.equal(describeReason(item('random', 0.5, { costAware: true }), 'en'), 'random draw 0.50 (baseline)');
});

test('unscored documents say why: never pre-annotated, no signals, or no sampled runs', () => {
  assert.equal(describeReason(item('entropy-mean', 0, { unscored: true, tokens: 0 }, null, 'new'), 'en'), 'not pre-annotated yet');
  assert.equal(describeReason(item('entropy-mean', 0, { unscored: true, tokens: 0 }, null, 'new'), 'vi'), 'chưa gán nhãn trước');
  assert.equal(describeReason(item('entropy-mean', 0, { unscored: true, tokens: 0 }, null, 'in_progress'), 'en'), 'the latest model run recorded no uncertainty signals');
  assert.match(describeReason(item('disagreement', 0, { unscored: true, tokens: 12 }, null), 'en'), /^disagreement not measured: pre-annotate with “Measure disagreement”$/);
});

test('near-duplicates name the document they duplicate when it is shown, else its id', () => {
  const dup = item('entropy-mean', 0.5, { nearDuplicateOf: 12 });
  assert.equal(describeReason(dup, 'en'), 'mean entity-token entropy 0.50 over 23 tokens; near-duplicate of #12, moved down');
  assert.equal(describeReason(dup, 'en', (id) => (id === 12 ? 'ca-12.txt' : undefined)), 'mean entity-token entropy 0.50 over 23 tokens; near-duplicate of ca-12.txt (#12), moved down');
  assert.match(describeReason(dup, 'vi'), /; gần trùng với #12, dời xuống$/);
  const unscoredDup = item('entropy-mean', 0, { unscored: true, tokens: 0, nearDuplicateOf: 3 }, null, 'new');
  assert.equal(describeReason(unscoredDup, 'en'), 'not pre-annotated yet; near-duplicate of #3, moved down');
});

test('scores and templates', () => {
  assert.equal(formatScore(null), '—');
  assert.equal(formatScore(0.84123), '0.841');
  assert.equal(fill('en', 'queueCount', { total: 5, scored: 2 }), '5 unfinished documents, 2 with a signal');
  assert.equal(fill('en', 'finishedDocs'), '{done} finished documents (at least 10 needed)');
});
