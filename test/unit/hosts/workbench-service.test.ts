// The services behind the UI: append-only revisions with a parent check, suggestion outcomes, listing and search,
// pre-annotation jobs with progress and cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import { ContractError } from '../../../core/contract/errors.js';
import type { Entity } from '../../../core/document.js';
import {
  abortError,
  type BatchProgress,
  type EnginePort,
  type OpenedPackage,
} from '../../../main/services/engine-port.js';
import { tempService } from './helpers.js';

const TEXT = 'Bệnh nhân ở Đà Nẵng bị sốt.\nBà Hoa ở Huế khỏe.\n';

/**
 * An engine that suggests "Đà Nẵng" and waits for `release` before each text, so a test can cancel mid-job. Like the
 * real engine, an aborted call yields nothing for any of its texts.
 */
function steppedEngine(pkg: OpenedPackage | null = null) {
  const waiting: (() => void)[] = [];
  let released = 0;
  const calls: number[] = [];
  // Resolves when the engine starts on its n-th text (1-based) of the job.
  let started = 0;
  const starts: { n: number; resolve: () => void }[] = [];
  const startedText = (n: number) =>
    new Promise<void>((resolve) => (started >= n ? resolve() : starts.push({ n, resolve })));
  const device = { device: 'cpu' as const, reason: 'test' };
  const next = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      started++;
      for (const s of starts.filter((x) => x.n <= started)) s.resolve();
      if (released > 0) {
        released--;
        return resolve();
      }
      waiting.push(resolve);
      signal.addEventListener(
        'abort',
        () => {
          waiting.splice(waiting.indexOf(resolve), 1);
          reject(abortError());
        },
        { once: true },
      );
    });
  const engine: EnginePort = {
    device: () => device,
    models: () => [],
    async open() {
      return {
        modelName: 'stepped',
        modelVersion: '1',
        package: pkg,
        device,
        async annotateMany(texts: readonly string[], signal: AbortSignal, onProgress?: (p: BatchProgress) => void) {
          calls.push(texts.length);
          const out: { entities: Entity[] }[] = [];
          for (const text of texts) {
            await next(signal);
            const at = text.indexOf('Đà Nẵng');
            out.push({ entities: at < 0 ? [] : [{ label: 'LOCATION', start: at, end: at + 7, score: 0.8 }] });
            onProgress?.({ textsDone: out.length, texts: texts.length, fraction: out.length / texts.length });
          }
          return out;
        },
        async close() {},
      };
    },
  };
  return { engine, calls, startedText, release: () => (waiting.length ? waiting.shift()!() : released++) };
}

test('edits append revisions; a stale parent is refused as a conflict', async () => {
  const env = await tempService();
  try {
    const s = env.service;
    await s['documents.import']({
      projectId: 1,
      name: 'a.txt',
      contentBase64: Buffer.from(TEXT).toString('base64'),
      format: 'text',
    });
    const doc = await s['documents.get']({ documentId: 1 });
    assert.equal(doc.revisionId, null);
    const first = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: null,
      entities: [{ label: 'LOCATION', start: 12, end: 19 }],
    });
    assert.equal(first.revision, 1);
    assert.equal(first.status, 'in_progress');
    const second = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: first.revisionId,
      entities: [],
      note: 'undo',
    });
    assert.equal(second.revision, 2);
    await assert.rejects(
      s['annotations.save']({ documentId: 1, parentRevisionId: first.revisionId, entities: [] }),
      (e: ContractError) => e.code === 'conflict',
    );
    await assert.rejects(
      s['annotations.save']({
        documentId: 1,
        parentRevisionId: second.revisionId,
        entities: [{ label: 'A', start: 0, end: 999 }],
      }),
      (e: ContractError) => e.field === 'entities.0.end',
    );
    const history = await s['annotations.history']({ documentId: 1 });
    assert.deepEqual(
      history.map((r) => [r.revision, r.entityCount, r.note]),
      [
        [1, 1, null],
        [2, 0, 'undo'],
      ],
    );
    // One revision with its entities (the editor restores it as a new revision).
    const old = await s['annotations.revision']({ documentId: 1, revisionId: first.revisionId });
    assert.deepEqual([old.revision, old.entities], [1, [{ label: 'LOCATION', start: 12, end: 19 }]]);
    await assert.rejects(
      s['annotations.revision']({ documentId: 1, revisionId: 999 }),
      (e: ContractError) => e.code === 'not-found' && e.field === 'revisionId',
    );
  } finally {
    await env.close();
  }
});

