// Edits are saved one after another, each with the previous save's revision as parent; a failure stops the chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SaveQueue, type SaveRequest } from '../../../renderer/src/editor/save-queue.js';

test('a burst of edits becomes a chain of revisions', async () => {
  const seen: SaveRequest[] = [];
  let id = 10;
  const queue = new SaveQueue(
    1,
    10,
    async (r) => {
      seen.push(r);
      return { revisionId: ++id, revision: id - 9 };
    },
    () => {},
    (e) => assert.fail(e),
  );
  for (let i = 0; i < 3; i++) queue.push([{ label: 'A', start: i, end: i + 1 }]);
  assert.equal(queue.pending, 3);
  await queue.flush();
  assert.equal(queue.pending, 0);
  assert.deepEqual(
    seen.map((r) => r.parentRevisionId),
    [10, 11, 12],
  );
  assert.equal(queue.parentRevisionId, 13);
});

test('after a refused save later edits are not sent, and the error is reported once', async () => {
  const errors: Error[] = [];
  let calls = 0;
  const queue = new SaveQueue(
    1,
    null,
    async () => {
      calls++;
      throw new Error('conflict');
    },
    () => {},
    (e) => errors.push(e),
  );
  queue.push([]);
  queue.push([]);
  await queue.flush();
  assert.equal(calls, 1);
  assert.equal(errors.length, 1);
  assert.ok(queue.broken);
});

test('with a defer step, each save waits for it (the editor lets the keystroke paint first), still in order', async () => {
  const order: string[] = [];
  const gates: (() => void)[] = [];
  const queue = new SaveQueue(
    1,
    null,
    async (r) => {
      order.push(`save ${r.entities.length}`);
      return { revisionId: r.entities.length + 1, revision: r.entities.length + 1 };
    },
    () => {},
    (e) => assert.fail(e),
    () =>
      new Promise<void>((resolve) =>
        gates.push(() => {
          order.push('painted');
          resolve();
        }),
      ),
  );
  queue.push([]);
  queue.push([{ label: 'A', start: 0, end: 1 }]);
  await Promise.resolve();
  assert.deepEqual(order, [], 'nothing is sent before the defer step resolves');
  while (queue.pending > 0) {
    await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  }
  await queue.flush();
  assert.deepEqual(order, ['painted', 'save 0', 'painted', 'save 1']);
  assert.equal(queue.parentRevisionId, 2);
});

test('a reject or reopen waits its turn among the saves and keeps the parent; a refused one stops the chain', async () => {
  const order: string[] = [];
  const errors: Error[] = [];
  let id = 10;
  const queue = new SaveQueue(
    1,
    10,
    async (r) => {
      order.push(`save ${r.parentRevisionId} ${r.outcomes?.map((o) => o.outcome).join() ?? ''}`);
      return { revisionId: ++id, revision: id - 9 };
    },
    () => {},
    (e) => errors.push(e),
  );
  queue.push([{ label: 'A', start: 0, end: 1 }], [{ suggestedSpanId: 5, outcome: 'accepted' }]);
  queue.run(async () => void order.push('reject 6'));
  queue.push([], [{ suggestedSpanId: 5, outcome: 'reopened' }], 'undo');
  queue.run(async () => void order.push('reopen 6'));
  assert.equal(queue.pending, 4);
  await queue.flush();
  assert.deepEqual(order, ['save 10 accepted', 'reject 6', 'save 11 reopened', 'reopen 6']);
  assert.equal(queue.pending, 0);
  assert.equal(queue.parentRevisionId, 12);

  queue.run(async () => {
    throw new Error('suggestion 6 is pending, not rejected');
  });
  queue.push([]);
  await queue.flush();
  assert.deepEqual(
    errors.map((e) => e.message),
    ['suggestion 6 is pending, not rejected'],
  );
  assert.ok(queue.broken);
  assert.equal(order.length, 4, 'nothing is sent after the refusal');
});
