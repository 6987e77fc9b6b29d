// The services behind the UI: append-only revisions with a parent check, suggestion outcomes, listing and search,
// pre-annotation jobs with progress and cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import { ContractError } from '../../../core/contract/errors.js';
import type { Entity } from '../../../core/document.js';
import type { EnginePort } from '../../../main/services/engine-port.js';
import { tempService } from './helpers.js';

const TEXT = 'Bệnh nhân ở Đà Nẵng bị sốt.\nBà Hoa ở Huế khỏe.\n';

/** An engine that suggests "Đà Nẵng" and waits for `release` before each document, so a test can cancel mid-job. */
function steppedEngine(): { engine: EnginePort; release: () => void } {
  const waiting: (() => void)[] = [];
  let released = 0;
  const device = { device: 'cpu' as const, reason: 'test' };
  return {
    release: () => (waiting.length ? waiting.shift()!() : released++),
    engine: {
      device: () => device,
      models: () => [],
      async open() {
        return {
          modelName: 'stepped', modelVersion: '1', modelId: null, device,
          annotate: (text: string, signal: AbortSignal) => new Promise<Entity[]>((resolve, reject) => {
            signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
            const go = () => {
              const at = Array.from(text).join('').indexOf('Đà Nẵng');
              resolve(at < 0 ? [] : [{ label: 'LOCATION', start: at, end: at + 7, score: 0.8 }]);
            };
            if (released > 0) {
              released--;
              go();
            } else waiting.push(go);
          }),
          async close() {},
        };
      },
    },
  };
}

test('edits append revisions; a stale parent is refused as a conflict', async () => {
  const env = await tempService();
  try {
    const s = env.service;
    await s['documents.import']({ projectId: 1, name: 'a.txt', content: TEXT, format: 'text' });
    const doc = await s['documents.get']({ documentId: 1 });
    assert.equal(doc.revisionId, null);
    const first = await s['annotations.save']({ documentId: 1, parentRevisionId: null, entities: [{ label: 'LOCATION', start: 12, end: 19 }] });
    assert.equal(first.revision, 1);
    assert.equal(first.status, 'in_progress');
    const second = await s['annotations.save']({ documentId: 1, parentRevisionId: first.revisionId, entities: [] , note: 'undo' });
    assert.equal(second.revision, 2);
    await assert.rejects(s['annotations.save']({ documentId: 1, parentRevisionId: first.revisionId, entities: [] }), (e: ContractError) => e.code === 'conflict');
    await assert.rejects(s['annotations.save']({ documentId: 1, parentRevisionId: second.revisionId, entities: [{ label: 'A', start: 0, end: 999 }] }), (e: ContractError) => e.field === 'entities.0.end');
    const history = await s['annotations.history']({ documentId: 1 });
    assert.deepEqual(history.map((r) => [r.revision, r.entityCount, r.note]), [[1, 1, null], [2, 0, 'undo']]);
  } finally {
    await env.close();
  }
});

test('listing searches text and labels, filters status, and reports progress', async () => {
  const env = await tempService();
  try {
    const s = env.service;
    await s['documents.import']({ projectId: 1, name: 'a.txt', content: TEXT, format: 'text' });
    await s['annotations.save']({ documentId: 2, parentRevisionId: null, entities: [{ label: 'LOCATION', start: 8, end: 11 }] });
    await s['documents.setStatus']({ documentId: 2, status: 'done' });
    assert.deepEqual((await s['documents.list']({ projectId: 1, text: 'đà nẵng' })).items.map((d) => d.id), [1]);
    assert.deepEqual((await s['documents.list']({ projectId: 1, label: 'LOCATION' })).items.map((d) => d.id), [2]);
    assert.deepEqual((await s['documents.list']({ projectId: 1, status: 'done' })).items.map((d) => d.entityCount), [1]);
    const progress = await s['documents.progress']({ projectId: 1 });
    assert.deepEqual([progress.done, progress.total, progress.byLabel.LOCATION], [1, 2, 1]);
    assert.deepEqual(await s['documents.adjacent']({ projectId: 1, documentId: 1, direction: 'next' }), { documentId: 2 });
    assert.deepEqual(await s['documents.adjacent']({ projectId: 1, documentId: 2, direction: 'next' }), { documentId: null });
  } finally {
    await env.close();
  }
});

test('a job reports progress, stores suggestions (not annotations) and stops when cancelled', async () => {
  const { engine, release } = steppedEngine();
  const env = await tempService(engine);
  try {
    const s = env.service;
    const events: WorkbenchEvent[] = [];
    s.events.on((e) => events.push(e));
    await s['documents.import']({ projectId: 1, name: 'a.txt', content: TEXT + 'Ở Đà Nẵng.\n', format: 'text' });
    const job = await s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    assert.equal(job.total, 3);
    await assert.rejects(s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } }), (e: ContractError) => e.code === 'conflict');
    release();
    release();
    // Each stored document is announced (progress events themselves are throttled).
    const stored = () => events.filter((e) => e.type === 'document.changed' && e.reason === 'suggestions').length;
    await new Promise<void>((resolve) => {
      if (stored() === 2) return resolve();
      const off = s.events.on(() => stored() === 2 && (off(), resolve()));
    });
    await s['jobs.cancel']({ jobId: job.id });
    const finished = await s.jobs.settled(job.id);
    assert.equal(finished?.state, 'cancelled');
    assert.equal(finished?.done, 2);
    const doc = await s['documents.get']({ documentId: 1 });
    assert.equal(doc.status, 'pre-annotated');
    assert.equal(doc.entities.length, 0, 'suggestions are not annotations');
    assert.deepEqual(doc.suggestions.map((x) => [x.label, x.score, x.source]), [['LOCATION', 0.8, 'stepped 1']]);
    assert.equal((await s['documents.get']({ documentId: 3 })).status, 'new', 'the cancelled document was left alone');
    // Accepting records the outcome with the revision; rejecting hides the rest.
    const saved = await s['annotations.save']({ documentId: 1, parentRevisionId: null, entities: [doc.suggestions[0]].map(({ label, start, end }) => ({ label, start, end })), outcomes: [{ suggestedSpanId: doc.suggestions[0].id, outcome: 'accepted' }] });
    assert.equal((await s['documents.get']({ documentId: 1 })).suggestions.length, 0);
    assert.equal(env.store.stats.outcomes(1)[0].key, 'accepted');
    assert.ok(saved.revisionId > 0);
    assert.ok(events.some((e) => e.type === 'job.finished'));
  } finally {
    await env.close();
  }
});

test('an engine that is not there fails the job with its reason', async () => {
  const env = await tempService();
  try {
    const s = env.service;
    await s['documents.import']({ projectId: 1, name: 'a.txt', content: TEXT, format: 'text' });
    const job = await s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    const finished = await s.jobs.settled(job.id);
    assert.equal(finished?.state, 'failed');
    assert.match(finished?.error ?? '', /engine/);
    assert.equal((await s['models.list']()).device.device, 'none');
  } finally {
    await env.close();
  }
});