test('listing searches text and labels, filters status, and reports progress', async () => {
  const env = await tempService();
  try {
    const s = env.service;
    await s['documents.import']({
      projectId: 1,
      name: 'a.txt',
      contentBase64: Buffer.from(TEXT).toString('base64'),
      format: 'text',
    });
    await s['annotations.save']({
      documentId: 2,
      parentRevisionId: null,
      entities: [{ label: 'LOCATION', start: 8, end: 11 }],
    });
    await s['documents.setStatus']({ documentId: 2, status: 'done' });
    assert.deepEqual(
      (await s['documents.list']({ projectId: 1, text: 'đà nẵng' })).items.map((d) => d.id),
      [1],
    );
    assert.deepEqual(
      (await s['documents.list']({ projectId: 1, label: 'LOCATION' })).items.map((d) => d.id),
      [2],
    );
    assert.deepEqual(
      (await s['documents.list']({ projectId: 1, status: 'done' })).items.map((d) => d.entityCount),
      [1],
    );
    const progress = await s['documents.progress']({ projectId: 1 });
    assert.deepEqual([progress.done, progress.total, progress.byLabel.LOCATION], [1, 2, 1]);
    assert.deepEqual(await s['documents.adjacent']({ projectId: 1, documentId: 1, direction: 'next' }), {
      documentId: 2,
    });
    assert.deepEqual(await s['documents.adjacent']({ projectId: 1, documentId: 2, direction: 'next' }), {
      documentId: null,
    });
  } finally {
    await env.close();
  }
});

test('a job reports progress, stores suggestions (not annotations) and stops when cancelled', async () => {
  const { engine, release, calls } = steppedEngine();
  // Chunks of one document, so each release stores one; chunks of several are the next test's.
  const env = await tempService(engine, { chunk: { documents: 1, characters: 1e6 } });
  try {
    const s = env.service;
    const events: WorkbenchEvent[] = [];
    s.events.on((e) => events.push(e));
    await s['documents.import']({
      projectId: 1,
      name: 'a.txt',
      contentBase64: Buffer.from(TEXT + 'Ở Đà Nẵng.\n').toString('base64'),
      format: 'text',
    });
    const job = await s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    assert.equal(job.total, 3);
    await assert.rejects(
      s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } }),
      (e: ContractError) => e.code === 'conflict',
    );
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
    assert.deepEqual(
      doc.suggestions.map((x) => [x.label, x.score, x.source]),
      [['LOCATION', 0.8, 'stepped 1']],
    );
    assert.equal((await s['documents.get']({ documentId: 3 })).status, 'new', 'the cancelled document was left alone');
    // Accepting records the outcome with the revision; rejecting hides the rest.
    const saved = await s['annotations.save']({
      documentId: 1,
      parentRevisionId: null,
      entities: [doc.suggestions[0]].map(({ label, start, end }) => ({ label, start, end })),
      outcomes: [{ suggestedSpanId: doc.suggestions[0].id, outcome: 'accepted' }],
    });
    assert.equal((await s['documents.get']({ documentId: 1 })).suggestions.length, 0);
    assert.equal(env.store.stats.outcomes(1)[0].key, 'accepted');
    assert.ok(saved.revisionId > 0);
    assert.ok(events.some((e) => e.type === 'job.finished'));
    assert.deepEqual(calls, [1, 1, 1]);
  } finally {
    await env.close();
  }
});

