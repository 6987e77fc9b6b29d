// queue.next over the services: the unfinished documents ranked by their latest model run's signals, finished
// documents left out, never-pre-annotated ones last, with the reason for each place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UncertaintySignals } from '../../../core/active-learning/signals.js';
import type { EnginePort } from '../../../main/services/engine-port.js';
import { tempService } from './helpers.js';

// A stand-in whose uncertainty is spelled out in the text ("u=0.7"): enough to check the queue's order end to end.
const signalEngine: EnginePort = {
  device: () => ({ device: 'cpu', reason: 'test' }),
  models: () => [],
  async open() {
    return {
      modelName: 'signals',
      modelVersion: '1',
      package: null,
      device: { device: 'cpu', reason: 'test' },
      async annotateMany(texts) {
        return texts.map((text) => {
          const u = Number(/u=([\d.]+)/u.exec(text)?.[1] ?? 0);
          const signals: UncertaintySignals = {
            tokens: text.split(' ').length,
            entityTokens: 1,
            meanEntropy: u,
            maxEntropy: u,
            minMargin: 1 - u,
          };
          return { entities: [], signals };
        });
      },
      async close() {},
    };
  },
};

test('the queue ranks unfinished documents by the strategy, leaves finished ones out, and puts unscored ones last', async () => {
  const env = await tempService(signalEngine);
  try {
    const { service } = env;
    const lines = ['ca một u=0.2', 'ca hai u=0.9', 'ca ba u=0.5', 'ca bốn u=0.7', 'ca năm chưa chạy'];
    await service['documents.import']({
      projectId: 1,
      name: 'q.txt',
      contentBase64: Buffer.from(lines.join('\n')).toString('base64'),
      format: 'text',
      variant: 'lines',
    });
    const job = await service['preannotate.start']({
      projectId: 1,
      scope: 'selected',
      documentIds: [1, 2, 3, 4],
      model: { kind: 'embedded' },
    });
    assert.equal((await service.jobs.settled(job.id))?.state, 'done');
    await service['documents.setStatus']({ documentId: 4, status: 'done' });

    const queue = await service['queue.next']({ projectId: 1, strategy: 'entropy-mean' });
    assert.deepEqual(
      queue.items.map((i) => i.documentId),
      [2, 3, 1, 5],
    );
    assert.deepEqual([queue.total, queue.scored], [4, 3]);
    assert.equal(queue.items[0].reason.strategy, 'entropy-mean');
    assert.equal(queue.items[0].reason.value, 0.9);
    assert.equal(queue.items[3].reason.unscored, true);
    assert.equal(queue.items[3].score, null);
    // Each item carries the uncertainty the document list shows for it, so both views print the same number.
    const list = await service['documents.list']({ projectId: 1, limit: 100 });
    for (const item of queue.items)
      assert.equal(
        item.uncertainty,
        list.items.find((d) => d.id === item.documentId)!.uncertainty,
        `document ${item.documentId}`,
      );

    const limited = await service['queue.next']({ projectId: 1, strategy: 'margin', limit: 2 });
    assert.deepEqual(
      limited.items.map((i) => i.documentId),
      [2, 3],
    );
    const random = await service['queue.next']({ projectId: 1, strategy: 'random', seed: 3 });
    assert.equal(random.scored, 4, 'random needs no signals');
    assert.deepEqual(
      random.items.map((i) => i.documentId),
      (await service['queue.next']({ projectId: 1, strategy: 'random', seed: 3 })).items.map((i) => i.documentId),
    );
  } finally {
    await env.close();
  }
});

test('a near-duplicate of a document ranked above it goes to the end of the queue, with its twin named', async () => {
  const env = await tempService(signalEngine);
  try {
    const { service } = env;
    const lines = [
      'bệnh nhân sốt cao ho khan ở Hà Nội u=0.9',
      'ca hai u=0.5',
      'bệnh nhân sốt cao ho khan ở Hà Nội u=0.8',
      'ca bốn u=0.1',
    ];
    await service['documents.import']({
      projectId: 1,
      name: 'q.txt',
      contentBase64: Buffer.from(lines.join('\n')).toString('base64'),
      format: 'text',
      variant: 'lines',
    });
    const job = await service['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    assert.equal((await service.jobs.settled(job.id))?.state, 'done');
    const queue = await service['queue.next']({ projectId: 1, strategy: 'entropy-mean' });
    assert.deepEqual(
      queue.items.map((i) => i.documentId),
      [1, 2, 4, 3],
    );
    assert.equal(queue.items[3].reason.nearDuplicateOf, 1);
    assert.equal(queue.total, 4);
  } finally {
    await env.close();
  }
});
