import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canvasLength } from '../../../core/sampler/canvas.js';
import { lengthBuckets } from '../../../main/engine/batching.js';

test("'auto' sizes the canvas from the text and the output format, within the window", () => {
  assert.equal(canvasLength(512, { format: 'inline-tags' }, 20, 100), 512); // fixed: Dream's max_new_tokens
  assert.equal(canvasLength('auto', { format: 'inline-tags' }, 20, 100), 38);
  assert.equal(canvasLength('auto', { format: 'bio-lines' }, 20, 100), 68);
  assert.equal(canvasLength('auto', { format: 'inline-tags' }, 200, 100), 100);
  assert.equal(canvasLength('auto', { format: 'aligned-bio' }, 20, 100), 20);
  assert.equal(canvasLength('auto', { format: 'inline-tags', canvas: { perTextToken: 1, extra: 2 } }, 20, 100), 22);
});

test('length buckets keep every row once, bound rows and padding, and keep rows in order', () => {
  const lengths = [30, 200, 31, 35, 210, 32, 33, 34, 36, 37, 38];
  const batches = lengthBuckets(lengths, { maxRows: 4, maxTokens: 10_000, maxSpread: 1.25 });
  assert.deepEqual(
    batches.flat().sort((a, b) => a - b),
    lengths.map((_, i) => i),
  );
  for (const batch of batches) {
    assert.ok(batch.length <= 4);
    assert.deepEqual(
      batch,
      [...batch].sort((a, b) => a - b),
    );
    const ls = batch.map((i) => lengths[i]);
    assert.ok(Math.max(...ls) <= Math.min(...ls) * 1.25 + 8);
  }
  assert.ok(
    batches.some((b) => b.includes(1) && b.includes(4)),
    'the two long rows share a batch',
  );
  assert.deepEqual(lengthBuckets([500, 500], { maxRows: 8, maxTokens: 600, maxSpread: 2 }), [[0], [1]]);
});