test('documents go to the engine in chunks; a cancel drops the chunk in flight; a package is registered', async () => {
  const { engine, release, calls, startedText } = steppedEngine({
    path: '/models/stepped',
    manifest: { name: 'stepped', version: '1' },
  });
  const env = await tempService(engine, { chunk: { documents: 2, characters: 1e6 } });
  try {
    const s = env.service;
    const events: WorkbenchEvent[] = [];
    s.events.on((e) => events.push(e));
    await s['documents.import']({
      projectId: 1,
      name: 'a.txt',
      contentBase64: Buffer.from(TEXT + 'Ở Đà Nẵng.\nĐà Nẵng mưa.\n').toString('base64'),
      format: 'text',
    });
    const job = await s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    release();
    release();
    release(); // the first text of the second chunk is finished, the second is not
    await startedText(4);
    await s['jobs.cancel']({ jobId: job.id });
    const finished = await s.jobs.settled(job.id);
    assert.deepEqual(calls, [2, 2]);
    assert.deepEqual([finished?.state, finished?.done, finished?.spans], ['cancelled', 2, 1]);
    assert.deepEqual(
      [(await s['documents.get']({ documentId: 1 })).status, (await s['documents.get']({ documentId: 3 })).status],
      ['pre-annotated', 'new'],
    );
    assert.deepEqual(
      (await s['documents.get']({ documentId: 3 })).suggestions,
      [],
      'the chunk in flight stored nothing',
    );
    const [model] = env.store.models.list();
    assert.deepEqual(
      [model.name, model.version, model.path, model.manifest],
      ['stepped', '1', '/models/stepped', { name: 'stepped', version: '1' }],
    );
    assert.deepEqual(
      env.store.suggestions.forDocument(1).map((x) => x.modelId),
      [model.id],
    );
    const progress = events.flatMap((e) => (e.type === 'job.progress' ? [e.job.progress] : []));
    assert.ok(
      progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1])),
      `progress only grows: ${progress.join(' ')}`,
    );
    // A second job with the same package keeps its registry entry.
    const again = await s['preannotate.start']({
      projectId: 1,
      scope: 'selected',
      documentIds: [3],
      model: { kind: 'embedded' },
    });
    release();
    assert.equal((await s.jobs.settled(again.id))?.state, 'done');
    assert.equal(env.store.models.list().length, 1);
    assert.deepEqual(
      env.store.suggestions.forDocument(3).map((x) => x.modelId),
      [model.id],
    );
  } finally {
    await env.close();
  }
});

test('a chunk holds at most its share of characters, and at least one document', async () => {
  const { engine, release, calls } = steppedEngine();
  const texts = ['a'.repeat(30), 'b'.repeat(12), 'c'.repeat(10), 'd'.repeat(8), 'e'.repeat(50)];
  const env = await tempService(engine, { chunk: { documents: 10, characters: 30 } });
  try {
    const s = env.service;
    await s['documents.import']({
      projectId: 1,
      name: 'a.txt',
      contentBase64: Buffer.from(texts.join('\n') + '\n').toString('base64'),
      format: 'text',
    });
    for (let i = 0; i < texts.length; i++) release();
    const job = await s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    const finished = await s.jobs.settled(job.id);
    assert.deepEqual([finished?.state, finished?.done, finished?.progress], ['done', 5, 1]);
    assert.deepEqual(calls, [1, 3, 1]);
  } finally {
    await env.close();
  }
});

test('an engine that is not there fails the job with its reason', async () => {
  const env = await tempService();
  try {
    const s = env.service;
    await s['documents.import']({
      projectId: 1,
      name: 'a.txt',
      contentBase64: Buffer.from(TEXT).toString('base64'),
      format: 'text',
    });
    const job = await s['preannotate.start']({ projectId: 1, scope: 'unfinished', model: { kind: 'embedded' } });
    const finished = await s.jobs.settled(job.id);
    assert.equal(finished?.state, 'failed');
    assert.match(finished?.error ?? '', /engine/);
    assert.equal((await s['models.list']()).device.device, 'none');
  } finally {
    await env.close();
  }
});
